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
    /// school, sports_team, department, program, club or professional.
    #[schemars(schema_with = "crate::request::schema::account_type_schema")]
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
}

/// Handles compare without case, a leading `@` or a trailing `/`: `@TacomaSchools` and
/// `tacomaschools` are the same account.
pub fn normalise_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').trim_end_matches('/').to_lowercase()
}

impl Directory {
    pub fn find_active(&self, platform: &str, handle: &str) -> Option<&Account> {
        let h = normalise_handle(handle);
        self.accounts
            .iter()
            .find(|a| a.status == Status::Active && a.platform == platform && normalise_handle(&a.handle) == h)
    }
}

/// A handle as platforms write them: an optional `@`, then ASCII letters, digits, `.`, `_` and `-`.
/// Anything else could look like an existing official account (`＠team1`, `team\u{200b}1`) while
/// being a different string, and so slip past the duplicate check.
/// The request form checks the same pattern (`site-data.js` carries it).
pub fn valid_handle(handle: &str) -> bool {
    static HANDLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(HANDLE_PATTERN).unwrap_or_else(|e| panic!("bad handle pattern: {e}"))
    });
    HANDLE.is_match(handle)
}

/// What [`valid_handle`] accepts, as a regular expression both Rust and JavaScript read alike.
pub const HANDLE_PATTERN: &str = "^@?[A-Za-z0-9._-]{1,100}$";
