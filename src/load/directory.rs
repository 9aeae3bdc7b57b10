//! The central directory of official accounts (`data/directory.yaml`) as data: what the build reads.
//! Approving and retiring accounts is the request module's ([`crate::request::directory`]).

use serde::{Deserialize, Serialize};

use crate::date::Date;

pub const DIRECTORY_FILE: &str = "data/directory.yaml";

/// `data/directory.yaml`: the official accounts, written by `policysite request approve` and `revoke`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// Every approved account, retired ones included (they stay as history).
    #[serde(default)]
    pub accounts: Vec<Account>,
}

/// One official account.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The request's id, so an approval can be traced back to its request file.
    pub request_id: String,
    /// Platform id from `data/platforms.yaml`.
    pub platform: String,
    /// The account's handle on the platform, e.g. `@TacomaSchools`.
    pub handle: String,
    /// The account's address on the platform.
    #[serde(default)]
    pub url: Option<String>,
    /// school, classroom, sports_team, department, program, club or professional.
    #[schemars(schema_with = "crate::accounts::account_type_schema")]
    pub account_type: String,
    /// School or department the account speaks for.
    pub unit: String,
    /// The account's display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The day the request was approved (YYYY-MM-DD).
    pub approved: Date,
    /// The staff who administer the account.
    pub managers: Vec<Manager>,
    /// `active`, or `retired` once revoked (default `active`).
    #[serde(default)]
    pub status: Status,
    /// The day the account was retired (YYYY-MM-DD).
    #[serde(default)]
    pub retired: Option<Date>,
    /// Why the account was retired.
    #[serde(default)]
    pub retired_reason: Option<String>,
    /// Who approved the account (`request approve --by`, or the user who ran it). Absent in
    /// directories written before the registry kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// The day of the last periodic review (`request review`); reviews fall due `review_every_days`
    /// (site.yaml) after this or, before the first, after `approved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Date>,
    /// Every change to the account, oldest first: approval, updates, renewed training, reviews,
    /// retirement (`request history ACCOUNT` shows it). Never published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
}

/// One change to an account, as `request history` shows it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The day of the change (YYYY-MM-DD).
    pub date: Date,
    /// Who made it (`--by`, or the user who ran the command).
    pub by: String,
    /// approved, updated, renewed, reviewed, retired, or recorded (an entry written when a directory
    /// from before the registry kept history was first changed).
    pub action: String,
    /// What changed, in words.
    pub what: String,
    /// The request or renewal file the change came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The training evidence accepted for one administrator and one required quiz. Kept in
/// `data/directory.yaml` only: never published (an intranet build shows names and dates only).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The quiz id (from `required_training`).
    pub quiz: String,
    /// `code` (a completion code) or `lms` (a row of the LMS completion report).
    pub kind: EvidenceKind,
    /// The quiz revision that was passed.
    pub revision: u32,
    /// The day the quiz was passed.
    pub completed: Date,
    /// The last day it counts: `completed` + `code_validity_days`, or the retraining deadline of a
    /// superseded revision, whichever is first.
    pub counts_until: Date,
    /// The completion code, for `kind: code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The LMS report row, for `kind: lms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lms: Option<LmsRow>,
    /// The day the evidence was accepted (approval, update or renewal).
    pub accepted: Date,
}

/// Which evidence of training was accepted.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    Code,
    Lms,
}

/// Where in an LMS completion report the accepted row was.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LmsRow {
    /// The report's file name.
    pub file: String,
    /// The row's line in the file (1-based).
    pub line: u64,
    /// The learner id the row names (their email address).
    pub learner: String,
}

/// Whether an account is in use.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    Retired,
}

/// A staff member who manages an account.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manager {
    /// Full name.
    pub name: String,
    /// District email address.
    pub email: String,
    /// The training evidence accepted for each required quiz (approval, update or renewal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training: Vec<Training>,
}

impl Manager {
    /// The last day all of this manager's recorded training still counts (the earliest
    /// `counts_until`); `None` without any record.
    pub fn training_until(&self) -> Option<Date> {
        self.training.iter().map(|t| t.counts_until).min()
    }
}

/// Handles compare without case, a leading `@` or a trailing `/`: `@TacomaSchools` and
/// `tacomaschools` are the same account.
pub fn normalise_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').trim_end_matches('/').to_lowercase()
}

impl Directory {
    /// An account by its id (`request_id`) or `platform:handle`, active ones first.
    pub fn find_by_key(&self, key: &str) -> Option<usize> {
        let key = key.trim();
        let matches = |a: &Account| {
            a.request_id == key
                || key
                    .split_once(':')
                    .is_some_and(|(p, h)| a.platform == p && normalise_handle(&a.handle) == normalise_handle(h))
        };
        let active = self.accounts.iter().position(|a| a.status == Status::Active && matches(a));
        active.or_else(|| self.accounts.iter().position(matches))
    }

    pub fn find_active(&self, platform: &str, handle: &str) -> Option<&Account> {
        let h = normalise_handle(handle);
        self.accounts
            .iter()
            .find(|a| a.status == Status::Active && a.platform == platform && normalise_handle(&a.handle) == h)
    }
}

/// A handle as platforms write them: an optional `@`, then ASCII letters, digits, `.`, `_` and `-`,
/// at least one a letter or digit (`@.` and `@..` name nothing), at most 100. Anything else could
/// look like an existing official account (`＠team1`, `team\u{200b}1`) while being a different
/// string, and so slip past the duplicate check.
/// The request form checks the same pattern (`site-data.js` carries it).
pub fn valid_handle(handle: &str) -> bool {
    static HANDLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(HANDLE_PATTERN).unwrap_or_else(|e| panic!("bad handle pattern: {e}"))
    });
    HANDLE.is_match(handle) && handle.trim_start_matches('@').len() <= 100
}

/// What [`valid_handle`] accepts, as a regular expression both Rust and JavaScript read alike (it
/// does not bound the length, which `valid_handle` and the request's field limits do: neither
/// reads a lookahead).
pub const HANDLE_PATTERN: &str = "^@?[._-]*[A-Za-z0-9][A-Za-z0-9._-]*$";

#[cfg(test)]
mod tests {
    use super::valid_handle;

    #[test]
    fn a_handle_names_something_as_platforms_write_it() {
        for ok in ["@stadiumtigersfb", "tps_acct41", "@a", "@.tps", "@x-1.y_2"] {
            assert!(valid_handle(ok), "{ok}");
        }
        let long = format!("@{}", "a".repeat(101));
        for bad in ["@.", "@..", "@-_.", "@", "", "＠team1", "team\u{200b}1", "@team 1", long.as_str()] {
            assert!(!valid_handle(bad), "{bad}");
        }
        assert!(valid_handle(&format!("@{}", "a".repeat(100))));
    }
}
