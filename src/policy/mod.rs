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

/// The date a build treats as "today": decides which revision is current and which are upcoming.
/// `--today`, else `SOURCE_DATE_EPOCH` (seconds, for reproducible builds), else today in UTC.
pub fn build_date(today: Option<Date>) -> Date {
    if let Some(d) = today {
        return d;
    }
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        return Date::from_days(secs.div_euclid(86_400));
    }
    Date::today_utc()
}

/// Attach the revisions to the model, then check them: published revisions unchanged
/// ([`publish::check`]), `teaches:` naming real sections, and review warnings ([`review::check`]).
pub fn attach(root: &std::path::Path, site: &mut crate::model::Site, policies: Policies) -> crate::diag::Diagnostics {
    site.policy = policies;
    let mut diags = publish::check(root, &site.policy);
    diags.extend(review::check(site));
    diags
}

/// Print a warning (not an error: the build goes on) in the same `file:line` form as errors.
pub fn warn(d: &crate::diag::Diagnostic) {
    let text = d.to_string();
    eprintln!("{}", text.replacen("error:", "warning:", 1));
}
