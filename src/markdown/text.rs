//! Ids and escaping.

use std::collections::HashMap;

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

pub(super) fn unique_id(ids: &mut HashMap<String, usize>, base: String) -> String {
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

/// Escape text for an attribute value in double quotes (`&`, `<`, `>`, `"`, `'`).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// Escape text between tags (`&`, `<`, `>`).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, s);
    out
}

/// Whether an author-given id or class (`{#id .class}` on a heading, a footnote label) may go into
/// an attribute and a `#fragment` as it is: letters, digits, `-`, `_`, `.` and `:`, starting with a
/// letter or digit. Anything else is refused with its position rather than silently changed, since
/// links elsewhere name it.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphanumeric())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}
