//! `request audit`: the registry's health report. Each finding names the account, the person (when
//! it is about one) and the date that matters:
//! - an administrator's training that has lapsed, or lapses within the window (`--within`), by the
//!   evidence `approve`, `update` and `renew` recorded (and the quiz's revisions since);
//! - required training with no evidence on record (directories from before the registry kept it, or
//!   a quiz that became required later);
//! - accounts with no administrator whose training still counts;
//! - accounts on platforms the regulation no longer approves (a `removed:` history entry, or barred);
//! - accounts due for their periodic review (`review_every_days` after approval or the last review);
//! - administrators whose email address is no longer in `email_domains`.

use serde::Serialize;

use super::directory::{Account, Status};
use super::training::still_counts_until;
use crate::config::SiteConfig;
use crate::date::Date;
use crate::load::data::Data;
use crate::load::directory::Training;
use crate::quiz::Quizzes;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    TrainingLapsed,
    TrainingLapsing,
    TrainingMissing,
    NoCurrentAdministrator,
    PlatformNotApproved,
    ReviewDue,
    EmailNotDistrict,
}

/// One thing that needs action.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// `platform:handle`.
    pub account: String,
    pub request_id: String,
    pub platform: String,
    pub handle: String,
    pub unit: String,
    pub approved: Date,
    /// The administrator it concerns, if one.
    pub person: Option<String>,
    pub email: Option<String>,
    /// The quiz, for training findings.
    pub quiz: Option<String>,
    /// The date that matters: when training lapses or lapsed, when the platform left the list,
    /// when the review is due.
    pub date: Option<Date>,
    /// In words.
    pub message: String,
    /// For `platform_not_approved`: when the platform left the approved list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_on: Option<Date>,
}

/// What the audit reads.
pub struct Inputs<'a> {
    pub config: &'a SiteConfig,
    pub data: &'a Data,
    pub quizzes: &'a Quizzes,
    pub today: Date,
    /// Training lapsing (and reviews falling due) within this many days is listed.
    pub within: u32,
}

fn finding(a: &Account, kind: Kind, date: Option<Date>, message: String) -> Finding {
    Finding {
        kind,
        account: format!("{}:{}", a.platform, a.handle),
        request_id: a.request_id.clone(),
        platform: a.platform.clone(),
        handle: a.handle.clone(),
        unit: a.unit.clone(),
        approved: a.approved,
        person: None,
        email: None,
        quiz: None,
        date,
        message,
        removed_on: None,
    }
}

/// Every finding, by account (directory order), then kind.
pub fn audit(x: &Inputs<'_>) -> Vec<Finding> {
    let horizon = Date::from_days(x.today.to_days() + i64::from(x.within));
    let mut out = Vec::new();
    for a in x.data.directory.accounts.iter().filter(|a| a.status == Status::Active) {
        let mut found = account_findings(a, x, horizon);
        found.sort_by_key(|f| f.kind);
        out.extend(found);
    }
    out
}

/// One active account's findings: each administrator's training and address, then the account's
/// own (no administrator whose training counts, its platform, its review).
fn account_findings(a: &Account, x: &Inputs<'_>, horizon: Date) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut current = 0;
    let mut last_lapse: Option<Date> = None;
    for m in &a.managers {
        let mut counts = true;
        let person = |f: Finding| Finding { person: Some(m.name.clone()), email: Some(m.email.clone()), ..f };
        for quiz in &x.config.required_training {
            let standing = training_standing(a, &m.training, quiz, x, horizon);
            counts &= standing.counts;
            last_lapse = last_lapse.max(standing.lapsed);
            if let Some(f) = standing.finding {
                found.push(Finding { quiz: Some(quiz.clone()), ..person(f) });
            }
        }
        if counts {
            current += 1;
        }
        if let Err(why) = super::email::district_email(&m.email, &x.config.email_domains) {
            found.push(person(finding(a, Kind::EmailNotDistrict, None, why)));
        }
    }
    if current == 0 {
        found.push(finding(
            a,
            Kind::NoCurrentAdministrator,
            last_lapse,
            "no administrator's training counts: the account has no administrator the regulation allows; renew training or hand the account over (`policysite request update`)".into(),
        ));
    }
    if let Some(f) = platform_finding(a, x.data) {
        found.push(f);
    }
    let since = a.reviewed.unwrap_or(a.approved);
    let due = Date::from_days(since.to_days() + i64::from(x.config.review_every_days));
    if due <= horizon {
        let last = a
            .reviewed
            .map_or_else(|| format!("approved {}, never reviewed", a.approved), |r| format!("last reviewed {r}"));
        found.push(finding(a, Kind::ReviewDue, Some(due), format!("periodic review due {due} ({last})")));
    }
    found
}

/// One administrator's standing on one required quiz.
struct Standing {
    /// Missing, lapsed or lapsing training; `None` when it counts beyond the window.
    finding: Option<Finding>,
    /// Whether the training counts today.
    counts: bool,
    /// When training that counted by date stopped counting (for the account's "no administrator"
    /// finding).
    lapsed: Option<Date>,
}

/// Judge the recorded training for `quiz` (the evidence that counts longest) as the quizzes stand
/// today: missing, no longer counting (its revision replaced), lapsed, lapsing within the window.
fn training_standing(a: &Account, training: &[Training], quiz: &str, x: &Inputs<'_>, horizon: Date) -> Standing {
    let best = training
        .iter()
        .filter(|t| t.quiz == *quiz)
        .map(|t| (t, still_counts_until(t, x.quizzes)))
        .max_by_key(|(t, r)| (r.as_ref().ok().copied(), t.counts_until));
    let not_counting = |f: Finding, lapsed: Option<Date>| Standing { finding: Some(f), counts: false, lapsed };
    match best {
        None => not_counting(
            finding(
                a,
                Kind::TrainingMissing,
                None,
                format!(
                    "no training evidence on record for `{quiz}`: ask for a current code or LMS row and record it with `policysite request renew`"
                ),
            ),
            None,
        ),
        Some((t, Err(why))) => not_counting(
            finding(a, Kind::TrainingLapsed, Some(t.counts_until), format!("`{quiz}` no longer counts: {why}")),
            None,
        ),
        Some((t, Ok(until))) if until < x.today => not_counting(
            finding(
                a,
                Kind::TrainingLapsed,
                Some(until),
                format!("`{quiz}` lapsed after {until} (revision {}, completed {})", t.revision, t.completed),
            ),
            Some(until),
        ),
        Some((t, Ok(until))) if until <= horizon => Standing {
            finding: Some(finding(
                a,
                Kind::TrainingLapsing,
                Some(until),
                format!(
                    "`{quiz}` counts until {until} (revision {}, completed {}): retake it before then",
                    t.revision, t.completed
                ),
            )),
            counts: true,
            lapsed: None,
        },
        Some(_) => Standing { finding: None, counts: true, lapsed: None },
    }
}

/// An active account on a platform that is not approved any more.
fn platform_finding(a: &Account, data: &Data) -> Option<Finding> {
    let platforms = &data.platforms;
    if platforms.approved.iter().any(|p| p.id == a.platform) {
        return None;
    }
    let removal = platforms.removal_of(&a.platform);
    let barred = platforms.barred.iter().find(|p| p.id == a.platform);
    let why = match (removal, barred) {
        (Some(c), _) => c.note.clone().unwrap_or_else(|| "removed from the approved list".into()),
        (None, Some(p)) => p.reason.clone().unwrap_or_else(|| "barred".into()),
        (None, None) => "not on the approved list".into(),
    };
    let when = removal.map(|c| format!(", removed from the list on {}", c.date)).unwrap_or_default();
    let message = format!("{} is not approved{when}: {why}", platforms.name_of(&a.platform));
    let mut f = finding(a, Kind::PlatformNotApproved, removal.map(|c| c.date), message);
    f.removed_on = removal.map(|c| c.date);
    Some(f)
}

/// One row of the mail merge: a person to remind, with everything to tell them.
#[derive(Debug, Serialize)]
pub struct Reminder {
    pub email: String,
    pub name: String,
    /// The accounts concerned, `platform:handle (unit)`, separated by `; `.
    pub accounts: String,
    /// What to do, separated by `; `.
    pub actions: String,
    /// The earliest date among the findings (the deadline to mention).
    pub by: String,
}

/// The people to remind: every administrator a training, email or platform finding concerns.
/// Reviews are the Communications Department's own task and are not in the mail merge.
pub fn reminders(findings: &[Finding], data: &Data) -> Vec<Reminder> {
    // email → (name, accounts, actions, earliest date)
    type Row = (String, Vec<String>, Vec<String>, Option<Date>);
    let mut by_person: std::collections::BTreeMap<String, Row> = Default::default();
    let mut add = |email: &str, name: &str, account: String, action: String, date: Option<Date>| {
        let e = by_person.entry(email.to_string()).or_insert_with(|| (name.to_string(), vec![], vec![], None));
        if !e.1.contains(&account) {
            e.1.push(account);
        }
        if !e.2.contains(&action) {
            e.2.push(action);
        }
        e.3 = match (e.3, date) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    };
    for f in findings {
        let account = format!("{} ({})", f.account, f.unit);
        match (f.kind, &f.email, &f.person) {
            (Kind::ReviewDue | Kind::NoCurrentAdministrator, _, _) => {}
            (Kind::PlatformNotApproved, _, _) => {
                let managers = data.directory.accounts.iter().find(|a| a.request_id == f.request_id);
                for m in managers.map(|a| a.managers.as_slice()).unwrap_or_default() {
                    add(&m.email, &m.name, account.clone(), format!("{}: {}", f.account, f.message), f.date);
                }
            }
            (_, Some(email), Some(name)) => add(email, name, account, f.message.clone(), f.date),
            _ => {}
        }
    }
    by_person
        .into_iter()
        .map(|(email, (name, accounts, actions, date))| Reminder {
            email,
            name,
            accounts: accounts.join("; "),
            actions: actions.join("; "),
            by: date.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}
