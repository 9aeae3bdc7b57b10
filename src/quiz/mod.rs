//! Training quizzes (`quizzes/*.yaml`) as a domain module: what a quiz is, loading and validating it
//! ([`source`]), what decides right or wrong versus its wording ([`fingerprint`]), the record of
//! published revisions ([`lock`], compared in [`revision`], written by [`publish`]), answer-derived
//! keys ([`keys`]), completion codes ([`code`]) and their verification ([`verify`]).
//!
//! This module knows neither Tera nor the site model: the module pages' view of a quiz is built in
//! `crate::quiz_view`.

pub mod code;
pub mod fingerprint;
pub mod keys;
pub mod lock;
pub mod publish;
pub mod revision;
pub mod source;
pub mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::Diagnostic;

pub(crate) use source::QuizFile;
pub use source::load_all;

pub const QUIZ_DIR: &str = "quizzes";
pub const LOCK_FILE: &str = "quizzes/revisions.lock";

/// Completion codes carry the revision in one byte; revisions stay in `1..=MAX_REVISION` so a code's
/// revision is never ambiguous.
pub const MAX_REVISION: u32 = 255;

/// One quiz question.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within the quiz, e.g. `five-days`: ASCII letters, digits, `-`, `_`, `.`, starting with
    /// a letter or digit (src/ident.rs).
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"))]
    pub id: String,
    /// The heading id, in the module page, of the section that teaches this question.
    #[serde(default)]
    pub section: Option<String>,
    /// `single` (one correct option), `multiple` (several) or `true_false`.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The question, in Markdown.
    pub prompt: String,
    /// The choices, in Markdown (not for `true_false`).
    #[serde(default)]
    pub options: Vec<String>,
    /// `single`: the correct option's number, from 0; `multiple`: a list of numbers; `true_false`: true or false.
    pub answer: Answer,
    /// Markdown, shown once the question is answered correctly.
    pub explanation: String,
    /// Line of the question's `- id:` in its file (set after parsing).
    #[serde(skip)]
    pub line: usize,
    /// Line of its `section:` key, or of the question when it has none.
    #[serde(skip)]
    pub section_line: usize,
}

/// The kind of question.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One correct option: `answer: 2`.
    Single,
    /// Several correct options: `answer: [0, 2]`.
    Multiple,
    /// `answer: true` or `false`; no options.
    TrueFalse,
}

/// The correct answer: an option number, a list of option numbers, or true/false.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Index(usize),
    Indices(Vec<usize>),
}

/// A declared editorial change: wording only, so codes of the revision stay valid.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Editorial {
    /// When the wording changed (YYYY-MM-DD).
    pub date: Date,
    /// What changed and why it does not change what is asked.
    pub note: String,
}

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
