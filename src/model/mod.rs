//! Stage 2, **model**: turn loaded files into a site: URLs, sections, ordering, cross-reference targets,
//! and a check of every internal link and anchor.
//!
//! Markdown is processed twice: here, to learn every page's headings, anchors, links and search text
//! (no HTML kept), and again when the page's template is rendered ([`Site::markdown_html`]). Holding
//! every page's HTML between the two would cost as much memory as the whole output.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::content::SourcePage;
use crate::load::data::{Data, join_and};
use crate::markdown::{self, PendingAnchor, Rendered, Resolver, TextSection, TocEntry};

mod first_pass;
mod kind;
mod urls;

pub use first_pass::{Outline, OutlineOf, PageReading, Reading};
pub use kind::PageKind;

use first_pass::first_pass;
use urls::assign_urls;
pub use urls::{reserved_by, root_for, url_for, valid_slug};

/// What the features loaded for themselves, given to [`Site::new`] with the pages (typed: a feature
/// with state of its own adds a field here and fills it in its `load` or `prepare` hook).
#[derive(Default)]
pub struct FeatureData {
    pub quizzes: crate::quiz::Quizzes,
    pub policy: crate::policy::revisions::Policies,
}

/// A page ready for templating.
#[derive(Debug)]
pub struct Page {
    pub source: SourcePage,
    /// URL directory below the site root, `""` for the home page, else ending in `/`.
    pub url: String,
    /// `../` once per level of `url`, to make every link relative (works from `file://` and sub-paths).
    pub root: String,
    pub toc: Vec<TocEntry>,
    pub anchors: Anchors,
    pub sections: Vec<TextSection>,
    /// For `_index.md`: the pages directly in this section, in order (indices into `Site::pages`).
    pub children: Vec<usize>,
    /// Index of the section page this page belongs to.
    pub parent: Option<usize>,
    /// Links from this page that name an anchor, kept so an edit of the target can re-check them.
    pub links: Vec<PendingAnchor>,
    /// Shortcodes in the page's Markdown (`platforms.approved_sentence`, …).
    pub shortcodes: Vec<String>,
    /// Whether the outline (table of contents, anchors, links, shortcodes) came from the notes of a
    /// build before ([`PageReading::Noted`]) rather than from reading the page.
    pub noted: bool,
}

impl Page {
    pub fn output_path(&self) -> String {
        format!("{}index.html", self.url)
    }
    pub fn is_section(&self) -> bool {
        self.source.is_section_index()
    }
    pub fn kind(&self) -> PageKind {
        PageKind::of(&self.source)
    }
}

pub struct Site {
    pub config: SiteConfig,
    pub data: Data,
    pub pages: Vec<Page>,
    /// `content/` path → index in `pages`.
    pub by_rel: ByRel,
    /// Quizzes by id (the quiz feature's [`FeatureData`]).
    pub quizzes: crate::quiz::Quizzes,
    /// Policy pages with revisions (the policy feature's [`FeatureData`]).
    pub policy: crate::policy::revisions::Policies,
    /// Content path → URL directory, for `@/` links (pages that failed to load included).
    link_targets: LinkTargets,
    /// Policy number (upper case) → URL directory of the page publishing it.
    numbers: HashMap<String, String>,
}

/// Content path → URL directory, looked up for every `@/` link of both passes (FoldHash: faster).
type LinkTargets = HashMap<String, String, foldhash::fast::FixedState>;
/// A page's anchors, looked up for every link that names one, on every build (the outlines are
/// checked after an unchanged rebuild too: 7 % of its samples at 10,000 pages): FoldHash rather
/// than the standard SipHash (with [`ByRel`], the model stage of that rebuild 121 → 111 ms, medians
/// of 10, interleaved). Seeded per process, as the standard hasher is.
pub type Anchors = foldhash::HashSet<String>;
/// Content path → index in [`Site::pages`] (FoldHash, as [`Anchors`]).
pub type ByRel = foldhash::HashMap<String, usize>;

struct SiteResolver<'a> {
    urls: &'a LinkTargets,
    numbers: &'a HashMap<String, String>,
    config: &'a SiteConfig,
    data: &'a Data,
}

impl Resolver for SiteResolver<'_> {
    fn page_url(&self, rel: &str) -> Option<String> {
        self.urls.get(rel).cloned()
    }
    fn policy_href(&self, number: &str, root: &str) -> Option<String> {
        policy_href(self.numbers, self.config, number, root)
    }
    fn shortcode(&self, name: &str) -> Option<String> {
        let p = &self.data.platforms;
        match name {
            "platforms.approved_sentence" => Some(p.approved_sentence()),
            "platforms.approved_list" => {
                Some(join_and(&p.approved.iter().map(|x| x.name.as_str()).collect::<Vec<_>>()))
            }
            "platforms.barred_statement" => Some(p.barred_statement.trim().to_string()),
            "communications.email" => Some(self.config.communications.email.clone()),
            "communications.name" => Some(self.config.communications.name.clone()),
            _ => None,
        }
    }
}

/// Where "Policy N" points: this site's page for N, else the district's policy URL pattern.
pub fn policy_href(numbers: &HashMap<String, String>, config: &SiteConfig, number: &str, root: &str) -> Option<String> {
    if let Some(url) = numbers.get(&number.to_ascii_uppercase()) {
        return Some(format!("{root}{url}index.html"));
    }
    config.policy_url.as_ref().map(|p| p.replace("{number}", number))
}

/// Every content path → the URL directory a link to it resolves to: the placed pages, and pages that
/// failed to load (their own error is reported, so links to them are not reported again).
fn link_targets(urls: &HashMap<String, String>, failed: &[String]) -> LinkTargets {
    let mut link_targets: LinkTargets = urls.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for rel in failed {
        let stem = rel
            .strip_suffix("/_index.md")
            .map(|d| format!("{d}/"))
            .unwrap_or_else(|| format!("{}/", rel.trim_end_matches(".md")));
        link_targets.entry(rel.clone()).or_insert(stem);
    }
    link_targets
}

/// Sections: each page belongs to the `_index.md` of its folder (a section's own parent is the
/// folder above); a section's children are sorted by weight, then title.
fn link_sections(pages: &mut [Page], by_rel: &ByRel) {
    for i in 0..pages.len() {
        let rel = pages[i].source.rel.clone();
        let mut dir = rel.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
        if pages[i].is_section() {
            if rel == "_index.md" {
                continue;
            }
            dir = dir.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
        }
        let parent_rel = if dir.is_empty() { "_index.md".to_string() } else { format!("{dir}/_index.md") };
        if let Some(&p) = by_rel.get(&parent_rel) {
            pages[i].parent = Some(p);
            pages[p].children.push(i);
        }
    }
    let keys: Vec<(i64, String)> =
        pages.iter().map(|p| (p.source.front.weight, p.source.front.title.clone())).collect();
    for p in pages.iter_mut() {
        p.children.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
}

impl Site {
    /// Build the model. Reports every problem found, not just the first. `root` is the site folder,
    /// from which the first pass reads again a body not held ([`SourcePage::reload_body`]).
    /// `failed` lists content paths that exist but did not load; links to them are not reported again.
    /// `features` is what the features loaded; `reserved` the output paths they and the generator
    /// write ([`crate::features::reserved_paths`]), which no page may take; `reading` whether the
    /// first pass makes search sections, and which pages' outlines are known ([`Reading`]).
    #[allow(clippy::too_many_arguments)] // the loaded sources' parts, as `engine::load::model` hands them on
    pub fn new(
        root: &std::path::Path,
        config: SiteConfig,
        data: Data,
        sources: Vec<SourcePage>,
        failed: &[String],
        features: FeatureData,
        reserved: &[(&str, &str)],
        reading: Reading<'_>,
    ) -> Result<Site, Diagnostics> {
        let mut diags = Diagnostics::default();
        // URLs, and no two pages (or a page and a generated file) writing the same file.
        let urls = assign_urls(&sources, reserved, &mut diags);
        // A page refused an address (two pages on one output, say) has its own error: links to it
        // are not reported as well, as for a page that did not load.
        let unplaced = sources.iter().filter(|s| !urls.contains_key(&s.rel)).map(|s| s.rel.clone());
        let failed: Vec<String> = failed.iter().cloned().chain(unplaced).collect();
        let link_targets = link_targets(&urls, &failed);
        // Policy numbers published here.
        let numbers: HashMap<String, String> = sources
            .iter()
            .filter_map(|src| {
                let n = src.front.number.as_ref()?;
                Some((n.to_ascii_uppercase(), urls.get(&src.rel).cloned().unwrap_or_default()))
            })
            .collect();
        // Links to pages that failed to load resolve (their own error is reported), so one broken
        // file does not also fail every page that links to it.
        let resolver = SiteResolver { urls: &link_targets, numbers: &numbers, config: &config, data: &data };
        let first_pass::FirstPass { mut pages, diagnostics, unread } =
            first_pass(root, sources, &urls, &resolver, reading);
        diags.extend(Diagnostics(diagnostics));
        // A page whose body could not be read again has its own error; its anchors are unknown, so
        // links into it are not reported as well (as for a page that did not load).
        let failed: Vec<String> = failed.iter().cloned().chain(unread).collect();
        let failed = failed.as_slice();
        let by_rel: ByRel = pages.iter().enumerate().map(|(i, p)| (p.source.rel.clone(), i)).collect();
        // Anchors, now that every page's headings are known (pages side by side, in page order).
        let (all, index) = (&pages, &by_rel);
        let missing = all.par_iter().enumerate().flat_map_iter(|(i, page)| {
            page.links.iter().filter_map(move |link| check_anchor(all, index, failed, i, link))
        });
        diags.extend(Diagnostics(missing.collect()));
        link_sections(&mut pages, &by_rel);
        let FeatureData { quizzes, policy } = features;
        diags.into_result(Site { config, data, pages, by_rel, quizzes, policy, link_targets, numbers })
    }

    /// Replace the body of one page whose front matter did not change, re-rendering only its Markdown.
    /// Links from the page, and links from other pages into it, are checked again. On error the site
    /// is left as it was. Used by `serve` for fast rebuilds; `root` is the site folder (a body not
    /// held is read from it).
    pub fn replace_body(&mut self, root: &std::path::Path, idx: usize, mut src: SourcePage) -> Result<(), Diagnostics> {
        let body = src.take_body(root)?;
        let r = self.markdown_model(&src, &body, &self.pages[idx].root);
        let mut diags = Diagnostics::default();
        r.diagnostics.into_iter().for_each(|d| diags.push(d));
        // Check against the page with its new anchors.
        let anchors: Anchors = r.anchors.into_iter().collect();
        let old_anchors = std::mem::replace(&mut self.pages[idx].anchors, anchors);
        for link in &r.pending {
            if let Some(d) = check_anchor(&self.pages, &self.by_rel, &[], idx, link) {
                diags.push(d);
            }
        }
        for (i, p) in self.pages.iter().enumerate() {
            for link in p.links.iter().filter(|l| l.target == src.rel && i != idx) {
                if let Some(d) = check_anchor(&self.pages, &self.by_rel, &[], i, link) {
                    diags.push(d);
                }
            }
        }
        if !diags.is_empty() {
            self.pages[idx].anchors = old_anchors;
            return Err(diags.sorted());
        }
        let page = &mut self.pages[idx];
        page.toc = r.toc;
        page.sections = r.sections;
        page.links = r.pending;
        page.shortcodes = r.shortcodes;
        page.source = src;
        Ok(())
    }

    fn markdown_model(&self, src: &SourcePage, body: &str, root: &str) -> Rendered {
        let resolver =
            SiteResolver { urls: &self.link_targets, numbers: &self.numbers, config: &self.config, data: &self.data };
        markdown::model(
            &markdown::Source { file: &src.file, rel: &src.rel, body, first_line: src.body_line, root },
            &resolver,
        )
    }

    /// The page's Markdown as HTML, for its template (the second pass). `root` is the site folder.
    pub fn markdown_html(&self, root: &std::path::Path, page: &Page) -> Result<String, Diagnostic> {
        let body = page.source.reload_body(root)?;
        let resolver =
            SiteResolver { urls: &self.link_targets, numbers: &self.numbers, config: &self.config, data: &self.data };
        let src = &page.source;
        let md = markdown::Source {
            file: &src.file,
            rel: &src.rel,
            body: &body,
            first_line: src.body_line,
            root: &page.root,
        };
        Ok(markdown::html(&md, &resolver))
    }

    pub fn page(&self, rel: &str) -> Option<&Page> {
        self.by_rel.get(rel).map(|&i| &self.pages[i])
    }

    pub fn home(&self) -> Option<&Page> {
        self.page("_index.md")
    }

    /// The first page of `kind` (the request form, the regulation, the platform list), if any.
    pub fn first_of(&self, kind: PageKind) -> Option<&Page> {
        self.pages.iter().find(|p| p.kind() == kind)
    }

    /// Swap in newly loaded data files; returns the old ones.
    pub fn replace_data(&mut self, data: Data) -> Data {
        std::mem::replace(&mut self.data, data)
    }

    /// What a `{{ name }}` shortcode renders as today (`policysite revise` writes them out).
    pub fn shortcode_text(&self, name: &str) -> Option<String> {
        let resolver =
            SiteResolver { urls: &self.link_targets, numbers: &self.numbers, config: &self.config, data: &self.data };
        resolver.shortcode(name)
    }

    /// Policy number (upper case) → URL directory of the page publishing it.
    pub fn policy_numbers(&self) -> &HashMap<String, String> {
        &self.numbers
    }
}

/// A diagnostic if `link` (from page `from`) names an anchor its target does not have.
fn check_anchor(
    pages: &[Page],
    by_rel: &ByRel,
    failed: &[String],
    from: usize,
    link: &PendingAnchor,
) -> Option<Diagnostic> {
    if failed.contains(&link.target) {
        return None;
    }
    let target = by_rel.get(&link.target).map(|&t| &pages[t]);
    if target.is_some_and(|t| t.anchors.contains(&link.anchor)) {
        return None;
    }
    let mut known: Vec<&String> = target.map(|t| t.anchors.iter().collect()).unwrap_or_default();
    known.sort();
    known.truncate(12);
    Some(
        Diagnostic::new(
            &pages[from].source.file,
            format!("link to a missing anchor `#{}` in {}", link.anchor, link.target),
        )
        .at(link.line, Some(link.column))
        .help(if known.is_empty() {
            format!("{} has no headings or ids to link to: link to the page itself, without `#…`", link.target)
        } else {
            format!("anchors there: {}", known.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        }),
    )
}

/// A link for templates: title and relative href (the texts borrowed from the page linked to).
#[derive(Debug, Clone, Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub href: String,
    pub description: &'a str,
    pub current: bool,
}
