//! What a quiz is made of (its questions, answers and editorial changes) and where quizzes live: the
//! bottom of the quiz module, which every part imports from here.

use serde::{Deserialize, Serialize};

use crate::date::Date;

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
