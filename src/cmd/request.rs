//! `policysite request check|approve|revoke`: the Communications Department's side of the account
//! request process, run offline against the site's sources.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::data::Data;
use crate::quiz::Quizzes;
use crate::request::check::Context;
use crate::request::directory::{Approval, DIRECTORY_FILE};
use crate::request::lms::{self, LmsReportArgs};
use crate::request::report::{self, FileReport};
use crate::request::schema::Request;
use crate::request::store;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Check request files; prints every problem. Exit 0 only if every request is acceptable.
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
    /// List the directory's active accounts on platforms that are no longer approved (exit 1 if any).
    Audit {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Add the account of an acceptable request to data/directory.yaml.
    Approve {
        file: PathBuf,
        /// Approve as of this date (YYYY-MM-DD): the checks' date and the entry's `approved` date.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
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
    },
}

pub fn run(root: &Path, args: &Args) -> i32 {
    match &args.action {
        Action::Check { files, json, today, lms } => check(root, files, *json, *today, lms),
        Action::Audit { json } => audit(root, *json),
        Action::Approve { file, today } => approve(root, file, *today),
        Action::Revoke { key, reason, today } => revoke(root, key, reason, *today),
    }
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

fn print_report(r: &FileReport, with_evidence: bool) {
    r.print(with_evidence);
}

/// Load the site's sources, or print why not (exit status 2: the site itself is broken).
fn load_or_report(root: &Path) -> Result<Sources, i32> {
    load(root).map_err(|d| {
        super::report(&d);
        2
    })
}

/// Save the directory after a change (under the lock) and say what happened.
fn save_directory(lock: &store::DirectoryLock, src: &Sources, done: &str) -> i32 {
    match lock.save(&src.data.directory) {
        Ok(()) => {
            println!("{done}");
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
    let report = match lms_args.load(&src.config, &src.quizzes) {
        Ok(r) => r,
        Err(why) => {
            eprintln!("error: {why}");
            return 2;
        }
    };
    let today = today.unwrap_or_else(Date::today_utc);
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, &src, today, report.as_ref()).0).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_default());
    } else {
        reports.iter().for_each(|r| print_report(r, report.is_some()));
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

pub fn approve(root: &Path, file: &Path, today: Option<Date>) -> i32 {
    // Lock first, then read everything: a parallel approval cannot be overwritten.
    let lock = match lock_or_report(root) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(Date::today_utc);
    let (report, req) = check_file(file, &src, today, None);
    let Some(req) = req.filter(|_| report.acceptable) else {
        print_report(&report, false);
        eprintln!("not approved: `policysite request check` must accept the request first");
        return 1;
    };
    match src.data.directory.approve(&req, &src.data.platforms, today) {
        Ok(Approval::AlreadyApproved) => {
            println!("{}: already approved (request {}); the directory is unchanged", file.display(), req.id);
            0
        }
        Ok(Approval::Added) => {
            let summary = report.summary.unwrap_or_default();
            save_directory(
                &lock,
                &src,
                &format!(
                    "approved: {summary} added to {DIRECTORY_FILE}\nrebuild the site to publish it on /directory/"
                ),
            )
        }
        Err(why) => {
            eprintln!("error: not approved: {why}");
            1
        }
    }
}

pub fn revoke(root: &Path, key: &str, reason: &str, today: Option<Date>) -> i32 {
    let lock = match lock_or_report(root) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(Date::today_utc);
    // `Blogs:@x` and `blog:@x` name one account: use the platform's id.
    let canonical = |p: &str| {
        let pl = &src.data.platforms;
        pl.find(p).map(|(x, _)| x.id.clone()).or_else(|| pl.find_former(p).map(|x| x.id.clone()))
    };
    let key = match key.split_once(':').and_then(|(p, h)| Some((canonical(p)?, h))) {
        Some((id, handle)) => format!("{id}:{handle}"),
        None => key.to_string(),
    };
    let summary = match src.data.directory.revoke(&key, reason, today) {
        Ok(a) => format!("{} {} ({})", a.platform, a.handle, a.unit),
        Err(why) => {
            eprintln!("error: {why}");
            return 1;
        }
    };
    save_directory(
        &lock,
        &src,
        &format!(
            "retired: {summary}; it stays in {DIRECTORY_FILE} as history and leaves /directory/ on the next build"
        ),
    )
}

/// `request audit`: accounts on platforms that are no longer approved.
pub fn audit(root: &Path, json: bool) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let found = crate::request::audit::audit(&src.data);
    if json {
        println!("{}", serde_json::to_string_pretty(&found).unwrap_or_default());
    } else if found.is_empty() {
        println!("every active account in {DIRECTORY_FILE} is on an approved platform");
    } else {
        println!("{} active account(s) on platforms that are not approved:", found.len());
        for f in &found {
            let when = f.removed_on.map(|d| format!(", removed from the list on {d}")).unwrap_or_default();
            println!(
                "  - {}:{} ({}; request {}, approved {}): {} is not approved{when}: {}",
                f.platform, f.handle, f.unit, f.request_id, f.approved, f.platform_name, f.why
            );
        }
        println!(
            "retire each with `policysite request revoke PLATFORM:HANDLE --reason …`, or move it to an approved platform"
        );
    }
    if found.is_empty() { 0 } else { 1 }
}
