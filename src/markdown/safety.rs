//! What a page may not carry: links and images to addresses that run code (`javascript:`,
//! `vbscript:`, `data:`, …), and raw HTML with scripts, frames, forms or event handlers.
//!
//! Pages are written by the district's site admins, but they are read by every member of staff, on the
//! district's own host: one pasted snippet with a `javascript:` link would run with the site's origin
//! (where the quiz codes and the request form live). So the build refuses it, at the file, line and
//! column, rather than publishing it. Addresses are read the way a browser reads them: Markdown
//! destinations arrive with entities already decoded by pulldown-cmark; attribute values of raw HTML
//! are decoded with `htmlize` (the HTML attribute rules), then both are parsed as WHATWG URLs by `url`,
//! so case, entities, tabs and leading spaces cannot hide a scheme.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Tag};
use regex::Regex;

use crate::diag::Diagnostic;

/// The schemes a page may link to or load from; a relative address (`../x/`, `#a`, `@/page.md`)
/// has none and is always allowed.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Raw HTML elements that run code, embed other documents or send data.
const REFUSED_ELEMENTS: &[&str] =
    &["script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "meta", "link"];

/// Attributes of raw HTML whose value is an address.
const URL_ATTRIBUTES: &[&str] =
    &["href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data", "ping", "srcset"];

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<\s*([A-Za-z][A-Za-z0-9:-]*)((?:[^>\x22']|\x22[^\x22]*\x22|'[^']*')*)>")
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"#)
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});

/// The scheme of `address` when a page may not use it, as the browser would read it.
pub(crate) fn unsafe_scheme(address: &str) -> Option<String> {
    match url::Url::parse(address) {
        Ok(u) if !SAFE_SCHEMES.contains(&u.scheme()) => Some(u.scheme().to_string()),
        Ok(_) => None,
        // Not an absolute URL to the parser: relative, unless something scheme-like still leads it
        // once spaces and control characters are gone (a browser would not follow it, but say so).
        Err(_) => {
            let squeezed: String =
                address.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
            ["javascript:", "vbscript:", "data:"]
                .iter()
                .find(|s| squeezed.starts_with(**s))
                .map(|s| s.trim_end_matches(':').to_string())
        }
    }
}

/// Problems of one Markdown event at `(line, column)` of `file`.
pub(super) fn check(event: &Event<'_>, file: &std::path::Path, (line, column): (usize, usize)) -> Vec<Diagnostic> {
    let refused = |what: String, help: &str| Diagnostic::new(file, what).at(line, Some(column)).help(help.to_string());
    let address_help =
        "link only to web addresses (https:), email (mailto:), phone numbers (tel:) or pages of the site";
    match event {
        Event::Start(Tag::Link { dest_url, .. }) => unsafe_scheme(dest_url)
            .map(|s| refused(format!("a link to a `{s}:` address is not allowed: `{}`", shorten(dest_url)), address_help))
            .into_iter()
            .collect(),
        Event::Start(Tag::Image { dest_url, .. }) => unsafe_scheme(dest_url)
            .map(|s| {
                refused(
                    format!("an image from a `{s}:` address is not allowed: `{}`", shorten(dest_url)),
                    "put the image in static/ and refer to it by a relative path, or use an https: address",
                )
            })
            .into_iter()
            .collect(),
        Event::Html(html) | Event::InlineHtml(html) => check_html(html)
            .into_iter()
            .map(|problem| {
                refused(
                    problem,
                    "raw HTML may format text, but not run script, embed other pages or send forms; write the link in Markdown or remove it",
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What is wrong with a piece of raw HTML, one line per problem.
fn check_html(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in TAG.captures_iter(html) {
        let name = tag[1].to_ascii_lowercase();
        if REFUSED_ELEMENTS.contains(&name.as_str()) {
            problems.push(format!("raw HTML `<{name}>` is not allowed on a page"));
        }
        for attr in ATTRIBUTE.captures_iter(tag.get(2).map_or("", |m| m.as_str())) {
            let key = attr[1].to_ascii_lowercase();
            let raw = attr.get(2).or(attr.get(3)).or(attr.get(4)).map_or("", |m| m.as_str());
            let value = htmlize::unescape_attribute(raw);
            if key.starts_with("on") {
                problems.push(format!("raw HTML `<{name} {key}=…>`: event handlers (script) are not allowed"));
            } else if key == "style" && value.to_ascii_lowercase().contains("url(") {
                problems.push(format!("raw HTML `<{name} style=…>`: `url(` in a style loads from an address"));
            } else if URL_ATTRIBUTES.contains(&key.as_str()) {
                let addresses: Vec<&str> = if key == "srcset" {
                    value.split(',').filter_map(|c| c.split_whitespace().next()).collect()
                } else {
                    vec![value.as_ref()]
                };
                for a in addresses {
                    if let Some(s) = unsafe_scheme(a) {
                        problems.push(format!(
                            "raw HTML `<{name} {key}=…>` to a `{s}:` address is not allowed: `{}`",
                            shorten(a)
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// An address cut to a readable length for a message.
fn shorten(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() { format!("{cut}…") } else { cut }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \tjava\nscript:alert(1)",
            "vbscript:x",
            "data:text/html,x",
            "file:///etc/passwd",
        ] {
            assert!(unsafe_scheme(bad).is_some(), "{bad:?}");
        }
        for good in [
            "https://example.org/a",
            "http://intranet/x",
            "mailto:a@b.org",
            "tel:+1-253-555-0100",
            "../a/index.html",
            "#top",
            "@/regulation/6973-1r.md",
            "page.html?x=a:b",
        ] {
            assert_eq!(unsafe_scheme(good), None, "{good:?}");
        }
    }

    #[test]
    fn raw_html_with_scripts_handlers_or_hidden_schemes_is_refused() {
        for bad in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href='java&Tab;script:alert(1)'>x</a>",
            "<iframe src=\"https://example.org\"></iframe>",
            "<form action=\"https://example.org\"><button>Go</button></form>",
            "<img srcset=\"a.png 1x, javascript:alert(1) 2x\">",
            "<div style=\"background:url(https://tracker.example/x)\">",
        ] {
            assert!(!check_html(bad).is_empty(), "{bad}");
        }
        for good in [
            "<details><summary>More</summary>",
            "<a href=\"https://example.org/?a=1&amp;b=2\" title=\"on the site\">x</a>",
            "<abbr title=\"Family Educational Rights and Privacy Act\">FERPA</abbr>",
            "<img src=\"../assets/logo.png\" alt=\"Logo\">",
        ] {
            assert_eq!(check_html(good), Vec::<String>::new(), "{good}");
        }
    }
}
