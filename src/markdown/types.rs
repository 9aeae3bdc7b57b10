//! The Markdown layer's types, shared by its two passes ([`super::model`], [`super::html`]) and its
//! helpers: they live here rather than in `mod.rs`, so the children import a sibling and never
//! their parent (no import circle).

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{CowStr, HeadingLevel, Options};
use serde::Serialize;

use super::text::{escape_attr, slug, unique_id, valid_id};
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

/// What the model pass ([`model`]) reads from a page's Markdown.
#[derive(Debug, Default)]
pub struct Rendered {
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
}

/// A heading being read. Its id comes from its text, which is only known at its end; both passes
/// give it the same way ([`Heading::id`]). `inner` is what the pass keeps of its content.
pub(super) struct Heading<'a, I> {
    pub(super) level: HeadingLevel,
    pub(super) explicit_id: Option<CowStr<'a>>,
    pub(super) classes: Vec<CowStr<'a>>,
    /// Whether it has `key=value` attributes (refused).
    pub(super) attrs: bool,
    pub(super) text: String,
    /// Offset of the heading in the expanded body, for error positions.
    pub(super) start: usize,
    pub(super) inner: I,
}

impl<'a, I: Default> Heading<'a, I> {
    pub(super) fn new(
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: bool,
        start: usize,
    ) -> Self {
        Heading { level, explicit_id: id, classes, attrs, text: String::new(), start, inner: I::default() }
    }

    /// Its id, unique on the page and escaped for an attribute: the valid `{#id}`, else the slug of
    /// its text.
    pub(super) fn id(&self, ids: &mut HashMap<String, usize>) -> String {
        let explicit = self.explicit_id.as_deref().filter(|i| valid_id(i)).map(str::to_string);
        escape_attr(&unique_id(ids, explicit.unwrap_or_else(|| slug(&self.text))))
    }

    pub(super) fn title(&self) -> String {
        self.text.trim().to_string()
    }
}
