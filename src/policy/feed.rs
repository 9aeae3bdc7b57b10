//! `feed.xml`: an Atom (RFC 4287) feed of what changed: policy revisions, platform-list changes and
//! quiz revisions, newest first. The same entries make the home page's "What changed" list.
//!
//! Entry ids are `tag:` URIs (RFC 4151) minted from the Communications Department's email domain and
//! the change's date, so they never change when the site moves to another host or path.

use serde::Serialize;

use crate::date::Date;
use crate::model::Site;

/// One change, for the feed and the home page.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Permanent id (`tag:` URI).
    pub id: String,
    pub title: String,
    pub summary: String,
    pub date: Date,
    /// Link target below the site root (`regulation/6973-1r/compare/…/index.html`).
    pub path: String,
    /// `policy`, `platforms` or `quiz`.
    pub kind: &'static str,
}

/// The authority part of `tag:` ids: the domain of the Communications Department's address.
fn authority(site: &Site) -> String {
    let email = &site.config.communications.email;
    email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_else(|| "policysite.invalid".into())
}

/// Every change the site knows of, newest first (ties by id, so the order is stable).
pub fn changes(site: &Site) -> Vec<Change> {
    let auth = authority(site);
    let mut out = Vec::new();
    for p in &site.policy.pages {
        let key = p.number.clone().unwrap_or_else(|| p.rel.trim_end_matches(".md").to_string());
        for (i, r) in p.revisions.iter().enumerate() {
            let path = if i == 0 {
                format!("{}index.html", r.url)
            } else {
                format!("{}index.html", super::pages::compare_dir(p, i - 1, i))
            };
            let when = match r.effective {
                Some(e) if e != r.date => format!(" Takes effect on {}.", e.long()),
                _ => String::new(),
            };
            out.push(Change {
                id: format!("tag:{auth},{}:policy/{key}/{}", r.date, r.date),
                title: format!("{} {} ({})", p.label(), if i == 0 { "adopted" } else { "revised" }, r.date.long()),
                summary: format!("{}{when}", r.note),
                date: r.date,
                path,
                kind: "policy",
            });
        }
    }
    out.extend(platform_changes(site));
    out.extend(quiz_changes(site));
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Dated changes of the approved-platform list (`history:` in `data/platforms.yaml`), each linking
/// to `/platforms/`.
pub fn platform_changes(site: &Site) -> Vec<Change> {
    let auth = authority(site);
    let page = site.pages.iter().find(|p| p.source.front.template.as_deref() == Some("platforms.html"));
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

/// Published quiz revisions, from `quizzes/revisions.lock` (entries of the old lock format carry no
/// date and are left out). Each links to the module page, where the quiz is.
pub fn quiz_changes(site: &Site) -> Vec<Change> {
    let auth = authority(site);
    let mut out = Vec::new();
    for quiz in site.quizzes.by_id.values() {
        let path = site.page(&quiz.module).map(|p| format!("{}index.html", p.url)).unwrap_or_default();
        for p in &quiz.published {
            let Some(date) = p.published else { continue };
            let window = match p.retrain_by {
                Some(d) => format!(" Codes of the previous revision count until {}.", d.long()),
                None if p.revision > 1 => " Codes of the previous revision no longer count.".to_string(),
                None => String::new(),
            };
            out.push(Change {
                id: format!("tag:{auth},{date}:quiz/{}/{}", quiz.id, p.revision),
                title: format!("Quiz “{}”: revision {} published ({})", quiz.title, p.revision, date.long()),
                summary: format!(
                    "The training quiz was {}.{window}",
                    if p.revision == 1 { "published" } else { "revised" }
                ),
                date,
                path: path.clone(),
                kind: "quiz",
            });
        }
    }
    out
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

/// The Atom document. Deterministic: its `updated` is the newest change's date, not the build time,
/// and no date in it runs past the build date (a revision adopted for a later day is in the feed
/// already, dated the build date, so readers are not told the feed changed in 2099).
pub fn atom(site: &Site) -> String {
    let changes = changes(site);
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
    for ch in &changes {
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
