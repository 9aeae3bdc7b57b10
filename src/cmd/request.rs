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
    Approve {
        file: PathBuf,
        /// Approve as of this date (YYYY-MM-DD): the checks' date and the entry's `approved` date.
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
        /// Who approves (recorded); default the user name.
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        lms: Box<LmsReportArgs>,
    },
    /// Apply an update request (`update_of`): new administrators, handle or address, checked like
    /// a new request.
    Update {
        file: PathBuf,
        /// Update as of this date (YYYY-MM-DD).
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
        /// Who makes the change (recorded); default the user name.
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        lms: Box<LmsReportArgs>,
    },
    /// Record an administrator's new training (a policysite/training-renewal file) on every account
    /// they administer, checked as a request's codes are.
    Renew {
        file: PathBuf,
        /// Renew as of this date (YYYY-MM-DD).
        #[arg(long, value_parser = super::parse_date)]
        today: Option<Date>,
        /// Who records it; default the user name.
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        lms: Box<LmsReportArgs>,
    },
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

/// `request audit --format`.
#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    Text,
    Json,
    Csv,
}

pub fn run(root: &Path, args: &Args) -> i32 {
    match &args.action {
        Action::Check { files, json, today, lms } => check(root, files, *json, *today, lms),
        Action::Audit { format, json, within, today } => {
            audit(root, if *json { AuditFormat::Json } else { *format }, *within, *today)
        }
        Action::Approve { file, today, by, lms } => approve(root, file, *today, by.as_deref(), lms),
        Action::Update { file, today, by, lms } => update(root, file, *today, by.as_deref(), lms),
        Action::Renew { file, today, by, lms } => renew(root, file, *today, by.as_deref(), lms),
        Action::Review { account, by, note, today } => review(root, account, by.as_deref(), note, *today),
        Action::History { account, json } => history(root, account, *json),
        Action::Revoke { key, reason, today, by } => revoke(root, key, reason, *today, by.as_deref()),
    }
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
        reports.iter().for_each(FileReport::print);
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
        report.print();
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
            report.print();
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

pub fn update(root: &Path, file: &Path, today: Option<Date>, by: Option<&str>, lms_args: &LmsReportArgs) -> i32 {
    let Locked { lock, mut src, lms, today } = match locked(root, Some(lms_args), today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (report, req) = check_file(file, &src, today, lms.as_ref());
    if let Some(r) = &req
        && r.update_of.is_none()
    {
        crate::warn_line!(
            "error: {} is a request for a new account (it has no `update_of`); approve it with `policysite request approve`",
            file.display()
        );
        return 1;
    }
    report.print();
    let Some(req) = req.filter(|_| report.acceptable) else {
        eprintln!("not updated: the update request must pass the same checks as a new request");
        return 1;
    };
    let Some(index) = req.update_of.as_deref().and_then(|k| src.data.directory.find_by_key(k)) else {
        eprintln!("not updated: the account is not in the directory");
        return 1;
    };
    let by = who(by);
    let actor = Actor { by: &by, today, source: Some(file_name(file)) };
    match src.data.directory.update(index, &req, &src.data.platforms, &report.evidence, &actor) {
        Ok(what) => {
            let a = &src.data.directory.accounts[index];
            let done = format!(
                "updated by {by} on {today}: {} on {} ({}): {}\nrebuild the site to publish the change",
                a.handle,
                a.platform,
                a.unit,
                if what.is_empty() { "training re-recorded".to_string() } else { what.join("; ") }
            );
            save_directory(&lock, &mut src, &done)
        }
        Err(why) => {
            crate::warn_line!("error: not updated: {why}");
            1
        }
    }
}

/// Read a training renewal file; JSON errors name line and column.
fn read_renewal(path: &Path) -> Result<crate::request::schema::Renewal, String> {
    let text = crate::request::file::read(path).map_err(|p| format!("{}: {}", p.field, p.message))?;
    let r: crate::request::schema::Renewal = serde_json::from_str(&text)
        .map_err(|e| format!("line {}, column {}: not a training renewal file: {e}", e.line(), e.column()))?;
    if r.schema != crate::request::schema::RENEWAL_SCHEMA || r.version != crate::request::schema::VERSION {
        return Err(format!(
            "schema: expected `{}` version {}, found `{}` version {}",
            crate::request::schema::RENEWAL_SCHEMA,
            crate::request::schema::VERSION,
            r.schema,
            r.version
        ));
    }
    Ok(r)
}

pub fn renew(root: &Path, file: &Path, today: Option<Date>, by: Option<&str>, lms_args: &LmsReportArgs) -> i32 {
    let Locked { lock, mut src, lms, today } = match locked(root, Some(lms_args), today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let renewal = match read_renewal(file) {
        Ok(r) => r,
        Err(why) => {
            crate::warn_line!("error: {}: {why}", file.display());
            return 1;
        }
    };
    let cx = Context { config: &src.config, data: &src.data, quizzes: &src.quizzes, today, lms: lms.as_ref() };
    let (mut problems, mut notes) = (Vec::new(), Vec::new());
    let email = match crate::request::email::district_email(&renewal.email, &src.config.email_domains) {
        Ok(e) => e,
        Err(why) => {
            crate::warn_line!("error: {}: email: {why}", file.display());
            return 1;
        }
    };
    let admin = crate::request::schema::Administrator {
        name: renewal.name.clone(),
        email: email.clone(),
        flsa_exempt: true,
        codes: renewal.codes.clone(),
    };
    let evidence = crate::request::training::check_admin(0, &admin, &cx, &[], &mut problems, &mut notes);
    // A quiz the renewal has no code and no LMS row for is not being renewed: its record stays.
    let offered_quizzes: Vec<String> = evidence
        .iter()
        .filter(|e| {
            renewal.codes.contains_key(&e.quiz) || e.lms.as_deref().is_some_and(|l| !l.starts_with("no completion"))
        })
        .map(|e| e.quiz.clone())
        .collect();
    let offered = |quiz: &str| offered_quizzes.iter().any(|q| q == quiz);
    problems.retain(|p| p.field.rsplit('.').next().is_some_and(offered));
    let accepted: Vec<_> = evidence.iter().filter_map(|e| e.accepted.clone()).collect();
    let administers =
        src.data.directory.accounts.iter().any(|a| {
            a.status == crate::request::directory::Status::Active && a.managers.iter().any(|m| m.email == email)
        });
    if !administers {
        problems.push(crate::request::check::Problem {
            field: "email".into(),
            message: format!("{email} administers no active account in {DIRECTORY_FILE}; nothing to renew"),
        });
    }
    if accepted.is_empty() && problems.is_empty() {
        problems.push(crate::request::check::Problem {
            field: "codes".into(),
            message: "no new training evidence: give completion codes, or --lms-report with the person's rows".into(),
        });
    }
    let report = FileReport {
        file: file.display().to_string(),
        acceptable: problems.is_empty(),
        summary: Some(format!("training renewal for {} <{email}>", renewal.name.trim())),
        problems,
        notes,
        evidence: evidence.into_iter().filter(|e| e.accepted.is_some() || offered(&e.quiz)).collect(),
    };
    report.print();
    if !report.acceptable {
        eprintln!("not renewed: nothing was recorded");
        return 1;
    }
    let by = who(by);
    let actor = Actor { by: &by, today, source: Some(file_name(file)) };
    let changed = src.data.directory.renew(&email, &accepted, &actor);
    let done = format!("renewed by {by} on {today}: recorded on {}", changed.join(", "));
    save_directory(&lock, &mut src, &done)
}

/// The account `key` names, or print why not.
fn account_index(src: &Sources, key: &str) -> Result<usize, i32> {
    src.data.directory.find_by_key(key).ok_or_else(|| {
        crate::warn_line!("error: no account `{key}` in {DIRECTORY_FILE}; use its request id or platform:handle");
        1
    })
}

pub fn review(root: &Path, key: &str, by: Option<&str>, note: &str, today: Option<Date>) -> i32 {
    let Locked { lock, mut src, today, .. } = match locked(root, None, today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let index = match account_index(&src, &canonical_key(&src, key)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    if src.data.directory.accounts[index].status != crate::request::directory::Status::Active {
        crate::warn_line!("error: the account `{key}` is retired; there is nothing to review");
        return 1;
    }
    let by = who(by);
    src.data.directory.review(index, note, &Actor { by: &by, today, source: None });
    let a = &src.data.directory.accounts[index];
    let next = Date::from_days(today.to_days() + i64::from(src.config.review_every_days));
    let done =
        format!("reviewed by {by} on {today}: {} on {} ({}); next review due {next}", a.handle, a.platform, a.unit);
    save_directory(&lock, &mut src, &done)
}

pub fn history(root: &Path, key: &str, json: bool) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let index = match account_index(&src, &canonical_key(&src, key)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let a = &src.data.directory.accounts[index];
    if json {
        let v = serde_json::json!({ "request_id": a.request_id, "platform": a.platform, "handle": a.handle, "history": a.history });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return 0;
    }
    let status = match a.retired {
        Some(d) => format!("retired {d}"),
        None => "active".to_string(),
    };
    crate::say!("{} on {} ({}; request {}; {status})", a.handle, a.platform, a.unit, a.request_id);
    if a.history.is_empty() {
        crate::say!(
            "  {}  {:<9} {}: approved before the directory kept history",
            a.approved,
            "approved",
            a.approved_by.as_deref().unwrap_or("unknown")
        );
    }
    for c in &a.history {
        let source = c.source.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        crate::say!("  {}  {:<9} {}: {}{source}", c.date, c.action, c.by, c.what);
    }
    0
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

/// `request audit`: the registry's health report.
pub fn audit(root: &Path, format: AuditFormat, within: u32, today: Option<Date>) -> i32 {
    use crate::request::audit::{self, Kind};
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
            let mut w = csv::Writer::from_writer(std::io::stdout());
            for r in audit::reminders(&found, &src.data) {
                // CSV opened in a spreadsheet: no cell starts a formula, and controls are visible.
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
                if let Err(e) = w.serialize(row) {
                    eprintln!("error: cannot write CSV: {e}");
                    return 2;
                }
            }
            if let Err(e) = w.flush() {
                eprintln!("error: cannot write CSV: {e}");
                return 2;
            }
        }
        AuditFormat::Text => {
            crate::say!(
                "request audit of {DIRECTORY_FILE} on {today} (training lapsing and reviews due within {within} days)"
            );
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
            if found.is_empty() {
                crate::say!(
                    "nothing needs action: every administrator's training counts beyond {within} days, every active account in {DIRECTORY_FILE} is on an approved platform, and no review is due"
                );
            } else {
                crate::say!("{} finding(s) need action", found.len());
                if found.iter().any(|f| f.kind == Kind::PlatformNotApproved) {
                    crate::say!(
                        "retire an account on a platform that is not approved with `policysite request revoke PLATFORM:HANDLE --reason …`, or move it to an approved platform"
                    );
                }
                if found
                    .iter()
                    .any(|f| matches!(f.kind, Kind::TrainingLapsed | Kind::TrainingLapsing | Kind::TrainingMissing))
                {
                    crate::say!(
                        "record new training with `policysite request renew FILE`; `--format csv` lists whom to remind"
                    );
                }
                if found.iter().any(|f| f.kind == Kind::ReviewDue) {
                    crate::say!("record a review with `policysite request review ACCOUNT --by NAME`");
                }
            }
        }
    }
    if found.is_empty() { 0 } else { 1 }
}

/// The date the command runs as: `--today`, else `SOURCE_DATE_EPOCH`, else today in the site's
/// `time_zone` (one rule for every command, `crate::config::SiteConfig::today`).
fn site_today(config: &crate::config::SiteConfig, given: Option<Date>) -> Result<Date, i32> {
    config.today(given).map_err(|d| {
        eprintln!("{d}");
        2
    })
}
