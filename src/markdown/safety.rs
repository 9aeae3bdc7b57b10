//! What a page may not carry: links and images to addresses that run code (`javascript:`,
//! `vbscript:`, `data:`, …), and raw HTML with scripts, frames, forms or event handlers.
//!
//! Pages are written by the district's site admins, but they are read by every member of staff, on the
//! district's own host: one pasted snippet with a `javascript:` link would run with the site's origin
//! (where the quiz codes and the request form live). So the build refuses it, at the file, line and
//! column, rather than publishing it. Addresses are read the way a browser reads them: Markdown
//! destinations arrive with entities already decoded by pulldown-cmark; attribute values of raw HTML
//! are decoded with `htmlize` (the HTML attribute rules), then both are parsed as WHATWG URLs by `url`,
//! so case, entities, tabs and leading spaces cannot hide a scheme. Raw HTML is read by `lol_html`, an
//! HTML tokenizer, a whole HTML block at a time, so tags split over lines, odd quoting and comments
//! are seen as a browser sees them. Quiz text goes through the same check (`quiz_view`).

use std::cell::RefCell;

use pulldown_cmark::{Event, Tag};

use crate::diag::Diagnostic;

/// The schemes a page may link to or load from; a relative address (`../x/`, `#a`, `@/page.md`)
/// has none and is always allowed.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms"];

/// Raw HTML elements that run code, embed other documents, send data, load styles or redirect
/// (`meta http-equiv=refresh`), or rewrite addresses (SVG `animate`/`set` on `href`).
const REFUSED_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "meta", "link", "style",
    "animate", "set", "portal",
];

/// Attributes of raw HTML whose value is an address a click follows.
const LINK_ATTRIBUTES: &[&str] = &["href", "xlink:href", "cite", "action", "formaction"];
/// Attributes whose address the browser loads by itself: only the site's own files (relative).
const LOAD_ATTRIBUTES: &[&str] = &["src", "poster", "background", "data", "srcset", "ping", "lowsrc", "dynsrc"];

/// The scheme of `address` when a page may not use it, as the browser would read it.
pub(crate) fn unsafe_scheme(address: &str) -> Option<String> {
    if !address.contains(':') {
        return None; // no scheme without a colon: relative (the common case, kept cheap)
    }
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

/// Whether `address` names a scheme (another host or a `data:`/`javascript:` address) rather than a
/// file of the site by a relative path.
fn is_absolute(address: &str) -> bool {
    address.contains(':') && (url::Url::parse(address).is_ok() || unsafe_scheme(address).is_some())
}

/// Problems of one Markdown event at `(line, column)` of `file`.
/// `at` gives the event's position; it is asked only when there is a problem, because finding a line
/// and column scans the text before it (asked for every event, it made the build twice as slow).
pub(super) fn check(event: &Event<'_>, file: &std::path::Path, at: impl Fn() -> (usize, usize)) -> Vec<Diagnostic> {
    let refused = |what: String, help: &str| {
        let (line, column) = at();
        Diagnostic::new(file, what).at(line, Some(column)).help(help.to_string())
    };
    let address_help =
        "link only to web addresses (https:), email (mailto:), phone numbers (tel:) or pages of the site";
    match event {
        Event::Start(Tag::Link { dest_url, .. }) => unsafe_scheme(dest_url)
            .map(|s| {
                refused(format!("a link to a `{s}:` address is not allowed: `{}`", shorten(dest_url)), address_help)
            })
            .into_iter()
            .collect(),
        // The Content-Security-Policy would block an image from another host: say so at build time.
        Event::Start(Tag::Image { dest_url, .. })
            if url::Url::parse(dest_url).is_ok() || unsafe_scheme(dest_url).is_some() =>
        {
            vec![refused(
                format!("an image from `{}`: pages show only the site's own images", shorten(dest_url)),
                "put the image in static/ (e.g. static/images/x.png) and refer to it by a relative path",
            )]
        }
        Event::InlineHtml(html) => html_problems(html, file, at),
        _ => Vec::new(),
    }
}

/// The same checks for a short Markdown text that is not a page (a quiz prompt, option or
/// explanation): its problems, each as a message.
pub fn problems_in_text(md: &str) -> Vec<String> {
    let file = std::path::Path::new("");
    let mut block = HtmlBlock::default();
    let mut problems = Vec::new();
    for (event, range) in pulldown_cmark::Parser::new_ext(md, super::types::options()).into_offset_iter() {
        if let Event::Html(html) = &event {
            block.push(html, || (1, range.start + 1));
        } else {
            problems.extend(block.finish(file));
            problems.extend(check(&event, file, || (1, range.start + 1)));
        }
    }
    problems.extend(block.finish(file));
    problems.into_iter().map(|d| d.message).collect()
}

const HTML_HELP: &str = "raw HTML may format text, but not run script, load from other hosts, embed other pages or send forms; write links and images in Markdown or remove it";

/// The problems of raw HTML that starts at `(line, column)`, each at the line of its tag.
fn html_problems(html: &str, file: &std::path::Path, start: impl Fn() -> (usize, usize)) -> Vec<Diagnostic> {
    let problems = check_html(html);
    if problems.is_empty() {
        return Vec::new();
    }
    let (line, column) = start();
    problems
        .into_iter()
        .map(|(at, problem)| {
            let before = &html[..at.min(html.len())];
            let lines = before.matches('\n').count();
            let col = if lines == 0 {
                column + before.chars().count()
            } else {
                before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1
            };
            Diagnostic::new(file, problem).at(line + lines, Some(col)).help(HTML_HELP.to_string())
        })
        .collect()
}

/// A block of raw HTML, which pulldown-cmark hands over a line at a time: checked whole, so a tag
/// split over lines is read as the browser reads it.
#[derive(Default)]
pub(super) struct HtmlBlock {
    text: String,
    start: Option<(usize, usize)>,
}

impl HtmlBlock {
    pub(super) fn push(&mut self, html: &str, at: impl FnOnce() -> (usize, usize)) {
        if self.start.is_none() {
            self.start = Some(at());
        }
        self.text.push_str(html);
    }

    /// Whether a block has started and not been checked yet.
    pub(super) fn is_open(&self) -> bool {
        self.start.is_some()
    }

    /// The block's problems, and an empty block for the next one.
    pub(super) fn finish(&mut self, file: &std::path::Path) -> Vec<Diagnostic> {
        let Some(start) = self.start.take() else { return Vec::new() };
        let problems = html_problems(&self.text, file, || start);
        self.text.clear();
        problems
    }
}

/// What is wrong with a piece of raw HTML: (byte offset of the tag, problem), in order.
pub(crate) fn check_html(html: &str) -> Vec<(usize, String)> {
    let problems = RefCell::new(Vec::new());
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!("*", |el| {
        let at = el.source_location().bytes().start;
        let name = el.tag_name();
        let add = |p: String| problems.borrow_mut().push((at, p));
        if REFUSED_ELEMENTS.contains(&name.as_str()) {
            add(format!("raw HTML `<{name}>` is not allowed on a page"));
        }
        for attr in el.attributes() {
            let key = attr.name();
            let value = htmlize::unescape_attribute(attr.value()).into_owned();
            for p in attribute_problems(&name, &key, &value) {
                add(p);
            }
        }
        Ok(())
    }));
    if let Err(e) = lol_html::rewrite_str(html, settings) {
        problems.borrow_mut().push((0, format!("raw HTML that cannot be read: {e}")));
    }
    problems.into_inner()
}

/// What is wrong with one attribute `key="value"` of element `name`.
fn attribute_problems(name: &str, key: &str, value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if key.starts_with("on") {
        problems.push(format!("raw HTML `<{name} {key}=…>`: event handlers (script) are not allowed"));
    } else if key == "style" {
        let plain: String = value.chars().filter(|c| *c != '\\').collect::<String>().to_ascii_lowercase();
        if plain.contains("url(") || plain.contains("@import") || plain.contains("image-set(") || value.contains('\\') {
            problems.push(format!(
                "raw HTML `<{name} style=…>`: a style may not load from an address (`url(`, `@import`, escapes)"
            ));
        }
    } else if LINK_ATTRIBUTES.contains(&key) {
        if let Some(s) = unsafe_scheme(value) {
            problems
                .push(format!("raw HTML `<{name} {key}=…>` to a `{s}:` address is not allowed: `{}`", shorten(value)));
        }
    } else if LOAD_ATTRIBUTES.contains(&key) {
        let addresses: Vec<&str> = if key == "srcset" {
            value.split(',').filter_map(|c| c.split_whitespace().next()).collect()
        } else {
            vec![value]
        };
        for a in addresses {
            if is_absolute(a) {
                problems.push(format!(
                    "raw HTML `<{name} {key}=…>` loads `{}`: pages load only the site's own files, by a relative path",
                    shorten(a)
                ));
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
            "<div>\n<script\nsrc=\"../assets/evil.js\"></script>\n</div>",
            "<div>\n<meta http-equiv=refresh\ncontent=\"1;url=https://evil.example/\">\n</div>",
            "<div><img src=x onerror=alert(1) title=a\"b></div>",
            "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
            "<style>@import 'https://evil.example/x.css';</style>",
            "<p style=\"background-image: u\\rl(https://evil.example/x)\">x</p>",
            "<a href=\"https://example.org\" ping=\"https://evil.example/p\">x</a>",
            "<img src=\"https://thirdparty.example/pixel.png\" alt=\"\">",
        ] {
            assert!(!check_html(bad).is_empty(), "{bad}");
        }
        for good in [
            "<details><summary>More</summary>",
            "<a href=\"https://example.org/?a=1&amp;b=2\" title=\"on the site\">x</a>",
            "<abbr title=\"Family Educational Rights and Privacy Act\">FERPA</abbr>",
            "<img src=\"../assets/logo.png\" alt=\"Logo\">",
            "<!-- <script>a comment is not a tag</script> -->",
            "<a href=\"sms:+12535550100\">Text us</a>",
        ] {
            assert_eq!(check_html(good), Vec::<(usize, String)>::new(), "{good}");
        }
    }
}
