//! `request check`: everything that must hold before the Communications Department approves a request.
//! Every problem is reported, not just the first.

use serde::Serialize;

use super::schema::{self, Request};
use crate::config::SiteConfig;
use crate::date::Date;
use crate::load::data::Data;
use crate::quiz::Quizzes;
use crate::quiz::verify::verify;

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
}

/// Parse a request file; malformed JSON is reported with its line and column.
pub fn parse(text: &str) -> Result<Request, Problem> {
    serde_json::from_str(text).map_err(|e| Problem {
        field: format!("line {}, column {}", e.line(), e.column()),
        message: format!("not a valid request file: {e}"),
    })
}

pub fn check(req: &Request, cx: &Context<'_>) -> Vec<Problem> {
    let mut p = Vec::new();
    let mut problem = |field: &str, message: String| p.push(Problem { field: field.to_string(), message });

    if req.schema != schema::SCHEMA || req.version != schema::VERSION {
        problem(
            "schema",
            format!(
                "expected schema `{}` version {}, found `{}` version {}",
                schema::SCHEMA,
                schema::VERSION,
                req.schema,
                req.version
            ),
        );
    }
    if req.id.trim().is_empty() {
        problem("id", "the request has no id".into());
    }
    if Date::parse(&req.submitted).is_none() {
        problem("submitted", format!("`{}` is not a date (YYYY-MM-DD)", req.submitted));
    }
    let required = |field: &str, value: &str, what: &str, problem: &mut dyn FnMut(&str, String)| {
        if value.trim().is_empty() {
            problem(field, format!("{what} is missing"));
        }
    };
    required("requester.name", &req.requester.name, "the requester's name", &mut problem);
    if !cx.config.is_district_email(&req.requester.email) {
        problem(
            "requester.email",
            format!(
                "`{}` is not a District email address ({})",
                req.requester.email,
                cx.config.email_domains.join(", ")
            ),
        );
    }

    let a = &req.account;
    if !schema::ACCOUNT_TYPES.iter().any(|(k, _)| *k == a.kind) {
        problem("account.type", format!("unknown account type `{}`", a.kind));
    }
    required("account.unit", &a.unit, "the school or department", &mut problem);
    required("account.name", &a.name, "the account's name", &mut problem);
    required("account.description", &a.description, "the account's purpose", &mut problem);
    required("account.handle", &a.handle, "the proposed handle", &mut problem);
    if !matches!(a.purpose.as_str(), "educational" | "professional") {
        problem("account.purpose", "the purpose must be educational or professional (Regulation 6973.1R)".into());
    }
    match cx.data.platforms.find(&a.platform) {
        Some((_, true)) => {}
        Some((p, false)) => problem(
            "account.platform",
            format!("{} is not allowed: {}", p.name, p.reason.as_deref().unwrap_or("barred by Regulation 6973.1R")),
        ),
        None => problem("account.platform", format!("`{}` is not on the approved platform list", a.platform)),
    }
    if let Some(existing) = cx.data.directory.find_active(&a.platform, &a.handle)
        && existing.request_id != req.id
    {
        problem(
            "account.handle",
            format!(
                "{} on {} is already an official account (request {}, approved {})",
                existing.handle, existing.platform, existing.request_id, existing.approved
            ),
        );
    }

    if req.administrators.is_empty() {
        problem("administrators", "at least one account administrator is required".into());
    }
    for (i, admin) in req.administrators.iter().enumerate() {
        let f = |name: &str| format!("administrators[{i}].{name}");
        required(&f("name"), &admin.name, "the administrator's name", &mut problem);
        if !cx.config.is_district_email(&admin.email) {
            problem(&f("email"), format!("`{}` is not a District email address", admin.email));
        }
        if !admin.flsa_exempt {
            problem(
                &f("flsa_exempt"),
                "the administrator must be Fair Labor Standards Act exempt staff (attestation missing)".into(),
            );
        }
        for quiz in &cx.config.required_training {
            let Some(code) = admin.codes.get(quiz) else {
                problem(&f(&format!("codes.{quiz}")), format!("no completion code for `{quiz}`"));
                continue;
            };
            let v = verify(cx.quizzes, &admin.email, code, cx.today, cx.config.code_validity_days);
            if let Some(why) = &v.problem {
                problem(&f(&format!("codes.{quiz}")), format!("code {code}: {why}"));
            } else if v.quiz.as_deref() != Some(quiz.as_str()) {
                problem(
                    &f(&format!("codes.{quiz}")),
                    format!("code {code} is for `{}`, not `{quiz}`", v.quiz.unwrap_or_default()),
                );
            }
        }
    }

    if schema::needs_principal(&a.kind) {
        match &req.principal_approval {
            Some(pa) if pa.approved && !pa.name.trim().is_empty() && cx.config.is_district_email(&pa.email) => {}
            Some(pa) if !cx.config.is_district_email(&pa.email) => {
                problem("principal_approval.email", format!("`{}` is not a District email address", pa.email))
            }
            _ => problem("principal_approval", "an account in a school's name needs the principal's approval".into()),
        }
    }
    if !req.privacy_settings.notify_on_tag {
        problem(
            "privacy_settings.notify_on_tag",
            "the administrator must be notified when the account is tagged or mentioned".into(),
        );
    }
    if !req.privacy_settings.approve_posts_by_others {
        problem(
            "privacy_settings.approve_posts_by_others",
            "posts by others must require the administrator's approval".into(),
        );
    }
    let ack = &req.acknowledgements;
    for (ok, field, what) in [
        (ack.policies, "acknowledgements.policies", "the District policies that apply"),
        (
            ack.no_deletion,
            "acknowledgements.no_deletion",
            "the rule against deleting without the Public Records Officer",
        ),
        (ack.student_privacy, "acknowledgements.student_privacy", "the student photo, video and privacy restrictions"),
    ] {
        if !ok {
            problem(field, format!("acknowledgement missing: {what}"));
        }
    }
    p
}
