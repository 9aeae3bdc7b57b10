//! The search feature: the search page (`search.html`, when the theme has it) and the index of every
//! page's text ([`crate::search_index`]), written again when only page bodies changed.

use crate::diag::Diagnostics;
use crate::feature::{Feature, Kept, Reserved, Templates, write_error};
use crate::model::{PageKind, Site};
use crate::output::Sink;

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
