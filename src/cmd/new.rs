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
    /// The site's public address, e.g. https://www.example.org/social-media/ (site.yaml's
    /// `base_url`: the change feed and the sitemap need absolute links). Without it, site.yaml gets
    /// a commented `base_url:` line to fill in.
    #[arg(long)]
    pub base_url: Option<String>,
    /// The district's time zone (IANA name, e.g. `America/Los_Angeles`), written to site.yaml as
    /// `time_zone`: "today" for every command is the date there.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
}

pub fn run(root: &Path, args: &Args) -> i32 {
    // DIR is taken below --root like every other path (with the default `.`, below the current folder).
    let target = root.join(&args.dir);
    let base_url = args.base_url.as_deref().map(scaffold::check_base_url).transpose();
    let settings = match (
        scaffold::check_district(&args.district),
        scaffold::check_domain(&args.domain),
        base_url,
        scaffold::check_time_zone(&args.time_zone),
    ) {
        (Ok(district), Ok(domain), Ok(base_url), Ok(time_zone)) => {
            scaffold::Settings { district, domain, base_url, time_zone }
        }
        (d, m, b, t) => {
            for e in [d.err(), m.err(), b.err(), t.err()].into_iter().flatten() {
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
                "next:\n  cd {dir}\n  policysite serve\nthen edit site.yaml, content/regulation/social-media.md (its text: content/regulation/social-media/2026-01-01.md)\nand data/platforms.yaml first (see README.md there)"
            );
            0
        }
        Err(d) => {
            super::report(&d.into());
            1
        }
    }
}
