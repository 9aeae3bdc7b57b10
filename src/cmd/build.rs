//! `policysite build`: render the site into its output folder.

use std::path::{Path, PathBuf};

use crate::engine as build;

#[derive(clap::Args)]
pub struct Args {
    /// Output folder.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Print how long each stage took.
    #[arg(long)]
    pub timings: bool,
    /// Policy revisions (src/policy): build as of this date (YYYY-MM-DD), which decides the current
    /// and upcoming revisions. Default: SOURCE_DATE_EPOCH, else today in the site's `time_zone`.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<crate::date::Date>,
    /// Render every page, even those whose sources, templates and settings did not change since the
    /// output was built (which are otherwise kept as they are: see README, "Rebuilds").
    #[arg(long)]
    pub render_all: bool,
}

/// What the build kept, after the count: "; 9,999 unchanged pages kept".
fn unchanged(kept: usize) -> String {
    match kept {
        0 => String::new(),
        1 => "; 1 unchanged page kept".into(),
        n => format!("; {n} unchanged pages kept"),
    }
}

/// How the search index was made when it was updated in place rather than made whole (README,
/// "After an edit of page text"): "; search index updated for 2 edited pages". It tells a user
/// why one rebuild took a tenth of another.
fn updated(text_updated: Option<usize>) -> String {
    match text_updated {
        None => String::new(),
        Some(0) => "; search index repaired in place".into(),
        Some(1) => "; search index updated for 1 edited page".into(),
        Some(n) => format!("; search index updated for {n} edited pages"),
    }
}

pub fn run(root: &Path, args: &Args) -> i32 {
    let timings = args.timings;
    let output = args.output.clone().unwrap_or_else(|| build::default_output(root));
    let today = match crate::policy::build_date(root, args.today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            return 1;
        }
    };
    let rendering = if args.render_all { build::Rendering::All } else { build::Rendering::Changed };
    match build::build(root, &output, today, rendering, &|w| eprintln!("{w}")) {
        Ok(r) => {
            super::show(&r.warnings);
            eprintln!(
                "built {} pages ({} files, {} KiB) into {}{}{}",
                r.pages,
                r.files,
                r.bytes / 1024,
                output.display(),
                unchanged(r.kept),
                updated(r.text_updated)
            );
            if timings {
                eprintln!("timings: {}", r.timings);
            }
            r.leftover.leave(); // the process ends now
            0
        }
        Err(d) => {
            super::report(&d);
            if std::fs::symlink_metadata(&output).is_ok() {
                eprintln!("build failed; the previous output in {} was left as it was", output.display());
            } else {
                eprintln!("build failed; {} was not created", output.display());
            }
            1
        }
    }
}
