//! The policy feature: what revisions (the domain, [`crate::policy`]) add to the site. It loads
//! them into the pages ([`crate::policy::prepare`]: the current revision's text, one archive page per
//! revision), checks them (published revisions unchanged, `teaches:`, review warnings), gives the
//! policy page and its archive pages their timeline, notes today's platform list after an adopted
//! footnote ([`adopted`]), writes the compare pages, and gives the change feed one entry per revision.

pub mod adopted;
pub mod review;

use std::path::Path;

use serde::Serialize;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::feature::{Change, Feature, Templates, Vars, json};
use crate::load::content::SourcePage;
use crate::model::{FeatureData, Page, Site, root_for};
use crate::output::Sink;
use crate::policy::revisions::{PolicyPage, Revision, compare_dir};
use crate::policy::sections::Section;

pub(crate) struct Policy;

impl Feature for Policy {
    fn name(&self) -> &'static str {
        "policy revisions"
    }

    fn prepare(
        &self,
        root: &Path,
        today: Date,
        pages: Vec<SourcePage>,
        data: &mut FeatureData,
        diags: &mut Diagnostics,
    ) -> Vec<SourcePage> {
        let (pages, policy) = crate::policy::prepare(root, pages, today, diags);
        data.policy = policy;
        pages
    }

    /// Published revisions unchanged ([`crate::policy::publish::check::check`]), `teaches:` naming real
    /// sections, and review warnings ([`review::check`]).
    fn check(&self, root: &Path, site: &mut Site) -> Diagnostics {
        let mut diags = crate::policy::publish::check::check(root, &site.policy);
        diags.extend(review::check(site));
        diags
    }

    /// Modules to review after a revision, found by [`review::check`].
    fn warnings(&self, site: &Site) -> Vec<Diagnostic> {
        site.policy.warnings.clone()
    }

    fn warns_on_every_load(&self) -> bool {
        true
    }

    fn page_context(&self, site: &Site, page: &Page) -> Vars {
        page_context(site, page)
    }

    fn page_html(&self, site: &Site, page: &Page, html: String) -> String {
        adopted::current_list_note(site, page, html)
    }

    fn changes(&self, site: &Site) -> Vec<Change> {
        changes(site)
    }

    fn write(&self, site: &Site, templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
        match compare_pages(site, templates) {
            Ok(files) => crate::feature::put_files(sink, files),
            Err(d) => d.into(),
        }
    }

    /// A policy page's text comes from its revision files, not from its own body.
    fn owns_page_text(&self, site: &Site, rel: &str) -> bool {
        site.policy.by_rel(rel).is_some()
    }

    /// A policy revision's page notes today's platform list when it differs from the adopted footnote.
    fn page_reads_data(&self, site: &Site, page: &Page, changed: &[&str]) -> bool {
        changed.contains(&"platforms") && adopted::reads_platforms(site, page)
    }
}

/// One change per revision: its adoption (the first) or its compare page against the one before.
fn changes(site: &Site) -> Vec<Change> {
    let auth = crate::features::feed::authority(site);
    let mut out = Vec::new();
    for p in &site.policy.pages {
        let key = p.number.clone().unwrap_or_else(|| p.rel.trim_end_matches(".md").to_string());
        for (i, r) in p.revisions.iter().enumerate() {
            let path =
                if i == 0 { format!("{}index.html", r.url) } else { format!("{}index.html", compare_dir(p, i - 1, i)) };
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
    out
}

/// The comparisons published for a page: each revision against the one before it, and each
/// against the current revision.
pub(crate) fn pairs(p: &PolicyPage) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = (1..p.revisions.len()).map(|i| (i - 1, i)).collect();
    for i in 0..p.revisions.len() {
        if i != p.current {
            out.push((i.min(p.current), i.max(p.current)));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn status(p: &PolicyPage, i: usize) -> &'static str {
    match i.cmp(&p.current) {
        std::cmp::Ordering::Less => "past",
        std::cmp::Ordering::Equal => "current",
        std::cmp::Ordering::Greater => "upcoming",
    }
}

/// A date as templates show it.
#[derive(Serialize)]
struct DateView {
    iso: String,
    long: String,
}

fn date(d: Date) -> DateView {
    DateView { iso: d.to_string(), long: d.long() }
}

/// One revision as templates see it (timeline item, banner, compare page side).
#[derive(Serialize)]
struct RevisionView<'a> {
    date: DateView,
    effective: DateView,
    effective_later: bool,
    /// In effect until the next revision takes over (for past revisions).
    until: Option<DateView>,
    note: &'a str,
    status: &'static str,
    href: String,
    compare_previous: Option<String>,
    compare_current: Option<String>,
}

fn revision_view<'a>(p: &'a PolicyPage, i: usize, root: &str) -> RevisionView<'a> {
    let r: &Revision = &p.revisions[i];
    RevisionView {
        date: date(r.date),
        effective: date(r.in_effect_from()),
        effective_later: r.effective.is_some_and(|e| e != r.date),
        until: (i < p.current).then(|| date(p.revisions[i + 1].in_effect_from())),
        note: &r.note,
        status: status(p, i),
        href: format!("{root}{}index.html", r.url),
        compare_previous: (i > 0).then(|| format!("{root}{}index.html", compare_dir(p, i - 1, i))),
        compare_current: (i != p.current)
            .then(|| format!("{root}{}index.html", compare_dir(p, i.min(p.current), i.max(p.current)))),
    }
}

/// The timeline, the upcoming changes and links, for a policy page or one of its archive pages.
#[derive(Serialize)]
struct Timeline<'a> {
    label: String,
    title: &'a str,
    current_href: String,
    compare_href: String,
    /// Newest first.
    items: Vec<RevisionView<'a>>,
    current: RevisionView<'a>,
    upcoming: Vec<RevisionView<'a>>,
}

fn timeline<'a>(p: &'a PolicyPage, root: &str) -> Timeline<'a> {
    Timeline {
        label: p.label(),
        title: &p.title,
        current_href: format!("{root}{}index.html", p.url),
        compare_href: format!("{root}{}compare/index.html", p.url),
        items: (0..p.revisions.len()).rev().map(|i| revision_view(p, i, root)).collect(),
        current: revision_view(p, p.current, root),
        upcoming: (p.current + 1..p.revisions.len()).map(|i| revision_view(p, i, root)).collect(),
    }
}

/// Extra template context: `revisions` on a policy page with revisions, `revisions` and `revision`
/// on its archive pages. Every page gets each key (null when it does not apply), so templates can
/// test them plainly.
fn page_context(site: &Site, page: &Page) -> Vars {
    let pol = &site.policy;
    let mut revisions = None;
    let mut revision = None;
    if let Some(p) = pol.by_rel(&page.source.rel) {
        revisions = Some(timeline(p, &page.root));
    } else if let Some(&(pi, ri)) = pol.archive.get(&page.source.rel) {
        let p = &pol.pages[pi];
        revisions = Some(timeline(p, &page.root));
        revision = Some(revision_view(p, ri, &page.root));
    }
    crate::feature::vars([("revisions", json(&revisions)), ("revision", json(&revision))])
}

#[derive(Serialize)]
struct CompareLink {
    title: String,
    href: String,
    current: bool,
}

/// The `page` of a generated page (it has no source).
#[derive(Serialize)]
struct GeneratedPage {
    title: String,
    description: String,
    url: String,
}

/// What `compare.html` sees: two revisions and their sections side by side.
#[derive(Serialize)]
struct ComparePage<'a> {
    page: GeneratedPage,
    policy: Timeline<'a>,
    old: RevisionView<'a>,
    new: RevisionView<'a>,
    sections: Vec<crate::policy::compare::SectionDiff>,
    changed: usize,
    insertions: usize,
    deletions: usize,
    others: Vec<CompareLink>,
    list_href: String,
}

/// What `compare-list.html` sees: every comparison of one policy page.
#[derive(Serialize)]
struct CompareList<'a> {
    page: GeneratedPage,
    policy: Timeline<'a>,
    others: Vec<CompareLink>,
}

/// The links to every comparison of `p` (`here` marked current), relative to `root`.
fn compare_links(
    p: &PolicyPage,
    pairs: &[(usize, usize)],
    root: &str,
    here: Option<(usize, usize)>,
) -> Vec<CompareLink> {
    pairs
        .iter()
        .map(|&(a, b)| CompareLink {
            title: format!(
                "{} ({}) → {} ({})",
                p.revisions[a].date.long(),
                status(p, a),
                p.revisions[b].date.long(),
                status(p, b)
            ),
            href: format!("{root}{}index.html", compare_dir(p, a, b)),
            current: here == Some((a, b)),
        })
        .collect()
}

/// The comparison of revisions `a` and `b` of `p`, for `compare.html`, at `dir`.
fn compare_page<'a>(
    p: &'a PolicyPage,
    pairs: &[(usize, usize)],
    sections: &[Vec<Section>],
    a: usize,
    b: usize,
) -> ComparePage<'a> {
    let dir = compare_dir(p, a, b);
    let root = root_for(&dir);
    let diff = crate::policy::compare::compare(&sections[a], &sections[b]);
    let (old, new) = (&p.revisions[a], &p.revisions[b]);
    ComparePage {
        page: GeneratedPage {
            title: format!("{}: {} compared with {}", p.label(), old.date.long(), new.date.long()),
            description: format!(
                "What changed in {} between the revisions of {} and {}.",
                p.label(),
                old.date,
                new.date
            ),
            url: dir.clone(),
        },
        policy: timeline(p, &root),
        old: revision_view(p, a, &root),
        new: revision_view(p, b, &root),
        changed: diff.iter().filter(|s| s.status != crate::policy::compare::Status::Unchanged).count(),
        insertions: diff.iter().map(|s| s.insertions).sum(),
        deletions: diff.iter().map(|s| s.deletions).sum(),
        sections: diff,
        others: compare_links(p, pairs, &root, Some((a, b))),
        list_href: format!("{root}{}compare/index.html", p.url),
    }
}

/// Compare pages (`<page URL>compare/…/index.html` and the list at `compare/index.html`), rendered
/// with the `compare.html` and `compare-list.html` templates.
fn compare_pages(site: &Site, templates: &dyn Templates) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = Vec::new();
    for p in &site.policy.pages {
        let sections: Vec<Vec<Section>> = p.revisions.iter().map(|r| crate::policy::sections::split(&r.body)).collect();
        let pairs = pairs(p);
        for &(a, b) in &pairs {
            let ctx = compare_page(p, &pairs, &sections, a, b);
            let root = root_for(&ctx.page.url);
            let html = templates.render_generated(site, "compare.html", &root, &json(&ctx))?;
            files.push((format!("{}index.html", ctx.page.url), html.into_bytes()));
        }
        let list_dir = format!("{}compare/", p.url);
        let root = root_for(&list_dir);
        let ctx = CompareList {
            page: GeneratedPage {
                title: format!("{}: compare revisions", p.label()),
                description: format!(
                    "Every revision of {} compared with the one before it and with the current one.",
                    p.label()
                ),
                url: list_dir.clone(),
            },
            policy: timeline(p, &root),
            others: compare_links(p, &pairs, &root, None),
        };
        let html = templates.render_generated(site, "compare-list.html", &root, &json(&ctx))?;
        files.push((format!("{list_dir}index.html"), html.into_bytes()));
    }
    Ok(files)
}
