//! What the Markdown layer's parts share: the dialect ([`options`]), what it needs from the site
//! ([`Resolver`]), what it reads ([`Source`]) and what it gives back ([`Rendered`]). The parts
//! (`footnotes`, `links`, `safety`, `shortcodes`) import these from here, not from the parent module,
//! which only re-exports them.

use std::path::Path;

use pulldown_cmark::Options;
use serde::Serialize;

use crate::diag::Diagnostic;

/// The Markdown dialect: GitHub-style tables and footnotes, smart punctuation, `{#id}` on headings.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

/// What the Markdown layer needs from the rest of the site.
pub trait Resolver: Sync {
    /// URL directory of the page at `content/<rel>` (e.g. `platforms/`), if it exists.
    fn page_url(&self, rel: &str) -> Option<String>;
    /// Link for a policy or regulation number, relative to the current page's root, if any.
    fn policy_href(&self, number: &str, root: &str) -> Option<String>;
    /// Expansion of a `{{ name }}` shortcode, if known.
    fn shortcode(&self, name: &str) -> Option<String>;
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to another page (or this one) whose anchor can only be checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct PendingAnchor {
    /// Target page, as a path below `content/`.
    pub target: String,
    pub anchor: String,
    pub line: usize,
    pub column: usize,
}

/// What the search index keeps of the text under one heading (see [`crate::search`]).
pub use crate::search::TextSection;

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link may point at: headings and footnotes.
    pub anchors: Vec<String>,
    pub pending: Vec<PendingAnchor>,
    pub sections: Vec<TextSection>,
    pub diagnostics: Vec<Diagnostic>,
    /// Shortcodes the page uses, so `serve` knows which pages a data-file change affects.
    pub shortcodes: Vec<String>,
}

/// Where the Markdown comes from, for error locations and relative links.
pub struct Source<'a> {
    pub file: &'a Path,
    /// Path below `content/`, to resolve same-page anchors.
    pub rel: &'a str,
    pub body: &'a str,
    /// Line of `body`'s first line in the file.
    pub first_line: usize,
    /// `../` repeated once per directory level of the page's URL.
    pub root: &'a str,
    /// False to collect headings, links and text only: the model's first pass over every page, which
    /// must not hold every page's HTML at once.
    pub want_html: bool,
}
