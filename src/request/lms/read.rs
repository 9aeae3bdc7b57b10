//! Reading a report into [`Row`]s: the file decoded and split ([`table`]), its columns found by the
//! mapping, and each record turned into one row (a long report) or one row per mapped result cell
//! (a wide report). Which quiz a row is for is decided here, from the mapping or the module text;
//! whether it counts is the parent module's [`Report::finding`].

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::{dates, table};
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
    pub(super) passed: Vec<String>,
    pub(super) pass_score: f64,
}

pub(super) fn norm(s: &str) -> String {
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
    let (t, read_as) = read_table(&file, path, cols)?;
    let mut records = t.records.into_iter();
    let Some((_, header_cells)) = records.next() else {
        return Err(format!("{file}: the LMS report is empty"));
    };
    let columns = Columns::find(&file, &header_cells, cols, quizzes)?;
    let points = vec![None; header_cells.len()];
    let mut reader = Reader { file: &file, header_cells: &header_cells, columns, cols, quizzes, undated_as, points };
    let mut rows = Vec::new();
    for (line, rec) in records {
        reader.record(line, &rec, &mut rows)?;
    }
    let passed = if cols.passed_values.is_empty() {
        DEFAULT_PASSED.iter().map(|s| s.to_string()).collect()
    } else {
        cols.passed_values.iter().map(|s| s.trim().to_lowercase()).collect()
    };
    Ok(Report { file, rows, read_as, passed, pass_score: cols.pass_score.unwrap_or(100.0) })
}

/// The file's bytes decoded and split, and how it was read ("UTF-16LE, tab-separated") for the
/// report's summary. A split error's line is put after the file name, `FILE:LINE: …`.
fn read_table(file: &str, path: &Path, cols: &LmsReportColumns) -> Result<(table::Table, String), String> {
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
    Ok((t, read_as))
}

/// Where the mapped columns are in the header. A long report needs email, module, status and date;
/// a wide one email and its quiz columns (`mapped`), the date being optional.
struct Columns {
    wide: bool,
    email: usize,
    module: usize,
    status: usize,
    completed: Option<usize>,
    score: Option<usize>,
    revision: Option<usize>,
    /// Wide: which column holds which quiz; a header matches one mapping entry at most.
    mapped: Vec<(usize, String)>,
}

impl Columns {
    /// Find every mapped column, so that one error lists all the missing ones together with the
    /// columns the report has (the usual mistake is a vendor's different header).
    fn find(
        file: &str,
        header_cells: &[String],
        cols: &LmsReportColumns,
        quizzes: &Quizzes,
    ) -> Result<Columns, String> {
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
        let mapped = quiz_columns(file, header_cells, &headers, cols, quizzes, &mut missing)?;
        if !missing.is_empty() {
            return Err(format!(
                "{file}: the LMS report has no {}; its columns are: {}. Name the right ones with --lms-email-column, --lms-module-column, --lms-status-column, --lms-date-column, --lms-quiz-column COLUMN=QUIZ (or `lms_report:` in site.yaml, or --lms-mapping FILE)",
                missing.join(", "),
                header_cells.iter().map(|h| h.trim()).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(Columns { wide, email, module, status, completed, score, revision, mapped })
    }
}

/// A wide report's mapping (`--lms-quiz-column COLUMN=QUIZ`) resolved to column positions: each
/// quiz must exist, and one cell never counts for two quizzes. A header matches with or without the
/// vendor's id after it; a mapped column not found is added to `missing`.
fn quiz_columns(
    file: &str,
    header_cells: &[String],
    headers: &[String],
    cols: &LmsReportColumns,
    quizzes: &Quizzes,
    missing: &mut Vec<String>,
) -> Result<Vec<(usize, String)>, String> {
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
    Ok(mapped)
}

/// Turns the report's records into rows, with what earlier records said (Canvas's points row).
struct Reader<'a> {
    file: &'a str,
    header_cells: &'a [String],
    columns: Columns,
    cols: &'a LmsReportColumns,
    quizzes: &'a Quizzes,
    undated_as: Option<Date>,
    /// The full marks of each column, from a "Points Possible" row.
    points: Vec<Option<f64>>,
}

impl Reader<'_> {
    /// The rows of one record (none for a record without an email, or the points row).
    fn record(&mut self, line: u64, rec: &[String], rows: &mut Vec<Row>) -> Result<(), String> {
        let c = &self.columns;
        let cell = |i: usize| rec.get(i).map_or("", |s| s.trim()).to_string();
        // Canvas's second row gives each assignment's full marks.
        if norm(rec.first().map_or("", String::as_str)) == "points possible" {
            self.points = (0..self.header_cells.len()).map(|i| number(&cell(i))).collect();
            return Ok(());
        }
        let Some(who) = self.email(&cell(c.email)) else {
            return Ok(());
        };
        let date = match c.completed {
            Some(i) => dates::parse(&cell(i), self.cols.date_format.as_deref())
                .map_err(|why| format!("{}:{line}: column `{}`: {why}", self.file, self.header_cells[i].trim()))?,
            None => None,
        };
        let (date, undated) = match (date, self.undated_as) {
            (None, Some(d)) => (Some(d), true),
            (d, _) => (d, false),
        };
        let rev_cell = c.revision.map(cell).filter(|s| !s.is_empty());
        // (revision, read from a title?)
        let rev_of = |text: &str| match &rev_cell {
            // `2`, `v2`, `Version 2`; or a text that says it ("… (revision 2)", SCORM Cloud's course title).
            Some(r) => match parse_revision(r, true) {
                Some(n) => (Some(n), false),
                None => (parse_revision(r, false), true),
            },
            None => (parse_revision(text, false), true),
        };
        if c.wide {
            for (i, quiz) in &c.mapped {
                let result = cell(*i);
                if result.is_empty() || result == "-" {
                    continue; // no attempt
                }
                let header = self.header_cells[*i].trim().to_string();
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
                    points: self.points.get(*i).copied().flatten(),
                });
            }
        } else {
            let module_text = cell(c.module);
            let (revision, revision_from_title) = rev_of(&module_text);
            let matches: Vec<String> =
                self.quizzes.by_id.values().filter(|q| names_quiz(&module_text, q)).map(|q| q.id.clone()).collect();
            rows.push(Row {
                line,
                email: who,
                status: cell(c.status).to_lowercase(),
                score: c.score.map(cell).filter(|s| !s.is_empty()),
                completed: date,
                undated,
                revision,
                revision_from_title,
                module: module_text,
                quizzes: matches,
                points: None,
            });
        }
        Ok(())
    }

    /// The email cell normalised; a bare user name gets `email_domain` (an LMS that exports logins).
    fn email(&self, cell: &str) -> Option<String> {
        let mut who = crate::quiz::code::normalize_email(cell);
        if who.is_empty() {
            return None;
        }
        if !who.contains('@')
            && let Some(domain) = &self.cols.email_domain
        {
            who = format!("{who}@{}", domain.trim().trim_start_matches('@').to_lowercase());
        }
        Some(who)
    }
}

/// A number in a cell: `100`, `100.00`, `95%`, `1,5` is not one.
pub(super) fn number(s: &str) -> Option<f64> {
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
