//! The render pass ([`super::html`]): the page's events, transformed (heading ids and anchor links,
//! footnote numbers, `@/` links, policy references, scrolling tables), streamed into pulldown-cmark's
//! HTML writer. Only a heading (its id comes from its text, at its end) and the footnote definitions
//! (listed at the end of the page) are held back.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write;

use pulldown_cmark::{Event, Parser, Tag, TagEnd, html};
use pulldown_cmark_escape::escape_html;

use super::footnotes::{self, Footnotes};
use super::links::{link_policies, rewrite_link};
use super::shortcodes::expand_shortcodes;
use super::text::valid_id;
use super::types::{Heading, Resolver, Source, options};

pub(super) fn render(src: &Source<'_>, resolver: &dyn Resolver) -> String {
    // Problems (unknown shortcodes among them) were reported by the model pass over the same text.
    let (body, _) = expand_shortcodes(src, resolver, &mut Vec::new(), &mut Vec::new());
    let mut pass = HtmlPass {
        src,
        resolver,
        ready: VecDeque::new(),
        ids: HashMap::new(),
        footnotes: Footnotes::default(),
        in_link: 0,
        heading: None,
    };
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    let mut parser = Parser::new_ext(&body, options());
    let events = std::iter::from_fn(|| {
        loop {
            if let Some(e) = pass.ready.pop_front() {
                return Some(e);
            }
            pass.event(parser.next()?);
        }
    });
    html::push_html(&mut html_out, events);
    footnotes::render(pass.footnotes, &mut html_out);
    html_out
}

struct HtmlPass<'s, 'a> {
    src: &'s Source<'s>,
    resolver: &'s dyn Resolver,
    /// Events ready for the HTML writer.
    ready: VecDeque<Event<'a>>,
    ids: HashMap<String, usize>,
    footnotes: Footnotes<Vec<Event<'a>>>,
    in_link: usize,
    heading: Option<Heading<'a, Vec<Event<'a>>>>,
}

impl<'a> HtmlPass<'_, 'a> {
    fn event(&mut self, event: Event<'a>) {
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // An invalid label was reported at its reference; its definition is dropped with it.
                return self.footnotes.begin(if valid_id(&label) { label.to_string() } else { String::new() });
            }
            Event::End(TagEnd::FootnoteDefinition) => return self.footnotes.end(),
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading = Some(Heading::new(level, id, classes, !attrs.is_empty(), 0));
                return;
            }
            Event::End(TagEnd::Heading(_)) => match self.end_heading() {
                Some(html) => html,
                None => return,
            },
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                self.in_link += 1;
                let dest_url = rewrite_link(self.src, self.resolver, dest_url);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::End(TagEnd::Link) => {
                self.in_link = self.in_link.saturating_sub(1);
                Event::End(TagEnd::Link)
            }
            Event::FootnoteReference(label) if !valid_id(&label) => return,
            Event::FootnoteReference(label) => {
                let (n, nth) = self.footnotes.reference(&label);
                let ref_id = if nth == 1 { format!("fnref-{label}") } else { format!("fnref-{label}-{nth}") };
                Event::Html(
                    format!("<sup class=\"footnote-ref\"><a href=\"#fn-{label}\" id=\"{ref_id}\" aria-label=\"Footnote {n}\">{n}</a></sup>")
                        .into(),
                )
            }
            Event::Start(Tag::Table(a)) => {
                self.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\">"
                        .into(),
                ));
                Event::Start(Tag::Table(a))
            }
            Event::End(TagEnd::Table) => {
                self.push(Event::End(TagEnd::Table));
                Event::Html("</div>".into())
            }
            Event::Text(text) => {
                if let Some(h) = self.heading.as_mut() {
                    h.text.push_str(&text);
                } else if self.in_link == 0
                    && let Some(events) = link_policies(&text, self.resolver, self.src.root)
                {
                    for e in events {
                        self.push(e);
                    }
                    return;
                }
                Event::Text(text)
            }
            Event::Code(code) => {
                if let Some(h) = self.heading.as_mut() {
                    h.text.push_str(&code);
                }
                Event::Code(code)
            }
            other => other,
        };
        self.push(event);
    }

    /// Route an event to the heading or footnote being read, else to the HTML writer.
    fn push(&mut self, e: Event<'a>) {
        if let Some(h) = self.heading.as_mut() {
            h.inner.push(e);
        } else if let Some(buf) = self.footnotes.current_buffer() {
            buf.push(e);
        } else {
            self.ready.push_back(e);
        }
    }

    /// A heading ends: it becomes HTML with its id and an anchor link to it, written into one string.
    fn end_heading(&mut self) -> Option<Event<'a>> {
        let h = self.heading.take()?;
        let id = h.id(&mut self.ids);
        let lvl = h.level as u8;
        let mut out = String::with_capacity(2 * id.len() + 2 * h.text.len() + 100);
        let _ = write!(out, "<h{lvl} id=\"{id}\"");
        let mut classes = h.classes.iter().map(|c| c.as_ref()).filter(|c| valid_id(c));
        if let Some(first) = classes.next() {
            out.push_str(" class=\"");
            let _ = escape_html(&mut out, first);
            for c in classes {
                out.push(' ');
                let _ = escape_html(&mut out, c);
            }
            out.push('"');
        }
        out.push('>');
        let title = h.text.trim();
        html::push_html(&mut out, h.inner.into_iter());
        let _ = write!(out, " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section: ");
        let _ = escape_html(&mut out, title);
        let _ = writeln!(out, "\">#</a></h{lvl}>");
        Some(Event::Html(out.into()))
    }
}
