//! `policysite export scorm`: training modules as SCORM packages for the district's LMS.

use std::path::{Path, PathBuf};

use crate::export::{self, ScormVersion};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand)]
pub enum What {
    /// One SCORM package (zip) per training module, for upload to an LMS (Canvas, Moodle, …).
    Scorm(ScormArgs),
}

#[derive(clap::Args)]
pub struct ScormArgs {
    /// SCORM edition: 1.2 or 2004 (4th Edition).
    #[arg(long, value_parser = parse_version)]
    pub version: ScormVersion,
    /// Folder for the packages (created if missing); each is `<quiz>-scorm12.zip` or `<quiz>-scorm2004.zip`.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Only this module (its quiz id, or its page name); default: every training module.
    #[arg(long, value_parser = non_empty_module)]
    pub module: Option<String>,
    /// Export as of this date (YYYY-MM-DD): which policy revision the module pages show. Default:
    /// SOURCE_DATE_EPOCH, else today in the site's `time_zone`.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<crate::date::Date>,
}

fn non_empty_module(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("an empty --module names no module; give a quiz id or page name, or leave --module out to export every module".into());
    }
    Ok(s.to_string())
}

fn parse_version(s: &str) -> Result<ScormVersion, String> {
    ScormVersion::parse(s).ok_or_else(|| format!("`{s}` is not a SCORM version; use 1.2 or 2004"))
}

pub fn run(root: &Path, args: &Args) -> i32 {
    let What::Scorm(a) = &args.what;
    match export::export_scorm(root, a.version, &a.output, a.module.as_deref(), a.today) {
        Ok((written, warnings)) => {
            super::show(&warnings);
            for w in &written {
                println!(
                    "{}: {} (revision {}, launch {}, {} files, {} KiB)",
                    w.module.quiz,
                    w.path.display(),
                    w.module.revision,
                    w.module.launch,
                    w.files,
                    w.bytes.div_ceil(1024)
                );
            }
            0
        }
        Err(d) => {
            super::report(&d);
            eprintln!(
                "export failed; no package was written, and packages already in {} were left as they were",
                a.output.display()
            );
            1
        }
    }
}
