//! An LMS completion report as training evidence for `request check --lms-report`.
//!
//! A completion code proves only that someone who knew the answers typed an email address; the
//! district's learning management system knows who signed in. LMSs export in their own shapes:
//! long reports (one row per learner and course, with status and date columns: a Cornerstone-style
//! transcript, a SCORM Cloud registration export) and wide ones (one row per learner, one column per
//! assignment: Canvas's gradebook CSV, Blackboard's Grade Center export, Moodle's SCORM report). The
//! columns are mapped by flags ([`LmsReportArgs`]), a mapping file, or `site.yaml` `lms_report:`;
//! [`table`] decodes and splits the file, [`dates`] reads its dates. A row counts when it is a pass,
//! for the quiz's current revision (or an earlier one inside its retraining window), and within
//! `code_validity_days` of its completion date, the same rules a code meets.

pub mod args;
pub mod dates;
pub mod table;

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::config::LmsReportColumns;
use crate::date::Date;
use crate::quiz::{Quiz, Quizzes};

/// Status values that mean "passed" when the mapping names none.
const DEFAULT_PASSED: &[&str] = &["passed", "pass"];

/// One result, as read: a row of a long report, or one mapped cell of a wide one.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub email: String,
    /// The module text (long reports) or the column header (wide reports).
    pub module: String,
    /// The status, or the result cell of a wide report (a status or a score).
    pub status: String,
    pub score: Option<String>,
    pub completed: Option<Date>,
    /// The report gave no date; `completed` is `--lms-undated-as`.
    pub undated: bool,
    pub revision: Option<u32>,
    /// The revision was read from a title ("… (revision 2)"), not a revision value: an LMS that kept
    /// attempts across a package replacement shows old attempts under the new title.
    pub revision_from_title: bool,
    /// The quizzes the row can be for: one, or several when its module names more than one (then it
    /// counts for none).
    pub quizzes: Vec<String>,
    /// The full marks of the result cell (Canvas's "Points Possible" row).
    pub points: Option<f64>,
}

/// A loaded report.
#[derive(Debug)]
pub struct Report {
    pub file: String,
    pub rows: Vec<Row>,
    /// How the file was read: encoding and separator ("UTF-16LE, tab").
    pub read_as: String,
    passed: Vec<String>,
    pass_score: f64,
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

fn norm(s: &str) -> String {
    s.trim().trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// `Public Records (1234)` (Canvas) or `Public Records [Total Pts: 100 Score] |1234` (Blackboard):
/// the header without the vendor's id, lower case.
fn without_vendor_id(header: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\s*(\[total pts:[^\]]*\]\s*)?(\|\s*\d+|\(\d+\))\s*$").expect("vendor id pattern")
    });
    norm(&re.replace(header.trim(), ""))
}

/// Read the report at `path` with the settings `cols`. `quizzes` resolves which quiz each row is
/// for. Errors name the file (and line, column) and say what to do.
pub fn load(
    path: &Path,
    cols: &LmsReportColumns,
    quizzes: &Quizzes,
    undated_as: Option<Date>,
) -> Result<Report, String> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{file}: cannot read the LMS report: {e}"))?;
    let separator = cols.separator.as_deref().map(table::separator_from).transpose()?;
    let t = table::read(&bytes, separator, cols.encoding.as_deref()).map_err(|e| match e.strip_prefix("line ") {
        Some(rest) => format!("{file}:{rest}"),
        None => format!("{file}: {e}"),
    })?;
    let sep_name = match t.separator {
        '\t' => "tab",
        ';' => "semicolon",
        '|' => "pipe",
        _ => "comma",
    };
    let read_as = format!("{}, {sep_name}-separated", t.encoding);
    let mut records = t.records.into_iter();
    let Some((_, header_cells)) = records.next() else {
        return Err(format!("{file}: the LMS report is empty"));
    };
    let headers: Vec<String> = header_cells.iter().map(|h| norm(h)).collect();
    let find = |name: &str| headers.iter().position(|h| *h == norm(name));
    let mut missing = Vec::new();
    let mut need = |what: &str, name: &str| {
        let i = find(name);
        if i.is_none() {
            missing.push(format!("{what} column `{name}`"));
        }
        i.unwrap_or(0)
    };
    let wide = !cols.quiz_columns.is_empty();
    let email = need("email", &cols.email);
    let (module, status, completed) = if wide {
        // Optional in a wide report: Canvas's gradebook has no date column.
        (0, 0, find(&cols.completed))
    } else {
        (need("module", &cols.module), need("status", &cols.status), Some(need("completion date", &cols.completed)))
    };
    let mut optional = |what: &str, name: &Option<String>| name.as_ref().map(|n| need(what, n));
    let score = optional("score", &cols.score);
    let revision = optional("revision", &cols.revision).or_else(|| find("revision"));
    // Wide: which column holds which quiz; a header matches one mapping entry at most.
    let mut mapped: Vec<(usize, String)> = Vec::new();
    for (column, quiz) in &cols.quiz_columns {
        if quizzes.get(quiz).is_none() {
            let ids: Vec<&str> = quizzes.by_id.keys().map(String::as_str).collect();
            return Err(format!(
                "{file}: the column `{column}` is mapped to `{quiz}`, which is not a quiz of this site; quizzes: {}",
                ids.join(", ")
            ));
        }
        let hits: Vec<usize> = (0..headers.len())
            .filter(|&i| headers[i] == norm(column) || without_vendor_id(&header_cells[i]) == norm(column))
            .collect();
        if hits.is_empty() {
            missing.push(format!("column `{column}` (mapped to {quiz})"));
        }
        for i in hits {
            if let Some((_, other)) = mapped.iter().find(|(j, _)| *j == i) {
                return Err(format!(
                    "{file}: the column `{}` is mapped to both `{other}` and `{quiz}`; one cell never counts for two quizzes: map it once",
                    header_cells[i].trim()
                ));
            }
            mapped.push((i, quiz.clone()));
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "{file}: the LMS report has no {}; its columns are: {}. Name the right ones with --lms-email-column, --lms-module-column, --lms-status-column, --lms-date-column, --lms-quiz-column COLUMN=QUIZ (or `lms_report:` in site.yaml, or --lms-mapping FILE)",
            missing.join(", "),
            header_cells.iter().map(|h| h.trim()).collect::<Vec<_>>().join(", ")
        ));
    }
    let mut points: Vec<Option<f64>> = vec![None; headers.len()];
    let mut rows = Vec::new();
    let date_format = cols.date_format.as_deref();
    for (line, rec) in records {
        let cell = |i: usize| rec.get(i).map_or("", |s| s.trim()).to_string();
        // Canvas's second row gives each assignment's full marks.
        if norm(rec.first().map_or("", String::as_str)) == "points possible" {
            points = (0..headers.len()).map(|i| number(&cell(i))).collect();
            continue;
        }
        let mut who = crate::quiz::code::normalize_email(&cell(email));
        if who.is_empty() {
            continue;
        }
        if !who.contains('@')
            && let Some(domain) = &cols.email_domain
        {
            who = format!("{who}@{}", domain.trim().trim_start_matches('@').to_lowercase());
        }
        let date = match completed {
            Some(i) => dates::parse(&cell(i), date_format)
                .map_err(|why| format!("{file}:{line}: column `{}`: {why}", header_cells[i].trim()))?,
            None => None,
        };
        let (date, undated) = match (date, undated_as) {
            (None, Some(d)) => (Some(d), true),
            (d, _) => (d, false),
        };
        let rev_cell = revision.map(cell).filter(|s| !s.is_empty());
        // (revision, read from a title?)
        let rev_of = |text: &str| match &rev_cell {
            // `2`, `v2`, `Version 2`; or a text that says it ("… (revision 2)", SCORM Cloud's course title).
            Some(r) => match parse_revision(r, true) {
                Some(n) => (Some(n), false),
                None => (parse_revision(r, false), true),
            },
            None => (parse_revision(text, false), true),
        };
        if wide {
            for (i, quiz) in &mapped {
                let result = cell(*i);
                if result.is_empty() || result == "-" {
                    continue; // no attempt
                }
                let header = header_cells[*i].trim().to_string();
                let (revision, revision_from_title) = rev_of(&header);
                rows.push(Row {
                    line,
                    email: who.clone(),
                    revision,
                    revision_from_title,
                    module: header,
                    status: result.to_lowercase(),
                    score: None,
                    completed: date,
                    undated,
                    quizzes: vec![quiz.clone()],
                    points: points.get(*i).copied().flatten(),
                });
            }
        } else {
            let module_text = cell(module);
            let (revision, revision_from_title) = rev_of(&module_text);
            let matches: Vec<String> =
                quizzes.by_id.values().filter(|q| names_quiz(&module_text, q)).map(|q| q.id.clone()).collect();
            rows.push(Row {
                line,
                email: who,
                status: cell(status).to_lowercase(),
                score: score.map(cell).filter(|s| !s.is_empty()),
                completed: date,
                undated,
                revision,
                revision_from_title,
                module: module_text,
                quizzes: matches,
                points: None,
            });
        }
    }
    let passed = if cols.passed_values.is_empty() {
        DEFAULT_PASSED.iter().map(|s| s.to_string()).collect()
    } else {
        cols.passed_values.iter().map(|s| s.trim().to_lowercase()).collect()
    };
    Ok(Report { file, rows, read_as, passed, pass_score: cols.pass_score.unwrap_or(100.0) })
}

/// A number in a cell: `100`, `100.00`, `95%`, `1,5` is not one.
fn number(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches('%').trim();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    s.parse().ok()
}

/// The revision keywords: `revision 2`, `rev. 2`, `Version 2`, `ver 2`, `v2`, `r2`.
const REV_WORDS: &str = r"(?:revision|rev\.?|version|ver\.?|v|r)";

/// A revision column holds `2`, `r2`, `v2`, `revision 2` or `Version 2`; without one, a module name
/// or column header such as "Public Records (revision 2)" or "Public Records v2" says it.
fn parse_revision(s: &str, is_column: bool) -> Option<u32> {
    static CELL: OnceLock<Regex> = OnceLock::new();
    static TEXT: OnceLock<Regex> = OnceLock::new();
    let re = if is_column {
        CELL.get_or_init(|| Regex::new(&format!(r"(?i)^\s*(?:{REV_WORDS}\s*)?(\d+)\s*$")).expect("revision cell"))
    } else {
        TEXT.get_or_init(|| Regex::new(&format!(r"(?i)\b{REV_WORDS}\s*(\d+)\b")).expect("revision text"))
    };
    re.captures_iter(s).last().and_then(|c| c[1].parse().ok())
}

/// The module text without a trailing revision ("Public Records Act (revision 2)", "… - v2").
fn without_revision(s: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(&format!(r"(?i)[\s\-–:,]*[(\[]?\s*{REV_WORDS}\s*\d+\s*[)\]]?\s*$")).expect("revision suffix")
    });
    re.replace(s.trim(), "").trim().to_string()
}

/// Whether a module text names `quiz`: its id as a whole word (also inside a package name such as
/// `public-records-scorm12.zip` or an identifier `policysite-public-records`), or its whole title,
/// with at most a revision after it. Never a part of a longer id (`ferpa-advanced` is not `ferpa`),
/// never a title that only begins the text ("Public Records Advanced" is not "Public Records").
fn names_quiz(module: &str, quiz: &Quiz) -> bool {
    let m = module.to_lowercase();
    let by_title = norm(&without_revision(&m)) == norm(&quiz.title);
    let by_id = m.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|word| {
        let word = word.strip_prefix("policysite-").unwrap_or(word);
        let word = word.strip_suffix("-scorm12").or_else(|| word.strip_suffix("-scorm2004")).unwrap_or(word);
        word == quiz.id
    });
    by_id || by_title
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
