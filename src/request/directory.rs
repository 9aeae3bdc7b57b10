//! The central directory of official accounts (`data/directory.yaml`), kept by the Communications
//! Department with `policysite request approve` / `revoke` and published on `/directory/`.

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

/// What `approve` did.
#[derive(Debug, PartialEq)]
pub enum Approval {
    Added,
    /// The same request was approved before: nothing changed.
    AlreadyApproved,
}

impl Directory {
    /// Add the account of a checked request. Refuses a different request for an account that is
    /// already active; approving the same request twice changes nothing.
    pub fn approve(&mut self, req: &super::schema::Request, today: Date) -> Result<Approval, String> {
        if self.accounts.iter().any(|a| a.request_id == req.id && a.status == Status::Active) {
            return Ok(Approval::AlreadyApproved);
        }
        let platform = req.account.platform.trim().to_ascii_lowercase();
        if let Some(existing) = self.find_active(&platform, &req.account.handle) {
            return Err(format!(
                "{} on {} is already in the directory (request {}, approved {}); revoke it first if this request replaces it",
                existing.handle, existing.platform, existing.request_id, existing.approved
            ));
        }
        self.accounts.push(Account {
            request_id: req.id.clone(),
            platform,
            handle: req.account.handle.trim().to_string(),
            url: req.account.url.clone().filter(|u| !u.trim().is_empty()),
            account_type: req.account.kind.clone(),
            unit: req.account.unit.trim().to_string(),
            name: Some(req.account.name.trim().to_string()),
            approved: today,
            managers: req
                .administrators
                .iter()
                .map(|a| Manager {
                    name: a.name.trim().to_string(),
                    email: crate::quiz::code::normalize_email(&a.email),
                })
                .collect(),
            status: Status::Active,
            retired: None,
            retired_reason: None,
        });
        Ok(Approval::Added)
    }

    /// Mark an account closed. It stays in the file as history. `key` is a request id or
    /// `platform:handle`.
    pub fn revoke(&mut self, key: &str, reason: &str, today: Date) -> Result<&Account, String> {
        let found = self.accounts.iter().position(|a| {
            a.status == Status::Active
                && (a.request_id == key
                    || key
                        .split_once(':')
                        .is_some_and(|(p, h)| a.platform == p && normalise_handle(&a.handle) == normalise_handle(h)))
        });
        let i =
            found.ok_or_else(|| format!("no active account matches `{key}` (use a request id or platform:handle)"))?;
        let a = &mut self.accounts[i];
        a.status = Status::Retired;
        a.retired = Some(today);
        a.retired_reason = Some(reason.to_string()).filter(|r| !r.trim().is_empty());
        Ok(&self.accounts[i])
    }

    /// Write the directory file atomically, so it is never left half-written.
    pub fn save(&self, root: &std::path::Path) -> std::io::Result<()> {
        let yaml = serde_saphyr::to_string(self).map_err(|e| std::io::Error::other(e.to_string()))?;
        let text = format!(
            "# yaml-language-server: $schema=../schemas/directory.schema.json\n# The central directory of official social media accounts, kept by the Communications Department.\n# Edit with `policysite request approve FILE` and `policysite request revoke ...`, not by hand.\n{yaml}"
        );
        crate::output::write_atomic(&root.join(DIRECTORY_FILE), text.as_bytes())
    }
}
