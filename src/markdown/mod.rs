//! The Markdown layer: every pulldown-cmark option and every transformation of the event stream lives
//! here, so the rest of the pipeline only sees "Markdown in, HTML + headings + links out".
//!
//! Transformations:
//! - headings get stable, de-duplicated ids and an anchor link, and feed the table of contents;
//! - footnotes are collected and rendered as a numbered list with back-links;
//! - `@/path/page.md#anchor` links become relative URLs (checked later, when all anchors are known);
//! - "Policy 5243" / "Regulation 5243R" become links to the policy;
//! - tables are wrapped so they scroll on phones without breaking the layout.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};

use crate::diag::{Diagnostic, LineIndex};

mod footnotes;
mod links;
mod safety;
mod shortcodes;
mod text;
mod types;

use footnotes::Footnotes;
use links::{POLICY_REF, link_policies, rewrite_link};
pub use safety::problems_in_text;
pub(crate) use shortcodes::SHORTCODE;
use shortcodes::{expand_shortcodes, original_offset};
pub use text::{escape_attr, escape_text, slug, unique_id, valid_id};
pub use types::{PendingAnchor, Rendered, Resolver, Source, TextSection, TocEntry, options};

pub fn render(src: &Source<'_>, resolver: &dyn Resolver) -> Rendered {
    let mut out = Rendered::default();
    let (body, expansions) = expand_shortcodes(src, resolver, &mut out.diagnostics, &mut out.shortcodes);
    // Positions are reported in the file as written, not in the text with shortcodes expanded (an
    // expansion may span several lines).
    let lines = LineIndex::new(src.body);
    let location = |offset: usize| {
        let (l, c) = lines.line_col(original_offset(&expansions, offset));
        (l + src.first_line - 1, c)
    };

    let mut events: Option<Vec<Event<'_>>> = src.want_html.then(Vec::new);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut footnotes = Footnotes::default();
    // Search text of each footnote definition (label, text): indexed as sections of their own.
    let mut footnote_text: Vec<(String, String)> = Vec::new();
    let mut in_link = 0usize;
    let mut html_block = safety::HtmlBlock::default();
    let mut heading: Option<HeadingBuf<'_>> = None;
    let mut current_section = SectionText::default();
    // Search text is wanted from the first pass only.
    let collect_text = !src.want_html;

    let parser = Parser::new_ext(&body, options()).into_offset_iter();
    for (event, range) in parser {
        // Footnote definitions are diverted into their own buffer.
        match &event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // An invalid label is reported at its reference; its definition is dropped with it.
                footnotes.begin(if valid_id(label) { label.to_string() } else { String::new() });
                if collect_text && valid_id(label) {
                    footnote_text.push((label.to_string(), String::new()));
                }
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                footnotes.end();
                continue;
            }
            _ => {}
        }
        // Search text (search helper): a space between blocks only, so no stray space lands before
        // punctuation or inside quotes that follow inline markup.
        if collect_text && heading.is_none() && crate::search::ends_block(&event) {
            current_section.text.push(' ');
        }
        // The safety check belongs to the first pass, whose problems are reported; the render pass
        // sees the same text and keeps only its HTML. Only links, images and raw HTML are looked at.
        if !src.want_html {
            match &event {
                Event::Html(html) => html_block.push(html, || location(range.start)),
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::InlineHtml(_) => {
                    out.diagnostics.extend(html_block.finish(src.file));
                    out.diagnostics.extend(safety::check(&event, src.file, || location(range.start)));
                }
                _ if html_block.is_open() => out.diagnostics.extend(html_block.finish(src.file)),
                _ => {}
            }
        }
        let event = match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                heading = Some(HeadingBuf {
                    level,
                    explicit_id: id.map(|s| s.to_string()),
                    classes,
                    attrs,
                    inner: Vec::new(),
                    text: String::new(),
                    start: range.start,
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = heading.take() else { continue };
                let bad: Vec<&str> = h
                    .explicit_id
                    .iter()
                    .map(String::as_str)
                    .chain(h.classes.iter().map(|c| c.as_ref()))
                    .filter(|v| !valid_id(v))
                    .collect();
                if !bad.is_empty() || !h.attrs.is_empty() {
                    let (l, c) = location(h.start);
                    out.diagnostics.push(
                        Diagnostic::new(
                            src.file,
                            match bad.first() {
                                Some(b) => format!("heading id or class `{b}` has characters that are not allowed"),
                                None => "headings take only `{#id}` and `.class`, not other attributes".to_string(),
                            },
                        )
                        .at(l, Some(c))
                        .help("use letters, digits, `-`, `_`, `.` and `:` (e.g. `{#records-retention}`)"),
                    );
                }
                let explicit = h.explicit_id.clone().filter(|i| valid_id(i));
                let id = unique_id(&mut ids, explicit.unwrap_or_else(|| slug(&h.text)));
                let mut inner = String::new();
                html::push_html(&mut inner, h.inner.into_iter());
                let lvl = h.level as u8;
                let classes: Vec<&str> = h.classes.iter().map(|c| c.as_ref()).filter(|c| valid_id(c)).collect();
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_attr(&classes.join(" ")))
                };
                let id = escape_attr(&id);
                let title = h.text.trim().to_string();
                if (2..=3).contains(&lvl) {
                    out.toc.push(TocEntry { level: lvl, id: id.clone(), title: title.clone() });
                }
                out.diagnostics.extend(html_block.finish(src.file));
                flush_section(&mut out.sections, &mut current_section, collect_text);
                current_section = SectionText { id: id.clone(), heading: title.clone(), text: String::new() };
                out.anchors.push(id.clone());
                let html = format!(
                    "<h{lvl} id=\"{id}\"{class}>{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section: {}\">#</a></h{lvl}>\n",
                    escape_attr(&title)
                );
                Event::Html(html.into())
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                in_link += 1;
                let dest = rewrite_link(src, resolver, &dest_url, location(range.start), &mut out);
                Event::Start(Tag::Link { link_type, dest_url: dest, title, id })
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                Event::End(TagEnd::Link)
            }
            Event::FootnoteReference(label) => {
                if !valid_id(&label) {
                    let (l, c) = location(range.start);
                    out.diagnostics.push(
                        Diagnostic::new(
                            src.file,
                            format!("footnote label `{label}` has characters that are not allowed"),
                        )
                        .at(l, Some(c))
                        .help("use letters, digits, `-` and `_`, e.g. `[^1]` or `[^platforms]`"),
                    );
                    continue;
                }
                let (n, nth) = footnotes.reference(&label);
                let ref_id = if nth == 1 { format!("fnref-{label}") } else { format!("fnref-{label}-{nth}") };
                Event::Html(
                    format!("<sup class=\"footnote-ref\"><a href=\"#fn-{label}\" id=\"{ref_id}\" aria-label=\"Footnote {n}\">{n}</a></sup>")
                        .into(),
                )
            }
            Event::Start(Tag::Table(a)) => {
                push(&mut events, &mut heading, &mut footnotes, Event::Html("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\">".into()));
                Event::Start(Tag::Table(a))
            }
            Event::End(TagEnd::Table) => {
                push(&mut events, &mut heading, &mut footnotes, Event::End(TagEnd::Table));
                Event::Html("</div>".into())
            }
            Event::Text(text) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&text);
                } else if collect_text && !footnotes.active() {
                    current_section.text.push_str(&text);
                } else if collect_text && let Some((_, t)) = footnote_text.last_mut() {
                    t.push_str(&text);
                }
                if in_link == 0 && heading.is_none() && POLICY_REF.is_match(&text) {
                    for e in link_policies(&text, resolver, src.root) {
                        push(&mut events, &mut heading, &mut footnotes, e);
                    }
                    continue;
                }
                Event::Text(text)
            }
            Event::Code(code) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&code);
                } else if collect_text {
                    current_section.text.push_str(&code);
                }
                Event::Code(code)
            }
            Event::SoftBreak | Event::HardBreak if heading.is_none() && collect_text => {
                current_section.text.push(' ');
                event
            }
            other => other,
        };
        push(&mut events, &mut heading, &mut footnotes, event);
    }
    flush_section(&mut out.sections, &mut current_section, collect_text);
    for (label, text) in footnote_text {
        if let Some(n) = footnotes.number(&label) {
            out.sections.push(TextSection::new(format!("fn-{label}"), format!("Footnote {n}"), &text));
        }
    }

    let mut html_out = String::new();
    if let Some(events) = events {
        html_out.reserve(body.len() * 3 / 2);
        html::push_html(&mut html_out, events.into_iter());
    }
    footnotes.render(&mut html_out, &mut out.anchors, src, &mut out.diagnostics);
    out.html = html_out;
    out
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    inner: Vec<Event<'a>>,
    text: String,
    /// Offset of the heading in the expanded body, for error positions.
    start: usize,
}

/// Route an event to the heading or footnote being collected, else to the page's events, which
/// only the render pass keeps (`events` is `None` in the first pass: its HTML is never made).
fn push<'a>(
    events: &mut Option<Vec<Event<'a>>>,
    heading: &mut Option<HeadingBuf<'a>>,
    footnotes: &mut Footnotes<'a>,
    e: Event<'a>,
) {
    if let Some(h) = heading.as_mut() {
        h.inner.push(e);
    } else if let Some(buf) = footnotes.current_buffer() {
        buf.push(e);
    } else if let Some(events) = events {
        events.push(e);
    }
}

/// Text collected under the current heading while rendering.
#[derive(Default)]
struct SectionText {
    id: String,
    heading: String,
    text: String,
}

fn flush_section(sections: &mut Vec<TextSection>, s: &mut SectionText, wanted: bool) {
    if wanted && (!s.text.trim().is_empty() || !s.heading.is_empty()) {
        sections.push(TextSection::new(std::mem::take(&mut s.id), std::mem::take(&mut s.heading), &s.text));
    }
    s.text.clear();
}

#[cfg(test)]
mod tests;
