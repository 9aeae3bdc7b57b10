//! An LMS completion report (CSV) as training evidence for `request check --lms-report`.
//!
//! A completion code proves only that someone who knew the answers typed an email address; the
//! district's learning management system knows who signed in. Canvas, Moodle and the others export
//! completions as CSV with their own column names, so the columns are mapped by flags or by
//! `site.yaml` `lms_report:`. A row counts when it is a pass, for the quiz's current revision, and
//! within `code_validity_days` of its completion date, the same rules a code meets.

use std::path::Path;

use serde::Serialize;

use crate::config::LmsReportColumns;
use crate::date::Date;
use crate::quiz::Quiz;

/// Status values that mean "passed" when the mapping names none.
const DEFAULT_PASSED: &[&str] = &["passed", "pass"];

/// One completion row, as read.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line in the CSV file.
    pub line: u64,
    pub email: String,
    pub module: String,
    pub status: String,
    pub score: Option<String>,
    pub completed: Option<Date>,
    pub revision: Option<u32>,
}

/// A loaded report.
#[derive(Debug)]
pub struct Report {
    pub file: String,
    pub rows: Vec<Row>,
    passed: Vec<String>,
}

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

/// Find the mapped columns in the header (case and surrounding spaces do not matter) and read every
/// row. Errors list every missing column with the columns the file does have.
pub fn load(path: &Path, cols: &LmsReportColumns) -> Result<Report, String> {
    let file = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("{file}: cannot read the LMS report: {e}"))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("{file}: not a CSV file with a header row: {e}"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let find = |name: &str| headers.iter().position(|h| *h == name.trim().to_lowercase());
    let mut missing = Vec::new();
    let mut need = |what: &str, name: &str| {
        let i = find(name);
        if i.is_none() {
            missing.push(format!("{what} column `{name}`"));
        }
        i.unwrap_or(0)
    };
    let (email, module) = (need("email", &cols.email), need("module", &cols.module));
    let (status, completed) = (need("status", &cols.status), need("completion date", &cols.completed));
    let mut optional = |what: &str, name: &Option<String>| name.as_ref().map(|n| need(what, n));
    let (score, revision) = (optional("score", &cols.score), optional("revision", &cols.revision));
    if !missing.is_empty() {
        return Err(format!(
            "{file}: the LMS report has no {}; its columns are: {}. Name the right ones with --lms-email-column, --lms-module-column, --lms-status-column, --lms-date-column (or `lms_report:` in site.yaml)",
            missing.join(", "),
            headers.join(", ")
        ));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{file}: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let module_text = cell(module);
        let rev_text = revision.map(cell).unwrap_or_else(|| module_text.clone());
        rows.push(Row {
            line,
            email: cell(email).to_lowercase(),
            status: cell(status).to_lowercase(),
            score: score.map(cell).filter(|s| !s.is_empty()),
            completed: parse_date(&cell(completed)),
            revision: parse_revision(&rev_text, revision.is_some()),
            module: module_text,
        });
    }
    let passed = if cols.passed_values.is_empty() {
        DEFAULT_PASSED.iter().map(|s| s.to_string()).collect()
    } else {
        cols.passed_values.iter().map(|s| s.trim().to_lowercase()).collect()
    };
    Ok(Report { file, rows, passed })
}

/// `2026-11-20`, `2026-11-20T10:31:00Z`, `2026-11-20 10:31` or `11/20/2026`.
fn parse_date(s: &str) -> Option<Date> {
    if let Some(d) = s.get(..10).and_then(Date::parse) {
        return Some(d);
    }
    let mut it = s.split_whitespace().next()?.split('/');
    let (m, d, y) = (it.next()?, it.next()?, it.next()?);
    Date::parse(&format!("{y:0>4}-{m:0>2}-{d:0>2}"))
}

/// A revision column holds `2`, `r2` or `revision 2`; without one, a module name such as
/// "Public records (revision 2)" says it.
fn parse_revision(s: &str, is_column: bool) -> Option<u32> {
    let lower = s.to_lowercase();
    let after = if is_column {
        lower.trim_start_matches("revision").trim_start_matches("rev").trim_start_matches('r').trim()
    } else {
        let i = lower.rfind("revision ").map(|i| i + 9).or_else(|| lower.rfind("rev ").map(|i| i + 4))?;
        lower[i..].trim_start()
    };
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Report {
    /// Whether the row's module names `quiz`: its id as a whole word (also inside a package name such
    /// as `public-records-scorm12.zip`), or its title, alone or followed by more (" (revision 2)").
    /// Never a part of a longer id: a row for `ferpa-advanced` is not one for `ferpa`.
    fn is_for(row: &Row, quiz: &Quiz) -> bool {
        let m = row.module.to_lowercase();
        let title = quiz.title.to_lowercase();
        let by_title = m.strip_prefix(&title).is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()));
        let by_id = m.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|word| {
            let word = word.strip_prefix("policysite-").unwrap_or(word);
            let word = word.strip_suffix("-scorm12").or_else(|| word.strip_suffix("-scorm2004")).unwrap_or(word);
            word == quiz.id
        });
        by_id || by_title
    }

    /// Judge every row for `email` and `quiz`: the newest row that counts, else why the newest does not.
    pub fn finding(&self, quiz: &Quiz, email: &str, today: Date, validity_days: u32) -> Finding {
        let email = email.trim().to_lowercase();
        let mut rows: Vec<&Row> = self.rows.iter().filter(|r| r.email == email && Self::is_for(r, quiz)).collect();
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

    fn judge(&self, r: &Row, quiz: &Quiz, today: Date, validity_days: u32) -> Result<Finding, String> {
        if !self.passed.contains(&r.status) {
            let score = r.score.as_ref().map(|s| format!(", score {s}")).unwrap_or_default();
            return Err(format!("LMS status `{}`{score}, not a pass", r.status));
        }
        let Some(completed) = r.completed else {
            return Err("the LMS report gives no completion date (YYYY-MM-DD or MM/DD/YYYY)".into());
        };
        let Some(revision) = r.revision else {
            return Err(
                "the LMS report does not say which quiz revision was passed; map its revision column (--lms-revision-column, or `lms_report.revision` in site.yaml)"
                    .into(),
            );
        };
        let retrain_by = revision_counts(quiz, revision, today)?;
        match crate::quiz::verify::completion_counts(completed, today, validity_days) {
            Err(crate::quiz::verify::Invalid::Future) => {
                return Err(format!("the LMS completion is dated in the future ({completed})"));
            }
            Err(crate::quiz::verify::Invalid::Expired { valid_until }) => {
                return Err(format!("the LMS completion expired on {valid_until}"));
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
