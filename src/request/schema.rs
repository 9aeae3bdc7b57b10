//! The request file the form produces: `policysite/account-request`, version 1. Documented in the
//! README; `deny_unknown_fields` everywhere so a hand-edited or foreign file is caught, not half-read.

use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "policysite/account-request";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub schema: String,
    pub version: u32,
    /// Stable id the form derives from the request's content.
    pub id: String,
    /// YYYY-MM-DD, the day the form was completed.
    pub submitted: String,
    pub requester: Person,
    pub account: AccountDetails,
    pub administrators: Vec<Administrator>,
    /// Required for accounts in a school's name (school, sports team, club).
    #[serde(default)]
    pub principal_approval: Option<PrincipalApproval>,
    pub privacy_settings: PrivacySettings,
    pub acknowledgements: Acknowledgements,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDetails {
    /// school, sports_team, department, program, club, or professional.
    #[serde(rename = "type")]
    pub kind: String,
    /// The school or department the account speaks for.
    pub unit: String,
    /// Display name of the account.
    pub name: String,
    /// educational or professional.
    pub purpose: String,
    pub description: String,
    /// Platform id from data/platforms.yaml.
    pub platform: String,
    pub handle: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Administrator {
    pub name: String,
    pub email: String,
    /// Attests the administrator is Fair Labor Standards Act exempt staff.
    pub flsa_exempt: bool,
    /// Completion codes by quiz id.
    pub codes: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalApproval {
    pub name: String,
    pub email: String,
    pub approved: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// The administrator is notified when the account is tagged or mentioned.
    pub notify_on_tag: bool,
    /// Posts by others need the administrator's approval.
    pub approve_posts_by_others: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgements {
    /// Policies 5010, 5243/5243R, 6973/6973R, 5251, 3231/3231R, 2025/2025R still apply.
    pub policies: bool,
    /// No deletion or removal without the Public Records Officer.
    pub no_deletion: bool,
    /// Student photo, video, name and location restrictions.
    pub student_privacy: bool,
}

pub const ACCOUNT_TYPES: &[(&str, &str)] = &[
    ("school", "A school"),
    ("sports_team", "A sports team"),
    ("department", "A department"),
    ("program", "A program"),
    ("club", "A club"),
    ("professional", "My professional capacity, using District Technology Resources"),
];

/// Accounts in a school's name need the principal's approval (Regulation 6973.1R, Maintenance and
/// Monitoring Responsibilities).
pub fn needs_principal(kind: &str) -> bool {
    matches!(kind, "school" | "sports_team" | "club")
}
