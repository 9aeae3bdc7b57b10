//! `request check`: everything that must hold before the Communications Department approves a request.
//! Every problem is reported, not just the first.

use super::email::district_email;
use super::schema::{self, Request};
use crate::date::Date;
use crate::load::directory::Status;
use crate::load::platforms::Platform;

pub use super::context::{Context, Problem};

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

/// Collects problems: `p.add("field", message)`.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Problem { field: field.to_string(), message: message.into() });
    }
    /// A required text field that is empty.
    fn required(&mut self, field: &str, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.add(field, format!("{what} is missing"));
        }
    }
}

/// Every problem of a request, each administrator's training evidence, and notes such as "already
/// in the directory".
pub fn check(req: &Request, cx: &Context<'_>) -> Checked {
    let limits = super::file::limits(req);
    if !limits.is_empty() {
        // The other checks would read what is over the limit; report the limits alone.
        return Checked { problems: limits, ..Checked::default() };
    }
    let mut p = Problems::default();
    let mut notes = Vec::new();
    check_header(req, &mut p);
    let updated = check_update(req, cx, &mut p, &mut notes);
    check_account(req, cx, updated, &mut p, &mut notes);
    let recorded = updated.map(|i| &cx.data.directory.accounts[i]);
    let evidence = check_people(req, cx, recorded, &mut p, &mut notes);
    check_settings(req, &mut p);
    if schema::needs_principal(&req.account.kind) {
        notes.push(format!("rule: {}", schema::PRINCIPAL_RULE));
    }
    if req.account.kind == "classroom" {
        notes.push(format!("guidance for classroom accounts: {}", schema::CLASSROOM_GUIDANCE));
    }
    Checked { problems: p.0, evidence, notes }
}

fn check_header(req: &Request, p: &mut Problems) {
    if req.schema != schema::SCHEMA || req.version != schema::VERSION {
        p.add(
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
        p.add("id", "the request has no id");
    } else if !crate::ident::valid(&req.id) {
        // The id becomes the account's key in data/directory.yaml, on the command line
        // (`request history ID`) and in the form's data: one identifier rule for every id.
        p.add(
            "id",
            format!(
                "`{}` is not a plain identifier (ASCII letters, digits, `-`, `_`, `.`; the form writes ids like `req-20261128-abcdef01`)",
                req.id.escape_default()
            ),
        );
    }
    if Date::parse(&req.submitted).is_none() {
        p.add("submitted", format!("`{}` is not a date (YYYY-MM-DD)", req.submitted));
    }
}

/// An update request (`update_of`): the active account it changes (its index in the directory), and
/// notes saying what would change. Platform and type stay: a different one is a new account.
fn check_update(req: &Request, cx: &Context<'_>, p: &mut Problems, notes: &mut Vec<String>) -> Option<usize> {
    let key = req.update_of.as_deref()?;
    let dir = &cx.data.directory;
    let Some(i) = dir.find_by_key(key) else {
        p.add(
            "update_of",
            format!("no account `{key}` in the directory; use the account's request id (or platform:handle) as `policysite request history` and data/directory.yaml show it"),
        );
        return None;
    };
    let old = &dir.accounts[i];
    if old.status != Status::Active {
        p.add(
            "update_of",
            format!(
                "the account {} on {} was retired on {}; an update cannot reopen it: make a new request",
                old.handle,
                old.platform,
                old.retired.map(|d| d.to_string()).unwrap_or_default()
            ),
        );
        return None;
    }
    let platform =
        cx.data.platforms.find(&req.account.platform).map_or(req.account.platform.as_str(), |(pl, _)| pl.id.as_str());
    if platform != old.platform {
        p.add(
            "account.platform",
            format!(
                "an update keeps the platform ({}); for an account on another platform make a new request and retire this one",
                old.platform
            ),
        );
    }
    if req.account.kind != old.account_type {
        p.add(
            "account.type",
            format!(
                "an update keeps the account type ({}); for another kind of account make a new request",
                old.account_type
            ),
        );
    }
    let what = super::directory::describe_update(old, req, &cx.data.platforms);
    notes.push(format!(
        "update of {} on {} (request {}, approved {}): {}",
        old.handle,
        old.platform,
        old.request_id,
        old.approved,
        if what.is_empty() { "nothing changes".to_string() } else { what.join("; ") }
    ));
    Some(i)
}

/// The account: type, purpose, platform (approved, by id), address on the platform, duplicates.
fn check_account(req: &Request, cx: &Context<'_>, updated: Option<usize>, p: &mut Problems, notes: &mut Vec<String>) {
    let a = &req.account;
    if !schema::is_account_type(&a.kind) {
        p.add("account.type", format!("unknown account type `{}`", a.kind));
    }

    p.required("account.unit", &a.unit, "the school or department");
    p.required("account.name", &a.name, "the account's name");
    p.required("account.description", &a.description, "the account's purpose");
    for (field, value) in [("account.unit", &a.unit), ("account.name", &a.name)] {
        super::text::hidden_in(value).into_iter().for_each(|why| p.add(field, why));
    }
    p.required("account.handle", &a.handle, "the proposed handle");
    if !a.handle.trim().is_empty() && !crate::load::directory::valid_handle(&a.handle) {
        p.add(
            "account.handle",
            format!(
                "`{}` is not a handle: use an optional `@`, then letters, digits, `.`, `_` and `-` (at most 100), as the platform shows it; lookalike characters (full-width, zero-width, right-to-left marks) and spaces are refused",
                a.handle.escape_default()
            ),
        );
    }
    if !matches!(a.purpose.as_str(), "educational" | "professional") {
        p.add("account.purpose", "the purpose must be educational or professional (Regulation 6973.1R)");
    }
    let platform = check_platform(a, cx, p, notes);
    // Aliases ("Blogs", "blog") name one platform: compare by its id.
    let platform_id = platform.map_or(a.platform.as_str(), |(pl, _)| pl.id.as_str());
    check_duplicates(req, cx, updated, platform_id, p, notes);
}

/// The platform: approved (its note, if any, goes to the notes), barred, removed from the list
/// (said with the date and why), or unknown; and the account's address on it.
fn check_platform<'d>(
    a: &schema::AccountDetails,
    cx: &Context<'d>,
    p: &mut Problems,
    notes: &mut Vec<String>,
) -> Option<(&'d Platform, bool)> {
    let platform = cx.data.platforms.find(&a.platform);
    match platform {
        Some((pl, true)) => {
            if let Some(note) = pl.note.as_deref().filter(|n| !n.trim().is_empty()) {
                notes.push(format!("about {} (data/platforms.yaml): {}", pl.name, note.trim()));
            }
        }
        Some((pl, false)) => p.add(
            "account.platform",
            format!("{} is not allowed: {}", pl.name, pl.reason.as_deref().unwrap_or("barred by Regulation 6973.1R")),
        ),
        None => match cx.data.platforms.find_former(&a.platform) {
            Some(former) => {
                let when = cx.data.platforms.removal_of(&former.id);
                p.add(
                    "account.platform",
                    format!(
                        "{} is no longer approved{}{}",
                        former.name,
                        when.map(|c| format!(": removed from the list on {}", c.date)).unwrap_or_default(),
                        when.and_then(|c| c.note.as_deref()).map(|n| format!(" ({n})")).unwrap_or_default()
                    ),
                )
            }
            None => p.add("account.platform", format!("`{}` is not on the approved platform list", a.platform)),
        },
    }
    if let (Some((pl, _)), Some(url)) = (platform, a.url.as_deref().filter(|u| !u.trim().is_empty()))
        && let Err(why) = pl.check_account_url(url)
    {
        p.add("account.url", why);
    }
    platform
}

/// The account may be in the directory already: as another request's account (refused; an update
/// request is the way), as the account this update changes, or as this request approved before.
fn check_duplicates(
    req: &Request,
    cx: &Context<'_>,
    updated: Option<usize>,
    platform_id: &str,
    p: &mut Problems,
    notes: &mut Vec<String>,
) {
    let updating = updated.map(|i| cx.data.directory.accounts[i].request_id.as_str());
    match cx.data.directory.find_active(platform_id, &req.account.handle) {
        Some(existing) if Some(existing.request_id.as_str()) == updating => {}
        Some(existing) if existing.request_id != req.id && updating.is_none() => p.add(
            "account.handle",
            format!(
                "{} on {} is already an official account (request {}, approved {}); to change its administrators, make an update request (`update_of`: {})",
                existing.handle, existing.platform, existing.request_id, existing.approved, existing.request_id
            ),
        ),
        Some(existing) if existing.request_id != req.id => p.add(
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
    if let Some(old) = cx.data.directory.accounts.iter().find(|x| x.request_id == req.id && x.retired.is_some()) {
        notes.push(format!(
            "this request was approved on {} and the account retired on {}",
            old.approved,
            old.retired.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
}

/// Requester, administrators (names, District emails, FLSA, training) and the principal.
fn check_people(
    req: &Request,
    cx: &Context<'_>,
    updated: Option<&crate::load::directory::Account>,
    p: &mut Problems,
    notes: &mut Vec<String>,
) -> Vec<super::training::Evidence> {
    let domains = &cx.config.email_domains;
    p.required("requester.name", &req.requester.name, "the requester's name");
    if let Err(why) = district_email(&req.requester.email, domains) {
        p.add("requester.email", why);
    }
    if req.administrators.is_empty() {
        p.add("administrators", "at least one account administrator is required");
    }
    for (i, admin) in req.administrators.iter().enumerate() {
        let f = |name: &str| format!("administrators[{i}].{name}");
        p.required(&f("name"), &admin.name, "the administrator's name");
        super::text::hidden_in(&admin.name).into_iter().for_each(|why| p.add(&f("name"), why));
        if let Err(why) = district_email(&admin.email, domains) {
            p.add(&f("email"), why);
        }
        if !admin.flsa_exempt {
            p.add(
                &f("flsa_exempt"),
                "the administrator must be Fair Labor Standards Act exempt staff (attestation missing)",
            );
        }
    }
    let mut evidence = Vec::new();
    for (i, admin) in req.administrators.iter().enumerate() {
        let email = crate::quiz::code::normalize_email(&admin.email);
        let recorded = updated
            .and_then(|a| a.managers.iter().find(|m| m.email == email))
            .map_or(&[][..], |m| m.training.as_slice());
        evidence.extend(super::training::check_admin(i, admin, cx, recorded, &mut p.0, notes));
    }
    if schema::needs_principal(&req.account.kind) {
        let missing = if req.account.kind == "classroom" {
            "a classroom account is part of its school: it needs the principal's approval (Regulation 6973.1R)"
        } else {
            "an account in a school's name needs the principal's approval"
        };
        match &req.principal_approval {
            Some(pa) => match district_email(&pa.email, domains) {
                Err(why) => p.add("principal_approval.email", why),
                Ok(_) if !pa.approved || pa.name.trim().is_empty() => p.add("principal_approval", missing),
                Ok(_) => {}
            },
            None => p.add("principal_approval", missing),
        }
    }
    evidence
}

/// Privacy settings and acknowledgements the regulation requires.
fn check_settings(req: &Request, p: &mut Problems) {
    if !req.privacy_settings.notify_on_tag {
        p.add(
            "privacy_settings.notify_on_tag",
            "the administrator must be notified when the account is tagged or mentioned",
        );
    }
    if !req.privacy_settings.approve_posts_by_others {
        p.add("privacy_settings.approve_posts_by_others", "posts by others must require the administrator's approval");
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
            p.add(field, format!("acknowledgement missing: {what}"));
        }
    }
}
