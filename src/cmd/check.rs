//! `policysite check`: build in memory, check every link, write nothing.

use std::path::Path;
use std::time::Duration;

use crate::engine as build;
use crate::links::{self, ExternalOptions};

#[derive(clap::Args)]
pub struct Args {
    /// Also fetch external links (HEAD, then GET), with a timeout, a per-host rate limit and a cache.
    #[arg(long = "external")]
    pub enabled: bool,
    /// Timeout per external request, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: u64,
    /// Minimum time between two requests to the same host, in milliseconds.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub per_host_ms: u64,
    /// Reuse external results younger than this many hours (cache in .policysite-cache/).
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(0..=87_600))]
    pub cache_hours: u64,
    /// Check the site as `build --today DATE` would build it (policy revisions: which one is current,
    /// which are upcoming). Default: SOURCE_DATE_EPOCH, else today in the site's `time_zone`.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<crate::date::Date>,
}

pub fn run(root: &Path, external: &Args) -> i32 {
    let today = match crate::policy::build_date(root, external.today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            return 1;
        }
    };
    let (pages, index) = match build::check(root, today) {
        Ok((pages, index, warnings)) => {
            super::show(&warnings);
            (pages, index)
        }
        Err(d) => {
            super::report(&d);
            return 1;
        }
    };
    eprintln!("checked {pages} pages and their links: no problems found");
    // Settings that have a default but should be set (the site loaded, so site.yaml does), and the
    // change feed's need for absolute links: it is how staff hear of a new revision.
    if let Ok(config) = crate::config::SiteConfig::load(root) {
        for note in config.notes() {
            eprintln!("note: {note}");
        }
        super::show(&config.warnings());
    }
    if !external.enabled {
        return 0;
    }
    let urls = index.external();
    let opts = ExternalOptions {
        timeout: Duration::from_millis(external.timeout_ms),
        per_host_interval: Duration::from_millis(external.per_host_ms),
        cache_ttl: Duration::from_secs(external.cache_hours * 3600),
        cache_file: links::default_cache(root),
    };
    let (diags, fetched, cached) = links::check_external(&urls, &opts);
    eprintln!("external links: {} distinct, {fetched} fetched, {cached} from the cache", urls.len());
    if diags.is_empty() {
        0
    } else {
        super::report(&diags);
        1
    }
}
