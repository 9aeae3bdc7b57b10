//! Files made from the whole site rather than from one content page: the 404 page, the static files
//! of the theme and the site, and every feature's site-wide files ([`crate::features::write`]: the
//! search page and index, the sitemap, `site-data.js`, the directory export, compare pages, the
//! feed). The engine writes them beside the pages; the model is given [`reserved_paths`], so a page
//! can never collide with one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::feature::{Kept, Reserved, Templates, write_error};
use crate::model::Site;
use crate::output::{Reach, Sink};

/// Output paths `emit` writes itself (the features' are theirs: [`crate::feature::Feature::reserved`]).
/// An entry ending in `/` reserves the whole folder.
pub const RESERVED: &[Reserved] =
    &[("assets/", "the theme's scripts and stylesheets"), ("404.html", "the not-found page")];

/// Every output path the generator writes itself: `emit`'s and every feature's.
pub fn reserved_paths() -> Vec<Reserved> {
    RESERVED.iter().copied().chain(crate::features::reserved()).collect()
}

/// What a page's output path (`x/index.html`) would collide with, if anything.
pub fn reserved(output_path: &str) -> Option<(&'static str, &'static str)> {
    crate::model::reserved_by(&reserved_paths(), output_path)
}

/// Everything that is not a content page: special pages, generated files, static files.
/// With `kept` (`serve`'s full rebuild), the features keep what their later cheap writes need.
pub(crate) fn site_wide(
    root: &Path,
    site: &Site,
    templates: &dyn Templates,
    sink: &dyn Sink,
    kept: Option<&mut Kept>,
) -> Diagnostics {
    let mut diags = not_found_page(site, templates, sink);
    diags.extend(crate::features::write(site, templates, sink, kept));
    diags.extend(copy_static(root, site, sink));
    diags
}

/// The files made from the whole site again after a change of `data/` in `serve`: the features write
/// in proportion to the pages `changed` (those that read the data) where they kept what they need.
pub(crate) fn generated_after_data(
    site: &Site,
    templates: &dyn Templates,
    sink: &dyn Sink,
    changed: &[usize],
    kept: &mut crate::feature::Kept,
) -> Diagnostics {
    let mut diags = not_found_page(site, templates, sink);
    diags.extend(crate::features::write_after_data(site, templates, sink, changed, kept));
    diags
}

/// `404.html`, when the theme has its template.
fn not_found_page(site: &Site, templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    if !templates.has_template("404.html") {
        return diags;
    }
    match templates.render_generated(site, "404.html", site.config.base_path.as_str(), &serde_json::Value::Null) {
        Ok(html) => {
            // A web server's file: its links start at the site root, so packages leave it out.
            if let Err(e) = sink.put_for("404.html", html.as_bytes(), Reach::WebServer) {
                diags.push(write_error("404.html", e));
            }
        }
        Err(d) => diags.push(d),
    }
    diags
}

/// The static files of the theme and of the site, by output path; the site's own file wins over the
/// theme's of the same name (so each output path is written once).
pub fn static_files(root: &Path, site: &Site) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for dir in [site.config.theme_dir(root).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            // A link to a file inside the site is copied as that file; other links are refused by
            // `static_links` (a build error), never dropped without a word.
            let linked_file =
                e.path_is_symlink() && crate::load::check_inside(e.path(), root).is_ok() && e.path().is_file();
            if e.file_type().is_file() || linked_file {
                files.insert(crate::load::slash_path(&dir, e.path()), e.into_path());
            }
        }
    }
    files
}

/// Symbolic links in `static/` (the site's and its theme's) that are not copied: to a folder, to
/// nothing, or out of the site folder ([`crate::load::check_inside`]). Each is an error naming it.
pub fn static_links(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for dir in [site.config.theme_dir(root).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if !e.path_is_symlink() {
                continue;
            }
            let shown = crate::diag::display_path(root, e.path());
            if let Err(d) = crate::load::check_inside(e.path(), root) {
                diags.push(d.help("static files are copied into the published site: copy the file into static/ instead of linking to it"));
            } else if e.path().is_dir() {
                diags.push(
                    Diagnostic::new(shown, "is a link to a folder: links to folders in static/ are not followed")
                        .help("copy the folder into static/, or link each file"),
                );
            } else if !e.path().is_file() {
                diags.push(
                    Diagnostic::new(shown, "is a link to nothing (its target is missing)")
                        .help("restore the target or remove the link"),
                );
            }
        }
    }
    diags
}

/// Static files that would land on a page's output (or on a folder of one), named with both sources.
pub fn static_collisions(root: &Path, site: &Site) -> Diagnostics {
    let pages: BTreeMap<String, &crate::model::Page> = site.pages.iter().map(|p| (p.output_path(), p)).collect();
    let mut diags = Diagnostics::default();
    for (rel, path) in static_files(root, site) {
        // A page below the file's name, taken as a folder: the first output path from `rel/` on, in
        // the map's order, starts with it if any does.
        let below = format!("{rel}/");
        let hit = pages
            .get(&rel)
            .or_else(|| pages.range(below.clone()..).next().filter(|(out, _)| out.starts_with(&below)).map(|(_, p)| p));
        if let Some(page) = hit {
            diags.push(
                Diagnostic::new(
                    &page.source.file,
                    format!(
                        "this page's output `{}` collides with the static file {}",
                        page.output_path(),
                        crate::diag::display_path(root, &path).display()
                    ),
                )
                .at(if page.source.front.slug.is_some() { page.source.key_line("slug") } else { 1 }, None)
                .help("rename the static file, or give the page another `slug`"),
            );
        }
    }
    diags
}

/// Copy the static files through `sink`.
pub fn copy_static(root: &Path, site: &Site, sink: &dyn Sink) -> Diagnostics {
    use rayon::prelude::*;
    let files: Vec<(String, PathBuf)> = static_files(root, site).into_iter().collect();
    Diagnostics(
        files
            .par_iter()
            .filter_map(|(rel, path)| {
                let result = std::fs::read(path).and_then(|bytes| sink.put(rel, &bytes));
                result.err().map(|e| {
                    Diagnostic::new(crate::diag::display_path(root, path), format!("cannot copy static file: {e}"))
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::reserved;

    #[test]
    fn pages_may_not_take_generated_paths() {
        assert!(reserved("search/index.html").is_some());
        assert!(reserved("assets/index.html").is_some());
        assert!(reserved("sitemap.xml/index.html").is_some());
        assert!(reserved("directory/accounts.json/index.html").is_some());
        assert!(reserved("directory/index.html").is_none());
        assert!(reserved("searching/index.html").is_none());
        assert!(reserved("index.html").is_none());
    }
}
