//! The central directory of official accounts (`data/directory.yaml`), kept by the Communications
//! Department with `policysite request approve` / `revoke` and published on `/directory/`.

use serde::{Deserialize, Serialize};

use crate::date::Date;

pub const DIRECTORY_FILE: &str = "data/directory.yaml";

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    #[serde(default)]
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The request's id, so an approval can be traced back to its request file.
    pub request_id: String,
    /// Platform id from `data/platforms.yaml`.
    pub platform: String,
    pub handle: String,
    #[serde(default)]
    pub url: Option<String>,
    /// school, sports_team, department, program, club or professional.
    pub account_type: String,
    /// School or department the account speaks for.
    pub unit: String,
    #[serde(default)]
    pub name: Option<String>,
    pub approved: Date,
    pub managers: Vec<Manager>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub retired: Option<Date>,
    #[serde(default)]
    pub retired_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    Retired,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manager {
    pub name: String,
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
