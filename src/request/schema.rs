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
    // The account type: its schema description (each type explained, and which need the
    // principal's approval) comes from `account_type_schema`, so there is no doc comment here.
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

// The account types (with their explanations and the principal's rule) are the regulation's
// vocabulary, used by loading, the templates and the request domain alike: they live at the ground
// floor, in `crate::accounts`, so loading need not import the request domain.
pub use crate::accounts::{
    ACCOUNT_TYPES, AccountType, CLASSROOM_GUIDANCE, NEEDS_PRINCIPAL, PRINCIPAL_RULE, account_type_schema,
    is_account_type, needs_principal,
};

/// The schema name of a training renewal file.
pub const RENEWAL_SCHEMA: &str = "policysite/training-renewal";

/// A training renewal (`policysite request renew FILE`): one administrator's new completion codes,
/// written by the Communications Department from the codes the person sends (or with `codes: {}`
/// and `--lms-report`). Checked exactly as a request's administrator is, then recorded as the new
/// evidence on every account the person administers.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    /// Always `policysite/training-renewal`.
    #[schemars(extend("const" = RENEWAL_SCHEMA))]
    pub schema: String,
    /// The file format's version; this is version 1.
    #[schemars(extend("const" = VERSION))]
    pub version: u32,
    /// The administrator's full name.
    pub name: String,
    /// Their District email address, as in the directory (the one the codes were issued to).
    pub email: String,
    /// New completion codes by quiz id; may be empty when `--lms-report` carries the evidence.
    #[serde(default)]
    pub codes: std::collections::BTreeMap<String, String>,
}
