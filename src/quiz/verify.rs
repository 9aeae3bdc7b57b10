//! Checking a completion code for a person: the logic behind `policysite verify` and behind the
//! administrator checks of `policysite request check`.

use serde::Serialize;

use super::Quizzes;
use super::code::{self, DecodeError};
use crate::date::Date;

/// Why a code is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Invalid {
    /// Not a well-formed code (wrong length, a symbol codes do not use, or a failed check symbol).
    Typo { detail: String },
    /// The code names no quiz of this site.
    UnknownQuiz,
    /// For an earlier revision of the quiz: the person must take the current one.
    OutdatedRevision { current: u32 },
    /// Well-formed, but not made for this email address and quiz (or forged).
    WrongPersonOrQuiz,
    /// Passed longer ago than `code_validity_days`.
    Expired { valid_until: Date },
    /// Dated after today.
    Future,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Typo { detail } => write!(f, "typo: {detail}"),
            Invalid::UnknownQuiz => write!(f, "not a code of any quiz on this site"),
            Invalid::OutdatedRevision { current } => {
                write!(
                    f,
                    "outdated revision: the quiz has been revised (now revision {current}); retake it for a new code"
                )
            }
            Invalid::WrongPersonOrQuiz => write!(
                f,
                "wrong person or quiz: this code was not issued to this email address for this quiz"
            ),
            Invalid::Expired { valid_until } => write!(
                f,
                "expired on {valid_until}: retake the quiz for a new code"
            ),
            Invalid::Future => write!(
                f,
                "dated in the future: check the computer's clock and retake the quiz"
            ),
        }
    }
}

/// What a code says about itself, and whether it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub code: String,
    pub quiz: Option<String>,
    pub quiz_title: Option<String>,
    pub revision: Option<u32>,
    pub completed: Option<Date>,
    pub valid: bool,
    #[serde(flatten)]
    pub problem: Option<Invalid>,
}

pub fn verify(
    quizzes: &Quizzes,
    email: &str,
    input: &str,
    today: Date,
    validity_days: u32,
) -> Verdict {
    let mut v = Verdict {
        code: input.trim().to_string(),
        quiz: None,
        quiz_title: None,
        revision: None,
        completed: None,
        valid: false,
        problem: None,
    };
    let fields = match code::decode(input) {
        Ok(f) => f,
        Err(e) => {
            let detail = match e {
                DecodeError::Check => {
                    "the check symbol does not match; compare the code with the original"
                        .to_string()
                }
                other => other.to_string(),
            };
            v.problem = Some(Invalid::Typo { detail });
            return v;
        }
    };
    let completed = code::date_of(fields.day);
    v.completed = Some(completed);
    let Some(quiz) = quizzes.by_tag(fields.tag) else {
        v.problem = Some(Invalid::UnknownQuiz);
        return v;
    };
    v.quiz = Some(quiz.id.clone());
    v.quiz_title = Some(quiz.title.clone());
    if u32::from(fields.revision) != quiz.revision % 256 {
        // Report the revision the code claims, as best we can: the low 8 bits.
        v.revision = Some(u32::from(fields.revision));
        v.problem = Some(Invalid::OutdatedRevision {
            current: quiz.revision,
        });
        return v;
    }
    v.revision = Some(quiz.revision);
    if code::mac(&quiz.key, email, fields.tag, fields.revision, fields.day) != fields.mac {
        v.problem = Some(Invalid::WrongPersonOrQuiz);
        return v;
    }
    // One day of grace: a browser west of UTC may already be on the next UTC day.
    if completed.to_days() > today.to_days() + 1 {
        v.problem = Some(Invalid::Future);
        return v;
    }
    let valid_until = Date::from_days(completed.to_days() + i64::from(validity_days));
    if today > valid_until {
        v.problem = Some(Invalid::Expired { valid_until });
        return v;
    }
    v.valid = true;
    v
}
