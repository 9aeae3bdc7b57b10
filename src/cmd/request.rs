//! `policysite request check|approve|revoke`: the Communications Department's side of the account
//! request process, run offline against the site's sources.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::data::Data;
use crate::quiz::Quizzes;
use crate::request::check::{self, Context, Problem};
use crate::request::directory::{Approval, DIRECTORY_FILE};
use crate::request::schema::Request;

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
    },
    /// Add the account of an acceptable request to data/directory.yaml.
    Approve {
        file: PathBuf,
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
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
    },
}

pub fn run(root: &Path, args: &Args) -> i32 {
    match &args.action {
        Action::Check { files, json, today } => check(root, files, *json, *today),
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

/// A request file's verdict.
#[derive(serde::Serialize)]
struct FileReport {
    file: String,
    acceptable: bool,
    summary: Option<String>,
    problems: Vec<Problem>,
    /// quiz helper: valid codes of a superseded quiz revision, with their verdict text
    /// ("VALID (revision 2 superseded; retraining due by …)"), so the retraining deadline is seen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Problem>,
}

/// quiz helper: the verdict of every code still counting inside a retraining window.
fn retraining_notes(req: &Request, cx: &Context<'_>) -> Vec<Problem> {
    let mut notes = Vec::new();
    for (i, admin) in req.administrators.iter().enumerate() {
        for (quiz, code) in &admin.codes {
            let v = crate::quiz::verify::verify(cx.quizzes, &admin.email, code, cx.today, cx.config.code_validity_days);
            if v.valid && v.superseded.is_some() {
                notes.push(Problem {
                    field: format!("administrators[{i}].codes.{quiz}"),
                    message: format!("code {code}: {}", v.status()),
                });
            }
        }
    }
    notes
}

fn check_file(path: &Path, src: &Sources, today: Date) -> (FileReport, Option<Request>) {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let p = Problem { field: "file".into(), message: format!("cannot read: {e}") };
            return (FileReport { file, acceptable: false, summary: None, problems: vec![p], notes: Vec::new() }, None);
        }
    };
    let req = match check::parse(&text) {
        Ok(r) => r,
        Err(p) => {
            return (FileReport { file, acceptable: false, summary: None, problems: vec![p], notes: Vec::new() }, None);
        }
    };
    let cx = Context { config: &src.config, data: &src.data, quizzes: &src.quizzes, today };
    let problems = check::check(&req, &cx);
    let notes = retraining_notes(&req, &cx);
    let platform =
        src.data.platforms.find(&req.account.platform).map_or(req.account.platform.as_str(), |(p, _)| p.name.as_str());
    let summary = format!(
        "{} {} for {} ({} administrator{})",
        platform,
        req.account.handle,
        req.account.unit,
        req.administrators.len(),
        if req.administrators.len() == 1 { "" } else { "s" }
    );
    (FileReport { file, acceptable: problems.is_empty(), summary: Some(summary), problems, notes }, Some(req))
}

fn print_report(r: &FileReport) {
    match (&r.summary, r.acceptable) {
        (Some(s), true) => println!("{}: ACCEPTABLE: {s}", r.file),
        (summary, false) => {
            let n = r.problems.len();
            println!(
                "{}: NOT ACCEPTABLE, {n} problem{}{}",
                r.file,
                if n == 1 { "" } else { "s" },
                summary.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
            );
            for p in &r.problems {
                println!("  - {}: {}", p.field, p.message);
            }
        }
        (None, true) => println!("{}: ACCEPTABLE", r.file),
    }
    for n in &r.notes {
        println!("  note: {}: {}", n.field, n.message);
    }
}

/// Load the site's sources, or print why not (exit status 2: the site itself is broken).
fn load_or_report(root: &Path) -> Result<Sources, i32> {
    load(root).map_err(|d| {
        super::report(&d);
        2
    })
}

/// Save the directory after a change and say what happened.
fn save_directory(root: &Path, src: &Sources, done: &str) -> i32 {
    match src.data.directory.save(root) {
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

pub fn check(root: &Path, files: &[PathBuf], json: bool, today: Option<Date>) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(Date::today_utc);
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, &src, today).0).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_default());
    } else {
        reports.iter().for_each(print_report);
    }
    if reports.iter().all(|r| r.acceptable) { 0 } else { 1 }
}

pub fn approve(root: &Path, file: &Path, today: Option<Date>) -> i32 {
    let mut src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(Date::today_utc);
    let (report, req) = check_file(file, &src, today);
    let Some(req) = req.filter(|_| report.acceptable) else {
        print_report(&report);
        eprintln!("not approved: `policysite request check` must accept the request first");
        return 1;
    };
    match src.data.directory.approve(&req, today) {
        Ok(Approval::AlreadyApproved) => {
            println!("{}: already approved (request {}); the directory is unchanged", file.display(), req.id);
            0
        }
        Ok(Approval::Added) => {
            let summary = report.summary.unwrap_or_default();
            save_directory(
                root,
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
    let mut src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let today = today.unwrap_or_else(Date::today_utc);
    let summary = match src.data.directory.revoke(key, reason, today) {
        Ok(a) => format!("{} {} ({})", a.platform, a.handle, a.unit),
        Err(why) => {
            eprintln!("error: {why}");
            return 1;
        }
    };
    save_directory(
        root,
        &src,
        &format!(
            "retired: {summary}; it stays in {DIRECTORY_FILE} as history and leaves /directory/ on the next build"
        ),
    )
}
