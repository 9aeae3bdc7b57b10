//! The kinds of official account Regulation 6973.1R names, with the one line that explains each and
//! the rule for which need the principal's approval. Shared by loading (`data/directory.yaml`'s
//! `account_type`), the templates and the request form (`site-data.js`), and the request domain
//! (`request check`); it imports nothing of the crate.

use serde::Serialize;

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
