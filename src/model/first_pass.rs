//! The first Markdown pass over every page ([`first_pass`]), and what a build may take from the one
//! before instead of reading a page again: its [`Outline`].

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Page, SiteResolver, root_for};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::content::SourcePage;
use crate::markdown::{self, PendingAnchor, Rendered, TextSection, TocEntry};

/// How the first pass reads the pages.
#[derive(Clone, Copy)]
pub enum Reading<'a> {
    /// Every page, search sections included.
    Full,
    /// Each page as the function says (a build that keeps its search index, or updates it from the
    /// pages that changed: `engine::recycled`, `engine::page_text`).
    Partly(&'a (dyn Fn(&SourcePage) -> PageReading + Sync)),
}

/// How the first pass reads one page ([`Reading::Partly`]).
pub enum PageReading {
    /// Not at all: a build before read the same inputs and noted its outline.
    Noted(Outline),
    /// Without search sections.
    WithoutSearch,
    /// Search sections included.
    Full,
}

/// What the first pass learns of a page when it makes no search sections and finds no problem: the
/// page's table of contents, anchors, links to check and shortcodes. Every check of the model
/// (links, anchors across pages, the features') still runs on it. Stored as tuples: a build of
/// 10,000 pages keeps one per page.
#[derive(Serialize, Deserialize)]
pub struct Outline {
    toc: Vec<(u8, String, String)>,
    anchors: Vec<String>,
    links: Vec<(String, String, usize, usize)>,
    shortcodes: Vec<String>,
}

/// An [`Outline`] as it is written, borrowed from its page.
#[derive(Serialize)]
pub struct OutlineOf<'a> {
    toc: Vec<(u8, &'a str, &'a str)>,
    anchors: Vec<&'a str>,
    links: Vec<(&'a str, &'a str, usize, usize)>,
    shortcodes: &'a [String],
}

impl Page {
    /// This page's outline, to be noted for the next build.
    pub fn outline(&self) -> OutlineOf<'_> {
        let mut anchors: Vec<&str> = self.anchors.iter().map(String::as_str).collect();
        anchors.sort_unstable(); // identical builds, identical notes
        OutlineOf {
            toc: self.toc.iter().map(|t| (t.level, t.id.as_str(), t.title.as_str())).collect(),
            anchors,
            links: self.links.iter().map(|l| (l.target.as_str(), l.anchor.as_str(), l.line, l.column)).collect(),
            shortcodes: &self.shortcodes,
        }
    }
}

impl Outline {
    fn into_rendered(self) -> Rendered {
        Rendered {
            toc: self.toc.into_iter().map(|(level, id, title)| TocEntry { level, id, title }).collect(),
            anchors: self.anchors,
            pending: self
                .links
                .into_iter()
                .map(|(target, anchor, line, column)| PendingAnchor { target, anchor, line, column })
                .collect(),
            sections: Vec::new(),
            diagnostics: Vec::new(),
            shortcodes: self.shortcodes,
        }
    }
}

/// What the first pass made: the pages, the problems it found, and the pages whose body could not be
/// read again (each with its own error), whose anchors are unknown.
pub(super) struct FirstPass {
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
    pub unread: Vec<String>,
}

/// The first Markdown pass of every placed page, in parallel: headings, anchors, links, search text;
/// with the problems it found. A body not held is read from `root_dir` ([`SourcePage::reload_body`]).
pub(super) fn first_pass(
    root_dir: &std::path::Path,
    sources: Vec<SourcePage>,
    urls: &HashMap<String, String>,
    resolver: &SiteResolver,
    reading: Reading<'_>,
) -> FirstPass {
    let done: Vec<(Page, Vec<Diagnostic>, bool)> = sources
        .into_par_iter()
        .filter(|s| urls.contains_key(&s.rel))
        .map(|mut src| {
            let url = urls[&src.rel].clone();
            let root = root_for(&url);
            let how = match reading {
                Reading::Full => PageReading::Full,
                Reading::Partly(how) => how(&src),
            };
            let noted = matches!(how, PageReading::Noted(_));
            // The body, when this pass reads the page: the one held, else read again (a build that
            // takes most pages from its notes loads only each body's hash).
            let body = match how {
                PageReading::Noted(_) => Ok(String::new()),
                _ => src.take_body(root_dir),
            };
            let (body, unread) = match body {
                Ok(body) => (body, None),
                Err(d) => (String::new(), Some(d)),
            };
            let md = || markdown::Source {
                file: &src.file,
                rel: &src.rel,
                body: &body,
                first_line: src.body_line,
                root: &root,
            };
            let mut r = match how {
                PageReading::Full => markdown::model(&md(), resolver),
                PageReading::WithoutSearch => markdown::model_without_search(&md(), resolver),
                PageReading::Noted(outline) => outline.into_rendered(),
            };
            let was_read = unread.is_none();
            r.diagnostics.extend(unread);
            src.drop_body(); // read again for the second pass
            let page = Page {
                root,
                url,
                toc: r.toc,
                anchors: r.anchors.into_iter().collect(),
                sections: r.sections,
                children: Vec::new(),
                parent: None,
                links: r.pending,
                shortcodes: r.shortcodes,
                noted,
                source: src,
            };
            (page, r.diagnostics, was_read)
        })
        .collect();
    let mut pass = FirstPass { pages: Vec::with_capacity(done.len()), diagnostics: Vec::new(), unread: Vec::new() };
    for (page, found, was_read) in done {
        if !was_read {
            pass.unread.push(page.source.rel.clone());
        }
        pass.diagnostics.extend(found);
        pass.pages.push(page);
    }
    pass
}

impl super::Site {
    /// Read again, with their search sections, the pages `which` that a partial first pass
    /// ([`Reading::Partly`]) took from their notes or read without them, so the whole search index
    /// can be made: each page's body from its file, checked against its hash as loaded (as the
    /// second pass does). Their outlines came from the same text, so only the sections are taken.
    pub fn read_search_sections(&mut self, root: &std::path::Path, which: &[usize]) -> Result<(), Diagnostics> {
        let resolver =
            SiteResolver { urls: &self.link_targets, numbers: &self.numbers, config: &self.config, data: &self.data };
        let pages = &self.pages;
        let read: Vec<(usize, Result<Vec<TextSection>, Diagnostic>)> = which
            .par_iter()
            .filter_map(|&i| Some((i, pages.get(i)?)))
            .map(|(i, p)| {
                let sections = p.source.reload_body(root).map(|body| {
                    let md = markdown::Source {
                        file: &p.source.file,
                        rel: &p.source.rel,
                        body: &body,
                        first_line: p.source.body_line,
                        root: &p.root,
                    };
                    markdown::model(&md, &resolver).sections
                });
                (i, sections)
            })
            .collect();
        let mut problems = Diagnostics::default();
        for (i, sections) in read {
            match sections {
                Ok(sections) => self.pages[i].sections = sections,
                Err(d) => problems.push(d),
            }
        }
        problems.into_result(())
    }
}
