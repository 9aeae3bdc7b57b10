//! A quiz file compared with its published revisions in the lock: a published revision can never
//! change silently.
//!
//! - A change to what decides right or wrong (question ids, order, types, option counts, answers) in
//!   a published revision is an error at the changed question's line: raise `revision`.
//! - A wording change (prompt, options' text, explanation) in a published revision is an error unless
//!   the quiz file declares it editorial with a new `editorial:` entry (more entries than the lock
//!   recorded); then it is a warning until `policysite publish` records it.
//! - A revision not in the lock builds, with a warning to run `policysite publish`.

use std::collections::HashMap;

use super::fingerprint::{self, QuestionPrint};
use super::lock::Published;
use super::quizzes::Quiz;
use super::types::MAX_REVISION;
use crate::diag::{Diagnostic, Diagnostics};

#[derive(Debug, Default)]
pub struct Found {
    pub errors: Diagnostics,
    pub warnings: Vec<Diagnostic>,
}

/// What to do when a published revision's answers must change.
pub fn bump_help(revision: u32) -> String {
    if revision >= MAX_REVISION {
        format!(
            "revision {MAX_REVISION} is the last one a completion code can carry: give the quiz a new `id` (its codes start afresh)"
        )
    } else {
        format!(
            "set `revision: {}`: codes of revision {revision} then stop counting (add `retrain_by: YYYY-MM-DD` to keep them valid until that day)",
            revision + 1
        )
    }
}

fn editorial_help(revision: u32) -> String {
    format!(
        "if what is asked and which answers are right did not change, declare it: add an entry at the end of `editorial:`, e.g. `editorial: [{{date: YYYY-MM-DD, note: what was reworded}}]`; otherwise set `revision: {}`",
        revision + 1
    )
}

/// Errors for changes to what decides right or wrong, each at the changed question.
fn substantive(quiz: &Quiz, locked: &[QuestionPrint], now: &[QuestionPrint]) -> Diagnostics {
    let r = quiz.revision;
    let mut diags = Diagnostics::default();
    let by_id: HashMap<&str, &QuestionPrint> = locked.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut err = |line: usize, msg: String| {
        diags.push(Diagnostic::new(&quiz.file, msg).at(line, None).help(bump_help(r)));
    };
    for (q, p) in quiz.questions.iter().zip(now) {
        match by_id.get(p.id.as_str()) {
            None => err(
                q.line,
                format!("question `{}` was added to quiz `{}`, but revision {r} is already published", q.id, quiz.id),
            ),
            Some(old) if old.answers != p.answers => err(
                q.line,
                format!(
                    "the answer, type or number of options of question `{}` changed, but revision {r} of quiz `{}` is already published",
                    q.id, quiz.id
                ),
            ),
            Some(_) => {}
        }
    }
    let current: HashMap<&str, usize> = now.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    for old in locked.iter().filter(|p| !current.contains_key(p.id.as_str())) {
        err(
            quiz.revision_line,
            format!("question `{}` was removed from quiz `{}`, but revision {r} is already published", old.id, quiz.id),
        );
    }
    // Order: the quiz key hashes the questions in order.
    let old_order: Vec<&str> = locked.iter().map(|p| p.id.as_str()).filter(|id| current.contains_key(id)).collect();
    let new_order: Vec<&str> = now.iter().map(|p| p.id.as_str()).filter(|id| by_id.contains_key(id)).collect();
    if let Some((moved, _)) = new_order.iter().zip(&old_order).find(|(a, b)| a != b)
        && let Some(q) = quiz.questions.iter().find(|q| q.id == *moved)
    {
        err(
            q.line,
            format!(
                "question `{}` moved: the question order of published revision {r} of quiz `{}` is part of what its codes are signed with",
                q.id, quiz.id
            ),
        );
    }
    diags
}

fn compare_published(quiz: &Quiz, entry: &Published, now: &[QuestionPrint], found: &mut Found) {
    if let Some(old) = &entry.legacy {
        compare_legacy(quiz, old, found);
        return;
    }
    let subst = substantive(quiz, &entry.questions, now);
    if !subst.is_empty() {
        found.errors.extend(subst);
        return;
    }
    if !compare_wording(quiz, entry, now, found) {
        return;
    }
    if entry.retrain_by != quiz.retrain_by {
        let shown = |d: Option<crate::date::Date>| d.map_or("none".to_string(), |d| d.to_string());
        found.warnings.push(
            Diagnostic::new(
                &quiz.file,
                format!(
                    "`retrain_by` of quiz `{}` is {}, but {} was published",
                    quiz.id,
                    shown(quiz.retrain_by),
                    shown(entry.retrain_by)
                ),
            )
            .at(quiz.revision_line, None)
            .help("run `policysite publish` to record the new retraining window"),
        );
    }
}

/// A lock entry of the old format holds one fingerprint of every question: a change is an error
/// that cannot name the question; no change still wants a `publish` in the new format.
fn compare_legacy(quiz: &Quiz, old: &str, found: &mut Found) {
    let r = quiz.revision;
    if old != fingerprint::legacy(&quiz.id, &quiz.questions) {
        found.errors.push(
            Diagnostic::new(
                &quiz.file,
                format!(
                    "the questions or answers of quiz `{}` changed, but its revision is still {r} (the lock, from an older policysite, cannot tell which question)",
                    quiz.id
                ),
            )
            .at(quiz.revision_line, None)
            .help(bump_help(r)),
        );
    } else {
        found.warnings.push(
            Diagnostic::new(
                &quiz.file,
                format!("revision {r} of quiz `{}` is recorded in the old lock format", quiz.id),
            )
            .at(quiz.revision_line, None)
            .help("run `policysite publish` to record the material that verifies its codes later"),
        );
    }
}

/// Reworded questions of a published revision: an error unless a new editorial change declares
/// them (then a warning until it is published). `false` when it found errors.
fn compare_wording(quiz: &Quiz, entry: &Published, now: &[QuestionPrint], found: &mut Found) -> bool {
    let r = quiz.revision;
    let locked_text: HashMap<&str, &str> = entry.questions.iter().map(|p| (p.id.as_str(), p.text.as_str())).collect();
    let reworded: Vec<(usize, &str)> = quiz
        .questions
        .iter()
        .zip(now)
        .filter(|(_, p)| locked_text.get(p.id.as_str()) != Some(&p.text.as_str()))
        .map(|(q, _)| (q.line, q.id.as_str()))
        .collect();
    let declared = quiz.editorial.len() > entry.editorial;
    if !reworded.is_empty() && !declared {
        for (line, id) in &reworded {
            found.errors.push(
                Diagnostic::new(
                    &quiz.file,
                    format!(
                        "the wording of question `{id}` changed, but revision {r} of quiz `{}` is already published and no new editorial change is declared",
                        quiz.id
                    ),
                )
                .at(*line, None)
                .help(editorial_help(r)),
            );
        }
        return false;
    }
    if declared && let Some(last) = quiz.editorial.last() {
        let ids: Vec<&str> = reworded.iter().map(|(_, id)| *id).collect();
        found.warnings.push(
            Diagnostic::new(
                &quiz.file,
                format!(
                    "editorial change to revision {r} of quiz `{}` ({}: {}) is not published yet{}",
                    quiz.id,
                    last.date,
                    last.note.trim(),
                    if ids.is_empty() { String::new() } else { format!("; reworded: {}", ids.join(", ")) }
                ),
            )
            .at(quiz.revision_line, None)
            .help("run `policysite publish` before publishing the site; existing codes stay valid"),
        );
    }
    true
}

/// Compare one loaded quiz (with `quiz.published` from the lock) against its published revisions.
pub fn compare(quiz: &Quiz, now: &[QuestionPrint]) -> Found {
    let mut found = Found::default();
    let r = quiz.revision;
    if let Some(newest) = quiz.published.iter().map(|p| p.revision).max().filter(|n| *n > r) {
        found.errors.push(
            Diagnostic::new(&quiz.file, format!("revision {r} is older than revision {newest}, already published"))
                .at(quiz.revision_line, None)
                .help(format!("use a revision above {newest}")),
        );
        return found;
    }
    if let Some(due) = quiz.retrain_by
        && !quiz.published.iter().any(|p| p.revision < r && p.key.is_some())
    {
        found.warnings.push(
            Diagnostic::new(
                &quiz.file,
                format!("`retrain_by: {due}` has no effect: no earlier revision of quiz `{}` is published with the material that verifies its codes", quiz.id),
            )
            .at(quiz.revision_line, None)
            .help("codes of earlier revisions are refused; publish a revision (`policysite publish`) before raising it to keep its codes verifiable"),
        );
    }
    match quiz.published.iter().find(|p| p.revision == r) {
        Some(entry) => compare_published(quiz, entry, now, &mut found),
        None => found.warnings.push(
            Diagnostic::new(&quiz.file, format!("revision {r} of quiz `{}` is not published yet", quiz.id))
                .at(quiz.revision_line, None)
                .help("run `policysite publish` before publishing the site: it records the revision so it cannot change silently and its codes can be verified after the next revision"),
        ),
    }
    found
}
