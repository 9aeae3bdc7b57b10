//! The lists a page carries: the main navigation (bounded), breadcrumbs, and a section's children,
//! split into parts of at most [`LIST_PAGE_SIZE`] so no page lists the whole site.

use crate::model::{Link, Page, Site};

pub(super) fn link(target: &Page, root: &str, current: bool) -> Link {
    Link {
        title: target.source.front.title.clone(),
        href: format!("{root}{}index.html", target.url),
        description: target.source.front.description.clone(),
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

pub(super) fn nav_from(site: &Site, page: &Page, root: &str) -> Vec<Link> {
    let Some(home) = site.home() else {
        return Vec::new();
    };
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
        .into_iter()
        .map(|p| {
            let current = page.url.starts_with(&p.url) && !p.url.is_empty();
            link(p, root, current)
        })
        .collect()
}

pub(super) fn breadcrumbs(site: &Site, page: &Page, root: &str) -> Vec<Link> {
    let mut crumbs = Vec::new();
    let mut at = page.parent;
    while let Some(i) = at {
        crumbs.push(link(&site.pages[i], root, false));
        at = site.pages[i].parent;
    }
    crumbs.reverse();
    crumbs
}
