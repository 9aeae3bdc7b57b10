//! `policysite new DIR`: start a site for a district: settings from the flags, one policy page, a
//! training module with its quiz, the platform list, the request form and the directory, the theme and
//! the JSON Schemas. It builds and serves at once.

use std::path::{Path, PathBuf};

use crate::scaffold;

#[derive(clap::Args)]
pub struct Args {
    /// Folder to create the site in (below --root when relative); it must not exist yet or be empty.
    pub dir: PathBuf,
    /// The district's name, shown in every page's header.
    #[arg(long, default_value = "Example School District")]
    pub district: String,
    /// The district's email domain: staff addresses must be in it.
    #[arg(long, default_value = "example.org")]
    pub domain: String,
    /// The district's time zone (IANA name, e.g. `America/Los_Angeles`), written to site.yaml as
    /// `time_zone`: "today" for every command is the date there.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
}

pub fn run(root: &Path, args: &Args) -> i32 {
    // DIR is taken below --root like every other path (with the default `.`, below the current folder).
    let target = root.join(&args.dir);
    let settings = match (
        scaffold::check_district(&args.district),
        scaffold::check_domain(&args.domain),
        scaffold::check_time_zone(&args.time_zone),
    ) {
        (Ok(district), Ok(domain), Ok(time_zone)) => scaffold::Settings { district, domain, time_zone },
        (d, m, t) => {
            for e in [d.err(), m.err(), t.err()].into_iter().flatten() {
                eprintln!("error: {e}");
            }
            return 2;
        }
    };
    match scaffold::create(&target, &settings) {
        Ok(n) => {
            let dir = target.display();
            eprintln!("created a site for {} in {dir} ({n} files)", settings.district);
            eprintln!(
                "next:\n  cd {dir}\n  policysite serve\nthen edit site.yaml, content/regulation/social-media.md and data/platforms.yaml first (see README.md there)"
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
