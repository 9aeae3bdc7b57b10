//! Links: `@/page.md#anchor` to relative URLs, and "Policy 5243" to policy links.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event};
use regex::Regex;

use super::text::{escape_attr, escape_text};
use super::types::{PendingAnchor, Rendered, Resolver, Source};
use crate::diag::Diagnostic;

pub(super) static POLICY_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Policy|Regulation)\s+(\d{4}(?:\.\d+)?R?)\b").unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// Where a link's destination points, read the same way by both passes.
pub(super) enum Target<'d> {
    /// `#anchor`: an anchor of this page.
    Here(&'d str),
    /// `@/path.md#anchor` to a page that exists: the relative address it becomes.
    Page { path: &'d str, anchor: Option<&'d str>, href: String },
    /// `@/path.md` to no page.
    Missing,
    /// Anything else, kept as written.
    Other,
}

pub(super) fn target<'d>(src: &Source<'_>, resolver: &dyn Resolver, dest: &'d str) -> Target<'d> {
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
        Some(url) => {
            let frag = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            Target::Page { path, anchor, href: format!("{}{}index.html{}", src.root, url, frag) }
        }
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
    let (target, anchor) = match self::target(src, resolver, dest) {
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
    match target(src, resolver, &dest) {
        Target::Page { href, .. } => href.into(),
        _ => dest,
    }
}

/// Split a text into text and links around policy references.
pub(super) fn link_policies<'a>(text: &str, resolver: &dyn Resolver, root: &str) -> Vec<Event<'a>> {
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
