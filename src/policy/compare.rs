//! Compare two revisions: sections matched by heading id (renamed sections by their text, moved
//! sections noticed), then a word-level redline inside each with the `similar` crate.
//!
//! Every change is marked three ways, so no reader depends on colour: `<del>`/`<ins>` (struck
//! through / underlined in every style, print included), a visually hidden "deleted:"/"inserted:"
//! label that screen readers announce, and a visible per-section summary in words.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

use super::sections::Section;
use crate::markdown::escape_text;

/// Below this similarity, an unmatched old and new section are a removal and an addition, not a
/// rename.
const RENAME_RATIO: f32 = 0.5;

/// One section of a compare view, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct SectionDiff {
    /// Anchor on the compare page: the new heading id (the old one for a removed section).
    pub id: String,
    pub level: u8,
    /// Heading, with `<del>`/`<ins>` when it was renamed.
    pub title_html: String,
    /// `unchanged`, `changed`, `added`, `removed`.
    pub status: &'static str,
    /// What happened, in words: "Changed: 2 insertions, 1 deletion. Renamed from “…”. Moved."
    pub summary: String,
    /// Paragraphs (`<p>`) with `<ins>`/`<del>`.
    pub html: String,
    pub insertions: usize,
    pub deletions: usize,
}

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

/// Compare `old` with `new`, in the new revision's order; removed sections stay where they were.
pub fn compare(old: &[Section], new: &[Section]) -> Vec<SectionDiff> {
    let (old_for_new, used) = match_sections(old, new);
    lay_out(old, new, &old_for_new, &used)
}

/// Which old section each new one continues (`None`: added), and which old sections are taken.
fn match_sections(old: &[Section], new: &[Section]) -> (Vec<Option<usize>>, Vec<bool>) {
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

/// The compare page's sections in the new revision's order, each removed section where it stood.
fn lay_out(old: &[Section], new: &[Section], old_for_new: &[Option<usize>], used: &[bool]) -> Vec<SectionDiff> {
    let stay: HashSet<usize> =
        longest_increasing(&old_for_new.iter().flatten().copied().collect::<Vec<_>>()).into_iter().collect();
    let mut out = Vec::new();
    let mut emitted_old = 0usize; // removed old sections before this index are already out
    for (ni, n) in new.iter().enumerate() {
        if let Some(o) = old_for_new[ni] {
            // Removed sections that came before this one in the old revision.
            for (r, s) in old.iter().enumerate().take(o).skip(emitted_old) {
                if !used[r] {
                    out.push(whole(s, "removed"));
                }
            }
            emitted_old = emitted_old.max(o + 1);
            let moved = !stay.contains(&o);
            out.push(pair(&old[o], n, moved));
        } else {
            out.push(whole(n, "added"));
        }
    }
    for s in old.iter().enumerate().skip(emitted_old).filter(|(r, _)| !used[*r]).map(|(_, s)| s) {
        out.push(whole(s, "removed"));
    }
    out
}

/// A text's tokens as `similar`'s word diff splits them (runs of non-space and runs of space),
/// counted: `2 × shared / total` bounds the diff's ratio from above, since the diff can only match
/// tokens both texts have. With `words_only`, the runs of space are left out (they are shared by
/// any two texts, and say nothing about which two are alike).
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

/// The old indices that keep their relative order (a longest increasing subsequence); the other
/// matched sections are the ones that moved. Of chains of equal length, the one ending last (and,
/// before each element, the latest best chain) is kept, so the sections called moved stay the same.
fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    // For each element: the length of the best chain ending there, and the element before it.
    let mut len: Vec<usize> = Vec::with_capacity(seq.len());
    let mut prev: Vec<Option<usize>> = Vec::with_capacity(seq.len());
    for (i, &x) in seq.iter().enumerate() {
        let mut best: Option<usize> = None;
        for j in 0..i {
            if seq[j] < x && best.is_none_or(|b| len[j] >= len[b]) {
                best = Some(j);
            }
        }
        len.push(best.map_or(1, |b| len[b] + 1));
        prev.push(best);
    }
    let mut end = None;
    for i in 0..seq.len() {
        if end.is_none_or(|e| len[i] >= len[e]) {
            end = Some(i);
        }
    }
    let mut chain = Vec::new();
    while let Some(i) = end {
        chain.push(seq[i]);
        end = prev[i];
    }
    chain.reverse();
    chain
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

fn pair(o: &Section, n: &Section, moved: bool) -> SectionDiff {
    let (html, insertions, deletions) = redline(&o.text, &n.text);
    let renamed = o.title != n.title;
    let title_html = if renamed {
        format!("{} {}", mark("del", "old heading", &o.title), mark("ins", "new heading", &n.title))
    } else {
        escape_text(&n.title)
    };
    let mut summary = if insertions + deletions == 0 {
        "No changes to the text.".to_string()
    } else {
        format!("Changed: {}, {}.", plural(insertions, "insertion"), plural(deletions, "deletion"))
    };
    if renamed {
        summary.push_str(&format!(" Renamed from “{}”.", o.title));
    }
    if moved {
        summary.push_str(" Moved: this section is in a different place than before.");
    }
    let status = if insertions + deletions == 0 && !renamed && !moved { "unchanged" } else { "changed" };
    SectionDiff { id: n.id.clone(), level: n.level, title_html, status, summary, html, insertions, deletions }
}

/// A section that exists on one side only.
fn whole(s: &Section, status: &'static str) -> SectionDiff {
    let (tag, label, summary) = if status == "added" {
        ("ins", "inserted", "Added: this section is new in this revision.")
    } else {
        ("del", "deleted", "Removed: this section is not in the newer revision.")
    };
    let html = s.text.split("\n\n").map(|p| format!("<p>{}</p>", mark(tag, label, p))).collect::<Vec<_>>().join("\n");
    let (insertions, deletions) = if status == "added" { (1, 0) } else { (0, 1) };
    SectionDiff {
        id: s.id.clone(),
        level: s.level,
        title_html: mark(tag, label, &s.title),
        status,
        summary: summary.into(),
        html,
        insertions,
        deletions,
    }
}

/// `<del>words</del>` with the words announced: "[deleted: words]" for screen readers.
fn mark(tag: &str, label: &str, text: &str) -> String {
    format!(
        "<span class=\"visually-hidden\">[{label}: </span><{tag}>{}</{tag}><span class=\"visually-hidden\">]</span>",
        escape_text(text)
    )
}

/// Word-level redline of two texts (paragraphs separated by `\n\n`): HTML paragraphs, and the number
/// of inserted and deleted runs.
pub fn redline(old: &str, new: &str) -> (String, usize, usize) {
    let mut html = String::from("<p>");
    let (mut ins, mut del) = (0, 0);
    let mut run: Option<(ChangeTag, String)> = None;
    let flush = |run: &mut Option<(ChangeTag, String)>, html: &mut String, ins: &mut usize, del: &mut usize| {
        let Some((tag, text)) = run.take() else { return };
        for (i, piece) in text.split("\n\n").enumerate() {
            if i > 0 {
                html.push_str("</p>\n<p>");
            }
            let core = piece.trim();
            if tag == ChangeTag::Equal || core.is_empty() {
                if tag != ChangeTag::Delete {
                    html.push_str(&escape_text(piece));
                }
                continue;
            }
            let mut lead = &piece[..piece.len() - piece.trim_start().len()];
            // A replacement: keep the deleted and inserted words apart on screen.
            if tag == ChangeTag::Insert
                && lead.is_empty()
                && html.ends_with("</del><span class=\"visually-hidden\">]</span>")
            {
                lead = " ";
            }
            let trail = &piece[piece.trim_end().len()..];
            html.push_str(&escape_text(lead));
            if tag == ChangeTag::Insert {
                *ins += 1;
                html.push_str(&mark("ins", "inserted", core));
            } else {
                *del += 1;
                html.push_str(&mark("del", "deleted", core));
            }
            html.push_str(&escape_text(trail));
        }
    };
    if old == new {
        // Nothing changed (most sections of a revision): one equal run, without a diff.
        run = Some((ChangeTag::Equal, new.to_string()));
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(if old == new { "" } else { old }, if old == new { "" } else { new });
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        match run.as_mut() {
            Some((t, text)) if *t == tag => text.push_str(change.value()),
            _ => {
                flush(&mut run, &mut html, &mut ins, &mut del);
                run = Some((tag, change.value().to_string()));
            }
        }
    }
    flush(&mut run, &mut html, &mut ins, &mut del);
    html.push_str("</p>");
    let html = html.replace("<p></p>\n", "").replace("\n<p></p>", "");
    (html, ins, del)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::sections::split;

    #[test]
    fn marks_exact_words_and_counts_them() {
        let (html, i, d) = redline("on Twitter and Facebook", "on X and Facebook and Threads");
        assert!(html.contains("<del>Twitter</del>"), "{html}");
        assert!(html.contains("<ins>X</ins>"), "{html}");
        assert!(html.contains("</span> <span class=\"visually-hidden\">[inserted: </span><ins>X</ins>"), "{html}");
        assert!(html.contains("<ins>and Threads</ins>"), "{html}");
        assert_eq!((i, d), (2, 1));
    }

    #[test]
    fn renamed_moved_added_and_removed_sections() {
        let old = split("## A\n\nalpha beta gamma delta\n\n## B\n\nbee\n\n## C\n\ncee\n\n## Gone\n\nold words here\n");
        let new =
            split("## C\n\ncee\n\n## A renamed\n\nalpha beta gamma delta epsilon\n\n## B\n\nbee\n\n## New\n\nfresh\n");
        let d = compare(&old, &new);
        let ids: Vec<(&str, &str)> = d.iter().map(|s| (s.id.as_str(), s.status)).collect();
        assert_eq!(
            ids,
            [("c", "changed"), ("a-renamed", "changed"), ("b", "unchanged"), ("new", "added"), ("gone", "removed")]
        );
        assert!(d[1].summary.contains("Renamed from “A”"));
        assert!(d[0].summary.contains("Moved"));
        assert!(!d[1].summary.contains("Moved"));
    }

    /// The matching before issue 17 (every leftover pair compared), kept to check that the bounded
    /// matching gives the same compare pages wherever the window covers every candidate.
    fn exhaustive(old: &[Section], new: &[Section]) -> Vec<SectionDiff> {
        let mut old_for_new: Vec<Option<usize>> = new.iter().map(|n| old.iter().position(|o| o.id == n.id)).collect();
        let mut used: Vec<bool> = vec![false; old.len()];
        old_for_new.iter().flatten().for_each(|&o| used[o] = true);
        for (ni, slot) in old_for_new.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            let best = (0..old.len())
                .filter(|&o| !used[o])
                .map(|o| (o, TextDiff::from_words(&old[o].text, &new[ni].text).ratio()))
                .filter(|(_, r)| *r >= RENAME_RATIO)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((o, _)) = best {
                used[o] = true;
                *slot = Some(o);
            }
        }
        lay_out(old, new, &old_for_new, &used)
    }

    /// A policy of `n` sections from a small vocabulary, with headings and texts varied by `seed`.
    fn policy(n: usize, seed: usize, renamed: bool) -> String {
        let words = ["staff", "account", "record", "post", "school", "review", "notice", "photo", "club", "law"];
        let mut text = String::new();
        for i in 0..n {
            let heading = if renamed { format!("Part {i} v{seed}") } else { format!("Part {i}") };
            let body: Vec<&str> = (0..40).map(|w| words[(i * 7 + w * 3 + (w * seed) % 5) % words.len()]).collect();
            text.push_str(&format!("## {heading}\n\n{}\n\n", body.join(" ")));
        }
        text
    }

    /// Issue 17: with few leftover sections the bounded matching equals comparing every pair: the
    /// same compare page, section for section (renamed, moved, added and removed ones).
    #[test]
    fn bounded_matching_equals_every_pair_for_small_policies() {
        for (n, m) in [(5, 5), (12, 9), (16, 16), (8, 30), (40, 3)] {
            for seed in 1..3 {
                let mut old = split(&policy(n, seed, seed % 2 == 0));
                let new = split(&policy(m, seed + 1, true));
                if n > 3 {
                    old.swap(1, n - 2); // a moved section
                }
                let a = serde_json::to_value(compare(&old, &new)).unwrap_or_default();
                let b = serde_json::to_value(exhaustive(&old, &new)).unwrap_or_default();
                let outline = |d: &serde_json::Value| -> Vec<String> {
                    d.as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| format!("{} {} {}", s["id"], s["status"], s["summary"]))
                        .collect()
                };
                assert!(a == b, "{n} old and {m} new sections, seed {seed}:\n{:#?}\n{:#?}", outline(&a), outline(&b));
            }
        }
    }

    /// Issue 17: 200 sections, every heading renamed: each is still matched by its text (a rename,
    /// not a removal and an addition), without comparing every pair.
    #[test]
    fn two_hundred_renamed_sections_are_matched_by_text() {
        let body = |i: usize, extra: &str| {
            format!("Section {i} says that staff member {i} keeps record {} of account {i}. {extra}", i * 31 % 997)
        };
        let old: String = (0..200).map(|i| format!("## Old {i}\n\n{}\n\n", body(i, "Old words."))).collect();
        let new: String = (0..200).map(|i| format!("## New {i}\n\n{}\n\n", body(i, "New words."))).collect();
        let d = compare(&split(&old), &split(&new));
        assert_eq!(d.len(), 200);
        assert!(d.iter().all(|s| s.status == "changed" && s.summary.contains("Renamed from")), "{:?}", d[0].summary);
        assert!(!d.iter().any(|s| s.summary.contains("Moved")));
    }
}
