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

mod footnotes;
mod html;
mod links;
mod model;
mod safety;
mod shortcodes;
mod text;
mod types;

pub use safety::problems_in_text;
pub(crate) use shortcodes::SHORTCODE;
pub use text::{escape_attr, escape_text, slug, unique_id, valid_id};

pub use types::{PendingAnchor, Rendered, Resolver, Source, TextSection, TocEntry, options};

/// The model pass, over every page before any is rendered: headings (ids, table of contents),
/// anchors, links to check, search text, and every problem of the page (safety, ids, links,
/// footnotes, shortcodes). No HTML is made: the model must not hold every page's HTML at once.
pub fn model(src: &Source<'_>, resolver: &dyn Resolver) -> Rendered {
    model::read(src, resolver, true)
}

/// [`model`] without the search sections, for a build that keeps its search index as it was (the
/// index is the only reader of `Rendered::sections`).
pub fn model_without_search(src: &Source<'_>, resolver: &dyn Resolver) -> Rendered {
    model::read(src, resolver, false)
}

/// The render pass, when the page's template is rendered: the page's HTML. Its problems were
/// reported by [`model`] over the same text; this pass gives headings the same ids and footnotes
/// the same numbers, and keeps only the HTML.
pub fn html(src: &Source<'_>, resolver: &dyn Resolver) -> String {
    html::render(src, resolver)
}

#[cfg(test)]
mod tests;
