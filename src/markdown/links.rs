//! Links: `@/page.md#anchor` to relative URLs, and "Policy 5243" to policy links.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event};
use regex::Regex;

use super::types::{PendingAnchor, Rendered, Resolver, Source};
use crate::diag::Diagnostic;

pub(super) static POLICY_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Policy|Regulation)\s+(\d{4}(?:\.\d+)?R?)\b").unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Where a link's destination points, read the same way by both passes.
pub(super) enum Target<'d> {
    /// `#anchor`: an anchor of this page.
    Here(&'d str),
    /// `@/path.md#anchor` to a page that exists at the URL directory `url` (its address is made
    /// only by the render pass, [`rewrite_link`]).
    Page { path: &'d str, anchor: Option<&'d str>, url: String },
    /// `@/path.md` to no page.
    Missing,
    /// Anything else, kept as written.
    Other,
}

pub(super) fn target<'d>(resolver: &dyn Resolver, dest: &'d str) -> Target<'d> {
    if let Some(anchor) = dest.strip_prefix('#') {
        return Target::Here(anchor);
    }
    let Some(internal) = dest.strip_prefix("@/") else {
        return Target::Other;
    };
    let (path, anchor) = match internal.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (internal, None),
    };
    match resolver.page_url(path) {
        Some(url) => Target::Page { path, anchor, url },
        None => Target::Missing,
    }
}

/// The model pass: remember the anchor a link needs (checked once every page is read), or say
/// that its page does not exist.
pub(super) fn check_link(
    src: &Source<'_>,
    resolver: &dyn Resolver,
    dest: &str,
    (line, column): (usize, usize),
    out: &mut Rendered,
) {
    let (target, anchor) = match self::target(resolver, dest) {
        Target::Here(anchor) => (src.rel, anchor),
        Target::Page { path, anchor: Some(anchor), .. } => (path, anchor),
        Target::Page { anchor: None, .. } | Target::Other => return,
        Target::Missing => {
            out.diagnostics.push(
                Diagnostic::new(src.file, format!("link to a page that does not exist: `{dest}`"))
                    .at(line, Some(column))
                    .help("internal links are written `@/` + the path below content/, e.g. `@/regulation/6973-1r.md#authorization`"),
            );
            return;
        }
    };
    out.pending.push(PendingAnchor { target: target.to_string(), anchor: anchor.to_string(), line, column });
}

/// The render pass: the address a link's destination becomes.
pub(super) fn rewrite_link<'a>(src: &Source<'_>, resolver: &dyn Resolver, dest: CowStr<'a>) -> CowStr<'a> {
    match target(resolver, &dest) {
        Target::Page { anchor, url, .. } => {
            let mut href = String::with_capacity(src.root.len() + url.len() + 12 + anchor.map_or(0, |a| a.len() + 1));
            href.push_str(src.root);
            href.push_str(&url);
            href.push_str("index.html");
            if let Some(a) = anchor {
                href.push('#');
                href.push_str(a);
            }
            href.into()
        }
        _ => dest,
    }
}

/// Split a text into text and links around policy references; `None` (and nothing allocated) when
/// it has none that links anywhere. Each match is found once, by the regex's fast search alone: the
/// number is what follows the word and its white space (`Policy 5243`, `Regulation 6973.1R`).
pub(super) fn link_policies<'a>(text: &CowStr<'a>, resolver: &dyn Resolver, root: &str) -> Option<Vec<Event<'a>>> {
    let mut events = Vec::new();
    let mut last = 0;
    for whole in POLICY_REF.find_iter(text) {
        let word = whole.as_str().split(char::is_whitespace).next().unwrap_or_default();
        let number = whole.as_str()[word.len()..].trim_start();
        let Some(href) = resolver.policy_href(number, root) else {
            continue;
        };
        if whole.start() > last {
            events.push(Event::Text(slice(text, last..whole.start())));
        }
        let mut html = String::with_capacity(href.len() + whole.len() + 36);
        html.push_str("<a class=\"policy-ref\" href=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut html, &href);
        html.push_str("\">");
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, whole.as_str());
        html.push_str("</a>");
        events.push(Event::Html(html.into()));
        last = whole.end();
    }
    if events.is_empty() {
        return None;
    }
    if last < text.len() {
        events.push(Event::Text(slice(text, last..text.len())));
    }
    Some(events)
}

/// Part of a text event's text: borrowed from the source when the text is.
fn slice<'a>(text: &CowStr<'a>, range: std::ops::Range<usize>) -> CowStr<'a> {
    match text {
        CowStr::Borrowed(s) => CowStr::Borrowed(&s[range]),
        other => other[range].to_string().into(),
    }
}
