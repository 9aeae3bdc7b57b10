//! `{{ name }}` shortcodes: expanded before parsing, with a map back to the original positions.

use std::sync::LazyLock;

use regex::Regex;

use super::types::{Resolver, Source};
use crate::diag::{Diagnostic, line_col};

pub(crate) static SHORTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}").unwrap_or_else(|e| panic!("bad regex: {e}")));

/// One expanded shortcode: its byte range in the expanded text and in the original.
type Expansion = (std::ops::Range<usize>, std::ops::Range<usize>);

/// Map an offset in the expanded text back to the original text.
pub(super) fn original_offset(expansions: &[Expansion], offset: usize) -> usize {
    let mut shift: isize = 0;
    for (expanded, original) in expansions {
        if offset < expanded.start {
            break;
        }
        if offset < expanded.end {
            return original.start;
        }
        shift = original.end as isize - expanded.end as isize;
    }
    (offset as isize + shift).max(0) as usize
}

/// Replace `{{ name }}` with the resolver's expansion; unknown names are errors at their position.
/// Returns the text and where each expansion sits, to map positions back.
pub(super) fn expand_shortcodes(
    src: &Source<'_>,
    resolver: &dyn Resolver,
    diags: &mut Vec<Diagnostic>,
    used: &mut Vec<String>,
) -> (String, Vec<Expansion>) {
    let mut expansions = Vec::new();
    if !src.body.contains("{{") {
        return (src.body.to_string(), expansions);
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
            Some(text) => {
                let start = out.len();
                out.push_str(&text);
                expansions.push((start..out.len(), whole.start()..whole.end()));
            }
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
    (out, expansions)
}
