//! Words → index terms, exactly as the browser does it (`assets/search-core.js`): lower case, split on
//! anything that is not a letter or digit, drop short and stop words, then stem with Snowball's English
//! (Porter2) stemmer so "deleting", "deleted" and "delete" are one term. The JavaScript stemmer is
//! held to this one by `tests/vectors/stems.json` (checked by a Rust and a Node test).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// FNV-1a: a fast hash for short words (SipHash's DoS resistance is not needed for our own text).
#[derive(Default)]
pub struct Fnv(u64);

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

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Stems already computed on this thread, as small numbers: a site repeats the same few thousand
/// words, and a lookup is several times cheaper than running the stemmer (and allocates nothing).
struct Cache {
    stemmer: Stemmer,
    /// word → stem number
    ids: FnvMap<String, u32>,
    /// stem → stem number, so words with one stem share it
    by_stem: FnvMap<String, u32>,
    stems: Vec<String>,
}

impl Cache {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let stem = if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.stemmer.stem(word).into_owned()
        } else {
            word.to_string()
        };
        let next = self.stems.len() as u32;
        let id = *self.by_stem.entry(stem.clone()).or_insert(next);
        if id == next {
            self.stems.push(stem);
        }
        self.ids.insert(word.to_string(), id);
        id
    }

    /// Forget everything once the cache is large (called between sections, never inside one).
    fn bound(&mut self) {
        if self.ids.len() > 200_000 {
            self.ids.clear();
            self.by_stem.clear();
            self.stems.clear();
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        stemmer: Stemmer::create(Algorithm::English),
        ids: FnvMap::default(),
        by_stem: FnvMap::default(),
        stems: Vec::new(),
    });
}

/// The stem of one lower-case word. Only plain a–z words are stemmed (the browser's stemmer knows
/// English only); others are their own term.
pub fn stem(word: &str) -> String {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.bound();
        let id = c.id(word);
        c.stems[id as usize].clone()
    })
}

/// Splits `lower` (already lower-cased) into the words that are indexed, stop words removed.
pub fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| indexed(w))
}

/// Whether a word is long enough and not a stop word. A word of [`MIN_LEN`] × 4 bytes or more has at
/// least [`MIN_LEN`] characters, so only short non-ASCII words are counted character by character.
fn indexed(w: &str) -> bool {
    w.len() >= MIN_LEN && (w.len() >= 4 * MIN_LEN || w.is_ascii() || w.chars().count() >= MIN_LEN) && !is_stop_word(w)
}

/// The stop words packed into integers (at most 8 bytes each), sorted, for a binary search instead
/// of comparing a word with every stop word.
static STOP_KEYS: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
    let mut keys: Vec<u64> = STOP_WORDS.iter().filter_map(|w| pack(w)).collect();
    keys.sort_unstable();
    keys
});

fn pack(w: &str) -> Option<u64> {
    let b = w.as_bytes();
    (b.len() <= 8).then(|| b.iter().fold(0u64, |k, &c| (k << 8) | u64::from(c)) | ((b.len() as u64) << 60))
}

/// Whether `w` is one of [`STOP_WORDS`] (all of them ASCII and at most 8 bytes long).
pub fn is_stop_word(w: &str) -> bool {
    pack(w).is_some_and(|k| STOP_KEYS.binary_search(&k).is_ok())
}

/// Lower case, the same way for ASCII and other text.
pub fn lower(text: &str) -> String {
    if text.is_ascii() { text.to_ascii_lowercase() } else { text.to_lowercase() }
}

/// Distinct terms of `text`, each with how often it occurs.
pub fn counts(text: &str) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    weighted(text, "", |t, n, _| {
        out.insert(t.to_string(), n);
    });
    out
}

/// Calls `f(term, count in text, in heading)` for each distinct term of `text` and `heading`, in term
/// order.
pub fn weighted(text: &str, heading: &str, mut f: impl FnMut(&str, u32, bool)) {
    let (text, heading) = (lower(text), lower(heading));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.bound();
        // One stem number per word (a cache lookup, no allocation), then counted by sorting: cheaper
        // than a map per section. Heading words are marked by the high bit.
        let mut ids: Vec<u32> = words(&text).map(|w| c.id(w)).collect();
        ids.extend(words(&heading).map(|w| c.id(w) | HEADING_BIT));
        ids.sort_unstable_by_key(|id| (id & !HEADING_BIT, *id));
        let mut terms: Vec<(&str, u32, bool)> = Vec::new();
        for run in ids.chunk_by(|a, b| (a & !HEADING_BIT) == (b & !HEADING_BIT)) {
            let in_heading = run.last().is_some_and(|id| id & HEADING_BIT != 0);
            let n = run.iter().filter(|id| *id & HEADING_BIT == 0).count() as u32;
            terms.push((c.stems[(run[0] & !HEADING_BIT) as usize].as_str(), n, in_heading));
        }
        terms.sort_unstable();
        for (t, n, h) in terms {
            f(t, n, h);
        }
    });
}

/// Marks a stem number as coming from the heading in [`weighted`] (a site has far fewer stems).
const HEADING_BIT: u32 = 1 << 31;

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

    #[test]
    fn stop_word_lookup_agrees_with_the_list() {
        for w in STOP_WORDS {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["th", "them2", "thee", "records", "andy", "an", "", "été", "shouldst", "whiches"] {
            assert!(!is_stop_word(w), "{w}");
        }
        assert!(!indexed("ab") && indexed("été") && !indexed("éé") && indexed("records") && !indexed("which"));
    }
}
