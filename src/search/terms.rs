//! Words → index terms, exactly as the browser does it (`assets/search-core.js`): lower case, split on
//! anything that is not a letter or digit, drop short and stop words, then stem with Snowball's English
//! (Porter2) stemmer so "deleting", "deleted" and "delete" are one term. The JavaScript stemmer is
//! held to this one by `tests/vectors/stems.json` (checked by a Rust and a Node test).

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::word_table::{Table, key, splits};

/// Words too common to be worth indexing (the search box ignores them too).
pub const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one", "our", "out", "has",
    "his", "how", "its", "may", "who", "did", "get", "him", "let", "she", "too", "use", "that", "with", "have", "this",
    "will", "your", "from", "they", "been", "were", "what", "when", "them", "than", "then", "into", "also", "such",
    "which", "their", "there", "would", "should", "other", "these", "those", "does",
];

/// The shortest word (in characters) that is indexed.
pub const MIN_LEN: usize = 3;

/// A word's entry in [`Cache::ids`] when it is not indexed (a stop word, or too short).
const SKIP: u32 = u32::MAX;

/// Stems already computed on this thread, as their numbers ([`super::stems`]): a site repeats the same few thousand
/// words, and a lookup (FxHash, a few bytes at a time) is several times cheaper than running the
/// stemmer (and allocates nothing). Stop words are remembered as [`SKIP`], so a word costs one lookup.
struct Cache {
    stemmer: Stemmer,
    /// lower-case word → stem number, or [`SKIP`]
    ids: FxHashMap<Box<str>, u32>,
    /// The same for ASCII words of at most 8 bytes, by [`key`]: no string compared or lower-cased.
    short: Table<u64>,
    /// The same for ASCII words of 9–16 bytes.
    middle: Table<u128>,
    /// Per stem number, while a section is counted: its count in the text, plus [`HEADING_BIT`] when
    /// it is in the heading. All zero between sections.
    counts: Vec<u32>,
    /// The stem numbers of the section being counted, in order of first occurrence.
    seen: Vec<u32>,
    /// A word lower-cased (reused, so lower-casing allocates nothing).
    buf: String,
}

impl Cache {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let id = if indexed(word) { self.stem_id(word) } else { SKIP };
        self.ids.insert(word.into(), id);
        id
    }

    fn stem_id(&mut self, word: &str) -> u32 {
        let stem = if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.stemmer.stem(word)
        } else {
            std::borrow::Cow::Borrowed(word)
        };
        super::stems::number(&stem)
    }

    /// The stem number of a word as [`each_word`] gives it. Inlined into the word scan, so the word
    /// and its key stay in registers (passed in memory, the key's two halves were stored apart and
    /// read back at once, which stalls the load).
    #[inline(always)]
    fn word_id(&mut self, word: Word<'_>) -> u32 {
        if let Word::Ascii(_, Some(k)) = word {
            let known = if k >> 64 == 0 { self.short.get(k as u64) } else { self.middle.get(k) };
            if let Some(id) = known {
                return id;
            }
        }
        self.new_word(word)
    }

    /// [`Cache::word_id`] for a word not in [`Cache::short`] or [`Cache::middle`].
    #[inline(never)]
    fn new_word(&mut self, word: Word<'_>) -> u32 {
        let (w, key) = match word {
            Word::Lower(w) => return self.id(w),
            Word::Ascii(w, key) => (w, key),
        };
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.push_str(w);
        buf.make_ascii_lowercase();
        let id = match key {
            Some(k) => {
                let id = if indexed(&buf) { self.stem_id(&buf) } else { SKIP };
                if k >> 64 == 0 {
                    self.short.insert(k as u64, id);
                } else {
                    self.middle.insert(k, id);
                }
                id
            }
            None => self.id(&buf),
        };
        self.buf = buf;
        id
    }

    /// Counts one word of the section (`flag`: 1 for the text, [`HEADING_BIT`] for the heading).
    #[inline(always)]
    fn count(&mut self, word: Word<'_>, flag: u32) {
        let id = self.word_id(word);
        if id == SKIP {
            return;
        }
        let i = id as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        if self.counts[i] == 0 {
            self.seen.push(id);
        }
        self.counts[i] = if flag == HEADING_BIT { self.counts[i] | flag } else { self.counts[i] + flag };
    }

    /// Forget the words once there are many (the stems and their numbers stay).
    fn bound(&mut self) {
        if self.ids.len() + self.short.len() + self.middle.len() > 200_000 {
            self.ids.clear();
            self.short.clear();
            self.middle.clear();
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        stemmer: Stemmer::create(Algorithm::English),
        ids: FxHashMap::default(),
        short: Table::default(),
        middle: Table::default(),
        counts: Vec::new(),
        seen: Vec::new(),
        buf: String::new(),
    });
}

/// The stem of one lower-case word. Only plain a–z words are stemmed (the browser's stemmer knows
/// English only); others are their own term.
pub fn stem(word: &str) -> String {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.bound();
        let id = c.stem_id(word);
        super::stems::names().get(id).to_string()
    })
}

/// Splits `lower` (already lower-cased) into the words that are indexed, stop words removed.
pub fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| indexed(w))
}

/// A word of a text as [`each_word`] cuts it.
#[derive(Clone, Copy)]
enum Word<'a> {
    /// ASCII letters and digits as written (lower-cased when looked up), at least [`MIN_LEN`] long,
    /// with its [`key`] when it is at most 16 bytes long.
    Ascii(&'a str, Option<u128>),
    /// Lower-cased already.
    Lower(&'a str),
}

/// Calls `f` with each word of `text` (letters and digits; any other character splits), as [`lower`]
/// and then [`words`] would cut them, stop words included. ASCII text is lowered word by word, when
/// it is looked up, without a copy of the whole text. Lower-casing is the same per piece between
/// white space as for the whole text (white space is neither cased nor case-ignorable, so even Greek
/// final sigma sees the same neighbours), and white space splits words either way.
fn each_word(text: &str, f: &mut impl FnMut(Word<'_>)) {
    if text.is_ascii() {
        return ascii_words(text, f);
    }
    for piece in text.split(char::is_whitespace) {
        if piece.is_ascii() {
            ascii_words(piece, f);
        } else {
            let lower = piece.to_lowercase();
            lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).for_each(|w| f(Word::Lower(w)));
        }
    }
}

/// [`each_word`] for ASCII text; words shorter than [`MIN_LEN`] are left out here already. The bytes
/// that end a word are found 8 at a time ([`splits`]).
fn ascii_words(text: &str, f: &mut impl FnMut(Word<'_>)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut word = |end: usize, start: &mut usize| {
        if end - *start >= MIN_LEN {
            f(Word::Ascii(&text[*start..end], (end - *start <= 16).then(|| key(bytes, *start, end))));
        }
        *start = end + 1;
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut m = splits(u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]));
        while m != 0 {
            word(base + (m.trailing_zeros() / 8) as usize, &mut start);
            m &= m - 1;
        }
        base += 8;
    }
    for (i, b) in chunks.remainder().iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            word(base + i, &mut start);
        }
    }
    word(bytes.len(), &mut start);
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
    let counted = weighted(text, "", |stem, n, _| (stem, n));
    let names = super::stems::names();
    counted.iter().map(|&(stem, n)| (names.get(stem).to_string(), n)).collect()
}

/// `f(stem number, count in text, in heading)` for each distinct term of `text` and `heading`, in
/// order of first occurrence (allocated once, at its size).
pub fn weighted<T>(text: &str, heading: &str, mut f: impl FnMut(u32, u32, bool) -> T) -> Box<[T]> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.bound();
        // One stem number per word (a cache lookup, no allocation), counted in a table by stem number.
        each_word(text, &mut |w| c.count(w, 1));
        each_word(heading, &mut |w| c.count(w, HEADING_BIT));
        let Cache { counts, seen, .. } = &mut *c;
        let out = seen
            .iter()
            .map(|&id| {
                let n = std::mem::take(&mut counts[id as usize]);
                f(id, n & !HEADING_BIT, n & HEADING_BIT != 0)
            })
            .collect();
        seen.clear();
        out
    })
}

/// Marks a stem as in the heading in [`Cache::counts`] (no section has 2^31 words).
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
    fn words_are_cut_as_from_the_whole_text_lower_cased() {
        for text in [
            "The RECORDS, of Photos-and consent2026 x ab ABC",
            "ΟΔΟΣ ΟΔΟΣ'ΟΔΟΣ ΣΑΣ. İstanbul Straße ÉTÉ été — naïve «Quote» ﬁle 12³ a\u{301}bc",
            "mixed Ünïcode and ASCII\twords\u{2003}EM\u{a0}NBSP",
        ] {
            let whole = lower(text);
            let want: Vec<&str> = whole.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= MIN_LEN).collect();
            let mut got = Vec::new();
            each_word(text, &mut |w| match w {
                Word::Ascii(w, _) => got.push(w.to_ascii_lowercase()),
                Word::Lower(w) => got.push(w.to_string()),
            });
            got.retain(|w| w.len() >= MIN_LEN);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn short_ascii_words_are_keyed_lower_cased() {
        let key = |w: &[u8]| key(w, 0, w.len());
        assert_eq!(key(b"Records"), key(b"records"));
        assert_eq!(super::key(b"the Records of a text", 4, 11), key(b"records"));
        assert_eq!(super::key(b"xx ABCDEFGHIJKLMNOP", 3, 19), key(b"abcdefghijklmnop"));
        assert_ne!(key(b"abc"), key(b"abc0"));
        assert_ne!(key(b"x42"), key(b"x420"));
        assert_eq!(key(b"abcdefgh") >> 64, 0);
        let c = counts("RETENTION Retention retention 00042 00042 Verylongwordsinatext verylongwordsinatext");
        assert_eq!((c["retent"], c["00042"], c["verylongwordsinatext"]), (3, 2, 2));
    }

    #[test]
    fn ascii_words_split_8_bytes_at_a_time_as_byte_by_byte() {
        let mut all = String::new();
        for b in 0u8..0x80 {
            all.push_str("ab");
            all.push(b as char);
        }
        for text in [
            "abcdefg hijklmno pqrstuvwx yz 1234567 12345678 123456789",
            "exactly8 exactly8exactly8",
            "abcdefgh ijklmno",
            "abcdefg.",
            "abcdefghi",
            "a-b_c.d/e:f@g[h`i{j~k0l9m",
            "@AZ[`az{/09:",
            "ends-in-the-middle-of-a-chunk0",
            "",
            "ab",
            "abc",
            &all,
        ] {
            let mut want = Vec::new();
            let mut start = 0;
            for end in (0..=text.len()).filter(|&i| i == text.len() || !text.as_bytes()[i].is_ascii_alphanumeric()) {
                if end - start >= MIN_LEN {
                    want.push(text[start..end].to_string());
                }
                start = end + 1;
            }
            let mut got = Vec::new();
            ascii_words(text, &mut |w| match w {
                Word::Ascii(w, _) => got.push(w.to_string()),
                Word::Lower(w) => got.push(format!("lower: {w}")),
            });
            assert_eq!(got, want, "{text:?}");
        }
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
