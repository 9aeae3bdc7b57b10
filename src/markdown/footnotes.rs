//! Footnotes: numbered by first reference; definitions collected while reading, then (render pass)
//! emitted as a numbered list with back-links, or (model pass) checked and turned into anchors.
//!
//! Both passes number the same way: [`Footnotes`] is generic over what a definition keeps — its
//! events for the render pass, nothing for the model pass.

use std::collections::BTreeMap;
use std::fmt::Write;

use pulldown_cmark::{Event, html};

use crate::diag::Diagnostic;

pub(super) struct Footnotes<D> {
    /// label → (number, references so far)
    numbers: BTreeMap<String, (usize, usize)>,
    definitions: Vec<(String, D)>,
    current: Option<(String, D)>,
}

impl<D> Default for Footnotes<D> {
    fn default() -> Self {
        Footnotes { numbers: BTreeMap::new(), definitions: Vec::new(), current: None }
    }
}

impl<D: Default> Footnotes<D> {
    /// A definition starts; an empty label (an invalid one) drops it at its end.
    pub(super) fn begin(&mut self, label: String) {
        self.current = Some((label, D::default()));
    }
    pub(super) fn end(&mut self) {
        if let Some(def) = self.current.take().filter(|(label, _)| !label.is_empty()) {
            self.definitions.push(def);
        }
    }
    pub(super) fn active(&self) -> bool {
        self.current.is_some()
    }
    pub(super) fn current_buffer(&mut self) -> Option<&mut D> {
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

    /// The referenced definitions in number order (first reference first), and the labels of the
    /// definitions no reference names.
    fn numbered(&mut self) -> (Vec<(usize, String, D)>, Vec<String>) {
        let mut defs = Vec::new();
        let mut unreferenced = Vec::new();
        for (label, payload) in std::mem::take(&mut self.definitions) {
            match self.numbers.get(&label) {
                Some((n, _)) => defs.push((*n, label, payload)),
                None => unreferenced.push(label),
            }
        }
        defs.sort_by_key(|(n, _, _)| *n);
        (defs, unreferenced)
    }
}

/// The model pass's end of a page: the anchors of the footnotes (`fn-…`, `fnref-…`), and what is
/// wrong with them (a definition never referenced, a reference never defined).
pub(super) fn check<D: Default>(
    mut notes: Footnotes<D>,
    anchors: &mut Vec<String>,
    file: &std::path::Path,
    diags: &mut Vec<Diagnostic>,
) {
    if notes.definitions.is_empty() {
        return;
    }
    let (defs, unreferenced) = notes.numbered();
    for label in unreferenced {
        diags.push(
            Diagnostic::new(file, format!("footnote `[^{label}]` is defined but never referenced"))
                .help("reference it in the text with [^label], or remove the definition"),
        );
    }
    for (_, label, _) in &defs {
        anchors.push(format!("fn-{label}"));
        anchors.push(format!("fnref-{label}"));
    }
    for label in notes.numbers.keys() {
        if !anchors.iter().any(|a| a == &format!("fn-{label}")) {
            diags.push(
                Diagnostic::new(file, format!("footnote `[^{label}]` is referenced but never defined"))
                    .help(format!("add a line `[^{label}]: text` to the page")),
            );
        }
    }
}

/// The render pass's end of a page: the numbered list of footnotes, each with a back-link.
pub(super) fn render<'a>(mut notes: Footnotes<Vec<Event<'a>>>, html_out: &mut String) {
    if notes.definitions.is_empty() {
        return;
    }
    let (defs, _) = notes.numbered();
    html_out.push_str("<section class=\"footnotes\" aria-labelledby=\"footnotes-heading\">\n<h2 id=\"footnotes-heading\" class=\"footnotes-heading\">Footnotes</h2>\n<ol>\n");
    for (n, label, events) in defs {
        // Written in place: the item's start, its text, the back-link before its last `</p>`.
        let _ = write!(html_out, "<li id=\"fn-{label}\" value=\"{n}\">");
        let start = html_out.len();
        html::push_html(html_out, events.into_iter());
        let back =
            format!(" <a href=\"#fnref-{label}\" class=\"footnote-back\" aria-label=\"Back to reference {n}\">↩</a>");
        match html_out[start..].rfind("</p>") {
            Some(i) => html_out.insert_str(start + i, &back),
            None => html_out.push_str(&back),
        }
        html_out.push_str("</li>\n");
    }
    html_out.push_str("</ol>\n</section>\n");
}
