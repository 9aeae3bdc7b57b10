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
    /// For an earlier revision of the quiz whose retraining window (if any) has closed, or that
    /// cannot be verified any more: the person must take the current one.
    OutdatedRevision {
        current: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        retrain_by: Option<Date>,
    },
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
            Invalid::OutdatedRevision { current, retrain_by: None } => {
                write!(
                    f,
                    "outdated revision: the quiz has been revised (now revision {current}); retake it for a new code"
                )
            }
            Invalid::OutdatedRevision { current, retrain_by: Some(due) } => write!(
                f,
                "outdated revision: the quiz has been revised (now revision {current}) and retraining was due by {due}; retake it for a new code"
            ),
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
    /// Set when the code is for a superseded revision still inside its retraining window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
    #[serde(flatten)]
    pub problem: Option<Invalid>,
}

/// A valid code of a revision that has been replaced: it counts until `retrain_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Superseded {
    /// The revision that replaced the code's revision is the current one or an earlier one; this is
    /// the current revision.
    pub current: u32,
    pub retrain_by: Date,
}

impl Verdict {
    /// The verdict as people read it, the same in `verify` and `request check`: `VALID`,
    /// `VALID (revision 2 superseded; retraining due by 2027-01-31)` or `INVALID (reason)`.
    pub fn status(&self) -> String {
        match (&self.problem, &self.superseded) {
            (Some(p), _) => format!("INVALID ({p})"),
            (None, Some(s)) => format!(
                "VALID (revision {} superseded; retraining due by {})",
                self.revision.unwrap_or_default(),
                s.retrain_by
            ),
            (None, None) => "VALID".to_string(),
        }
    }
}

/// The key that checks a code of `code_revision`, and the window it is inside when that revision is
/// superseded; `Err` with the reason it no longer counts.
fn key_for(quiz: &super::Quiz, code_revision: u32, today: Date) -> Result<([u8; 32], Option<Superseded>), Invalid> {
    if code_revision == quiz.revision {
        return Ok((quiz.key, None));
    }
    let outdated = |retrain_by| Invalid::OutdatedRevision { current: quiz.revision, retrain_by };
    if code_revision > quiz.revision {
        return Err(outdated(None));
    }
    let window = quiz.retrain_by_for(code_revision);
    let material = quiz.published.iter().find(|p| p.revision == code_revision).and_then(|p| p.key_bytes());
    match (window, material) {
        (Some(due), Some(key)) if today <= due => {
            Ok((key, Some(Superseded { current: quiz.revision, retrain_by: due })))
        }
        (Some(due), _) if today > due => Err(outdated(Some(due))),
        _ => Err(outdated(None)),
    }
}

/// Whether a completion on `completed` still counts on `today` (a code's date or an LMS report's):
/// not dated in the future, with one day of grace (a browser west of UTC may already be on the next
/// UTC day), and not older than `validity_days`.
pub fn completion_counts(completed: Date, today: Date, validity_days: u32) -> Result<(), Invalid> {
    if completed.to_days() > today.to_days() + 1 {
        return Err(Invalid::Future);
    }
    let valid_until = Date::from_days(completed.to_days() + i64::from(validity_days));
    if today > valid_until {
        return Err(Invalid::Expired { valid_until });
    }
    Ok(())
}

pub fn verify(quizzes: &Quizzes, email: &str, input: &str, today: Date, validity_days: u32) -> Verdict {
    let mut v = Verdict {
        code: input.trim().to_string(),
        quiz: None,
        quiz_title: None,
        revision: None,
        completed: None,
        valid: false,
        superseded: None,
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
    // Revisions are bounded to one byte, so the code names its revision exactly.
    v.revision = Some(u32::from(fields.revision));
    let (key, superseded) = match key_for(quiz, u32::from(fields.revision), today) {
        Ok(found) => found,
        Err(why) => {
            v.problem = Some(why);
            return v;
        }
    };
    if code::mac(&key, email, fields.tag, fields.revision, fields.day) != fields.mac {
        v.problem = Some(Invalid::WrongPersonOrQuiz);
        return v;
    }
    if let Err(why) = completion_counts(completed, today, validity_days) {
        v.problem = Some(why);
        return v;
    }
    v.valid = true;
    v.superseded = superseded;
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
                    retrain_by: None,
                    editorial: Vec::new(),
                    published: Vec::new(),
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
        assert_eq!(
            verify(&q, EMAIL, &old, today, 365).problem,
            Some(Invalid::OutdatedRevision { current: 2, retrain_by: None })
        );
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

    #[test]
    fn a_superseded_revision_counts_until_the_window_of_the_revision_after_it() {
        use crate::quiz::lock::Published;
        let entry = |revision: u32, key: [u8; 32], retrain_by: Option<&str>| Published {
            revision,
            published: Date::parse("2026-01-01"),
            retrain_by: retrain_by.and_then(Date::parse),
            editorial: 0,
            key: Some(crate::encode::hex(&key)),
            questions: Vec::new(),
            legacy: None,
        };
        let mut q = quizzes();
        let quiz = q.by_id.get_mut("public-records").expect("quiz");
        quiz.revision = 3;
        quiz.key = [3u8; 32];
        quiz.retrain_by = Date::parse("2027-01-31");
        // Revision 2 opened a window for revision 1 that closed long ago.
        quiz.published = vec![
            entry(1, [9u8; 32], None),
            entry(2, [1u8; 32], Some("2026-03-01")),
            entry(3, [3u8; 32], Some("2027-01-31")),
        ];
        let on = |d: &str| Date::parse(d).expect("date");
        let rev2 = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2026-11-01"));
        let v = verify(&q, EMAIL, &rev2, on("2027-01-31"), 365);
        assert!(v.valid, "{v:?}");
        assert_eq!(v.status(), "VALID (revision 2 superseded; retraining due by 2027-01-31)");
        let v = verify(&q, EMAIL, &rev2, on("2027-02-01"), 365);
        assert_eq!(v.problem, Some(Invalid::OutdatedRevision { current: 3, retrain_by: Date::parse("2027-01-31") }));
        let rev1 = code::issue(&[9u8; 32], "public-records", 1, EMAIL, day("2026-02-01"));
        let v = verify(&q, EMAIL, &rev1, on("2026-11-28"), 365);
        assert_eq!(v.problem, Some(Invalid::OutdatedRevision { current: 3, retrain_by: Date::parse("2026-03-01") }));
        // Inside the window, expiry still applies.
        let old = code::issue(&[1u8; 32], "public-records", 2, EMAIL, day("2025-12-01"));
        assert!(matches!(verify(&q, EMAIL, &old, on("2027-01-15"), 365).problem, Some(Invalid::Expired { .. })));
    }
}
