//! The offline search, built for sites of any size: a sharded index that the search page loads piece by
//! piece, as scripts (so it works from `file://`, where `fetch` is refused).
//!
//! This module is the text side, with no knowledge of the site: the Markdown layer reduces the text
//! under each heading to a [`TextSection`] (terms stemmed by [`terms`]). The index files are made
//! from the site model by [`crate::search_index`] (`emit`, `put`), which the build calls.
//!
//! What the build writes:
//! - `search/entry.js`: a few kilobytes: how many sections and section numbers there are, which
//!   term each index shard starts with, and each shard's and block of text chunks' version.
//! - `search/s/N.js`: index shards: terms (stemmed, [`terms`]) in sorted order, each with its postings
//!   (sections and a weight) compactly encoded, deflated. A query loads only the shards of its words.
//! - `search/x/N.js`: the text of 40 section numbers each (about 32 sections: each page's range of
//!   numbers keeps room for a heading more), for the excerpts of the results shown (deflated, in
//!   Base64).
//!
//! Each names the index version (a text chunk its block's version, listed in the entry; see
//! [`crate::search_index`]), so the page never mixes two builds.
//!
//! The Markdown layer reduces the text under each heading to a [`TextSection`] as it renders (first
//! pass), so the full Markdown of every page is never held.

mod stems;
pub mod terms;
mod word_table;

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
#[derive(Debug, Clone)]
pub struct TextSection {
    /// The anchor, the heading and the text, one after the other ([`TextSection::id`],
    /// [`TextSection::heading`], [`TextSection::text`]): held for every section of the site (some
    /// 130,000 at 10,000 pages) until the index is written, so one allocation each, at its size,
    /// instead of three strings (23 MB less at the build's peak).
    parts: Box<str>,
    /// Where the heading and the text start in `parts`.
    heading_at: u32,
    text_at: u32,
    /// Distinct terms, in order of first occurrence. Held for every section of the site until the
    /// index is written: 4 bytes a term, allocated at its size.
    pub terms: Box<[Term]>,
}

impl Serialize for TextSection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = s.serialize_struct("TextSection", 4)?;
        out.serialize_field("id", self.id())?;
        out.serialize_field("heading", self.heading())?;
        out.serialize_field("text", self.text())?;
        out.serialize_field("terms", &self.terms)?;
        out.end()
    }
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
        let text = fold(text, TEXT_CHARS);
        let mut parts = String::with_capacity(id.len() + heading.len() + text.len());
        for part in [&id, &heading, &text] {
            parts.push_str(part);
        }
        // A section's anchor and heading are short, and its text at most TEXT_CHARS characters.
        let (heading_at, text_at) = (id.len() as u32, (id.len() + heading.len()) as u32);
        TextSection { parts: parts.into_boxed_str(), heading_at, text_at, terms }
    }

    /// The section's anchor (empty for a page's text before its first heading).
    pub fn id(&self) -> &str {
        &self.parts[..self.heading_at as usize]
    }

    pub fn heading(&self) -> &str {
        &self.parts[self.heading_at as usize..self.text_at as usize]
    }

    /// The section's text, white space folded, at most [`TEXT_CHARS`] characters.
    pub fn text(&self) -> &str {
        &self.parts[self.text_at as usize..]
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

/// [`fold`] for ASCII text (a character is a byte; white space is what `char::is_whitespace` says for
/// ASCII: space, tab, line feed, vertical tab, form feed, return). The text is collapsed to single
/// spaces until `max` + 2 bytes are out, 8 bytes at a time where they need no change, then cut: the
/// words that fit whole in `max`, or the first `max` bytes of a longer first word.
fn fold_ascii(text: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let bytes = text.as_bytes();
    let (mut out, i) = collapse_ascii(bytes, max + 2);
    // A space left at the end is followed by a word in the text, or dropped.
    if out.last() == Some(&b' ') && bytes[i..].iter().all(|&b| ascii_space(b)) {
        out.pop();
    }
    if out.len() > max {
        match out[..=max].iter().rposition(|&b| b == b' ') {
            Some(p) => out.truncate(p),
            None => {
                let more = out[max..].contains(&b' ') || has_second_word(&bytes[i..]);
                out.truncate(max);
                if !more {
                    return ascii_string(out);
                }
            }
        }
        out.extend_from_slice("…".as_bytes());
    }
    ascii_string(out)
}

fn ascii_string(out: Vec<u8>) -> String {
    // The bytes are ASCII from the text and "…": never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether ASCII `b` is white space, as `char::is_whitespace` says.
fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// Whether the rest of a text, which may start inside a word, holds another word after white space.
fn has_second_word(rest: &[u8]) -> bool {
    rest.iter().position(|&b| ascii_space(b)).is_some_and(|j| rest[j..].iter().any(|&b| !ascii_space(b)))
}

/// `bytes` (ASCII) with leading white space left out and every run of white space as one space, until
/// at least `want` bytes are out or the text ends (the result may end with a space); and where in
/// `bytes` it stopped.
fn collapse_ascii(bytes: &[u8], want: usize) -> (Vec<u8>, usize) {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // No more than the text: a short section's folded text is held at its allocation's size.
    let mut out = Vec::with_capacity(bytes.len().min(want + 8));
    let mut i = bytes.iter().position(|&b| !ascii_space(b)).unwrap_or(bytes.len());
    while out.len() < want && i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let w =
                u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
            // High bit of each byte below 0x0E (tab to return, and other controls), and of each space
            // (ASCII bytes: adding never carries into the next byte).
            let control = !(w + 0x72 * ONES) & HIGH;
            let spaces = !((w ^ (0x20 * ONES)) + 0x7F * ONES) & HIGH;
            let after_space = (spaces << 8) | u64::from(out.last() == Some(&b' ')) << 7;
            if control | (spaces & after_space) == 0 {
                out.extend_from_slice(chunk);
                i += 8;
                continue;
            }
        }
        if ascii_space(bytes[i]) {
            while i < bytes.len() && ascii_space(bytes[i]) {
                i += 1;
            }
            if out.last() != Some(&b' ') {
                out.push(b' ');
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    (out, i)
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
        assert_eq!(s.text(), "The records, the RECORDS and a <b> tag");
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

    #[test]
    fn ascii_fold_edge_cases_match_the_char_fold() {
        let long = "word ".repeat(500);
        let cases = [
            "abcdefg hijklmno pqrstuvw",       // words of 7, 8, 9 bytes: runs across 8-byte chunks
            "abcdefgh ijklmnop",               // a space right after a whole chunk
            "abcdefg  hijklmn\t\t\topq",       // two spaces at a chunk's end, a run of tabs
            "a\n\n\n\nb\r\n\r\nc\x0b\x0cd   ", // runs of line ends, ending in white space
            "\t\t leading and trailing \n\n",
            "thelongestwordofthemall and short", // a first word longer than max
            "thelongestwordofthemall",
            "thelongestwordofthemall\n\n",
            "ends mid run", // the text ends inside an 8-byte run
            "ctrl\x01char\x1fsplits nothing",
            &long,
        ];
        for text in cases {
            for max in 1..=40 {
                assert_eq!(fold_ascii(text, max), fold_chars(text, max), "{text:?} {max}");
            }
            // Exactly at the cut: the whole text fits, or it is one byte too long.
            let folded = fold_chars(text, 1 << 20);
            for max in [folded.len().max(1) - 1, folded.len(), folded.len() + 1, 2000] {
                assert_eq!(fold_ascii(text, max.max(1)), fold_chars(text, max.max(1)), "{text:?} {max}");
            }
        }
        // Non-ASCII text takes the character fold.
        assert_eq!(fold("caf\u{e9}  cr\u{e8}me\u{2003}br\u{fb}l\u{e9}e", 11), "caf\u{e9} cr\u{e8}me\u{2026}");
    }

    #[test]
    fn ascii_fold_matches_the_char_fold_on_generated_text() {
        let alphabet = b"ab  \t\n\r\x0b\x0cX.\x01Zz9";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 48) as usize;
            let text: String =
                (0..len).map(|k| alphabet[((seed >> (k % 56)) as usize + k * 7) % alphabet.len()] as char).collect();
            for max in [1, 2, 3, 7, 8, 9, 15, 16, 17, (seed % 50) as usize + 1] {
                assert_eq!(fold_ascii(&text, max), fold_chars(&text, max), "{text:?} {max}");
            }
        }
    }
}
