//! `request audit`: the registry's health report, as text, JSON or CSV (one row per person to remind).

use std::path::Path;

use super::steps::*;
use crate::request::audit::{self, Kind};

/// `request audit --format`.
#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    Text,
    Json,
    Csv,
}

/// `request audit`: the registry's health report.
pub fn audit(root: &Path, format: AuditFormat, within: u32, today: Option<Date>) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = match site_today(&src.config, today) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let inputs = audit::Inputs { config: &src.config, data: &src.data, quizzes: &src.quizzes, today, within };
    let found = audit::audit(&inputs);
    match format {
        AuditFormat::Json => println!("{}", serde_json::to_string_pretty(&found).unwrap_or_default()),
        AuditFormat::Csv => {
            if let Err(e) = print_csv(&found, &src.data) {
                eprintln!("error: cannot write CSV: {e}");
                return 2;
            }
        }
        AuditFormat::Text => print_text(&found, today, within),
    }
    if found.is_empty() { 0 } else { 1 }
}

/// One row per person to remind; no cell starts a formula, and controls are visible (the CSV is
/// opened in a spreadsheet).
fn print_csv(found: &[audit::Finding], data: &Data) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    for r in audit::reminders(found, data) {
        let safe = |s: &str| {
            let v = crate::request::text::visible(s);
            if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v }
        };
        let row = audit::Reminder {
            email: safe(&r.email),
            name: safe(&r.name),
            accounts: safe(&r.accounts),
            actions: safe(&r.actions),
            by: r.by,
        };
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}

/// The findings by section, then what to do about them.
fn print_text(found: &[audit::Finding], today: Date, within: u32) {
    crate::say!("request audit of {DIRECTORY_FILE} on {today} (training lapsing and reviews due within {within} days)");
    let line = |f: &audit::Finding| {
        let who = match (&f.person, &f.email) {
            (Some(p), Some(e)) => format!("{p} <{e}>: "),
            _ => String::new(),
        };
        crate::say!(
            "  - {} ({}; request {}, approved {}): {who}{}",
            f.account,
            f.unit,
            f.request_id,
            f.approved,
            f.message
        );
    };
    let sections: [(&[Kind], &str); 5] = [
        (
            &[Kind::TrainingLapsed, Kind::TrainingLapsing, Kind::TrainingMissing],
            "finding(s) of administrators' training lapsed, lapsing or not on record",
        ),
        (&[Kind::NoCurrentAdministrator], "account(s) with no administrator whose training counts"),
        (&[Kind::PlatformNotApproved], "active account(s) on platforms that are not approved"),
        (&[Kind::ReviewDue], "account(s) due for their periodic review"),
        (&[Kind::EmailNotDistrict], "administrator address(es) no longer in email_domains"),
    ];
    for (kinds, title) in sections {
        let of: Vec<_> = found.iter().filter(|f| kinds.contains(&f.kind)).collect();
        if of.is_empty() {
            continue;
        }
        let n = if kinds == [Kind::PlatformNotApproved] {
            of.iter().map(|f| &f.request_id).collect::<std::collections::BTreeSet<_>>().len()
        } else {
            of.len()
        };
        crate::say!("{n} {title}:");
        of.into_iter().for_each(line);
    }
    print_next_steps(found, within);
}

/// What to do about the findings, or that nothing needs doing.
fn print_next_steps(found: &[audit::Finding], within: u32) {
    if found.is_empty() {
        crate::say!(
            "nothing needs action: every administrator's training counts beyond {within} days, every active account in {DIRECTORY_FILE} is on an approved platform, and no review is due"
        );
        return;
    }
    crate::say!("{} finding(s) need action", found.len());
    if found.iter().any(|f| f.kind == Kind::PlatformNotApproved) {
        crate::say!(
            "retire an account on a platform that is not approved with `policysite request revoke PLATFORM:HANDLE --reason …`, or move it to an approved platform"
        );
    }
    if found.iter().any(|f| matches!(f.kind, Kind::TrainingLapsed | Kind::TrainingLapsing | Kind::TrainingMissing)) {
        crate::say!("record new training with `policysite request renew FILE`; `--format csv` lists whom to remind");
    }
    if found.iter().any(|f| f.kind == Kind::ReviewDue) {
        crate::say!("record a review with `policysite request review ACCOUNT --by NAME`");
    }
}
