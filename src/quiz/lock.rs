//! `quizzes/revisions.lock`: the published revision of every quiz, kept in the site's sources (commit
//! it; it is never copied into the published site). Written only by `policysite publish`; `build` and
//! `serve` only read it.
//!
//! Per published revision it keeps the per-question fingerprints (so a build can say *which*
//! question changed), how many editorial declarations its text covers, the retraining window it
//! opened for the revision before it, and the quiz key: the verification material `verify` needs to
//! check codes of that revision once it has been superseded (the answers that derive it are gone from
//! the quiz file by then).
//!
//! The file is JSON. A lock written by an older policysite (lines `id revision fingerprint`) is still
//! read; `publish` rewrites it in this format.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint::QuestionPrint;
use super::{LOCK_FILE, MAX_REVISION};
use crate::date::Date;
use crate::diag::Diagnostic;

pub const FORMAT: &str = "policysite/quiz-revisions";

/// One published revision of one quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub revision: u32,
    /// The day `publish` recorded it (`None` for entries of the old lock format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Until when codes of the revision before this one count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrain_by: Option<Date>,
    /// How many `editorial:` entries of the quiz file the recorded text covers.
    #[serde(default)]
    pub editorial: usize,
    /// The quiz key (hex): checks codes of this revision after it is superseded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    pub questions: Vec<QuestionPrint>,
    /// Fingerprint from the old lock format, when that is all there is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<String>,
}

impl Published {
    /// The quiz key, when this entry has one.
    pub fn key_bytes(&self) -> Option<[u8; 32]> {
        let hex = self.key.as_deref()?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(out)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub about: Vec<String>,
    /// Quiz id → its published revisions, oldest first.
    #[serde(default)]
    pub quizzes: BTreeMap<String, Vec<Published>>,
}

impl Lock {
    pub fn entries(&self, quiz: &str) -> &[Published] {
        self.quizzes.get(quiz).map_or(&[], Vec::as_slice)
    }
}

/// Read the lock; a missing lock is an empty one.
pub fn read(root: &Path) -> Result<Lock, Diagnostic> {
    let text = match std::fs::read_to_string(root.join(LOCK_FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::default()),
        Err(e) => {
            return Err(Diagnostic::new(LOCK_FILE, format!("cannot read: {e}")).help("check the file's permissions"));
        }
    };
    parse(&text)
}

pub fn parse(text: &str) -> Result<Lock, Diagnostic> {
    if text.trim_start().starts_with('{') {
        let lock: Lock = serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(LOCK_FILE, format!("the lock file is damaged: {e}"))
                .at(e.line().max(1), Some(e.column().max(1)))
                .help("restore it from version control (it is written only by `policysite publish`)")
        })?;
        for (id, entries) in &lock.quizzes {
            if let Some(bad) = entries.iter().find(|p| p.revision == 0 || p.revision > MAX_REVISION) {
                return Err(Diagnostic::new(LOCK_FILE, format!("quiz `{id}` has revision {} recorded", bad.revision))
                    .help(format!("revisions go from 1 to {MAX_REVISION}; restore the file from version control")));
            }
        }
        return Ok(lock);
    }
    Ok(parse_legacy(text))
}

/// The first lock format: `id revision fingerprint` per line, `#` comments.
fn parse_legacy(text: &str) -> Lock {
    let mut lock = Lock::default();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut parts = line.split_whitespace();
        let (Some(id), Some(rev), Some(fp)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(revision) = rev.parse::<u32>() else { continue };
        lock.quizzes.entry(id.to_string()).or_default().push(Published {
            revision,
            published: None,
            retrain_by: None,
            editorial: 0,
            key: None,
            questions: Vec::new(),
            legacy: Some(fp.to_string()),
        });
    }
    for entries in lock.quizzes.values_mut() {
        entries.sort_by_key(|p| p.revision);
    }
    lock
}

/// Write the lock atomically (callers hold the publish lock, see [`super::publish`]).
pub fn write(root: &Path, lock: &Lock) -> std::io::Result<()> {
    let mut lock = lock.clone();
    lock.format = FORMAT.into();
    lock.about = vec![
        "Published quiz revisions, written by `policysite publish`. Commit this file; it is never published.".into(),
        "Each entry keeps what decides right or wrong (answers), the wording (text), and the key that".into(),
        "verifies codes of the revision after it is superseded. Do not edit it by hand.".into(),
    ];
    let mut json = serde_json::to_string_pretty(&lock).map_err(std::io::Error::other)?;
    json.push('\n');
    crate::output::write_atomic(&root.join(LOCK_FILE), json.as_bytes())
}
