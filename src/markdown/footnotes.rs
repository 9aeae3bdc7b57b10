//! Footnotes: definitions collected while rendering, then emitted as a numbered list with back-links.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, html};

use super::types::Source;
use crate::diag::Diagnostic;

#[derive(Default)]
pub(super) struct Footnotes<'a> {
    /// label → (number, references so far)
    numbers: BTreeMap<String, (usize, usize)>,
    definitions: Vec<(String, Vec<Event<'a>>)>,
    current: Option<(String, Vec<Event<'a>>)>,
}

impl<'a> Footnotes<'a> {
    pub(super) fn begin(&mut self, label: String) {
        self.current = Some((label, Vec::new()));
    }
    pub(super) fn end(&mut self) {
        if let Some(def) = self.current.take().filter(|(label, _)| !label.is_empty()) {
            self.definitions.push(def);
        }
    }
    pub(super) fn active(&self) -> bool {
        self.current.is_some()
    }
    pub(super) fn current_buffer(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.current.as_mut().map(|(_, v)| v)
    }
    /// The number of a referenced footnote.
    pub(super) fn number(&self, label: &str) -> Option<usize> {
        self.numbers.get(label).map(|(n, _)| *n)
    }
    /// Number of the footnote (by first reference) and how many times it has been referenced.
    pub(super) fn reference(&mut self, label: &str) -> (usize, usize) {
        let next = self.numbers.len() + 1;
        let entry = self.numbers.entry(label.to_string()).or_insert((next, 0));
        entry.1 += 1;
        *entry
    }

    pub(super) fn render(
        mut self,
        html_out: &mut String,
        anchors: &mut Vec<String>,
        src: &Source<'_>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.definitions.is_empty() {
            return;
        }
        let numbers = std::mem::take(&mut self.numbers);
        let mut defs: Vec<(usize, String, Vec<Event<'a>>)> = Vec::new();
        for (label, events) in self.definitions {
            match numbers.get(&label) {
                Some((n, _)) => defs.push((*n, label, events)),
                None => diags.push(
                    Diagnostic::new(src.file, format!("footnote `[^{label}]` is defined but never referenced"))
                        .help("reference it in the text with [^label], or remove the definition"),
                ),
            }
        }
        defs.sort_by_key(|(n, _, _)| *n);
        html_out.push_str("<section class=\"footnotes\" aria-labelledby=\"footnotes-heading\">\n<h2 id=\"footnotes-heading\" class=\"footnotes-heading\">Footnotes</h2>\n<ol>\n");
        for (n, label, events) in defs {
            let mut inner = String::new();
            html::push_html(&mut inner, events.into_iter());
            let back = format!(
                " <a href=\"#fnref-{label}\" class=\"footnote-back\" aria-label=\"Back to reference {n}\">↩</a>"
            );
            match inner.rfind("</p>") {
                Some(i) => inner.insert_str(i, &back),
                None => inner.push_str(&back),
            }
            html_out.push_str(&format!("<li id=\"fn-{label}\" value=\"{n}\">{inner}</li>\n"));
            anchors.push(format!("fn-{label}"));
            anchors.push(format!("fnref-{label}"));
        }
        html_out.push_str("</ol>\n</section>\n");
        for (label, _) in numbers.iter() {
            if !anchors.iter().any(|a| a == &format!("fn-{label}")) {
                diags.push(
                    Diagnostic::new(src.file, format!("footnote `[^{label}]` is referenced but never defined"))
                        .help(format!("add a line `[^{label}]: text` to the page")),
                );
            }
        }
    }
}
