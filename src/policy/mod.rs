//! A living policy, the domain: dated revisions of a policy page ([`revisions`]), a revision as
//! sections ([`sections`]) and the comparison of two ([`compare`]), and the record of published
//! revisions ([`publish`]). It knows neither the site model nor templates: what revisions add to the
//! site (archive and compare pages, the page context, the feed entries, the review warnings) is the
//! policy feature, `crate::features::policy`.

pub mod compare;
pub mod publish;
pub mod revisions;
pub mod sections;

use crate::date::Date;

pub use revisions::{Policies, PolicyPage, Revision, prepare};

/// The date a command on the site in `root` treats as "today" ([`crate::date::today`]): `--today`,
/// else `SOURCE_DATE_EPOCH`, else the clock, as a date in the site's `time_zone`. For commands that
/// need the date before the site is loaded; a `site.yaml` that does not load is reported by the load
/// that follows, and meanwhile counts as UTC.
pub fn build_date(root: &std::path::Path, today: Option<Date>) -> Result<Date, crate::diag::Diagnostic> {
    if let Some(d) = today {
        return Ok(d);
    }
    match crate::config::SiteConfig::load(root) {
        Ok(config) => config.today(None),
        Err(_) => crate::config::today_in(&jiff::tz::TimeZone::UTC, None),
    }
}
