//! Compare two revisions: sections matched by heading id (renamed sections by their text, moved
//! sections noticed), then a word-level redline inside each with the `similar` crate.
//!
//! Every change is marked three ways, so no reader depends on colour: `<del>`/`<ins>` (struck
//! through / underlined in every style, print included), a visually hidden "deleted:"/"inserted:"
//! label that screen readers announce, and a visible per-section summary in words.

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

/// Compare `old` with `new`, in the new revision's order; removed sections stay where they were.
pub fn compare(old: &[Section], new: &[Section]) -> Vec<SectionDiff> {
    // Match by id, then leftover sections by text similarity (a renamed heading).
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

    let stay = longest_increasing(&old_for_new.iter().flatten().copied().collect::<Vec<_>>());
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

/// The old indices that keep their relative order (a longest increasing subsequence); the other
/// matched sections are the ones that moved.
fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    let mut best: Vec<Vec<usize>> = Vec::with_capacity(seq.len());
    for (i, &x) in seq.iter().enumerate() {
        let mut chain =
            (0..i).filter(|&j| seq[j] < x).map(|j| best[j].clone()).max_by_key(Vec::len).unwrap_or_default();
        chain.push(x);
        best.push(chain);
    }
    best.into_iter().max_by_key(Vec::len).unwrap_or_default()
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
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_words(old, new);
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
}
