//! Files made from the whole site rather than from one content page: the search and 404 pages, the
//! sitemap, the search index, `site-data.js`, the directory export, and the static files of the theme
//! and the site. The engine writes them beside the pages; the model asks [`reserved`] which output
//! paths they take, so a page can never collide with one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::{Reach, Sink};
use crate::render::Renderer;

/// The output paths the generator keeps for itself live on the ground floor ([`crate::layout`]).
pub use crate::layout::{RESERVED, reserved};

fn io_err(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(what, format!("cannot write: {e}")).help("check the output folder's permissions and free space")
}

/// Write files into `sink`, reporting each that cannot be written.
pub fn put_files(sink: &dyn Sink, files: Vec<(String, Vec<u8>)>) -> Diagnostics {
    Diagnostics(
        files.into_iter().filter_map(|(name, bytes)| sink.put(&name, &bytes).err().map(|e| io_err(&name, e))).collect(),
    )
}

/// Everything that is not a content page: special pages, generated files, static files.
pub fn site_wide(root: &Path, site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    let mut diags = generated(site, renderer, sink);
    diags.extend(copy_static(root, site, sink));
    diags
}

/// The files made from the whole site (everything but content pages and static files): what a
/// change of data files makes again too.
pub fn generated(site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    let mut diags = special_pages(site, renderer, sink);
    // The sitemap protocol takes absolute URLs only: without `base_url` there is no sitemap.
    if let Some(map) = sitemap(site)
        && let Err(e) = sink.put_for("sitemap.xml", map.as_bytes(), Reach::WebServer)
    {
        diags.push(io_err("sitemap.xml", e));
    }
    diags.extend(put_files(sink, generated_files(site)));
    // Policy revisions (src/policy): compare pages and feed.xml.
    match crate::policy::site_files(site, renderer) {
        Ok(files) => diags.extend(put_files(sink, files)),
        Err(d) => diags.push(d),
    }
    // The search index is written file by file (search helper): its section texts are large.
    diags.extend(crate::search_index::put(site, sink));
    diags
}

/// The pages that are not content pages: the search page and `404.html`.
pub fn special_pages(site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for (template, out, page_root, reach) in [
        ("search.html", "search/index.html", "../", Reach::Anywhere),
        ("404.html", "404.html", site.config.base_path.as_str(), Reach::WebServer),
    ] {
        if !renderer.has_template(template) {
            continue;
        }
        match renderer.render_generated(site, template, page_root, &serde_json::Value::Null) {
            Ok(html) => {
                if let Err(e) = sink.put_for(out, html.as_bytes(), reach) {
                    diags.push(io_err(out, e));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags
}

/// Files generated from the whole site rather than from one template (the sitemap, a web server's
/// file, and the search index aside: see [`generated`] and [`crate::search_index::put`]).
pub fn generated_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = crate::request_view::site_files(site);
    files.extend(crate::quiz_view::site_files(site));
    files
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
                e.path_is_symlink() && crate::fsutil::check_inside(e.path(), root).is_ok() && e.path().is_file();
            if e.file_type().is_file() || linked_file {
                files.insert(crate::fsutil::slash_path(&dir, e.path()), e.into_path());
            }
        }
    }
    files
}

/// Symbolic links in `static/` (the site's and its theme's) that are not copied: to a folder, to
/// nothing, or out of the site folder ([`crate::fsutil::check_inside`]). Each is an error naming it.
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
            if let Err(d) = crate::fsutil::check_inside(e.path(), root) {
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
        let hit = pages
            .get(&rel)
            .or_else(|| pages.iter().find(|(out, _)| out.starts_with(&format!("{rel}/"))).map(|(_, p)| p));
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

fn sitemap(site: &Site) -> Option<String> {
    let base = match site.config.base_url.as_ref()? {
        u if u.ends_with('/') => u.clone(),
        u => format!("{u}/"),
    };
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut x = crate::xml::Doc::new("UTF-8");
    x.open("urlset", &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")]).ws("\n");
    for p in pages {
        x.ws("  ").open("url", &[]).leaf("loc", &[], &format!("{base}{}", p.url));
        if let Some(d) = p.source.front.revised.or(p.source.front.approved) {
            // Never after the build date, like the feed's dates.
            let d = if site.policy.today > crate::date::Date::from_days(0) { d.min(site.policy.today) } else { d };
            x.leaf("lastmod", &[], &d.to_string());
        }
        x.close("url").ws("\n");
    }
    x.close("urlset").ws("\n");
    Some(x.finish())
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
