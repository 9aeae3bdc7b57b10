//! The model pass ([`super::model`]): one walk over a page's events that keeps headings, anchors,
//! links to check, search text and problems, and makes no HTML (no event is buffered).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use super::footnotes::{self, Footnotes};
use super::links::check_link;
use super::safety;
use super::shortcodes::{Expansion, expand_shortcodes, original_offset};
use super::text::valid_id;
use super::types::{Heading, Rendered, Resolver, Source, TextSection, TocEntry, options};
use crate::diag::{Diagnostic, LineIndex};

/// `search`: whether to make the search sections ([`TextSection`], most of this pass's work); a
/// build whose search index is kept as it was needs none.
pub(super) fn read(src: &Source<'_>, resolver: &dyn Resolver, search: bool) -> Rendered {
    let mut out = Rendered::default();
    let (body, expansions) = expand_shortcodes(src, resolver, &mut out.diagnostics, &mut out.shortcodes);
    let mut pass = ModelPass {
        src,
        resolver,
        lines: LineIndex::new(src.body),
        expansions,
        out,
        ids: HashMap::new(),
        footnotes: Footnotes::default(),
        footnote_text: Vec::new(),
        html_block: safety::HtmlBlock::default(),
        heading: None,
        section: SectionText::default(),
        search,
    };
    for (event, range) in Parser::new_ext(&body, options()).into_offset_iter() {
        pass.event(event, range);
    }
    pass.finish()
}

struct ModelPass<'s, 'a> {
    src: &'s Source<'s>,
    resolver: &'s dyn Resolver,
    /// Positions are reported in the file as written, not in the text with shortcodes expanded (an
    /// expansion may span several lines).
    lines: LineIndex<'s>,
    expansions: Vec<Expansion>,
    out: Rendered,
    ids: HashMap<String, usize>,
    footnotes: Footnotes<()>,
    /// Search text of each footnote definition (label, text): indexed as sections of their own.
    footnote_text: Vec<(String, String)>,
    html_block: safety::HtmlBlock,
    heading: Option<Heading<'a, ()>>,
    section: SectionText,
    /// Whether search sections are made.
    search: bool,
}

impl<'a> ModelPass<'_, 'a> {
    /// Line and column in the file of an offset in the expanded body.
    fn location(&self, offset: usize) -> (usize, usize) {
        let (l, c) = self.lines.line_col(original_offset(&self.expansions, offset));
        (l + self.src.first_line - 1, c)
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        // Footnote definitions: their text is a search section of its own.
        match &event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // An invalid label is reported at its reference; its definition is dropped with it.
                let valid = valid_id(label);
                self.footnotes.begin(if valid { label.to_string() } else { String::new() });
                if valid {
                    self.footnote_text.push((label.to_string(), String::new()));
                }
                return;
            }
            Event::End(TagEnd::FootnoteDefinition) => return self.footnotes.end(),
            _ => {}
        }
        // Search text: a space between blocks only, so no stray space lands before punctuation or
        // inside quotes that follow inline markup.
        if self.heading.is_none() && crate::search::ends_block(&event) {
            self.section.text.push(' ');
        }
        self.check_safety(&event, range.start);
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading = Some(Heading::new(level, id, classes, !attrs.is_empty(), range.start));
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::Link { dest_url, .. }) => {
                check_link(self.src, self.resolver, &dest_url, self.location(range.start), &mut self.out);
            }
            Event::FootnoteReference(label) => self.footnote_reference(&label, range.start),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => match self.heading.as_mut() {
                Some(h) => h.text.push_str(&code),
                None => self.section.text.push_str(&code),
            },
            Event::SoftBreak | Event::HardBreak if self.heading.is_none() => self.section.text.push(' '),
            _ => {}
        }
    }

    /// The safety check: only links, images and raw HTML are looked at (a block of raw HTML whole).
    fn check_safety(&mut self, event: &Event<'a>, start: usize) {
        let file = self.src.file;
        match event {
            Event::Html(html) => {
                let at = self.location(start);
                self.html_block.push(html, || at)
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::InlineHtml(_) => {
                self.out.diagnostics.extend(self.html_block.finish(file));
                let problems = safety::check(event, file, || self.location(start));
                self.out.diagnostics.extend(problems);
            }
            _ if self.html_block.is_open() => self.out.diagnostics.extend(self.html_block.finish(file)),
            _ => {}
        }
    }

    fn text(&mut self, text: &CowStr<'a>) {
        if let Some(h) = self.heading.as_mut() {
            h.text.push_str(text);
        } else if !self.footnotes.active() {
            self.section.text.push_str(text);
        } else if let Some((_, t)) = self.footnote_text.last_mut() {
            t.push_str(text);
        }
    }

    fn footnote_reference(&mut self, label: &str, start: usize) {
        if valid_id(label) {
            self.footnotes.reference(label);
            return;
        }
        let (l, c) = self.location(start);
        self.out.diagnostics.push(
            Diagnostic::new(self.src.file, format!("footnote label `{label}` has characters that are not allowed"))
                .at(l, Some(c))
                .help("use letters, digits, `-` and `_`, e.g. `[^1]` or `[^platforms]`"),
        );
    }

    /// A heading ends: its problems, its id (an anchor, and an entry of the table of contents for
    /// levels 2 and 3), and a new search section under it.
    fn end_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let bad = h.explicit_id.iter().chain(h.classes.iter()).find(|v| !valid_id(v));
        if bad.is_some() || h.attrs {
            let (l, c) = self.location(h.start);
            self.out.diagnostics.push(
                Diagnostic::new(
                    self.src.file,
                    match bad {
                        Some(b) => format!("heading id or class `{b}` has characters that are not allowed"),
                        None => "headings take only `{#id}` and `.class`, not other attributes".to_string(),
                    },
                )
                .at(l, Some(c))
                .help("use letters, digits, `-`, `_`, `.` and `:` (e.g. `{#records-retention}`)"),
            );
        }
        let id = h.id(&mut self.ids);
        let title = h.title();
        let lvl = h.level as u8;
        if (2..=3).contains(&lvl) {
            self.out.toc.push(TocEntry { level: lvl, id: id.clone(), title: title.clone() });
        }
        self.out.diagnostics.extend(self.html_block.finish(self.src.file));
        flush_section(&mut self.out.sections, &mut self.section, self.search);
        // The text buffer is kept (flush_section emptied it): one allocation per page, not per section.
        (self.section.id, self.section.heading) = (id.clone(), title);
        self.out.anchors.push(id);
    }

    fn finish(mut self) -> Rendered {
        flush_section(&mut self.out.sections, &mut self.section, self.search);
        for (label, text) in std::mem::take(&mut self.footnote_text) {
            if let Some(n) = self.footnotes.number(&label).filter(|_| self.search) {
                self.out.sections.push(TextSection::new(format!("fn-{label}"), format!("Footnote {n}"), &text));
            }
        }
        footnotes::check(self.footnotes, &mut self.out.anchors, self.src.file, &mut self.out.diagnostics);
        self.out
    }
}

/// Text collected under the current heading.
#[derive(Default)]
struct SectionText {
    id: String,
    heading: String,
    text: String,
}

fn flush_section(sections: &mut Vec<TextSection>, s: &mut SectionText, search: bool) {
    if search && (!s.text.trim().is_empty() || !s.heading.is_empty()) {
        sections.push(TextSection::new(std::mem::take(&mut s.id), std::mem::take(&mut s.heading), &s.text));
    }
    s.text.clear();
}
