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
    /// For a change to an approved account (new administrators, handle or address): the account's id
    /// in `data/directory.yaml` (its `request_id`, or `platform:handle`). Checked and applied with
    /// `policysite request update FILE`; absent for a new account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_of: Option<String>,
    /// The staff who will administer the account; each needs current training codes.
    pub administrators: Vec<Administrator>,
    /// Required for accounts in a school's name (school, classroom, sports team, club).
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
    /// school, classroom, sports_team, department, program, club, or professional. A school,
    /// classroom, sports team or club needs the principal's approval.
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

/// An account type the form offers, with the one line that explains it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AccountType {
    pub id: &'static str,
    /// What the form's list shows.
    pub label: &'static str,
    /// One line: what kind of account this is, shown on the form and in `request check`.
    pub explanation: &'static str,
}

/// Regulation 6973.1R names accounts "in the name of a District school, sports team, department,
/// program or club", staff "in their professional capacities", and, under Maintaining Professional
/// Boundaries, "a classroom social media account".
pub const ACCOUNT_TYPES: &[AccountType] = &[
    AccountType {
        id: "school",
        label: "A school",
        explanation: "The school's own account, speaking for the whole school.",
    },
    AccountType {
        id: "classroom",
        label: "A classroom",
        explanation: "A teacher's account for one class or subject, where students may follow curricular news.",
    },
    AccountType { id: "sports_team", label: "A sports team", explanation: "A school's team, run by its coaches." },
    AccountType {
        id: "department",
        label: "A department",
        explanation: "A District department (not a school), e.g. Nutrition Services.",
    },
    AccountType {
        id: "program",
        label: "A program",
        explanation: "A District-wide program that is not one school's, e.g. Summer Learning.",
    },
    AccountType { id: "club", label: "A club", explanation: "A school's student club, run by its staff adviser." },
    AccountType {
        id: "professional",
        label: "My professional capacity, using District Technology Resources",
        explanation: "Your own account as a District employee, maintained with District Technology Resources.",
    },
];

/// Whether `id` is one of [`ACCOUNT_TYPES`].
pub fn is_account_type(id: &str) -> bool {
    ACCOUNT_TYPES.iter().any(|t| t.id == id)
}

/// The regulation's own guidance for classroom accounts (Regulation 6973.1R, Maintaining
/// Professional Boundaries), shown on the form and by `request check` for a classroom account.
pub const CLASSROOM_GUIDANCE: &str = "Students may follow a classroom account; you do not need to follow them back. Instead, encourage them to use hashtags so that you can follow their online conversations linked to a specific area of study (Regulation 6973.1R, Maintaining Professional Boundaries).";

/// JSON Schema of an account type: a string from [`ACCOUNT_TYPES`], so editors offer the list.
pub fn account_type_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let ids: Vec<&str> = ACCOUNT_TYPES.iter().map(|t| t.id).collect();
    let help: Vec<String> = ACCOUNT_TYPES
        .iter()
        .map(|t| {
            let principal = if needs_principal(t.id) { " Needs the principal's approval." } else { "" };
            format!("`{}`: {}{principal}", t.id, t.explanation)
        })
        .collect();
    schemars::json_schema!({ "type": "string", "enum": ids, "description": help.join(" ") })
}

/// Accounts in a school's name need the principal's approval (Regulation 6973.1R, Maintenance and
/// Monitoring Responsibilities: school accounts are "at the discretion of the Communications
/// Department and the school principal"). A classroom is part of a school, so a classroom account is
/// in the school's name too. The request form reads the same list from `site-data.js`.
pub const NEEDS_PRINCIPAL: &[&str] = &["school", "classroom", "sports_team", "club"];

/// The rule as `request check` and the form say it.
pub const PRINCIPAL_RULE: &str = "accounts in a school's name (a school, a classroom, a sports team, a club) need the principal's approval: Regulation 6973.1R leaves a school's accounts to \"the discretion of the Communications Department and the school principal\", and a classroom is part of its school";

pub fn needs_principal(kind: &str) -> bool {
    NEEDS_PRINCIPAL.contains(&kind)
}
