//! A loaded quiz with its published revisions, and every quiz of the site. Above the lock
//! ([`super::lock`]), whose records a quiz carries; below loading ([`super::source`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::types::{Editorial, Question};
use super::{code, lock};
use crate::date::Date;
use crate::diag::Diagnostic;

#[derive(Debug, Clone)]
pub struct Quiz {
    pub id: String,
    pub title: String,
    pub module: String,
    pub revision: u32,
    pub description: String,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub questions: Vec<Question>,
    pub file: PathBuf,
    /// Line of `revision:` (for lock errors) and of `module:`.
    pub revision_line: usize,
    pub module_line: usize,
    /// The key that signs completion codes, derived from the correct answers.
    pub key: [u8; 32],
    /// Until when codes of the previous revision still count (`None`: not at all).
    pub retrain_by: Option<Date>,
    /// Declared editorial changes, oldest first.
    pub editorial: Vec<Editorial>,
    /// Every revision of this quiz recorded in the lock, by revision (the verification material of
    /// superseded revisions).
    pub published: Vec<lock::Published>,
}

impl Quiz {
    /// Until when codes of an earlier `revision` still count: the `retrain_by` of the revision that
    /// replaced it (the next one published, or the current one). `None`: they stopped counting.
    pub fn retrain_by_for(&self, revision: u32) -> Option<Date> {
        if revision >= self.revision {
            return None;
        }
        let next = self
            .published
            .iter()
            .filter(|p| p.revision > revision && p.revision < self.revision)
            .min_by_key(|p| p.revision);
        match next {
            Some(p) => p.retrain_by,
            None => self.retrain_by,
        }
    }

    /// Superseded revisions whose codes can still be verified, with their retraining deadline.
    pub fn retraining_windows(&self) -> Vec<(u32, Date)> {
        self.published
            .iter()
            .filter(|p| p.revision < self.revision && p.key_bytes().is_some())
            .filter_map(|p| self.retrain_by_for(p.revision).map(|d| (p.revision, d)))
            .collect()
    }
}

/// All quizzes, and the warnings a build should show (unpublished revisions, pending editorial changes).
#[derive(Debug, Clone, Default)]
pub struct Quizzes {
    pub by_id: BTreeMap<String, Quiz>,
    pub warnings: Vec<Diagnostic>,
}

impl Quizzes {
    pub fn get(&self, id: &str) -> Option<&Quiz> {
        self.by_id.get(id)
    }
    pub fn by_tag(&self, tag: u16) -> Option<&Quiz> {
        self.by_id.values().find(|q| code::quiz_tag(&q.id) == tag)
    }
}
