//! The Markdown layer: every pulldown-cmark option and every transformation of the event stream lives
//! here, so the rest of the pipeline only sees "Markdown in, HTML + headings + links out".
//!
//! Two passes over each page: [`model`] (`model.rs`) for the site model — headings, anchors, links,
//! search text and every problem, no HTML — and [`html`] (`html.rs`) when the page is rendered. They
//! share heading ids (`Heading`), footnote numbering (`footnotes.rs`) and link resolution (`links.rs`).
//!
//! Transformations:
//! - headings get stable, de-duplicated ids and an anchor link, and feed the table of contents;
//! - footnotes are collected and rendered as a numbered list with back-links;
//! - `@/path/page.md#anchor` links become relative URLs (checked later, when all anchors are known);
//! - "Policy 5243" / "Regulation 5243R" become links to the policy;
//! - tables are wrapped so they scroll on phones without breaking the layout.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{CowStr, HeadingLevel, Options};
use serde::Serialize;

use crate::diag::Diagnostic;

mod footnotes;
mod html;
mod links;
mod model;
mod safety;
mod shortcodes;
mod text;

pub use safety::problems_in_text;
pub(crate) use shortcodes::SHORTCODE;
pub use text::{escape_attr, escape_text, slug, unique_id, valid_id};

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

/// The model pass, over every page before any is rendered: headings (ids, table of contents),
/// anchors, links to check, search text, and every problem of the page (safety, ids, links,
/// footnotes, shortcodes). No HTML is made: the model must not hold every page's HTML at once.
pub fn model(src: &Source<'_>, resolver: &dyn Resolver) -> Rendered {
    model::read(src, resolver)
}

/// The render pass, when the page's template is rendered: the page's HTML. Its problems were
/// reported by [`model`] over the same text; this pass gives headings the same ids and footnotes
/// the same numbers, and keeps only the HTML.
pub fn html(src: &Source<'_>, resolver: &dyn Resolver) -> String {
    html::render(src, resolver)
}

/// A heading being read. Its id comes from its text, which is only known at its end; both passes
/// give it the same way ([`Heading::id`]). `inner` is what the pass keeps of its content.
struct Heading<'a, I> {
    level: HeadingLevel,
    explicit_id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    /// Whether it has `key=value` attributes (refused).
    attrs: bool,
    text: String,
    /// Offset of the heading in the expanded body, for error positions.
    start: usize,
    inner: I,
}

impl<'a, I: Default> Heading<'a, I> {
    fn new(level: HeadingLevel, id: Option<CowStr<'a>>, classes: Vec<CowStr<'a>>, attrs: bool, start: usize) -> Self {
        Heading { level, explicit_id: id, classes, attrs, text: String::new(), start, inner: I::default() }
    }

    /// Its id, unique on the page and escaped for an attribute: the valid `{#id}`, else the slug of
    /// its text.
    fn id(&self, ids: &mut HashMap<String, usize>) -> String {
        let explicit = self.explicit_id.as_deref().filter(|i| valid_id(i)).map(str::to_string);
        escape_attr(&unique_id(ids, explicit.unwrap_or_else(|| slug(&self.text))))
    }

    fn title(&self) -> String {
        self.text.trim().to_string()
    }
}

#[cfg(test)]
mod tests;
