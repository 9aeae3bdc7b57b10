//! Which old section each new one continues: the same heading id, else (a renamed heading) the most
//! similar leftover text. Ordinary revisions compare every leftover pair with a word diff; large
//! ones look within a window of a linear alignment, so a compare page of hundreds of renamed sections
//! is quick and still the same however busy the machine is.

use std::collections::HashMap;

use similar::TextDiff;

use crate::policy::sections::Section;

/// Below this similarity, an unmatched old and new section are a removal and an addition, not a
/// rename.
pub(super) const RENAME_RATIO: f32 = 0.5;

/// Up to this many leftover pairs (16 renamed sections against 16) every pair is compared with a word
/// diff, as before issue 17: the compare pages of ordinary revisions are exactly what they were.
const EXACT_PAIRS: usize = 256;
/// Beyond that, matching is bounded (200 renamed sections of 300 words took 15.5 s a compare page
/// before; see `bench/compare-sections.sh`): an unmatched new section looks only at unmatched old
/// sections within this many places of where a linear alignment of the leftovers puts it, picks the
/// one sharing the most words, and confirms it by the word pairs (bigrams) the two share, which
/// unlike the word bag sees word order. The confirmation is linear in the text and depends on nothing
/// but the text, so a compare page is the same however busy the machine is (a time-boxed diff was not).
const WINDOW: usize = 16;

/// Which old section each new one continues (`None`: added), and which old sections are taken.
pub(super) fn match_sections(old: &[Section], new: &[Section]) -> (Vec<Option<usize>>, Vec<bool>) {
    // Match by id (the first old section of that id, as before), then leftover sections by text
    // similarity (a renamed heading).
    let mut first_of_id: HashMap<&str, usize> = HashMap::new();
    for (i, o) in old.iter().enumerate() {
        first_of_id.entry(o.id.as_str()).or_insert(i);
    }
    let mut old_for_new: Vec<Option<usize>> = new.iter().map(|n| first_of_id.get(n.id.as_str()).copied()).collect();
    let mut used: Vec<bool> = vec![false; old.len()];
    old_for_new.iter().flatten().for_each(|&o| used[o] = true);
    let free_old: Vec<usize> = (0..old.len()).filter(|&o| !used[o]).collect();
    let free_new: Vec<usize> = (0..new.len()).filter(|&n| old_for_new[n].is_none()).collect();
    if free_old.len() * free_new.len() <= EXACT_PAIRS {
        match_every_pair(old, new, &free_old, &free_new, &mut old_for_new, &mut used);
    } else {
        match_in_window(old, new, &free_old, &free_new, &mut old_for_new, &mut used);
    }
    (old_for_new, used)
}

/// Up to [`EXACT_PAIRS`]: every leftover pair, as before issue 17.
fn match_every_pair(
    old: &[Section],
    new: &[Section],
    free_old: &[usize],
    free_new: &[usize],
    old_for_new: &mut [Option<usize>],
    used: &mut [bool],
) {
    // Every pair; the shared tokens bound the diff's ratio from above, so a pair that cannot
    // reach it skips the diff without changing the result.
    let old_tokens: Vec<Bag> = free_old.iter().map(|&o| Bag::of(&old[o].text, false)).collect();
    for &ni in free_new {
        let tokens = Bag::of(&new[ni].text, false);
        let best = (0..free_old.len())
            .filter(|&c| !used[free_old[c]] && tokens.dice(&old_tokens[c]) >= RENAME_RATIO)
            .map(|c| (free_old[c], TextDiff::from_words(&old[free_old[c]].text, &new[ni].text).ratio()))
            .filter(|(_, r)| *r >= RENAME_RATIO)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((o, _)) = best {
            used[o] = true;
            old_for_new[ni] = Some(o);
        }
    }
}

/// Beyond [`EXACT_PAIRS`]: same text first, then the best candidate within [`WINDOW`] places.
fn match_in_window(
    old: &[Section],
    new: &[Section],
    free_old: &[usize],
    free_new: &[usize],
    old_for_new: &mut [Option<usize>],
    used: &mut [bool],
) {
    // Most sections of a revision keep their text: an unused old section with the same text is
    // the match (ratio 1, nothing can do better), without a diff.
    let mut same_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for &o in free_old.iter().rev() {
        same_text.entry(old[o].text.as_str()).or_default().push(o);
    }
    let mut old_words: Vec<Option<Bag>> = (0..free_old.len()).map(|_| None).collect();
    for (k, &ni) in free_new.iter().enumerate() {
        if let Some(o) = same_text.get_mut(new[ni].text.as_str()).and_then(|v| {
            while v.last().is_some_and(|&o| used[o]) {
                v.pop();
            }
            v.pop()
        }) {
            used[o] = true;
            old_for_new[ni] = Some(o);
            continue;
        }
        let at = k * free_old.len() / free_new.len();
        let (lo, hi) = (at.saturating_sub(WINDOW), (at + WINDOW + 1).min(free_old.len()));
        let words = Bag::of(&new[ni].text, true);
        // The most words in common; of equals, the one nearest the aligned place.
        let mut candidate: Option<(usize, f32)> = None;
        for c in lo..hi {
            if used[free_old[c]] {
                continue;
            }
            let d = words.dice(old_words[c].get_or_insert_with(|| Bag::of(&old[free_old[c]].text, true)));
            let better = candidate.is_none_or(|(b, bd)| d > bd || (d == bd && c.abs_diff(at) < b.abs_diff(at)));
            if d >= RENAME_RATIO && better {
                candidate = Some((c, d));
            }
        }
        let Some((c, _)) = candidate else { continue };
        let o = free_old[c];
        if bigram_dice(&old[o].text, &new[ni].text) >= RENAME_RATIO {
            used[o] = true;
            old_for_new[ni] = Some(o);
        }
    }
}

/// Dice coefficient of the two texts' consecutive word pairs: 1 for the same words in the same order,
/// lowered by about two pairs for each word changed, and low for the same words in another order.
fn bigram_dice(a: &str, b: &str) -> f32 {
    fn pairs(text: &str) -> HashMap<(&str, &str), u32> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut m: HashMap<(&str, &str), u32> = HashMap::new();
        for w in words.windows(2) {
            *m.entry((w[0], w[1])).or_default() += 1;
        }
        m
    }
    let (pa, pb) = (pairs(a), pairs(b));
    let (ta, tb): (u32, u32) = (pa.values().sum(), pb.values().sum());
    if ta + tb == 0 {
        return 1.0;
    }
    let shared: u32 = pa.iter().map(|(k, n)| (*n).min(pb.get(k).copied().unwrap_or(0))).sum();
    2.0 * shared as f32 / (ta + tb) as f32
}

/// A text's tokens as `similar`'s word diff splits them (runs of non-space and runs of space),
/// counted: `2 × shared / total` bounds the diff's ratio from above, since the diff can only match
/// tokens both texts have. With `words_only`, the runs of space are left out (they are shared by
/// any two texts, and say nothing about which two are alike).
struct Bag<'a> {
    counts: HashMap<&'a str, u32>,
    total: usize,
}

impl<'a> Bag<'a> {
    fn of(text: &'a str, words_only: bool) -> Bag<'a> {
        let mut counts: HashMap<&str, u32> = HashMap::new();
        let mut total = 0;
        let mut start = 0;
        let mut space = None;
        let mut add = |token: &'a str, is_space: bool| {
            if !(words_only && is_space) {
                *counts.entry(token).or_default() += 1;
                total += 1;
            }
        };
        for (i, c) in text.char_indices() {
            let is_space = c.is_whitespace();
            if let Some(was) = space.filter(|s| *s != is_space) {
                add(&text[start..i], was);
                start = i;
            }
            space = Some(is_space);
        }
        if let Some(was) = space {
            add(&text[start..], was);
        }
        Bag { counts, total }
    }

    fn dice(&self, other: &Bag) -> f32 {
        if self.total + other.total == 0 {
            return 1.0;
        }
        let (small, large) = if self.counts.len() <= other.counts.len() { (self, other) } else { (other, self) };
        let shared: u32 = small.counts.iter().map(|(w, n)| (*n).min(large.counts.get(w).copied().unwrap_or(0))).sum();
        // A hair of slack for float rounding: never skip a pair the exact ratio would keep.
        2.0 * shared as f32 / (self.total + other.total) as f32 + 1e-6
    }
}
