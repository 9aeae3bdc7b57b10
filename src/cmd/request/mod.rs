//! `policysite request check|approve|revoke`: the Communications Department's side of the account
//! request process, run offline against the site's sources.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::request::directory::{Actor, Approval, DIRECTORY_FILE};
use crate::request::lms::args::LmsReportArgs;
use crate::request::report::FileReport;

mod audit;
mod registry;
mod steps;

pub use audit::AuditFormat;
use audit::audit;
use registry::{history, renew, review, update};
use steps::*;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Check request files (.json, a saved email .eml, or a text file with the email's request
    /// block); prints every problem and each administrator's training. Exit 0 only if every request
    /// is acceptable.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// Check as of this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
        #[command(flatten)]
        lms: Box<LmsReportArgs>,
    },
    /// The registry's health report: lapsed or lapsing training, accounts without a current
    /// administrator, platforms no longer approved, reviews due, addresses outside email_domains.
    /// Exit 1 when anything needs action (for cron).
    Audit {
        /// text (default), json, or csv (one row per person to remind, for a mail merge).
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
        /// Same as --format json.
        #[arg(long)]
        json: bool,
        /// List training that lapses, and reviews that fall due, within this many days.
        #[arg(long, default_value_t = 30, value_name = "DAYS")]
        within: u32,
        /// Audit as of this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
    },
    /// Add the account of an acceptable request to data/directory.yaml, with the training evidence
    /// accepted for each administrator.
    Approve(ChangeArgs),
    /// Apply an update request (`update_of`): new administrators, handle or address, checked like
    /// a new request.
    Update(ChangeArgs),
    /// Record an administrator's new training (a policysite/training-renewal file) on every account
    /// they administer, checked as a request's codes are.
    Renew(ChangeArgs),
    /// Record the periodic review of an account.
    Review {
        /// The account: its request id, or platform:handle.
        account: String,
        /// Who reviewed it; default the user name.
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        /// What the review found.
        #[arg(long, default_value = "")]
        note: String,
        /// The review's date (YYYY-MM-DD); default today.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
    },
    /// Show every recorded change to an account: who, when, what.
    History {
        /// The account: its request id, or platform:handle.
        account: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Mark an account closed (kept in the directory file as history).
    Revoke {
        /// The request id, or platform:handle (e.g. instagram:@stadiumtigers).
        key: String,
        /// Why the account was closed.
        #[arg(long, default_value = "")]
        reason: String,
        /// The date the account is recorded as closed (YYYY-MM-DD); default today.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
        /// Who retires it; default the user name.
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
    },
}

pub fn run(root: &Path, args: &Args) -> i32 {
    match &args.action {
        Action::Check { files, json, today, lms } => check(root, files, *json, *today, lms),
        Action::Audit { format, json, within, today } => {
            audit(root, if *json { AuditFormat::Json } else { *format }, *within, *today)
        }
        Action::Approve(c) => approve(root, &c.file, c.today, c.by.as_deref(), &c.lms),
        Action::Update(c) => update(root, &c.file, c.today, c.by.as_deref(), &c.lms),
        Action::Renew(c) => renew(root, &c.file, c.today, c.by.as_deref(), &c.lms),
        Action::Review { account, by, note, today } => review(root, account, by.as_deref(), note, *today),
        Action::History { account, json } => history(root, account, *json),
        Action::Revoke { key, reason, today, by } => revoke(root, key, reason, *today, by.as_deref()),
    }
}

/// What `approve`, `update` and `renew` take: the file, the date, who, and the LMS report.
#[derive(clap::Args)]
pub struct ChangeArgs {
    file: PathBuf,
    /// The date the change is made as (YYYY-MM-DD): the checks' date and the date recorded.
    #[arg(long, value_parser = super::parse_date)]
    today: Option<Date>,
    /// Who makes the change (recorded in the directory's history); default the user name.
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    #[command(flatten)]
    lms: Box<LmsReportArgs>,
}

pub fn check(root: &Path, files: &[PathBuf], json: bool, today: Option<Date>, lms_args: &LmsReportArgs) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let report = match load_lms(lms_args, &src) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let today = match src.config.today(today) {
        Ok(d) => d,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, &src, today, report.as_ref()).0).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_default());
    } else {
        reports.iter().for_each(print);
    }
    if reports.iter().all(|r| r.acceptable) { 0 } else { 1 }
}

pub fn approve(root: &Path, file: &Path, today: Option<Date>, by: Option<&str>, lms_args: &LmsReportArgs) -> i32 {
    let Locked { lock, mut src, lms, today } = match locked(root, Some(lms_args), today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (report, req) = check_file(file, &src, today, lms.as_ref());
    let Some(req) = req.filter(|_| report.acceptable) else {
        print(&report);
        eprintln!("not approved: `policysite request check` must accept the request first");
        return 1;
    };
    if let Some(of) = &req.update_of {
        crate::warn_line!(
            "error: not approved: this is an update request for the account `{of}`; apply it with `policysite request update {}`",
            file.display()
        );
        return 1;
    }
    let by = who(by);
    let actor = Actor { by: &by, today, source: Some(file_name(file)) };
    match src.data.directory.approve(&req, &src.data.platforms, &report.evidence, &actor) {
        Ok(Approval::AlreadyApproved) => {
            crate::say!("{}: already approved (request {}); the directory is unchanged", file.display(), req.id);
            0
        }
        Ok(Approval::Added) => {
            print(&report);
            let summary = report.summary.clone().unwrap_or_default();
            save_directory(
                &lock,
                &mut src,
                &format!(
                    "approved by {by} on {today}: {summary} added to {DIRECTORY_FILE}, with the training evidence above\nrebuild the site to publish it on /directory/"
                ),
            )
        }
        Err(why) => {
            crate::warn_line!("error: not approved: {why}");
            1
        }
    }
}

pub fn revoke(root: &Path, key: &str, reason: &str, today: Option<Date>, by: Option<&str>) -> i32 {
    let Locked { lock, mut src, today, .. } = match locked(root, None, today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let key = canonical_key(&src, key);
    let by = who(by);
    let summary = match src.data.directory.revoke(&key, reason, &Actor { by: &by, today, source: None }) {
        Ok(Ok(a)) => format!("{} {} ({})", a.platform, a.handle, a.unit),
        Ok(Err(already)) => {
            crate::say!("{already}; {DIRECTORY_FILE} is unchanged");
            return 0;
        }
        Err(why) => {
            crate::warn_line!("error: {why}");
            return 1;
        }
    };
    save_directory(
        &lock,
        &mut src,
        &format!(
            "retired: {summary}; it stays in {DIRECTORY_FILE} as history and leaves /directory/ on the next build"
        ),
    )
}
