//! The `--lms-*` flags, in one struct that every command taking an LMS report flattens
//! (`#[command(flatten)] lms: LmsReportArgs`): `request check`, and `approve`/`renew`.

use std::path::PathBuf;

use crate::config::{LmsReportColumns, SiteConfig};
use crate::date::Date;
use crate::quiz::Quizzes;

use super::Report;

/// An LMS completion report as training evidence; columns default to `site.yaml` `lms_report:`
/// (or the `--lms-mapping` file), each flag given replacing one setting.
#[derive(clap::Args, Default, Debug, Clone)]
pub struct LmsReportArgs {
    /// LMS completion export (CSV or tab-separated text); a passed, current, in-validity row stands in for a code.
    #[arg(long, value_name = "REPORT")]
    pub lms_report: Option<PathBuf>,
    /// A YAML file with the settings of `site.yaml` `lms_report:` for this kind of export (replaces them).
    #[arg(long, value_name = "MAPPING.yaml")]
    pub lms_mapping: Option<PathBuf>,
    /// Column with the learner's email address (or username, with --lms-email-domain).
    #[arg(long, value_name = "NAME")]
    pub lms_email_column: Option<String>,
    /// Column with the module or course (quiz id or title); one row per completion.
    #[arg(long, value_name = "NAME")]
    pub lms_module_column: Option<String>,
    /// Column with the completion status.
    #[arg(long, value_name = "NAME")]
    pub lms_status_column: Option<String>,
    /// Column with the completion date.
    #[arg(long, value_name = "NAME")]
    pub lms_date_column: Option<String>,
    /// Column with the score (optional).
    #[arg(long, value_name = "NAME")]
    pub lms_score_column: Option<String>,
    /// Column with the quiz revision (default: a column named `revision`, if any).
    #[arg(long, value_name = "NAME")]
    pub lms_revision_column: Option<String>,
    /// A status value that means passed (repeat for several; default: passed, pass).
    #[arg(long, value_name = "VALUE")]
    pub lms_passed: Vec<String>,
    /// Wide reports: COLUMN=QUIZ, the column holding that quiz's result (repeat per quiz).
    #[arg(long, value_name = "COLUMN=QUIZ")]
    pub lms_quiz_column: Vec<String>,
    /// A score cell passes at this percentage or above (default 100).
    #[arg(long, value_name = "PERCENT")]
    pub lms_pass_score: Option<f64>,
    /// The date format, strftime syntax (e.g. %d/%m/%Y); required when dates are ambiguous.
    #[arg(long, value_name = "FORMAT")]
    pub lms_date_format: Option<String>,
    /// comma, semicolon, tab or pipe (default: detected from the header line).
    #[arg(long, value_name = "SEP")]
    pub lms_separator: Option<String>,
    /// Encoding of a file without byte order mark that is not UTF-8 (default windows-1252).
    #[arg(long, value_name = "LABEL")]
    pub lms_encoding: Option<String>,
    /// Domain appended to email cells without `@` (Blackboard's Username column).
    #[arg(long, value_name = "DOMAIN")]
    pub lms_email_domain: Option<String>,
    /// For a report without completion dates (Canvas's gradebook): take every pass as completed on
    /// this date (YYYY-MM-DD). Give the day the assignment opened, so no pass counts longer than it may.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::date::parse_arg)]
    pub lms_undated_as: Option<Date>,
}

impl LmsReportArgs {
    /// The settings: the mapping file, else `site.yaml` `lms_report:`; each flag given replaces one.
    pub fn columns(&self, config: &SiteConfig) -> Result<LmsReportColumns, String> {
        let mut c = match &self.lms_mapping {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: cannot read the LMS mapping file: {e}", path.display()))?;
                serde_saphyr::from_str::<LmsReportColumns>(&text).map_err(|e| {
                    format!("{}: not an LMS mapping (the keys of site.yaml `lms_report:`): {e}", path.display())
                })?
            }
            None => config.lms_report.clone(),
        };
        let set = |slot: &mut String, flag: &Option<String>| {
            if let Some(v) = flag {
                slot.clone_from(v);
            }
        };
        set(&mut c.email, &self.lms_email_column);
        set(&mut c.module, &self.lms_module_column);
        set(&mut c.status, &self.lms_status_column);
        set(&mut c.completed, &self.lms_date_column);
        let opt = |slot: &mut Option<String>, flag: &Option<String>| {
            if flag.is_some() {
                slot.clone_from(flag);
            }
        };
        opt(&mut c.score, &self.lms_score_column);
        opt(&mut c.revision, &self.lms_revision_column);
        opt(&mut c.date_format, &self.lms_date_format);
        opt(&mut c.separator, &self.lms_separator);
        opt(&mut c.encoding, &self.lms_encoding);
        opt(&mut c.email_domain, &self.lms_email_domain);
        if !self.lms_passed.is_empty() {
            c.passed_values.clone_from(&self.lms_passed);
        }
        if let Some(p) = self.lms_pass_score {
            c.pass_score = Some(p);
        }
        for pair in &self.lms_quiz_column {
            let (column, quiz) = pair.rsplit_once('=').filter(|(c, q)| !c.trim().is_empty() && !q.trim().is_empty()).ok_or_else(|| {
                format!("--lms-quiz-column `{pair}`: write COLUMN=QUIZ, e.g. \"Public Records (revision 2) (1234)=public-records\"")
            })?;
            let (column, quiz) = (column.trim().to_string(), quiz.trim().to_string());
            if let Some(other) = c.quiz_columns.get(&column).filter(|q| **q != quiz) {
                return Err(format!(
                    "the column `{column}` is mapped to both `{other}` and `{quiz}`; one cell never counts for two quizzes: map it once"
                ));
            }
            c.quiz_columns.insert(column, quiz);
        }
        if c.passed_values.iter().any(|v| v.trim().is_empty()) {
            return Err(
                "an empty passed value (--lms-passed '' or `passed_values: ['']`) would count every row without a status as a pass; give the LMS's word for a pass, such as passed"
                    .into(),
            );
        }
        if let Some(p) = c.pass_score
            && !(p > 0.0 && p <= 100.0)
        {
            return Err(format!("--lms-pass-score {p}: give a percentage above 0 and at most 100"));
        }
        if let Some(f) = &c.date_format {
            super::dates::check_format(f)?;
        }
        Ok(c)
    }

    /// Load the report named by `--lms-report` (`Ok(None)` without one).
    pub fn load(&self, config: &SiteConfig, quizzes: &Quizzes) -> Result<Option<Report>, String> {
        let Some(path) = &self.lms_report else { return Ok(None) };
        let columns = self.columns(config)?;
        super::load(path, &columns, quizzes, self.lms_undated_as).map(Some)
    }
}
