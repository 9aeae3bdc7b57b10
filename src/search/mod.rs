//! The offline search, built for sites of any size: a sharded index that the search page loads piece by
//! piece, as scripts (so it works from `file://`, where `fetch` is refused).
//!
//! This module is the text side, with no knowledge of the site: the Markdown layer reduces the text
//! under each heading to a [`TextSection`] (terms stemmed by [`terms`]). The index files are made
//! from the site model by [`crate::search_index`] (`emit`, `put`), which the build calls.
//!
//! What the build writes:
//! - `search/entry.js`: a few hundred bytes: how many sections there are and which term each index shard
//!   starts with.
//! - `search/s/N.js`: index shards: terms (stemmed, [`terms`]) in sorted order, each with its postings
//!   (sections and a weight) compactly encoded, deflated. A query loads only the shards of its words.
//! - `search/x/N.js`: the text of 32 sections each, for the excerpts of the results shown (deflated,
//!   in Base64).
//!
//! Each names the index version (a text chunk its block's version, listed in the entry; see
//! [`crate::search_index`]), so the page never mixes two builds.
//!
//! The Markdown layer reduces the text under each heading to a [`TextSection`] as it renders (first
//! pass), so the full Markdown of every page is never held.

mod stems;
pub mod terms;

pub use stems::{Names, names};

use serde::Serialize;

/// Longest text kept per section for excerpts, in characters (a section is rarely longer; a match
/// further down shows the section's start).
const TEXT_CHARS: usize = 2000;

/// Weight flag: the term is in the section's heading.
pub(crate) const IN_HEADING: u8 = 4;
/// Weight flag: the term is in the page's title (set on the page's first section only).
pub(crate) const IN_TITLE: u8 = 8;

/// What the index keeps of one section.
#[derive(Debug, Clone, Serialize)]
pub struct TextSection {
    pub id: String,
    pub heading: String,
    /// The section's text, white space folded, at most [`TEXT_CHARS`] characters.
    pub text: String,
    /// Distinct terms, in order of first occurrence. Held for every section of the site until the
    /// index is written: 4 bytes a term, allocated at its size.
    pub terms: Box<[Term]>,
}

/// One distinct term of a section: its stem's number ([`names`]) and its weight: [`IN_HEADING`] plus
/// 0–3 for how often it occurs in the text (0: never, 1: once, 2: two or three times, 3: more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Term(u32);

impl Term {
    fn new(stem: u32, weight: u8) -> Term {
        Term((stem << 3) | u32::from(weight))
    }
    /// The stem's number ([`names`]).
    pub fn stem(self) -> u32 {
        self.0 >> 3
    }
    pub fn weight(self) -> u8 {
        (self.0 & 7) as u8
    }
}

impl TextSection {
    pub fn new(id: String, heading: String, text: &str) -> TextSection {
        let terms = terms::weighted(text, &heading, |stem, n, in_heading| {
            Term::new(stem, tf_bucket(n) | if in_heading { IN_HEADING } else { 0 })
        });
        // Held for every section of the site until the index is written: no spare capacity.
        let mut text = fold(text, TEXT_CHARS);
        text.shrink_to_fit();
        TextSection { id, heading, text, terms }
    }

    /// Whether the section has anything to find.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Whether a Markdown event closes a block, after which the collected search text needs a space
/// (none is added inside a line, so none lands before punctuation that follows inline markup).
pub fn ends_block(e: &pulldown_cmark::Event<'_>) -> bool {
    use pulldown_cmark::{Event, TagEnd};
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

fn tf_bucket(n: u32) -> u8 {
    match n {
        0 => 0,
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}

/// `text` with white space folded, cut at a word after at most `max` characters.
fn fold(text: &str, max: usize) -> String {
    if text.is_ascii() { fold_ascii(text, max) } else { fold_chars(text, max) }
}

/// [`fold`] for any text, a character at a time.
fn fold_chars(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = if word.is_ascii() { word.len() } else { word.chars().count() };
        if chars > 0 && chars + n + 1 > max {
            out.push('…');
            break;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        if n <= max {
            out.push_str(word);
        } else {
            out.extend(word.chars().take(max));
        }
        chars += n;
    }
    out
}

/// [`fold`] for ASCII text, a byte at a time (a character is a byte; white space is what
/// `char::is_whitespace` says for ASCII: space, tab, line feed, vertical tab, form feed, return).
fn fold_ascii(text: &str, max: usize) -> String {
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(max + '…'.len_utf8()));
    let mut i = 0;
    while i < bytes.len() {
        if space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !space(bytes[i]) {
            i += 1;
        }
        let n = i - start;
        if !out.is_empty() && out.len() + n + 1 > max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..start + n.min(max)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keep_folded_text_and_weighted_terms() {
        let s = TextSection::new("a".into(), "Public Records".into(), "The  records, the RECORDS\nand a <b> tag");
        let names = names();
        let mut terms: Vec<String> = s.terms.iter().map(|t| format!("{}{}", names.get(t.stem()), t.weight())).collect();
        terms.sort();
        assert_eq!(terms.join(" "), "public4 record6 tag1");
        assert_eq!(s.text, "The records, the RECORDS and a <b> tag");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        assert_eq!(fold("alpha beta gamma", 11), "alpha beta…");
    }

    #[test]
    fn ascii_text_folds_as_any_other() {
        for text in ["  a\tb\x0bc\x0cd\r\ne  ", "alpha beta gamma", "averyveryverylongword and more", "", " ", "x"] {
            for max in [1, 4, 5, 11, 16, 100] {
                assert_eq!(fold_ascii(text, max), fold_chars(text, max), "{text:?} {max}");
            }
        }
    }
}
