//! `policysite export FORMAT`: training modules as packages for other systems (`scorm`: SCORM
//! packages for the district's LMS). The formats are the registered exporters (`export::exporters`).

use std::path::{Path, PathBuf};

use crate::export;

#[derive(clap::Args)]
pub struct Args {
    /// The package format: `scorm` (one SCORM package, a zip, per training module, for upload to an
    /// LMS such as Canvas or Moodle).
    #[arg(value_parser = parse_format)]
    pub format: String,
    /// The format's edition, required for SCORM: 1.2 or 2004 (4th Edition).
    #[arg(long)]
    pub version: Option<String>,
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

fn parse_format(s: &str) -> Result<String, String> {
    export::find(s).map(|e| e.name().to_string())
}

fn non_empty_module(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("an empty --module names no module; give a quiz id or page name, or leave --module out to export every module".into());
    }
    Ok(s.to_string())
}

pub fn run(root: &Path, args: &Args) -> i32 {
    let exporter = match export::find(&args.format) {
        Ok(e) => e,
        Err(m) => {
            eprintln!("error: {m}");
            return 2;
        }
    };
    let request = export::Request {
        exporter,
        edition: args.version.as_deref(),
        output: &args.output,
        module: args.module.as_deref(),
        today: args.today,
    };
    match export::export(root, &request) {
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
                args.output.display()
            );
            1
        }
    }
}
