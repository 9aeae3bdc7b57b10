//! `policysite request check|approve|revoke`: the Communications Department's side of the account
//! request process, run offline against the site's sources.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::data::Data;
use crate::quiz::Quizzes;
use crate::request::check::Context;
use crate::request::directory::{Actor, Approval, DIRECTORY_FILE};
use crate::request::lms::{self, LmsReportArgs};
use crate::request::report::{self, FileReport};
use crate::request::schema::Request;
use crate::request::store;

mod audit;
mod registry;

pub use audit::AuditFormat;
use audit::audit;
use registry::{history, renew, review, update};

/// Print a request's report to stdout (the library makes its lines).
fn print(report: &FileReport) {
    for line in report.lines() {
        println!("{line}");
    }
}

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

/// `--by`, or the user running the command.
fn who(by: Option<&str>) -> String {
    by.map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .or_else(|| {
            ["USER", "USERNAME", "LOGNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        })
        .unwrap_or_else(|| "unknown".into())
}

struct Sources {
    config: SiteConfig,
    data: Data,
    quizzes: Quizzes,
}

fn load(root: &Path) -> Result<Sources, Diagnostics> {
    let config = SiteConfig::load(root)?;
    let data = crate::load::data::load(root)?;
    let quizzes = crate::quiz::load_all(root)?;
    Ok(Sources { config, data, quizzes })
}

fn check_file(path: &Path, src: &Sources, today: Date, lms: Option<&lms::Report>) -> (FileReport, Option<Request>) {
    let cx = Context { config: &src.config, data: &src.data, quizzes: &src.quizzes, today, lms };
    report::check_file(path, &cx)
}

/// Load the site's sources, or print why not (exit status 2: the site itself is broken).
fn load_or_report(root: &Path) -> Result<Sources, i32> {
    load(root).map_err(|d| {
        super::report(&d);
        2
    })
}

/// The LMS report of `--lms-report`, if given; `Err(2)` (printed) when it cannot be read.
fn load_lms(args: &LmsReportArgs, src: &Sources) -> Result<Option<lms::Report>, i32> {
    args.load(&src.config, &src.quizzes).map_err(|why| {
        crate::warn_line!("error: {why}");
        2
    })
}

/// Save the directory after a change (under the lock) and say what happened.
fn save_directory(lock: &store::DirectoryLock, src: &mut Sources, done: &str) -> i32 {
    src.data.directory.migrate();
    match lock.save(&src.data.directory) {
        Ok(()) => {
            for line in done.lines() {
                crate::say!("{line}");
            }
            0
        }
        Err(e) => {
            eprintln!("error: {DIRECTORY_FILE}: cannot write: {e}; the directory file was not changed");
            1
        }
    }
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

/// Take the directory lock, or say why not.
fn lock_or_report(root: &Path) -> Result<store::DirectoryLock, i32> {
    let lock = store::lock(root).map_err(|why| {
        eprintln!("error: {why}; the directory file was not changed");
        1
    })?;
    if lock.cleaned > 0 {
        eprintln!("note: removed {} temporary file(s) an interrupted run left in data/", lock.cleaned);
    }
    Ok(lock)
}

/// What a command that changes the directory works with, all read under the directory lock.
struct Locked {
    lock: store::DirectoryLock,
    src: Sources,
    lms: Option<lms::Report>,
    today: Date,
}

/// Take the lock, then read the sources and the LMS report under it (a parallel change cannot be
/// overwritten), and settle the date the command runs as.
fn locked(root: &Path, lms_args: Option<&LmsReportArgs>, today: Option<Date>) -> Result<Locked, i32> {
    let lock = lock_or_report(root)?;
    let mut src = load_or_report(root)?;
    // Before any change: an account from before the registry kept history gets its first entry.
    src.data.directory.migrate();
    let lms = match lms_args {
        Some(a) => load_lms(a, &src)?,
        None => None,
    };
    let today = site_today(&src.config, today)?;
    Ok(Locked { lock, src, lms, today })
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

/// The file's name, as history records where a change came from.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The account `key` names, or print why not.
fn account_index(src: &Sources, key: &str) -> Result<usize, i32> {
    src.data.directory.find_by_key(key).ok_or_else(|| {
        crate::warn_line!("error: no account `{key}` in {DIRECTORY_FILE}; use its request id or platform:handle");
        1
    })
}

/// `Blogs:@x` and `blog:@x` name one account: use the platform's id.
fn canonical_key(src: &Sources, key: &str) -> String {
    let canonical = |p: &str| {
        let pl = &src.data.platforms;
        pl.find(p).map(|(x, _)| x.id.clone()).or_else(|| pl.find_former(p).map(|x| x.id.clone()))
    };
    match key.split_once(':').and_then(|(p, h)| Some((canonical(p)?, h))) {
        Some((id, handle)) => format!("{id}:{handle}"),
        None => key.to_string(),
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

/// The date the command runs as: `--today`, else `SOURCE_DATE_EPOCH`, else today in the site's
/// `time_zone` (one rule for every command, `crate::config::SiteConfig::today`).
fn site_today(config: &crate::config::SiteConfig, given: Option<Date>) -> Result<Date, i32> {
    config.today(given).map_err(|d| {
        eprintln!("{d}");
        2
    })
}
