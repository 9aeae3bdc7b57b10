//! The lists a page carries: the main navigation (bounded), breadcrumbs, and a section's children,
//! split into parts of at most [`LIST_PAGE_SIZE`] so no page lists the whole site.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::model::{Link, Page, Site};

pub(super) fn link<'a>(target: &'a Page, root: &str, current: bool) -> Link<'a> {
    Link {
        title: &target.source.front.title,
        href: format!("{root}{}index.html", target.url),
        description: &target.source.front.description,
        current,
    }
}

/// Children a section's page lists at most; a longer section continues on `page/2/`, `page/3/`, …, so
/// no page carries a list that grows with the whole site.
pub const LIST_PAGE_SIZE: usize = 200;

/// One page of a section's list of children.
pub struct ListPart {
    /// Output path of this part (`x/index.html`, `x/page/2/index.html`).
    pub output: String,
    /// `../` prefix from this part to the site root.
    pub root: String,
    pub children: std::ops::Range<usize>,
    /// `{number, total, prev, next, pages: [{number, href, current}]}` when the list is split.
    pub pager: Option<serde_json::Value>,
}

impl ListPart {
    pub(super) fn whole(page: &Page) -> ListPart {
        ListPart { output: page.output_path(), root: page.root.clone(), children: 0..page.children.len(), pager: None }
    }
}

/// The parts a page renders to: one, or for a section with more than [`LIST_PAGE_SIZE`] children,
/// one per slice of them. Links between parts are relative to each part.
pub fn list_parts(page: &Page) -> Vec<ListPart> {
    let n = page.children.len();
    if n <= LIST_PAGE_SIZE {
        return vec![ListPart::whole(page)];
    }
    let total = n.div_ceil(LIST_PAGE_SIZE);
    let href_from = |from: usize, to: usize| -> String {
        // Part 1 is the section's own page; part k > 1 is `page/k/`, two levels below it.
        let up = if from == 1 { String::new() } else { "../../".to_string() };
        if to == 1 { format!("{up}index.html") } else { format!("{up}page/{to}/index.html") }
    };
    (1..=total)
        .map(|k| {
            let pages: Vec<serde_json::Value> = (1..=total)
                .map(|j| serde_json::json!({ "number": j, "href": href_from(k, j), "current": j == k }))
                .collect();
            let pager = serde_json::json!({
                "number": k,
                "total": total,
                "prev": (k > 1).then(|| href_from(k, k - 1)),
                "next": (k < total).then(|| href_from(k, k + 1)),
                "pages": pages,
            });
            let (output, root) = if k == 1 {
                (page.output_path(), page.root.clone())
            } else {
                (format!("{}page/{k}/index.html", page.url), format!("{}../../", page.root))
            };
            ListPart {
                output,
                root,
                children: (k - 1) * LIST_PAGE_SIZE..(k * LIST_PAGE_SIZE).min(n),
                pager: Some(pager),
            }
        })
        .collect()
}

/// The most entries the main navigation shows. A site with more top-level sections and pages lists
/// its sections first, then as many top-level pages as fit, and the home page lists them all: a list
/// that grows with the site on every page would make the output grow with the square of its size.
pub const NAV_MAX: usize = 12;

/// Top navigation: the home page's children that are sections or pages, unless `in_nav: false`, at
/// most [`NAV_MAX`] of them (search helper).
/// Whether the main navigation leaves out some top-level entries (the home page then lists them).
pub(super) fn nav_truncated(site: &Site) -> bool {
    site.home().is_some_and(|h| nav_entries(site, h).len() > NAV_MAX)
}

fn nav_entries<'a>(site: &'a Site, home: &'a Page) -> Vec<&'a Page> {
    home.children.iter().map(|&i| &site.pages[i]).filter(|p| p.source.front.in_nav.unwrap_or(true)).collect()
}

pub(super) fn nav_from<'a>(site: &'a Site, page: &Page, root: &str) -> Vec<Link<'a>> {
    let Some(home) = site.home() else {
        return Vec::new();
    };
    nav_shown(site, home)
        .into_iter()
        .map(|p| {
            let current = is_current(page, p);
            link(p, root, current)
        })
        .collect()
}

/// The entries the main navigation shows, at most [`NAV_MAX`]: sections first when there are more.
fn nav_shown<'a>(site: &'a Site, home: &'a Page) -> Vec<&'a Page> {
    let mut entries = nav_entries(site, home);
    if entries.len() > NAV_MAX {
        let sections = entries.iter().filter(|p| p.is_section()).count().min(NAV_MAX);
        let (mut room_sections, mut room_pages) = (sections, NAV_MAX - sections);
        entries.retain(|p| {
            let room = if p.is_section() { &mut room_sections } else { &mut room_pages };
            let keep = *room > 0;
            *room = room.saturating_sub(1);
            keep
        });
    }
    entries
}

/// Whether the navigation's `entry` is `page` or the section it lies in.
fn is_current(page: &Page, entry: &Page) -> bool {
    page.url.starts_with(&entry.url) && !entry.url.is_empty()
}

/// The main navigation as templates see it ([`nav_from`]), made once for each form it takes: two
/// pages' navigations differ only by their `../` prefix and which entry is current, so a site of
/// 10,000 pages has a few dozen. What it is made of (titles, descriptions, `in_nav`, the home page's
/// children) is front matter, and a change of front matter rebuilds everything with a new renderer;
/// [`super::Renderer::refresh_globals`] empties it all the same.
#[derive(Default)]
pub(super) struct NavCache {
    /// The entries shown (indices into `site.pages`), found once.
    shown: OnceLock<Vec<usize>>,
    /// (prefix, the current entries' positions) → the serialized list.
    made: Mutex<HashMap<(String, Vec<usize>), tera::Value>>,
}

impl NavCache {
    pub(super) fn nav(&self, site: &Site, page: &Page, root: &str) -> tera::Value {
        let shown = self.shown.get_or_init(|| {
            let home = site.by_rel.get("_index.md").copied();
            home.map(|h| nav_shown(site, &site.pages[h]).iter().filter_map(|p| index_of(site, p)).collect())
                .unwrap_or_default()
        });
        let current: Vec<usize> = (0..shown.len()).filter(|&k| is_current(page, &site.pages[shown[k]])).collect();
        let key = (root.to_string(), current);
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        made.entry(key)
            .or_insert_with_key(|(_, current)| {
                let links: Vec<Link> =
                    shown.iter().enumerate().map(|(k, &i)| link(&site.pages[i], root, current.contains(&k))).collect();
                tera::Value::from_serializable(&links)
            })
            .clone()
    }

    pub(super) fn clear(&mut self) {
        *self = NavCache::default();
    }
}

fn index_of(site: &Site, page: &Page) -> Option<usize> {
    site.by_rel.get(&page.source.rel).copied()
}

pub(super) fn breadcrumbs<'a>(site: &'a Site, page: &Page, root: &str) -> Vec<Link<'a>> {
    let mut crumbs = Vec::new();
    let mut at = page.parent;
    while let Some(i) = at {
        crumbs.push(link(&site.pages[i], root, false));
        at = site.pages[i].parent;
    }
    crumbs.reverse();
    crumbs
}
