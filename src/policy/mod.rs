//! A living policy: dated revisions of a policy page, their permanent archive URLs, compare views,
//! upcoming changes, the Atom change feed and the "module needs review" warning.
//!
//! The rest of the pipeline sees revisions only through three small hooks, so the engine does not
//! need to know about them:
//!
//! - [`prepare`] (load): a page with a revisions folder gets the text of the revision in effect on
//!   the build date, and every revision becomes an archive page of its own;
//! - [`page_context`] (render): the timeline, banner and upcoming notice for those pages, and the
//!   "What changed" list for the home page;
//! - [`site_files`] (write): compare pages and `feed.xml`.

pub mod adopted;
pub mod compare;
pub mod feed;
pub mod pages;
pub mod publish;
pub mod review;
pub mod revise;
pub mod revisions;
pub mod sections;

use crate::date::Date;

pub use pages::{page_context, site_files};
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

/// Attach the revisions to the model, then check them: published revisions unchanged
/// ([`publish::check`]), `teaches:` naming real sections, and review warnings ([`review::check`]).
pub fn attach(root: &std::path::Path, site: &mut crate::model::Site, policies: Policies) -> crate::diag::Diagnostics {
    site.policy = policies;
    let mut diags = publish::check(root, &site.policy);
    diags.extend(review::check(site));
    diags
}
