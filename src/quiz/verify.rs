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
            Invalid::WrongPersonOrQuiz => {
                write!(f, "wrong person or quiz: this code was not issued to this email address for this quiz")
            }
            Invalid::Expired { valid_until } => write!(f, "expired on {valid_until}: retake the quiz for a new code"),
            Invalid::Future => write!(f, "dated in the future: check the computer's clock and retake the quiz"),
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

pub fn verify(quizzes: &Quizzes, email: &str, input: &str, today: Date, validity_days: u32) -> Verdict {
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
                DecodeError::Check => "the check symbol does not match; compare the code with the original".to_string(),
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
        v.problem = Some(Invalid::OutdatedRevision { current: quiz.revision });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{Quiz, code};

    fn quizzes() -> Quizzes {
        let mut q = Quizzes::default();
        for (id, rev, key) in [("public-records", 2u32, [1u8; 32]), ("ferpa-student-records", 1, [2u8; 32])] {
            q.by_id.insert(
                id.into(),
                Quiz {
                    id: id.into(),
                    title: id.into(),
                    module: String::new(),
                    revision: rev,
                    description: String::new(),
                    shuffle_questions: false,
                    shuffle_options: false,
                    questions: Vec::new(),
                    file: Default::default(),
                    revision_line: 1,
                    module_line: 1,
                    key,
                    fingerprint: String::new(),
                },
            );
        }
        q
    }

    fn day(s: &str) -> u16 {
        code::day_of(Date::parse(s).expect("date")).expect("in range")
    }

    const EMAIL: &str = "pat@tacoma.k12.wa.us";

    #[test]
    fn a_fresh_code_is_valid_for_its_owner_only() {
        let q = quizzes();
        let today = Date::parse("2026-11-28").expect("date");
        let c = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2026-11-28"));
        let v = verify(&q, " PAT@tacoma.k12.wa.us ", &c, today, 365);
        assert!(v.valid, "{v:?}");
        assert_eq!(v.quiz.as_deref(), Some("public-records"));
        assert_eq!(v.revision, Some(2));
        assert_eq!(v.completed, Date::parse("2026-11-28"));
        assert_eq!(verify(&q, "lee@tacoma.k12.wa.us", &c, today, 365).problem, Some(Invalid::WrongPersonOrQuiz));
    }

    #[test]
    fn each_reason_is_reported() {
        let q = quizzes();
        let today = Date::parse("2026-11-28").expect("date");
        // made with the FERPA key but claiming the public-records tag: wrong quiz
        let forged = code::issue(&[2u8; 32], "public-records", 2, EMAIL, day("2026-11-01"));
        assert_eq!(verify(&q, EMAIL, &forged, today, 365).problem, Some(Invalid::WrongPersonOrQuiz));
        let old = code::issue(&[1u8; 32], "public-records", 1, EMAIL, day("2026-11-01"));
        assert_eq!(verify(&q, EMAIL, &old, today, 365).problem, Some(Invalid::OutdatedRevision { current: 2 }));
        let expired = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2025-11-27"));
        assert_eq!(
            verify(&q, EMAIL, &expired, today, 365).problem,
            Some(Invalid::Expired { valid_until: Date::parse("2026-11-27").expect("date") })
        );
        let last_day = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2025-11-28"));
        assert!(verify(&q, EMAIL, &last_day, today, 365).valid);
        let future = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2026-12-01"));
        assert_eq!(verify(&q, EMAIL, &future, today, 365).problem, Some(Invalid::Future));
        let unknown = code::issue(&[1u8; 32], "no-such-quiz", 2, EMAIL, day("2026-11-01"));
        assert_eq!(verify(&q, EMAIL, &unknown, today, 365).problem, Some(Invalid::UnknownQuiz));
        let mut typo: Vec<char> = last_day.chars().collect();
        typo[3] = if typo[3] == 'A' { 'B' } else { 'A' };
        assert!(matches!(
            verify(&q, EMAIL, &typo.iter().collect::<String>(), today, 365).problem,
            Some(Invalid::Typo { .. })
        ));
    }
}
