//! An LMS completion report as training evidence for `request check --lms-report`.
//!
//! A completion code proves only that someone who knew the answers typed an email address; the
//! district's learning management system knows who signed in. LMSs export in their own shapes:
//! long reports (one row per learner and course, with status and date columns: a Cornerstone-style
//! transcript, a SCORM Cloud registration export) and wide ones (one row per learner, one column per
//! assignment: Canvas's gradebook CSV, Blackboard's Grade Center export, Moodle's SCORM report). The
//! columns are mapped by flags ([`LmsReportArgs`]), a mapping file, or `site.yaml` `lms_report:`;
//! [`table`] decodes and splits the file, [`dates`] reads its dates, `read` maps the columns to
//! rows. A row counts when it is a pass, for the quiz's current revision (or an earlier one inside
//! its retraining window), and within `code_validity_days` of its completion date, the same rules a
//! code meets.

pub mod args;
pub mod dates;
mod read;
pub mod table;

pub use read::{Report, Row, load};

use serde::Serialize;

use crate::date::Date;
use crate::quiz::Quiz;
use read::number;

/// What the report says about one person and quiz.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Finding {
    /// A row that counts.
    Passed {
        line: u64,
        completed: Date,
        revision: u32,
        /// Set when `revision` is superseded and counts only until this retraining deadline.
        #[serde(skip_serializing_if = "Option::is_none")]
        retrain_by: Option<Date>,
    },
    /// Rows exist, but none counts; `why` is about the most recent one.
    NotAccepted { line: u64, why: String },
    /// No row for this email and quiz.
    Missing,
}

impl Finding {
    /// Human text, naming the report's file and line.
    pub fn describe(&self, file: &str) -> String {
        match self {
            Finding::Passed { line, completed, revision, retrain_by } => {
                let window = retrain_by
                    .map(|d| format!(", revision {revision} superseded; retraining due by {d}"))
                    .unwrap_or_default();
                format!("passed revision {revision} on {completed}{window} ({file}, line {line})")
            }
            Finding::NotAccepted { line, why } => format!("{why} ({file}, line {line})"),
            Finding::Missing => format!("no completion for this email in {file}"),
        }
    }
}

impl Report {
    /// Judge every row for `email` and `quiz`: the newest row that counts, else why the newest does not.
    pub fn finding(&self, quiz: &Quiz, email: &str, today: Date, validity_days: u32) -> Finding {
        let email = crate::quiz::code::normalize_email(email);
        let mut rows: Vec<&Row> =
            self.rows.iter().filter(|r| r.email == email && r.quizzes.contains(&quiz.id)).collect();
        rows.sort_by_key(|r| (r.completed, r.line));
        let judged: Vec<(u64, Result<Finding, String>)> =
            rows.iter().map(|r| (r.line, self.judge(r, quiz, today, validity_days))).collect();
        if let Some((_, Ok(f))) = judged.iter().rev().find(|(_, j)| j.is_ok()) {
            return f.clone();
        }
        match judged.into_iter().last() {
            Some((line, Err(why))) => Finding::NotAccepted { line, why },
            _ => Finding::Missing,
        }
    }

    /// Whether the row's status or result cell is a pass: a passed value, or a score at or above
    /// the pass percentage (`90/100`, `100`, `100%`; against Canvas's points possible when given).
    fn is_pass(&self, r: &Row) -> Result<(), String> {
        if self.passed.contains(&r.status) {
            return Ok(());
        }
        let (got, max) = match r.status.split_once('/') {
            Some((a, b)) => (number(a), number(b)),
            None => (number(&r.status), r.points.or(Some(100.0))),
        };
        if let (Some(got), Some(max)) = (got, max)
            && max > 0.0
        {
            let pct = 100.0 * got / max;
            if pct + 1e-9 >= self.pass_score {
                return Ok(());
            }
            return Err(format!(
                "LMS result `{}` ({pct:.0}%), not a pass (a pass is {}% or more)",
                r.status, self.pass_score
            ));
        }
        let score = r.score.as_ref().map(|s| format!(", score {s}")).unwrap_or_default();
        Err(format!("LMS status `{}`{score}, not a pass", r.status))
    }

    fn judge(&self, r: &Row, quiz: &Quiz, today: Date, validity_days: u32) -> Result<Finding, String> {
        if r.quizzes.len() > 1 {
            return Err(format!(
                "the LMS module `{}` names the quizzes {}; one cell never counts for two quizzes: map it (--lms-quiz-column COLUMN=QUIZ)",
                r.module,
                r.quizzes.join(" and ")
            ));
        }
        self.is_pass(r)?;
        let Some(completed) = r.completed else {
            return Err("the LMS report gives no completion date (map its date column with --lms-date-column; a report without dates needs --lms-undated-as)".into());
        };
        let Some(claimed) = r.revision else {
            return Err(
                "the LMS report does not say which quiz revision was passed; map its revision column (--lms-revision-column, or `lms_report.revision` in site.yaml)"
                    .into(),
            );
        };
        // A title says the revision of the package the LMS holds now, not of the attempt: after a package
        // replacement that kept learners' tracks (Moodle, stable identifiers), an attempt made before
        // the revision was published is listed under the new title. It is an attempt of the revision
        // that was current on its date.
        let published = quiz.published.iter().find(|p| p.revision == claimed).and_then(|p| p.published);
        let revision = match published {
            Some(p) if r.revision_from_title && completed < p => quiz
                .published
                .iter()
                .filter(|e| e.published.is_some_and(|d| d <= completed))
                .map(|e| e.revision)
                .max()
                .ok_or_else(|| {
                    format!(
                        "the LMS completion ({completed}) is older than revision {claimed} ({p}), which the title names, and than every published revision"
                    )
                })?,
            _ => claimed,
        };
        let retrain_by = revision_counts(quiz, revision, today)?;
        match crate::quiz::verify::completion_counts(completed, today, validity_days) {
            Err(crate::quiz::verify::Invalid::Future) => {
                return Err(format!("the LMS completion is dated in the future ({completed})"));
            }
            Err(crate::quiz::verify::Invalid::Expired { valid_until }) => {
                let undated = if r.undated { " (undated in the report; taken as --lms-undated-as)" } else { "" };
                return Err(format!("the LMS completion expired on {valid_until}{undated}"));
            }
            _ => {}
        }
        Ok(Finding::Passed { line: r.line, completed, revision, retrain_by })
    }
}

/// Whether a completion of `revision` still counts: the current revision, or an earlier one inside
/// its retraining window (`retrain_by` of the revision that replaced it), the rule codes follow.
/// `Ok(Some(deadline))` for a superseded revision that still counts.
fn revision_counts(quiz: &Quiz, revision: u32, today: Date) -> Result<Option<Date>, String> {
    if revision == quiz.revision {
        return Ok(None);
    }
    let outdated = format!(
        "outdated revision: the LMS completion is for revision {revision}, the quiz is now revision {}",
        quiz.revision
    );
    match quiz.retrain_by_for(revision) {
        Some(due) if today <= due => Ok(Some(due)),
        Some(due) => Err(format!("{outdated}; retraining was due by {due}")),
        None => Err(outdated),
    }
}
