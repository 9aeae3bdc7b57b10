//! Words → index terms, exactly as the browser does it (`assets/search-core.js`): lower case, split on
//! anything that is not a letter or digit, drop short and stop words, then stem with Snowball's English
//! (Porter2) stemmer so "deleting", "deleted" and "delete" are one term. The JavaScript stemmer is
//! held to this one by `tests/vectors/stems.json` (checked by a Rust and a Node test).

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// Words too common to be worth indexing (the search box ignores them too).
pub const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one", "our", "out", "has",
    "his", "how", "its", "may", "who", "did", "get", "him", "let", "she", "too", "use", "that", "with", "have", "this",
    "will", "your", "from", "they", "been", "were", "what", "when", "them", "than", "then", "into", "also", "such",
    "which", "their", "there", "would", "should", "other", "these", "those", "does",
];

/// The shortest word (in characters) that is indexed.
pub const MIN_LEN: usize = 3;

/// Stems already computed on this thread: a page repeats the same few hundred words, and a cache
/// lookup is several times cheaper than running the stemmer.
struct Cache {
    stemmer: Stemmer,
    stems: HashMap<String, String>,
}

thread_local! {
    static CACHE: RefCell<Cache> =
        RefCell::new(Cache { stemmer: Stemmer::create(Algorithm::English), stems: HashMap::new() });
}

/// The stem of one lower-case word. Only plain a–z words are stemmed (the browser's stemmer knows
/// English only); others are their own term.
pub fn stem(word: &str) -> String {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(s) = c.stems.get(word) {
            return s.clone();
        }
        let s = c.stemmer.stem(word).into_owned();
        if c.stems.len() > 100_000 {
            c.stems.clear();
        }
        c.stems.insert(word.to_string(), s.clone());
        s
    })
}

/// Splits `lower` (already lower-cased) into the words that are indexed, stop words removed.
pub fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= MIN_LEN && w.chars().count() >= MIN_LEN && !STOP_WORDS.contains(w))
}

/// Lower case, the same way for ASCII and other text.
pub fn lower(text: &str) -> String {
    if text.is_ascii() { text.to_ascii_lowercase() } else { text.to_lowercase() }
}

/// Distinct terms of `text`, each with how often it occurs.
pub fn counts(text: &str) -> HashMap<String, u32> {
    let lower = lower(text);
    let mut raw: HashMap<&str, u32> = HashMap::new();
    for w in words(&lower) {
        *raw.entry(w).or_default() += 1;
    }
    let mut out: HashMap<String, u32> = HashMap::with_capacity(raw.len());
    for (w, n) in raw {
        *out.entry(stem(w)).or_default() += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        assert_eq!(stem("deleting"), stem("delete"));
        assert_eq!(stem("deleted"), stem("delete"));
        assert_eq!(stem("requests"), stem("request"));
        assert_ne!(stem("photo"), stem("post"));
    }

    #[test]
    fn stop_and_short_words_are_dropped() {
        let c = counts("The photos, the PHOTO and a consent of it");
        let mut keys: Vec<_> = c.keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, vec!["consent".to_string(), "photo".to_string()]);
        assert_eq!(c["photo"], 2);
    }
}
