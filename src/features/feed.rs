//! `feed.xml`: an Atom (RFC 4287) feed of what changed, newest first: the entries every feature gives
//! ([`crate::feature::Feature::changes`]: policy revisions, quiz revisions) and the platform list's
//! changes. The same entries make the home page's "What changed" list ([`home_context`]).
//!
//! Entry ids are `tag:` URIs (RFC 4151) minted from the Communications Department's email domain and
//! the change's date, so they never change when the site moves to another host or path.

use serde::Serialize;

use crate::date::Date;
use crate::feature::{Change, Vars};
use crate::model::{Page, PageKind, Site};

/// What the feed reserves.
pub(crate) const RESERVED: &[crate::feature::Reserved] = &[("feed.xml", "the change feed")];

/// `changes` (every feature's entries and the platform list's), newest first (ties by id, so the
/// order is stable).
pub(crate) fn sorted(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    changes
}

/// A date as templates show it.
#[derive(Serialize)]
struct DateView {
    iso: String,
    long: String,
}

/// One entry of the home page's "What changed".
#[derive(Serialize)]
struct ChangeView {
    title: String,
    summary: String,
    date: DateView,
    href: String,
    kind: &'static str,
}

/// The home page's `changes`.
#[derive(Serialize)]
struct HomeChanges {
    items: Vec<ChangeView>,
    feed_href: String,
}

/// The home page's `changes`: the newest five and the feed's address (null on other pages).
pub(crate) fn home_context(page: &Page, changes: impl FnOnce() -> Vec<Change>) -> Vars {
    let changes = (page.source.rel == "_index.md").then(|| HomeChanges {
        items: changes()
            .into_iter()
            .take(5)
            .map(|c| ChangeView {
                date: DateView { iso: c.date.to_string(), long: c.date.long() },
                href: format!("{}{}", page.root, c.path),
                title: c.title,
                summary: c.summary,
                kind: c.kind,
            })
            .collect(),
        feed_href: format!("{}feed.xml", page.root),
    });
    crate::feature::vars([("changes", crate::feature::json(&changes))])
}

/// The authority part of `tag:` ids: the domain of the Communications Department's address.
pub(crate) fn authority(site: &Site) -> String {
    let email = &site.config.communications.email;
    email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_else(|| "policysite.invalid".into())
}

/// Dated changes of the approved-platform list (`history:` in `data/platforms.yaml`), each linking
/// to `/platforms/`.
pub(crate) fn platform_changes(site: &Site) -> Vec<Change> {
    let auth = authority(site);
    let page = site.first_of(PageKind::Platforms);
    let path = page.map(|p| format!("{}index.html", p.url)).unwrap_or_else(|| "index.html".into());
    site.data
        .platforms
        .changes()
        .iter()
        .map(|c| {
            let mut parts = Vec::new();
            if !c.added_names.is_empty() {
                parts.push(format!("Added: {}.", c.added_names.join(", ")));
            }
            if !c.removed_names.is_empty() {
                parts.push(format!("Removed: {}.", c.removed_names.join(", ")));
            }
            if let Some(n) = &c.note {
                parts.push(n.clone());
            }
            Change {
                id: format!("tag:{auth},{}:platforms/{}", c.date, c.date),
                title: format!("Approved platform list changed ({})", c.date.long()),
                summary: parts.join(" "),
                date: c.date,
                path: path.clone(),
                kind: "platforms",
            }
        })
        .collect()
}

/// The feed's links: absolute under `base_url` when set, else relative to `feed.xml` (the root).
fn href(site: &Site, path: &str) -> String {
    link(site.config.base_url.as_deref(), path)
}

fn link(base_url: Option<&str>, path: &str) -> String {
    match base_url {
        Some(u) => format!("{}/{path}", u.trim_end_matches('/')),
        None => path.to_string(),
    }
}

fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// The Atom document of `changes` (newest first). Deterministic: its `updated` is the newest change's
/// date, not the build time, and no date in it runs past the build date (a revision adopted for a
/// later day is in the feed already, dated the build date, so readers are not told the feed changed
/// in 2099).
pub(crate) fn atom(site: &Site, changes: &[Change]) -> String {
    let build_date = site.policy.today;
    let cap = |d: Date| if build_date > Date::from_days(0) { d.min(build_date) } else { d };
    // With no recorded change yet, the newest approval or revision date of any page.
    let updated = changes
        .iter()
        .map(|c| c.date)
        .max()
        .or_else(|| site.pages.iter().filter_map(|p| p.source.front.revised.or(p.source.front.approved)).max());
    let updated = cap(updated.unwrap_or(Date::from_days(0)));
    let auth = authority(site);
    let c = &site.config;
    let mut x = crate::xml::Doc::new("utf-8");
    x.open("feed", &[("xmlns", "http://www.w3.org/2005/Atom")]).ws("\n  ");
    x.leaf("title", &[], &format!("{}: what changed", c.title)).ws("\n  ");
    x.leaf("subtitle", &[], &c.description).ws("\n  ");
    x.leaf("id", &[], &format!("tag:{auth},2016:policysite/feed")).ws("\n  ");
    x.leaf("updated", &[], &stamp(updated)).ws("\n  ");
    x.open("author", &[]).leaf("name", &[], &c.communications.name).leaf("email", &[], &c.communications.email);
    x.close("author").ws("\n  ");
    x.empty("link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &href(site, "feed.xml"))]);
    x.ws("\n  ");
    x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &href(site, "index.html"))]);
    x.ws("\n");
    for ch in changes {
        x.ws("  ").open("entry", &[]).ws("\n    ");
        x.leaf("id", &[], &ch.id).ws("\n    ");
        x.leaf("title", &[], &ch.title).ws("\n    ");
        x.leaf("updated", &[], &stamp(cap(ch.date))).ws("\n    ");
        x.empty("category", &[("term", ch.kind)]).ws("\n    ");
        x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &href(site, &ch.path))]);
        x.ws("\n    ").leaf("summary", &[], &ch.summary).ws("\n  ").close("entry").ws("\n");
    }
    x.close("feed").ws("\n");
    x.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_absolute_under_base_url_and_relative_without() {
        let p = "regulation/6973-1r/compare/a-to-b/index.html";
        assert_eq!(super::link(Some("https://example.org/social/"), p), format!("https://example.org/social/{p}"));
        assert_eq!(super::link(Some("https://example.org/social"), p), format!("https://example.org/social/{p}"));
        assert_eq!(super::link(None, p), p);
    }
}
