//! The Markdown layer: every pulldown-cmark option and every transformation of the event stream lives
//! here, so the rest of the pipeline only sees "Markdown in, HTML + headings + links out".
//!
//! Transformations:
//! - headings get stable, de-duplicated ids and an anchor link, and feed the table of contents;
//! - footnotes are collected and rendered as a numbered list with back-links;
//! - `@/path/page.md#anchor` links become relative URLs (checked later, when all anchors are known);
//! - "Policy 5243" / "Regulation 5243R" become links to the policy;
//! - tables are wrapped so they scroll on phones without breaking the layout.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use regex::Regex;
use serde::Serialize;

use crate::diag::{Diagnostic, line_col};

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

static SHORTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}").unwrap_or_else(|e| panic!("bad regex: {e}")));
static POLICY_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Policy|Regulation)\s+(\d{4}(?:\.\d+)?R?)\b").unwrap_or_else(|e| panic!("bad regex: {e}"))
});

pub fn render(src: &Source<'_>, resolver: &dyn Resolver) -> Rendered {
    let mut out = Rendered::default();
    let body = expand_shortcodes(src, resolver, &mut out.diagnostics, &mut out.shortcodes);
    let location = |offset: usize| {
        let (l, c) = line_col(&body, offset);
        (l + src.first_line - 1, c)
    };

    let mut events: Vec<Event<'_>> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut footnotes = Footnotes::default();
    let mut in_link = 0usize;
    let mut heading: Option<HeadingBuf<'_>> = None;
    let mut current_section = SectionText::default();
    // Search text is wanted from the first pass only.
    let collect_text = !src.want_html;

    let parser = Parser::new_ext(&body, options()).into_offset_iter();
    for (event, range) in parser {
        // Footnote definitions are diverted into their own buffer.
        match &event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                footnotes.begin(label.to_string());
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
        if collect_text && heading.is_none() && ends_block(&event) {
            current_section.text.push(' ');
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
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = heading.take() else { continue };
                let id = unique_id(&mut ids, h.explicit_id.clone().unwrap_or_else(|| slug(&h.text)));
                let mut inner = String::new();
                html::push_html(&mut inner, h.inner.into_iter());
                let lvl = h.level as u8;
                let class =
                    if h.classes.is_empty() { String::new() } else { format!(" class=\"{}\"", h.classes.join(" ")) };
                let _ = h.attrs;
                let title = h.text.trim().to_string();
                if (2..=3).contains(&lvl) {
                    out.toc.push(TocEntry { level: lvl, id: id.clone(), title: title.clone() });
                }
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

    let mut html_out = String::new();
    if src.want_html {
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
}

fn push<'a>(
    events: &mut Vec<Event<'a>>,
    heading: &mut Option<HeadingBuf<'a>>,
    footnotes: &mut Footnotes<'a>,
    e: Event<'a>,
) {
    if let Some(h) = heading.as_mut() {
        h.inner.push(e);
    } else if let Some(buf) = footnotes.current_buffer() {
        buf.push(e);
    } else {
        events.push(e);
    }
}

/// Whether `e` closes a block, after which search text needs a space.
fn ends_block(e: &Event<'_>) -> bool {
    matches!(
        e,
        Event::End(
            TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::HtmlBlock
        )
    )
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

/// Replace `{{ name }}` with the resolver's expansion; unknown names are errors at their position.
fn expand_shortcodes(
    src: &Source<'_>,
    resolver: &dyn Resolver,
    diags: &mut Vec<Diagnostic>,
    used: &mut Vec<String>,
) -> String {
    if !src.body.contains("{{") {
        return src.body.to_string();
    }
    let mut out = String::with_capacity(src.body.len());
    let mut last = 0;
    for cap in SHORTCODE.captures_iter(src.body) {
        let (Some(whole), Some(name)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        out.push_str(&src.body[last..whole.start()]);
        used.push(name.as_str().to_string());
        match resolver.shortcode(name.as_str()) {
            Some(text) => out.push_str(&text),
            None => {
                let (l, c) = line_col(src.body, whole.start());
                diags.push(
                    Diagnostic::new(src.file, format!("unknown shortcode `{{{{ {} }}}}`", name.as_str()))
                        .at(l + src.first_line - 1, Some(c))
                        .help("known shortcodes: platforms.approved_sentence, platforms.barred_statement, platforms.approved_list, communications.email, communications.name"),
                );
                out.push_str(whole.as_str());
            }
        }
        last = whole.end();
    }
    out.push_str(&src.body[last..]);
    out
}

fn rewrite_link<'a>(
    src: &Source<'_>,
    resolver: &dyn Resolver,
    dest: &CowStr<'a>,
    (line, column): (usize, usize),
    out: &mut Rendered,
) -> CowStr<'a> {
    if let Some(anchor) = dest.strip_prefix('#') {
        out.pending.push(PendingAnchor { target: src.rel.to_string(), anchor: anchor.to_string(), line, column });
        return dest.clone();
    }
    let Some(internal) = dest.strip_prefix("@/") else {
        return dest.clone();
    };
    let (path, anchor) = match internal.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (internal, None),
    };
    match resolver.page_url(path) {
        Some(url) => {
            if let Some(a) = anchor {
                out.pending.push(PendingAnchor { target: path.to_string(), anchor: a.to_string(), line, column });
            }
            let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            format!("{}{}index.html{}", src.root, url, frag).into()
        }
        None => {
            out.diagnostics.push(
                Diagnostic::new(src.file, format!("link to a page that does not exist: `{dest}`"))
                    .at(line, Some(column))
                    .help("internal links are written `@/` + the path below content/, e.g. `@/regulation/6973-1r.md#authorization`"),
            );
            dest.clone()
        }
    }
}

/// Split a text into text and links around policy references.
fn link_policies<'a>(text: &str, resolver: &dyn Resolver, root: &str) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut last = 0;
    for cap in POLICY_REF.captures_iter(text) {
        let (Some(whole), Some(number)) = (cap.get(0), cap.get(2)) else {
            continue;
        };
        let Some(href) = resolver.policy_href(number.as_str(), root) else {
            continue;
        };
        if whole.start() > last {
            events.push(Event::Text(text[last..whole.start()].to_string().into()));
        }
        events.push(Event::Html(
            format!("<a class=\"policy-ref\" href=\"{}\">{}</a>", escape_attr(&href), escape_text(whole.as_str()))
                .into(),
        ));
        last = whole.end();
    }
    if last < text.len() {
        events.push(Event::Text(text[last..].to_string().into()));
    }
    events
}

#[derive(Default)]
struct Footnotes<'a> {
    /// label → (number, references so far)
    numbers: BTreeMap<String, (usize, usize)>,
    definitions: Vec<(String, Vec<Event<'a>>)>,
    current: Option<(String, Vec<Event<'a>>)>,
}

impl<'a> Footnotes<'a> {
    fn begin(&mut self, label: String) {
        self.current = Some((label, Vec::new()));
    }
    fn end(&mut self) {
        if let Some(def) = self.current.take() {
            self.definitions.push(def);
        }
    }
    fn active(&self) -> bool {
        self.current.is_some()
    }
    fn current_buffer(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.current.as_mut().map(|(_, v)| v)
    }
    /// Number of the footnote (by first reference) and how many times it has been referenced.
    fn reference(&mut self, label: &str) -> (usize, usize) {
        let next = self.numbers.len() + 1;
        let entry = self.numbers.entry(label.to_string()).or_insert((next, 0));
        entry.1 += 1;
        *entry
    }

    fn render(
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

/// Heading id: lower case, letters and digits kept, spaces and dashes folded to one `-`.
pub fn slug(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
            dash = false;
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/') && !dash && !s.is_empty() {
            s.push('-');
            dash = true;
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() { "section".into() } else { s }
}

fn unique_id(ids: &mut HashMap<String, usize>, base: String) -> String {
    let n = ids.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        let candidate = format!("{base}-{}", *n - 1);
        ids.insert(candidate.clone(), 1);
        candidate
    }
}

pub fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

pub fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R;
    impl Resolver for R {
        fn page_url(&self, rel: &str) -> Option<String> {
            (rel == "platforms.md").then(|| "platforms/".to_string())
        }
        fn policy_href(&self, number: &str, root: &str) -> Option<String> {
            (number == "5243").then(|| format!("{root}p/5243"))
        }
        fn shortcode(&self, name: &str) -> Option<String> {
            (name == "x").then(|| "EXPANDED".to_string())
        }
    }

    fn r(body: &str) -> Rendered {
        render(
            &Source { file: Path::new("content/a.md"), rel: "a.md", body, first_line: 5, root: "../", want_html: true },
            &R,
        )
    }

    #[test]
    fn slugs_are_stable_and_unique() {
        assert_eq!(slug("Public Records Act/Retention"), "public-records-act-retention");
        assert_eq!(slug("  Student Work & Photos  "), "student-work-photos");
        let out = r("# A\n\n## A\n\n## A\n");
        assert_eq!(out.anchors, vec!["a", "a-1", "a-2"]);
    }

    #[test]
    fn footnotes_have_backlinks() {
        let out = r("Text[^1].\n\n[^1]: Note.\n");
        assert!(out.html.contains("href=\"#fn-1\" id=\"fnref-1\""), "{}", out.html);
        assert!(out.html.contains("<li id=\"fn-1\" value=\"1\"><p>Note. <a href=\"#fnref-1\""), "{}", out.html);
    }

    #[test]
    fn internal_links_and_errors_have_lines() {
        let out = r("See [list](@/platforms.md).\n\nAnd [x](@/nope.md).\n");
        assert!(out.html.contains("href=\"../platforms/index.html\""));
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].line, Some(7));
    }

    #[test]
    fn policy_refs_link_outside_links_only() {
        let out = r("Policy 5243 and Policy 9999. [Policy 5243](x)\n");
        assert!(
            out.html.contains("<a class=\"policy-ref\" href=\"../p/5243\">Policy 5243</a> and Policy 9999."),
            "{}",
            out.html
        );
        assert_eq!(out.html.matches("policy-ref").count(), 1);
    }

    #[test]
    fn shortcodes_expand_or_fail_with_position() {
        let out = r("A {{ x }} B\n\nC {{ nope }}\n");
        assert!(out.html.contains("A EXPANDED B"));
        assert_eq!(out.diagnostics[0].line, Some(7));
        assert_eq!(out.diagnostics[0].column, Some(3));
    }
}
