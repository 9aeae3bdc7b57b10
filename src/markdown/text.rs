//! Ids and escaping.

use std::collections::HashMap;

/// Heading id: lower case, letters and digits kept, spaces and dashes folded to one `-`.
pub fn slug(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase()); // most headings: no case-mapping table looked up
            dash = false;
        } else if c.is_alphanumeric() {
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

/// Make a heading id unique on its page: the first `base` is kept, later ones get `-1`, `-2`, … and
/// a suffix that another heading already took is skipped, so no two headings share an id. The one
/// rule for every page, archive and compare view (`policy::sections` calls it too), so a link to a
/// section finds the same heading everywhere.
pub fn unique_id(ids: &mut HashMap<String, usize>, base: String) -> String {
    let n = ids.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        return base;
    }
    let mut k = *n - 1;
    loop {
        let candidate = format!("{base}-{k}");
        if !ids.contains_key(&candidate) {
            ids.insert(candidate.clone(), 1);
            return candidate;
        }
        k += 1;
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
