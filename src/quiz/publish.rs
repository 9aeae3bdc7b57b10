//! Recording quiz revisions as published: the only writer of `quizzes/revisions.lock`.
//!
//! Concurrent `publish` runs must not lose entries: each takes an exclusive lock on the `quizzes/`
//! folder, re-reads the lock file under it, and writes it atomically before releasing.

use std::path::Path;

use super::lock::{self, Published};
use super::{Quiz, Quizzes, fingerprint};
use crate::date::Date;
use crate::diag::Diagnostic;

/// What `publish` did to one quiz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A revision not in the lock before.
    Recorded,
    /// Already recorded; the declared editorial change, new retraining window or verification
    /// material was added.
    Updated(String),
    /// Already recorded as it is.
    Unchanged,
}

fn entry_for(quiz: &Quiz, today: Date) -> Published {
    Published {
        revision: quiz.revision,
        published: Some(today),
        retrain_by: quiz.retrain_by,
        editorial: quiz.editorial.len(),
        key: Some(crate::encode::hex(&quiz.key)),
        questions: fingerprint::questions(&quiz.questions),
        legacy: None,
    }
}

/// Hold the exclusive lock of the quiz lock file while `f` reads, changes and writes it.
fn with_lock<T>(root: &Path, f: impl FnOnce() -> Result<T, Diagnostic>) -> Result<T, Diagnostic> {
    crate::fsutil::with_file_lock(&root.join(super::LOCK_FILE), "publish", f).unwrap_or_else(|e| {
        Err(Diagnostic::new(super::LOCK_FILE, format!("cannot lock: {e}"))
            .help("check that quizzes/ exists and is writable"))
    })
}

/// Record the current revision of every quiz. `quizzes` must come from a load without errors.
pub fn publish(root: &Path, quizzes: &Quizzes, today: Date) -> Result<Vec<(String, u32, Outcome)>, Diagnostic> {
    if quizzes.by_id.is_empty() {
        return Ok(Vec::new());
    }
    with_lock(root, || {
        let mut lock = lock::read(root)?;
        let before = lock.clone();
        let mut done = Vec::new();
        for quiz in quizzes.by_id.values() {
            let new = entry_for(quiz, today);
            let entries = lock.quizzes.entry(quiz.id.clone()).or_default();
            let outcome = match entries.iter_mut().find(|p| p.revision == quiz.revision) {
                None => {
                    entries.push(new);
                    entries.sort_by_key(|p| p.revision);
                    Outcome::Recorded
                }
                Some(old) => {
                    let same_answers = old.legacy.is_none()
                        && old
                            .questions
                            .iter()
                            .map(|p| (&p.id, &p.answers))
                            .eq(new.questions.iter().map(|p| (&p.id, &p.answers)));
                    if old.legacy.is_none() && !same_answers {
                        // Another publish recorded different answers since this run loaded the quizzes.
                        return Err(Diagnostic::new(
                            &quiz.file,
                            format!(
                                "revision {} of quiz `{}` was published with other answers meanwhile",
                                quiz.revision, quiz.id
                            ),
                        )
                        .at(quiz.revision_line, None)
                        .help(super::revision::bump_help(quiz.revision)));
                    }
                    let mut what = Vec::new();
                    if old.legacy.is_some() {
                        what.push("verification material added".to_string());
                    }
                    if old.legacy.is_none() && old.questions != new.questions {
                        what.push("editorial change recorded".to_string());
                    } else if old.editorial != new.editorial {
                        what.push("editorial note recorded".to_string());
                    }
                    if old.retrain_by != new.retrain_by {
                        what.push("retraining window recorded".to_string());
                    }
                    if what.is_empty() {
                        Outcome::Unchanged
                    } else {
                        let published = old.published.or(new.published);
                        *old = Published { published, ..new };
                        Outcome::Updated(what.join(", "))
                    }
                }
            };
            done.push((quiz.id.clone(), quiz.revision, outcome));
        }
        if let Some(why) = lock::dropped(&before, &lock) {
            // Cannot happen by the rules above; checked so that no future change can lose a key.
            return Err(Diagnostic::new(super::LOCK_FILE, format!("refusing to write the lock: {why}"))
                .help("the lock is append-only: report this as a bug"));
        }
        if done.iter().any(|(_, _, o)| *o != Outcome::Unchanged) {
            lock::write(root, &lock).map_err(|e| {
                Diagnostic::new(super::LOCK_FILE, format!("cannot write: {e}")).help("check permissions")
            })?;
        }
        Ok(done)
    })
}

/// Remove the temporary files a killed `publish` left in `quizzes/` (they hold quiz keys), under the
/// lock: only `publish` writes there, and only while it holds the lock, so a temporary file found
/// under it is stale. `.policysite-*.tmp` is what versions before 2026-12 named them. Returns how
/// many were removed, for the command to say (`publish` and `publish --repair` call this first).
pub fn remove_stale_temps(root: &Path) -> Result<usize, Diagnostic> {
    with_lock(root, || Ok(crate::lockfile::remove_stale_temps(&root.join(super::LOCK_FILE), Some(".policysite-"))))
}

/// `publish --repair`: when the lock holds a merge conflict, write the entries of both sides (see
/// [`lock::merge`]). `Ok(None)`: the lock has no conflict (it may still be damaged otherwise).
pub fn repair(root: &Path) -> Result<Option<usize>, Diagnostic> {
    with_lock(root, || {
        let bytes = match std::fs::read(root.join(super::LOCK_FILE)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::new(super::LOCK_FILE, format!("cannot read: {e}"))),
        };
        let text = String::from_utf8_lossy(&bytes);
        let Some((ours, theirs)) = crate::lockfile::conflict_sides(super::LOCK_FILE, &text)? else {
            return Ok(None);
        };
        let side = |t: &str, name: &str| {
            lock::parse_bytes(t.as_bytes()).map_err(|d| {
                Diagnostic::new(
                    super::LOCK_FILE,
                    format!("the {name} side of the merge conflict is not a lock `publish` wrote: {}", d.message),
                )
                .help("resolve the conflict by hand, keeping every entry of both sides")
            })
        };
        let (a, b) = (side(&ours, "first")?, side(&theirs, "second")?);
        let merged = lock::merge(&a, &b).map_err(|why| {
            Diagnostic::new(super::LOCK_FILE, format!("cannot repair: {why}")).help(
                "find out which answers each branch published; keep one revision number per set of answers (raise `revision` on one branch and publish again), then resolve the conflict by hand",
            )
        })?;
        lock::write(root, &merged)
            .map_err(|e| Diagnostic::new(super::LOCK_FILE, format!("cannot write: {e}")).help("check permissions"))?;
        Ok(Some(merged.quizzes.values().map(Vec::len).sum()))
    })
}
