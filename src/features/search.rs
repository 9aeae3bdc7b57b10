//! The search feature: the search page (`search.html`, when the theme has it) and the index of every
//! page's text ([`crate::search_index`]), written again when only page bodies changed.

use std::collections::BTreeSet;

use crate::diag::Diagnostics;
use crate::feature::{Feature, Kept, Reserved, Templates, write_error};
use crate::model::{PageKind, Site};
use crate::output::Sink;
use crate::search_index::Kept as Index;

pub(crate) struct Search;

impl Feature for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn reserved(&self) -> &'static [Reserved] {
        &[("search/", "the search page and its index")]
    }

    fn write(&self, site: &Site, templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
        let mut diags = search_page(site, templates, sink);
        // The index is written file by file: its section texts are large.
        diags.extend(crate::search_index::put(site, sink));
        diags
    }

    /// The index holds the platform list as sections of its page (`data_sections`) and the text of
    /// pages whose shortcodes read the data: only those pages' part of the index is written anew.
    fn write_after_data(
        &self,
        site: &Site,
        templates: &dyn Templates,
        sink: &dyn Sink,
        changed: &[usize],
        kept: &mut Kept,
    ) -> Diagnostics {
        let mut pages: Vec<usize> = changed.to_vec();
        pages.extend((0..site.pages.len()).filter(|&i| site.pages[i].kind() == PageKind::Platforms));
        pages.sort_unstable();
        pages.dedup();
        let mut diags = search_page(site, templates, sink);
        diags.extend(crate::search_index::put_pages(site, &pages, sink, kept.entry(self.name())));
        diags
    }

    /// Keeps the index's postings and block versions, so a page edit rewrites only what that page
    /// touches.
    fn write_keeping(&self, site: &Site, templates: &dyn Templates, sink: &dyn Sink, kept: &mut Kept) -> Diagnostics {
        let mut diags = search_page(site, templates, sink);
        let (written, index) = crate::search_index::put_keeping(site, sink);
        diags.extend(written);
        *kept.entry(self.name()) = index;
        diags
    }

    fn write_page_text(&self, site: &Site, changed: &[usize], sink: &dyn Sink, kept: &mut Kept) -> Diagnostics {
        crate::search_index::put_pages(site, changed, sink, kept.entry(self.name()))
    }

    fn page_text_files(&self, kept: &mut Kept) -> Vec<String> {
        kept.entry::<Index>(self.name()).files()
    }

    fn page_text_fits(&self, site: &Site, changed: &[usize], kept: &mut Kept) -> bool {
        crate::search_index::fits(site, changed, kept.entry(self.name()))
    }

    /// The edited pages' blocks of text chunks are written again whole, from every page in them.
    fn page_text_reads(
        &self,
        changed: &BTreeSet<String>,
        redo: &BTreeSet<String>,
        kept: &mut Kept,
    ) -> Option<BTreeSet<String>> {
        kept.entry::<Index>(self.name()).pages_to_read(changed, redo)
    }

    fn write_kept_note(&self, kept: &mut Kept, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        kept.entry::<Index>(self.name()).write_note(out)
    }

    fn restore_kept(&self, note: Option<&str>, kept: &mut Kept) -> bool {
        let Some(index) = note.and_then(Index::from_note) else { return false };
        *kept.entry(self.name()) = index;
        true
    }
}

/// `search/index.html`, when the theme has its template.
fn search_page(site: &Site, templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    if templates.has_template("search.html") {
        match templates.render_generated(site, "search.html", "../", &serde_json::Value::Null) {
            Ok(html) => {
                if let Err(e) = sink.put("search/index.html", html.as_bytes()) {
                    diags.push(write_error("search/index.html", e));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags
}
