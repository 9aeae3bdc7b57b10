//! The offline search index: one entry per section (heading) so a hit lands on the right heading.
//!
//! The index is written as a script (`assets/search-index.js`), not JSON, so the search page can load
//! it with a `<script>` tag from `file://`, where `fetch` is not allowed. To stay small it stores, per
//! section, a short excerpt and the section's distinct words (no stop words), not its full text; the
//! Markdown layer reduces each section to that as it renders, so full texts are never held in memory.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;

use serde::Serialize;

use crate::model::Site;

const EXCERPT_CHARS: usize = 140;

/// FNV-1a: a fast hash for short words (SipHash's DoS resistance is not needed for our own text).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Words too common to be worth indexing.
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one", "our", "out", "has",
    "his", "how", "its", "may", "who", "did", "get", "him", "let", "she", "too", "use", "that", "with", "have", "this",
    "will", "your", "from", "they", "been", "were", "what", "when", "them", "than", "then", "into", "also", "such",
    "which", "their", "there", "would", "should", "other", "these", "those", "does",
];

/// What the index keeps of one section.
#[derive(Debug, Clone, Serialize)]
pub struct TextSection {
    pub id: String,
    pub heading: String,
    pub excerpt: String,
    /// Distinct lower-case words, space-separated, sorted.
    pub words: String,
}

impl TextSection {
    pub fn new(id: String, heading: String, text: &str) -> TextSection {
        // One lower-cased copy of the text, then slices of it: no allocation per word.
        let both = format!("{text} {heading}");
        let lower = if both.is_ascii() { both.to_ascii_lowercase() } else { both.to_lowercase() };
        // Distinct first (cheap hash), then the costlier checks on the few distinct words.
        let mut unique: HashSet<&str, BuildHasherDefault<Fnv>> = HashSet::default();
        unique.extend(lower.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 2));
        let mut set: Vec<&str> =
            unique.into_iter().filter(|w| w.chars().count() > 2 && !STOP_WORDS.contains(w)).collect();
        set.sort_unstable();
        TextSection { id, heading, excerpt: excerpt(text), words: set.join(" ") }
    }
}

/// The first [`EXCERPT_CHARS`] characters of `text`, white space folded, cut at a word.
fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(EXCERPT_CHARS + 4);
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars > 0 && chars + n + 1 > EXCERPT_CHARS {
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        if n > EXCERPT_CHARS {
            out.extend(word.chars().take(EXCERPT_CHARS));
            out.push('…');
            return out;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

#[derive(Serialize)]
struct Index<'a> {
    /// Words the index leaves out (the search box ignores them too), and the shortest word kept.
    stop: &'a [&'a str],
    min_len: usize,
    /// [title, url] per page.
    pages: Vec<(&'a str, &'a str)>,
    /// [page index, heading, anchor id, excerpt, words].
    sections: Vec<(usize, &'a str, &'a str, &'a str, &'a str)>,
}

/// Escapes `<` inside the JSON (it can only occur in strings) so `</script>` can never appear.
struct ScriptSafe<W: Write>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for chunk in buf.split_inclusive(|b| *b == b'<') {
            match chunk.split_last() {
                Some((b'<', rest)) => {
                    self.0.write_all(rest)?;
                    self.0.write_all(b"\\u003c")?;
                }
                _ => self.0.write_all(chunk)?,
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

pub fn build_index(site: &Site) -> Vec<u8> {
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut index =
        Index { stop: STOP_WORDS, min_len: 3, pages: Vec::with_capacity(pages.len()), sections: Vec::new() };
    for (i, p) in pages.iter().enumerate() {
        index.pages.push((&p.source.front.title, &p.url));
        for s in p.sections.iter().filter(|s| !s.words.is_empty()) {
            let heading = if s.heading.is_empty() { p.source.front.title.as_str() } else { s.heading.as_str() };
            index.sections.push((i, heading, &s.id, &s.excerpt, &s.words));
        }
    }
    let mut out = Vec::with_capacity(index.sections.len() * 256);
    out.extend_from_slice(b"window.POLICYSITE_SEARCH = ");
    let _ = serde_json::to_writer(ScriptSafe(&mut out), &index);
    out.extend_from_slice(b";\n");
    out
}

pub fn index_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    vec![("assets/search-index.js".into(), build_index(site))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keep_an_excerpt_and_distinct_words() {
        let s = TextSection::new("a".into(), "Public Records".into(), "The records, the RECORDS and a <b> tag");
        assert_eq!(s.words, "public records tag");
        assert_eq!(s.excerpt, "The records, the RECORDS and a <b> tag");
    }

    #[test]
    fn script_safe_escapes_angle_brackets() {
        let mut out = Vec::new();
        let _ = serde_json::to_writer(ScriptSafe(&mut out), &"</script>");
        assert_eq!(String::from_utf8_lossy(&out), "\"\\u003c/script>\"");
    }
}
