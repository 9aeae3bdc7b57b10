//! What a request check works with: the site's sources ([`Context`]) and the problem it reports
//! ([`Problem`]). The check and its parts (`file`, `training`) import them from here, below all of
//! them.

use serde::Serialize;

use super::lms::Report;
use crate::config::SiteConfig;
use crate::date::Date;
use crate::load::data::Data;
use crate::quiz::Quizzes;

/// One problem, with the field it concerns (a JSON path such as `administrators[0].codes.public-records`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// What a check needs from the site's sources.
pub struct Context<'a> {
    pub config: &'a SiteConfig,
    pub data: &'a Data,
    pub quizzes: &'a Quizzes,
    pub today: Date,
    /// The LMS completion report, when `--lms-report` was given.
    pub lms: Option<&'a Report>,
}
