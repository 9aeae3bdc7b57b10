//! The request file the form produces: `policysite/account-request`, version 1. Documented in the
//! README; `deny_unknown_fields` everywhere so a hand-edited or foreign file is caught, not half-read.

use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "policysite/account-request";
pub const VERSION: u32 = 1;

/// A Social Media Account Request, as the form on `/request/` downloads it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Always `policysite/account-request`.
    #[schemars(extend("const" = SCHEMA))]
    pub schema: String,
    /// The file format's version; this is version 1.
    #[schemars(extend("const" = VERSION))]
    pub version: u32,
    /// Stable id the form derives from the request's content.
    pub id: String,
    /// YYYY-MM-DD, the day the form was completed.
    #[schemars(with = "crate::date::Date")]
    pub submitted: String,
    /// The staff member who filled in the form.
    pub requester: Person,
    /// The account being requested.
    pub account: AccountDetails,
    /// The staff who will administer the account; each needs current training codes.
    pub administrators: Vec<Administrator>,
    /// Required for accounts in a school's name (school, sports team, club).
    #[serde(default)]
    pub principal_approval: Option<PrincipalApproval>,
    /// The privacy settings the administrators commit to.
    pub privacy_settings: PrivacySettings,
    /// What the requester acknowledges, each of which must be `true`.
    pub acknowledgements: Acknowledgements,
}

/// A staff member.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// District email address.
    pub email: String,
}

/// What the account is and where it lives.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountDetails {
    /// school, sports_team, department, program, club, or professional.
    #[serde(rename = "type")]
    #[schemars(schema_with = "account_type_schema")]
    pub kind: String,
    /// The school or department the account speaks for.
    pub unit: String,
    /// Display name of the account.
    pub name: String,
    /// educational or professional.
    #[schemars(extend("enum" = ["educational", "professional"]))]
    pub purpose: String,
    /// What the account will post, and for whom.
    pub description: String,
    /// Platform id from data/platforms.yaml.
    pub platform: String,
    /// The account's handle on the platform, e.g. `@StadiumTigers`.
    pub handle: String,
    /// The account's address, if it already exists.
    #[serde(default)]
    pub url: Option<String>,
}

/// A staff member who will administer the account.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Administrator {
    /// Full name.
    pub name: String,
    /// District email address (the one the completion codes were issued to).
    pub email: String,
    /// Attests the administrator is Fair Labor Standards Act exempt staff.
    pub flsa_exempt: bool,
    /// Completion codes by quiz id.
    pub codes: std::collections::BTreeMap<String, String>,
}

/// The principal's approval of an account in a school's name.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrincipalApproval {
    /// The principal's full name.
    pub name: String,
    /// The principal's district email address.
    pub email: String,
    /// The principal approved the account.
    pub approved: bool,
}

/// Privacy settings of the account.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// The administrator is notified when the account is tagged or mentioned.
    pub notify_on_tag: bool,
    /// Posts by others need the administrator's approval.
    pub approve_posts_by_others: bool,
}

/// The requester's acknowledgements.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
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

/// JSON Schema of an account type: a string from [`ACCOUNT_TYPES`], so editors offer the list.
pub fn account_type_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let ids: Vec<&str> = ACCOUNT_TYPES.iter().map(|(id, _)| *id).collect();
    schemars::json_schema!({ "type": "string", "enum": ids })
}

/// Accounts in a school's name need the principal's approval (Regulation 6973.1R, Maintenance and
/// Monitoring Responsibilities). The request form reads the same list from `site-data.js`.
pub const NEEDS_PRINCIPAL: &[&str] = &["school", "sports_team", "club"];

pub fn needs_principal(kind: &str) -> bool {
    NEEDS_PRINCIPAL.contains(&kind)
}
