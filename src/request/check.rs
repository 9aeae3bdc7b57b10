//! `request check`: everything that must hold before the Communications Department approves a request.
//! Every problem is reported, not just the first.

use serde::Serialize;

use super::email::district_email;
use super::schema::{self, Request};
use crate::config::SiteConfig;
use crate::date::Date;
use crate::load::data::Data;
use crate::quiz::Quizzes;

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
    /// The LMS completion report, when `--lms-report` was given.
    pub lms: Option<&'a super::lms::Report>,
}

/// The result of checking one request.
#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<Problem>,
    /// Per administrator and required quiz, which evidence was used.
    pub evidence: Vec<super::training::Evidence>,
    /// Said about an acceptable request, e.g. that it is already in the directory.
    pub notes: Vec<String>,
}

/// Parse a request file; see [`super::file::parse`].
pub fn parse(text: &str) -> Result<Request, Problem> {
    super::file::parse(text)
}

pub fn check(req: &Request, cx: &Context<'_>) -> Checked {
    let limits = super::file::limits(req);
    if !limits.is_empty() {
        // The other checks would read what is over the limit; report the limits alone.
        return Checked { problems: limits, ..Checked::default() };
    }
    let mut p = Vec::new();
    let mut evidence = Vec::new();
    let mut notes = Vec::new();
    let mut problem = |field: &str, message: String| p.push(Problem { field: field.to_string(), message });
    let domains = &cx.config.email_domains;

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
    if let Err(why) = district_email(&req.requester.email, domains) {
        problem("requester.email", why);
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
    let platform = cx.data.platforms.find(&a.platform);
    match platform {
        Some((_, true)) => {}
        Some((p, false)) => problem(
            "account.platform",
            format!("{} is not allowed: {}", p.name, p.reason.as_deref().unwrap_or("barred by Regulation 6973.1R")),
        ),
        None => problem("account.platform", format!("`{}` is not on the approved platform list", a.platform)),
    }
    if let (Some((p, _)), Some(url)) = (platform, a.url.as_deref().filter(|u| !u.trim().is_empty()))
        && let Err(why) = p.check_account_url(url)
    {
        problem("account.url", why);
    }
    // Aliases ("Blogs", "blog") name one platform: compare by its id.
    let platform_id = platform.map_or(a.platform.as_str(), |(p, _)| p.id.as_str());
    match cx.data.directory.find_active(platform_id, &a.handle) {
        Some(existing) if existing.request_id != req.id => problem(
            "account.handle",
            format!(
                "{} on {} is already an official account (request {}, approved {})",
                existing.handle, existing.platform, existing.request_id, existing.approved
            ),
        ),
        Some(existing) => notes.push(format!(
            "already in the directory: approved {} ({} on {}); approving it again changes nothing",
            existing.approved, existing.handle, existing.platform
        )),
        None => {}
    }
    if let Some(a) = cx.data.directory.accounts.iter().find(|x| x.request_id == req.id && x.retired.is_some()) {
        notes.push(format!(
            "this request was approved on {} and the account retired on {}",
            a.approved,
            a.retired.map(|d| d.to_string()).unwrap_or_default()
        ));
    }

    if req.administrators.is_empty() {
        problem("administrators", "at least one account administrator is required".into());
    }
    for (i, admin) in req.administrators.iter().enumerate() {
        let f = |name: &str| format!("administrators[{i}].{name}");
        required(&f("name"), &admin.name, "the administrator's name", &mut problem);
        if let Err(why) = district_email(&admin.email, domains) {
            problem(&f("email"), why);
        }
        if !admin.flsa_exempt {
            problem(
                &f("flsa_exempt"),
                "the administrator must be Fair Labor Standards Act exempt staff (attestation missing)".into(),
            );
        }
    }
    let mut training_problems = Vec::new();
    for (i, admin) in req.administrators.iter().enumerate() {
        evidence.extend(super::training::check_admin(i, admin, cx, &mut training_problems));
    }
    p.extend(training_problems);
    let mut problem = |field: &str, message: String| p.push(Problem { field: field.to_string(), message });

    if schema::needs_principal(&a.kind) {
        match &req.principal_approval {
            Some(pa) => match district_email(&pa.email, domains) {
                Err(why) => problem("principal_approval.email", why),
                Ok(_) if !pa.approved || pa.name.trim().is_empty() => {
                    problem("principal_approval", "an account in a school's name needs the principal's approval".into())
                }
                Ok(_) => {}
            },
            None => {
                problem("principal_approval", "an account in a school's name needs the principal's approval".into())
            }
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
    Checked { problems: p, evidence, notes }
}
