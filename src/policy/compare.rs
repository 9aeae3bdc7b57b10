//! Compare two revisions: sections matched by heading id (renamed sections by their text, moved
//! sections noticed), then a word-level redline inside each with the `similar` crate.
//!
//! Every change is marked three ways, so no reader depends on colour: `<del>`/`<ins>` (struck
//! through / underlined in every style, print included), a visually hidden "deleted:"/"inserted:"
//! label that screen readers announce, and a visible per-section summary in words.

use std::collections::HashSet;

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

mod matching;

use super::sections::Section;
use crate::markdown::escape_text;
use matching::match_sections;

/// What happened to a section between two revisions. The template sees it as the lower-case word
/// (`compare-{{ s.status }}`, `data-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Same heading, same text, same place.
    Unchanged,
    /// Its text changed, it was renamed, or it moved.
    Changed,
    /// Only in the newer revision.
    Added,
    /// Only in the older revision.
    Removed,
}

impl Status {
    /// The word the template sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

/// One section of a compare view, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct SectionDiff {
    /// Anchor on the compare page: the new heading id (the old one for a removed section).
    pub id: String,
    pub level: u8,
    /// Heading, with `<del>`/`<ins>` when it was renamed.
    pub title_html: String,
    pub status: Status,
    /// What happened, in words: "Changed: 2 insertions, 1 deletion. Renamed from “…”. Moved."
    pub summary: String,
    /// Paragraphs (`<p>`) with `<ins>`/`<del>`.
    pub html: String,
    pub insertions: usize,
    pub deletions: usize,
}

/// Compare `old` with `new`, in the new revision's order; removed sections stay where they were.
pub fn compare(old: &[Section], new: &[Section]) -> Vec<SectionDiff> {
    let (old_for_new, used) = match_sections(old, new);
    lay_out(old, new, &old_for_new, &used)
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
                    out.push(whole(s, Status::Removed));
                }
            }
            emitted_old = emitted_old.max(o + 1);
            let moved = !stay.contains(&o);
            out.push(pair(&old[o], n, moved));
        } else {
            out.push(whole(n, Status::Added));
        }
    }
    for s in old.iter().enumerate().skip(emitted_old).filter(|(r, _)| !used[*r]).map(|(_, s)| s) {
        out.push(whole(s, Status::Removed));
    }
    out
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
    let status = if insertions + deletions == 0 && !renamed && !moved { Status::Unchanged } else { Status::Changed };
    SectionDiff { id: n.id.clone(), level: n.level, title_html, status, summary, html, insertions, deletions }
}

/// A section that exists on one side only.
fn whole(s: &Section, status: Status) -> SectionDiff {
    let (tag, label, summary) = if status == Status::Added {
        ("ins", "inserted", "Added: this section is new in this revision.")
    } else {
        ("del", "deleted", "Removed: this section is not in the newer revision.")
    };
    let html = s.text.split("\n\n").map(|p| format!("<p>{}</p>", mark(tag, label, p))).collect::<Vec<_>>().join("\n");
    let (insertions, deletions) = if status == Status::Added { (1, 0) } else { (0, 1) };
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
    use super::matching::RENAME_RATIO;
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
        let ids: Vec<(&str, &str)> = d.iter().map(|s| (s.id.as_str(), s.status.as_str())).collect();
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
        assert!(
            d.iter().all(|s| s.status == Status::Changed && s.summary.contains("Renamed from")),
            "{:?}",
            d[0].summary
        );
        assert!(!d.iter().any(|s| s.summary.contains("Moved")));
    }
}
