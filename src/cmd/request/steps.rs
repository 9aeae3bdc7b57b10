//! The steps `request` commands share (load the sources, take the directory lock, check a file, save
//! the directory), used by [`super`] and its parts (`audit`, `registry`), which import them from
//! here, not from the parent module.

use std::path::Path;

pub(super) use crate::config::SiteConfig;
pub(super) use crate::date::Date;
pub(super) use crate::diag::Diagnostics;
pub(super) use crate::load::data::Data;
pub(super) use crate::quiz::Quizzes;
pub(super) use crate::request::check::Context;
pub(super) use crate::request::directory::{Actor, DIRECTORY_FILE};
pub(super) use crate::request::lms::{self, args::LmsReportArgs};
pub(super) use crate::request::report::{self, FileReport};
pub(super) use crate::request::schema::Request;
pub(super) use crate::request::store;

/// Print a request's report to stdout (the library makes its lines).
pub(super) fn print(report: &FileReport) {
    for line in report.lines() {
        println!("{line}");
    }
}

/// `--by`, or the user running the command.
pub(super) fn who(by: Option<&str>) -> String {
    by.map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .or_else(|| {
            ["USER", "USERNAME", "LOGNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        })
        .unwrap_or_else(|| "unknown".into())
}

pub(super) struct Sources {
    pub(super) config: SiteConfig,
    pub(super) data: Data,
    pub(super) quizzes: Quizzes,
}

pub(super) fn load(root: &Path) -> Result<Sources, Diagnostics> {
    let config = SiteConfig::load(root)?;
    let data = crate::load::data::load(root)?;
    let quizzes = crate::quiz::load_all(root)?;
    Ok(Sources { config, data, quizzes })
}

pub(super) fn check_file(
    path: &Path,
    src: &Sources,
    today: Date,
    lms: Option<&lms::Report>,
) -> (FileReport, Option<Request>) {
    let cx = Context { config: &src.config, data: &src.data, quizzes: &src.quizzes, today, lms };
    report::check_file(path, &cx)
}

/// Load the site's sources, or print why not (exit status 2: the site itself is broken).
pub(super) fn load_or_report(root: &Path) -> Result<Sources, i32> {
    load(root).map_err(|d| {
        crate::cmd::report(&d);
        2
    })
}

/// The LMS report of `--lms-report`, if given; `Err(2)` (printed) when it cannot be read.
pub(super) fn load_lms(args: &LmsReportArgs, src: &Sources) -> Result<Option<lms::Report>, i32> {
    args.load(&src.config, &src.quizzes).map_err(|why| {
        crate::warn_line!("error: {why}");
        2
    })
}

/// Save the directory after a change (under the lock) and say what happened.
pub(super) fn save_directory(lock: &store::DirectoryLock, src: &mut Sources, done: &str) -> i32 {
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

/// Take the directory lock, or say why not.
pub(super) fn lock_or_report(root: &Path) -> Result<store::DirectoryLock, i32> {
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
pub(super) struct Locked {
    pub(super) lock: store::DirectoryLock,
    pub(super) src: Sources,
    pub(super) lms: Option<lms::Report>,
    pub(super) today: Date,
}

/// Take the lock, then read the sources and the LMS report under it (a parallel change cannot be
/// overwritten), and settle the date the command runs as.
pub(super) fn locked(root: &Path, lms_args: Option<&LmsReportArgs>, today: Option<Date>) -> Result<Locked, i32> {
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

/// The file's name, as history records where a change came from.
pub(super) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The account `key` names, or print why not.
pub(super) fn account_index(src: &Sources, key: &str) -> Result<usize, i32> {
    src.data.directory.find_by_key(key).ok_or_else(|| {
        crate::warn_line!("error: no account `{key}` in {DIRECTORY_FILE}; use its request id or platform:handle");
        1
    })
}

/// `Blogs:@x` and `blog:@x` name one account: use the platform's id.
pub(super) fn canonical_key(src: &Sources, key: &str) -> String {
    let canonical = |p: &str| {
        let pl = &src.data.platforms;
        pl.find(p).map(|(x, _)| x.id.clone()).or_else(|| pl.find_former(p).map(|x| x.id.clone()))
    };
    match key.split_once(':').and_then(|(p, h)| Some((canonical(p)?, h))) {
        Some((id, handle)) => format!("{id}:{handle}"),
        None => key.to_string(),
    }
}

/// The date the command runs as: `--today`, else `SOURCE_DATE_EPOCH`, else today in the site's
/// `time_zone` (one rule for every command, `crate::config::SiteConfig::today`).
pub(super) fn site_today(config: &crate::config::SiteConfig, given: Option<Date>) -> Result<Date, i32> {
    config.today(given).map_err(|d| {
        eprintln!("{d}");
        2
    })
}
