//! Has every administrator passed every required quiz? Two kinds of evidence: the completion code in
//! the request (checked by `quiz::verify`, whose verdict text is shown unchanged) and, when the
//! Communications Department passes one, the LMS completion report ([`super::lms`]). A passing row
//! stands in for a missing or failing code; either one alone is enough, and where they disagree the
//! output says so.

use serde::Serialize;

use super::context::{Context, Problem};
use super::lms::{Finding, Report};
use super::schema::Administrator;
use crate::date::Date;
use crate::load::directory::{EvidenceKind, LmsRow, Training};
use crate::quiz::verify::{Verdict, verify};

/// Which evidence was used for one administrator and quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Used {
    Code,
    LmsReport,
    Both,
    /// An update request: the training already recorded in the directory for this administrator.
    Recorded,
    /// Neither holds: the request is not acceptable.
    None,
}

impl Used {
    pub fn label(self) -> &'static str {
        match self {
            Used::Code => "completion code",
            Used::LmsReport => "LMS report",
            Used::Both => "completion code and LMS report",
            Used::Recorded => "training on record in the directory",
            Used::None => "none",
        }
    }
}

/// The evidence for one administrator and one required quiz.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// `administrators[N]`.
    pub administrator: String,
    /// 0-based position in the request's list ("Administrator 1" is 0).
    #[serde(skip)]
    pub index: usize,
    pub name: String,
    pub email: String,
    pub quiz: String,
    pub used: Used,
    /// What the code says: "valid …" or the verifier's reason; `None` when the request has no code.
    pub code: Option<String>,
    /// What the LMS report says; `None` without `--lms-report`.
    pub lms: Option<String>,
    /// Where code and report disagree.
    pub disagreement: Option<String>,
    /// What `approve` records: the evidence that counts longest. `None` when nothing holds.
    pub accepted: Option<Training>,
}

/// The last day a completion of `revision` on `completed` counts: `completed` + `validity_days`, or
/// a superseded revision's retraining deadline, whichever is first.
pub fn counts_until(completed: Date, validity_days: u32, retrain_by: Option<Date>) -> Date {
    let until = Date::from_days(completed.to_days() + i64::from(validity_days));
    retrain_by.map_or(until, |r| r.min(until))
}

/// The last day recorded training counts as the quizzes stand today: its recorded date, or earlier
/// when the quiz has since been revised (the revision's retraining deadline). `Err` when the quiz is
/// gone or the revision can no longer count at all.
pub fn still_counts_until(t: &Training, quizzes: &crate::quiz::Quizzes) -> Result<Date, String> {
    let Some(quiz) = quizzes.get(&t.quiz) else {
        return Err(format!("the quiz `{}` is no longer on the site", t.quiz));
    };
    if t.revision >= quiz.revision {
        return Ok(t.counts_until);
    }
    match quiz.retrain_by_for(t.revision) {
        Some(due) => Ok(due.min(t.counts_until)),
        None => {
            Err(format!("revision {} was replaced by revision {} with no retraining window", t.revision, quiz.revision))
        }
    }
}

/// Check one administrator's training; problems go to `problems`, notes (codes that count only until
/// a retraining deadline) to `notes`; the evidence is returned. `recorded` is the training the
/// directory already holds for this person on the account an update request changes (empty for a
/// new request): it stands in for a missing code while it still counts.
pub fn check_admin(
    i: usize,
    admin: &Administrator,
    cx: &Context<'_>,
    recorded: &[Training],
    problems: &mut Vec<Problem>,
    notes: &mut Vec<String>,
) -> Vec<Evidence> {
    // Every code still counting inside a retraining window, with verify's verdict text unchanged
    // ("VALID (revision 2 superseded; retraining due by …)"), so the deadline is seen.
    // Each code verified once: (quiz key in the request, code, verdict).
    let verdicts: Vec<_> = admin
        .codes
        .iter()
        .map(|(quiz, code)| {
            (quiz, code, verify(cx.quizzes, &admin.email, code, cx.today, cx.config.code_validity_days))
        })
        .collect();
    for (quiz, code, v) in &verdicts {
        if v.valid && v.superseded.is_some() {
            notes.push(format!("administrators[{i}].codes.{quiz}: code {code}: {}", v.status()));
        }
    }
    // A code under a key no required quiz has is not used: often a misspelt quiz id.
    for quiz in admin.codes.keys().filter(|q| !cx.config.required_training.contains(q)) {
        let why = match cx.quizzes.get(quiz) {
            Some(_) => "a quiz this site does not require (required_training); the code is not needed",
            None => "not a quiz of this site; the code is not used (is the quiz id misspelt?)",
        };
        notes.push(format!("administrators[{i}].codes.{quiz}: {why}"));
    }
    let one = OneAdmin { i, admin, cx, recorded, verdicts };
    cx.config.required_training.iter().map(|quiz_id| one.evidence(quiz_id, problems, notes)).collect()
}

/// One administrator's request entry, with each of their codes verified once.
struct OneAdmin<'a> {
    i: usize,
    admin: &'a Administrator,
    cx: &'a Context<'a>,
    recorded: &'a [Training],
    /// (quiz key in the request, code, verdict).
    verdicts: Vec<(&'a String, &'a String, Verdict)>,
}

impl OneAdmin<'_> {
    /// The evidence for one required quiz: the code and the LMS report judged, the one that counts
    /// longest accepted (or the training on record when neither holds), a problem when nothing does.
    fn evidence(&self, quiz_id: &String, problems: &mut Vec<Problem>, notes: &mut Vec<String>) -> Evidence {
        let (i, cx) = (self.i, self.cx);
        let field = format!("administrators[{i}].codes.{quiz_id}");
        let code = self.code(quiz_id);
        let lms = cx.lms.zip(cx.quizzes.get(quiz_id)).map(|(report, quiz)| {
            let f = report.finding(quiz, &self.admin.email, cx.today, cx.config.code_validity_days);
            let text = f.describe(&report.file);
            (f, text)
        });
        // An LMS pass of a superseded revision counts only until its retraining deadline: said as for a code.
        if let Some((Finding::Passed { retrain_by: Some(_), .. }, text)) = &lms {
            notes.push(format!("{field}: LMS report: {text}"));
        }
        let lms_ok = lms.as_ref().map(|(f, _)| matches!(f, Finding::Passed { .. }));
        let code_ok = code.as_ref().map(Result::is_ok);
        let email = crate::quiz::code::normalize_email(&self.admin.email);
        let code_record = if code_ok == Some(true) { self.code_training(quiz_id) } else { None };
        let lms_record =
            lms.as_ref().zip(cx.lms).and_then(|((f, _), report)| lms_training(f, report, quiz_id, &email, cx));
        let mut used = match (code_ok == Some(true), lms_ok == Some(true)) {
            (true, true) => Used::Both,
            (true, false) => Used::Code,
            (false, true) => Used::LmsReport,
            (false, false) => Used::None,
        };
        let mut accepted = match (code_record, lms_record) {
            (Some(c), Some(l)) => Some(if l.counts_until > c.counts_until { l } else { c }),
            (c, l) => c.or(l),
        };
        let on_record = self.on_record(quiz_id);
        if used == Used::None && on_record.is_some() {
            used = Used::Recorded;
            accepted = on_record;
        }
        if used == Used::None {
            let mut message = match &code {
                Some(Err(why)) => why.clone(),
                _ => format!("no completion code for `{quiz_id}`"),
            };
            if let Some((_, text)) = &lms {
                message.push_str(&format!("; LMS report: {text}"));
            }
            problems.push(Problem { field: field.clone(), message });
        }
        Evidence {
            administrator: format!("administrators[{i}]"),
            index: i,
            name: self.admin.name.trim().to_string(),
            email,
            quiz: quiz_id.clone(),
            used,
            disagreement: disagreement(&code, &lms),
            code: code.map(|c| c.unwrap_or_else(|e| e)),
            lms: lms.map(|(_, t)| t),
            accepted,
        }
    }

    /// The code for `quiz_id`: Ok(text) when it holds, Err(message) when it does not, None when absent.
    fn code(&self, quiz_id: &str) -> Option<Result<String, String>> {
        self.verdicts.iter().find(|(q, _, _)| *q == quiz_id).map(|(_, code, v)| match (&v.problem, v.quiz.as_deref()) {
            (Some(why), _) => Err(format!("code {code}: {why}")),
            (None, Some(q)) if q != quiz_id => Err(format!("code {code} is for `{q}`, not `{quiz_id}`")),
            _ => Ok(format!(
                "code {code}: {} (revision {}, completed {})",
                v.status(),
                v.revision.unwrap_or_default(),
                v.completed.map(|d| d.to_string()).unwrap_or_default()
            )),
        })
    }

    /// What `approve` records for a code that holds.
    fn code_training(&self, quiz_id: &String) -> Option<Training> {
        let validity = self.cx.config.code_validity_days;
        let (_, code, v) = self.verdicts.iter().find(|(q, _, v)| *q == quiz_id && v.valid)?;
        let completed = v.completed?;
        Some(Training {
            quiz: quiz_id.clone(),
            kind: EvidenceKind::Code,
            revision: v.revision.unwrap_or_default(),
            completed,
            counts_until: counts_until(completed, validity, v.superseded.as_ref().map(|s| s.retrain_by)),
            code: Some(code.trim().to_string()),
            lms: None,
            accepted: self.cx.today,
        })
    }

    /// The directory's training for `quiz_id` that still counts today, the longest-counting one.
    fn on_record(&self, quiz_id: &String) -> Option<Training> {
        self.recorded
            .iter()
            .filter(|t| t.quiz == *quiz_id)
            .filter(|t| still_counts_until(t, self.cx.quizzes).is_ok_and(|d| d >= self.cx.today))
            .max_by_key(|t| t.counts_until)
            .cloned()
    }
}

/// What `approve` records for an LMS pass: the report's file name and line, and the learner.
fn lms_training(f: &Finding, report: &Report, quiz_id: &str, email: &str, cx: &Context<'_>) -> Option<Training> {
    match f {
        Finding::Passed { line, completed, revision, retrain_by } => Some(Training {
            quiz: quiz_id.to_string(),
            kind: EvidenceKind::Lms,
            revision: *revision,
            completed: *completed,
            counts_until: counts_until(*completed, cx.config.code_validity_days, *retrain_by),
            code: None,
            lms: Some(LmsRow {
                file: std::path::Path::new(&report.file)
                    .file_name()
                    .map_or_else(|| report.file.clone(), |n| n.to_string_lossy().into_owned()),
                line: *line,
                learner: email.to_string(),
            }),
            accepted: cx.today,
        }),
        _ => None,
    }
}

/// Where the code and the LMS report say different things, in words.
fn disagreement(code: &Option<Result<String, String>>, lms: &Option<(Finding, String)>) -> Option<String> {
    match (code, lms) {
        (Some(Ok(_)), Some((Finding::NotAccepted { .. }, text))) => {
            Some(format!("the code is valid, but the LMS report does not confirm it: {text}"))
        }
        (Some(Err(why)), Some((Finding::Passed { .. }, text))) => {
            Some(format!("the code does not hold ({why}), but the LMS report shows a pass: {text}"))
        }
        _ => None,
    }
}
