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

pub(super) fn rewrite_link<'a>(
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
