//! What revisions add to the site: template context for the policy page, its archive pages and the
//! home page, and the generated compare pages and feed.

use serde::Serialize;
use serde_json::{Value, json};

use super::revisions::{PolicyPage, Revision};
use crate::model::{Page, Site, root_for};
use crate::render::Renderer;

/// URL directory of the comparison of revisions `a` and `b` (indices, `a` older).
pub fn compare_dir(p: &PolicyPage, a: usize, b: usize) -> String {
    format!("{}compare/{}-to-{}/", p.url, p.revisions[a].date, p.revisions[b].date)
}

/// The comparisons published for a page: each revision against the one before it, and each
/// against the current revision.
pub fn pairs(p: &PolicyPage) -> Vec<(usize, usize)> {
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

fn date(d: crate::date::Date) -> Value {
    json!({ "iso": d.to_string(), "long": d.long() })
}

fn revision_view(p: &PolicyPage, i: usize, root: &str) -> Value {
    let r: &Revision = &p.revisions[i];
    // In effect until the next revision takes over (for past revisions).
    let until = (i < p.current).then(|| p.revisions[i + 1].in_effect_from()).map(date);
    json!({
        "date": date(r.date),
        "effective": date(r.in_effect_from()),
        "effective_later": r.effective.is_some_and(|e| e != r.date),
        "until": until,
        "note": r.note,
        "status": status(p, i),
        "href": format!("{root}{}index.html", r.url),
        "compare_previous": (i > 0).then(|| format!("{root}{}index.html", compare_dir(p, i - 1, i))),
        "compare_current": (i != p.current).then(|| {
            format!("{root}{}index.html", compare_dir(p, i.min(p.current), i.max(p.current)))
        }),
    })
}

/// The timeline, the upcoming changes and links, for a policy page or one of its archive pages.
fn timeline(p: &PolicyPage, root: &str) -> Value {
    json!({
        "label": p.label(),
        "title": p.title,
        "current_href": format!("{root}{}index.html", p.url),
        "compare_href": format!("{root}{}compare/index.html", p.url),
        "items": (0..p.revisions.len()).rev().map(|i| revision_view(p, i, root)).collect::<Vec<_>>(),
        "current": revision_view(p, p.current, root),
        "upcoming": (p.current + 1..p.revisions.len()).map(|i| revision_view(p, i, root)).collect::<Vec<_>>(),
    })
}

/// Extra template context: `revisions` on a policy page with revisions, `revisions` and `revision`
/// on its archive pages, `changes` (newest first) on the home page. Every page gets each key
/// (null when it does not apply), so templates can test them plainly.
pub fn page_context(site: &Site, page: &Page) -> Vec<(&'static str, tera::Value)> {
    let pol = &site.policy;
    let mut revisions = Value::Null;
    let mut revision = Value::Null;
    if let Some(p) = pol.by_rel(&page.source.rel) {
        revisions = timeline(p, &page.root);
    } else if let Some(&(pi, ri)) = pol.archive.get(&page.source.rel) {
        let p = &pol.pages[pi];
        revisions = timeline(p, &page.root);
        revision = revision_view(p, ri, &page.root);
    }
    let changes = if page.source.rel == "_index.md" {
        let list: Vec<Value> = super::feed::changes(site)
            .into_iter()
            .take(5)
            .map(|c| json!({ "title": c.title, "summary": c.summary, "date": date(c.date), "href": format!("{}{}", page.root, c.path), "kind": c.kind }))
            .collect();
        json!({ "items": list, "feed_href": format!("{}feed.xml", page.root) })
    } else {
        Value::Null
    };
    [("revisions", revisions), ("revision", revision), ("changes", changes)]
        .into_iter()
        .filter_map(|(k, v)| tera::Value::try_from_serializable(&v).ok().map(|v| (k, v)))
        .collect()
}

#[derive(Serialize)]
struct CompareLink {
    title: String,
    href: String,
    current: bool,
}

/// Compare pages (`<page URL>compare/…/index.html` and the list at `compare/index.html`) and
/// `feed.xml`, rendered with the `compare.html` and `compare-list.html` templates.
pub fn site_files(site: &Site, renderer: &Renderer) -> Result<Vec<(String, Vec<u8>)>, crate::diag::Diagnostic> {
    let mut files = vec![("feed.xml".to_string(), super::feed::atom(site).into_bytes())];
    for p in &site.policy.pages {
        let sections: Vec<Vec<super::sections::Section>> =
            p.revisions.iter().map(|r| super::sections::split(&r.body)).collect();
        let pairs = pairs(p);
        let list_dir = format!("{}compare/", p.url);
        let links = |root: &str, here: Option<(usize, usize)>| -> Vec<CompareLink> {
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
        };
        for &(a, b) in &pairs {
            let dir = compare_dir(p, a, b);
            let root = root_for(&dir);
            let diff = super::compare::compare(&sections[a], &sections[b]);
            let changed = diff.iter().filter(|s| s.status != super::compare::Status::Unchanged).count();
            let ctx = json!({
                "page": { "title": format!("{}: {} compared with {}", p.label(), p.revisions[a].date.long(), p.revisions[b].date.long()),
                          "description": format!("What changed in {} between the revisions of {} and {}.", p.label(), p.revisions[a].date, p.revisions[b].date),
                          "url": dir },
                "policy": timeline(p, &root),
                "old": revision_view(p, a, &root),
                "new": revision_view(p, b, &root),
                "sections": diff,
                "changed": changed,
                "insertions": diff.iter().map(|s| s.insertions).sum::<usize>(),
                "deletions": diff.iter().map(|s| s.deletions).sum::<usize>(),
                "others": links(&root, Some((a, b))),
                "list_href": format!("{root}{list_dir}index.html"),
            });
            let html = renderer.render_generated(site, "compare.html", &root, &ctx)?;
            files.push((format!("{dir}index.html"), html.into_bytes()));
        }
        let root = root_for(&list_dir);
        let ctx = json!({
            "page": { "title": format!("{}: compare revisions", p.label()),
                      "description": format!("Every revision of {} compared with the one before it and with the current one.", p.label()),
                      "url": list_dir },
            "policy": timeline(p, &root),
            "others": links(&root, None),
        });
        let html = renderer.render_generated(site, "compare-list.html", &root, &ctx)?;
        files.push((format!("{list_dir}index.html"), html.into_bytes()));
    }
    Ok(files)
}
