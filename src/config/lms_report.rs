//! `site.yaml`'s `lms_report`: the column names of a learning management system's completion report.

use serde::{Deserialize, Serialize};

/// (req) Which columns of an LMS completion export hold what; Canvas, Moodle and the others name
/// them differently. Column names compare without case.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LmsReportColumns {
    /// The learner's email address (default `email`).
    #[serde(default = "lms_email")]
    pub email: String,
    /// The module or course: the quiz id, or its title (default `module`).
    #[serde(default = "lms_module")]
    pub module: String,
    /// Completion status (default `status`); see `passed_values`.
    #[serde(default = "lms_status")]
    pub status: String,
    /// Completion date (default `completed`): ISO, day/month/year or month/day/year when the values
    /// settle the order, or named months ("Friday, 20 November 2026, 10:45 AM"); see `date_format`.
    #[serde(default = "lms_completed")]
    pub completed: String,
    /// Optional score column, shown when a row is not a pass.
    #[serde(default)]
    pub score: Option<String>,
    /// Optional quiz revision column (`2`, `r2`, `v2`, `Version 2`); a column named `revision` is
    /// read without being named. Without one, the module name or column header must say the revision.
    #[serde(default)]
    pub revision: Option<String>,
    /// Status values that mean passed (default `passed`, `pass`).
    #[serde(default)]
    pub passed_values: Vec<String>,
    /// Wide reports (one column per assignment, as Canvas's and Blackboard's gradebooks and Moodle's
    /// SCORM report): the column holding each quiz's result, column name → quiz id. A column name
    /// also matches a header that adds the vendor's id to it (Canvas ` (123)`, Blackboard
    /// ` [Total Pts: 100 Score] |123`). With this set, `module` and `status` are not needed.
    #[serde(default)]
    pub quiz_columns: std::collections::BTreeMap<String, String>,
    /// A result cell that is a score passes at this percentage or above (default 100: every answer
    /// right, the quiz's own rule). `90/100` and Canvas's "Points Possible" row are understood.
    #[serde(default)]
    pub pass_score: Option<f64>,
    /// The date format (strftime, e.g. `%d/%m/%Y`); needed when dates such as `05/11/2026`
    /// could be read either way. Two-digit years (`%y`) are refused.
    #[serde(default)]
    pub date_format: Option<String>,
    /// `comma`, `semicolon`, `tab` or `pipe`; detected from the header line when absent.
    #[serde(default)]
    pub separator: Option<String>,
    /// The file's encoding when it has no byte order mark and is not UTF-8 (default windows-1252).
    #[serde(default)]
    pub encoding: Option<String>,
    /// Appended to an email cell without `@` (Blackboard's Username column): `tacoma.k12.wa.us`.
    #[serde(default)]
    pub email_domain: Option<String>,
}

impl Default for LmsReportColumns {
    fn default() -> Self {
        LmsReportColumns {
            email: lms_email(),
            module: lms_module(),
            status: lms_status(),
            completed: lms_completed(),
            score: None,
            revision: None,
            passed_values: Vec::new(),
            quiz_columns: Default::default(),
            pass_score: None,
            date_format: None,
            separator: None,
            encoding: None,
            email_domain: None,
        }
    }
}

fn lms_email() -> String {
    "email".into()
}
fn lms_module() -> String {
    "module".into()
}
fn lms_status() -> String {
    "status".into()
}
fn lms_completed() -> String {
    "completed".into()
}
