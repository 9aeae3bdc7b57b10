//! Has every administrator passed every required quiz? Two kinds of evidence: the completion code in
//! the request (checked by `quiz::verify`, whose verdict text is shown unchanged) and, when the
//! Communications Department passes one, the LMS completion report ([`super::lms`]). A passing row
//! stands in for a missing or failing code; either one alone is enough, and where they disagree the
//! output says so.

use serde::Serialize;

use super::check::{Context, Problem};
use super::lms::Finding;
use super::schema::Administrator;
use crate::quiz::verify::verify;

/// Which evidence was used for one administrator and quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Used {
    Code,
    LmsReport,
    Both,
    /// Neither holds: the request is not acceptable.
    None,
}

impl Used {
    pub fn label(self) -> &'static str {
        match self {
            Used::Code => "completion code",
            Used::LmsReport => "LMS report",
            Used::Both => "completion code and LMS report",
            Used::None => "none",
        }
    }
}

/// The evidence for one administrator and one required quiz.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// `administrators[N]`.
    pub administrator: String,
    pub email: String,
    pub quiz: String,
    pub used: Used,
    /// What the code says: "valid …" or the verifier's reason; `None` when the request has no code.
    pub code: Option<String>,
    /// What the LMS report says; `None` without `--lms-report`.
    pub lms: Option<String>,
    /// Where code and report disagree.
    pub disagreement: Option<String>,
}

/// Check one administrator's training; problems go to `problems`, notes (codes that count only until
/// a retraining deadline) to `notes`; the evidence is returned.
pub fn check_admin(
    i: usize,
    admin: &Administrator,
    cx: &Context<'_>,
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
    let mut out = Vec::new();
    for quiz_id in &cx.config.required_training {
        let field = format!("administrators[{i}].codes.{quiz_id}");
        // The code: Ok(text) when it holds, Err(message) when it does not, None when absent.
        let code =
            verdicts.iter().find(|(q, _, _)| *q == quiz_id).map(|(_, code, v)| match (&v.problem, v.quiz.as_deref()) {
                (Some(why), _) => Err(format!("code {code}: {why}")),
                (None, Some(q)) if q != quiz_id => Err(format!("code {code} is for `{q}`, not `{quiz_id}`")),
                _ => Ok(format!(
                    "code {code}: {} (revision {}, completed {})",
                    v.status(),
                    v.revision.unwrap_or_default(),
                    v.completed.map(|d| d.to_string()).unwrap_or_default()
                )),
            });
        let lms = cx.lms.zip(cx.quizzes.get(quiz_id)).map(|(report, quiz)| {
            let f = report.finding(quiz, &admin.email, cx.today, cx.config.code_validity_days);
            let text = f.describe(&report.file);
            (f, text)
        });
        // An LMS pass of a superseded revision counts only until its retraining deadline: said as for a code.
        if let Some((Finding::Passed { retrain_by: Some(_), .. }, text)) = &lms {
            notes.push(format!("{field}: LMS report: {text}"));
        }
        let lms_ok = lms.as_ref().map(|(f, _)| matches!(f, Finding::Passed { .. }));
        let code_ok = code.as_ref().map(Result::is_ok);
        let used = match (code_ok == Some(true), lms_ok == Some(true)) {
            (true, true) => Used::Both,
            (true, false) => Used::Code,
            (false, true) => Used::LmsReport,
            (false, false) => Used::None,
        };
        let disagreement = match (&code, &lms) {
            (Some(Ok(_)), Some((Finding::NotAccepted { .. }, text))) => {
                Some(format!("the code is valid, but the LMS report does not confirm it: {text}"))
            }
            (Some(Err(why)), Some((Finding::Passed { .. }, text))) => {
                Some(format!("the code does not hold ({why}), but the LMS report shows a pass: {text}"))
            }
            _ => None,
        };
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
        out.push(Evidence {
            administrator: format!("administrators[{i}]"),
            email: admin.email.trim().to_lowercase(),
            quiz: quiz_id.clone(),
            used,
            code: code.map(|c| c.unwrap_or_else(|e| e)),
            lms: lms.map(|(_, t)| t),
            disagreement,
        });
    }
    out
}
