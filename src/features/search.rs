//! The search feature: the search page (`search.html`, when the theme has it) and the index of every
//! page's text ([`crate::search_index`]), written again when only page bodies changed.

use crate::diag::Diagnostics;
use crate::feature::{Feature, Reserved, Templates, write_error};
use crate::model::Site;
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
        diags.extend(self.write_page_text(site, sink));
        diags
    }

    /// The index is written file by file: its section texts are large.
    fn write_page_text(&self, site: &Site, sink: &dyn Sink) -> Diagnostics {
        crate::search_index::put(site, sink)
    }
}
