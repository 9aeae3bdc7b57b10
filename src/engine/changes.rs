//! Change classification: what kind of source a changed path is, so a rebuild does only the work the
//! change needs (a page body, a data file, a static file, or everything).

use std::path::Path;

/// What kind of source a changed path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A Markdown page below `content/`, by its path there.
    Page(String),
    /// A file below the theme's or the site's `static/`.
    Static,
    /// A data file: re-render the pages whose templates or shortcodes read it.
    Data,
    /// Anything that can affect every page: templates, `site.yaml`, quizzes, added or removed pages.
    Everything,
    /// Not a source (the output, editor swap files, the quiz lock).
    Ignore,
}

/// Editors' temporary and swap files, and files policysite writes itself.
fn is_noise(name: &str) -> bool {
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains(".tmp-")
        || name == "4913"
        || (name.starts_with('.') && name != ".")
}

pub fn classify(root: &Path, output: &Path, theme: &str, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root) else { return Change::Ignore };
    if path.starts_with(output) {
        return Change::Ignore;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if is_noise(&name) || name.ends_with(".lock") {
        return Change::Ignore;
    }
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    match parts.next().as_deref() {
        Some("content") if name.ends_with(".md") => Change::Page(parts.collect::<Vec<_>>().join("/")),
        Some("content") => Change::Ignore,
        Some("static") => Change::Static,
        Some("themes") => {
            if rel.starts_with(Path::new("themes").join(theme).join("static")) {
                Change::Static
            } else if rel.starts_with(Path::new("themes").join(theme)) {
                Change::Everything
            } else {
                Change::Ignore
            }
        }
        Some("data") if name.ends_with(".yaml") || name.ends_with(".yml") => Change::Data,
        Some("templates") | Some("data") => Change::Everything,
        Some("site.yaml") => Change::Everything,
        // A feature's own sources (`quizzes/`).
        Some(dir) if crate::features::watches().any(|w| w == dir) => Change::Everything,
        _ => Change::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sources_and_ignores_noise() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let c = |p: &str| classify(root, out, "default", Path::new(p));
        assert_eq!(c("/site/content/regulation/6973-1r.md"), Change::Page("regulation/6973-1r.md".into()));
        assert_eq!(c("/site/content/.6973-1r.md.swp"), Change::Ignore);
        assert_eq!(c("/site/content/6973-1r.md~"), Change::Ignore);
        assert_eq!(c("/site/content/4913"), Change::Ignore);
        assert_eq!(c("/site/public/index.html"), Change::Ignore);
        assert_eq!(c("/site/themes/default/static/assets/style.css"), Change::Static);
        assert_eq!(c("/site/themes/default/templates/page.html"), Change::Everything);
        assert_eq!(c("/site/themes/other/templates/page.html"), Change::Ignore);
        assert_eq!(c("/site/site.yaml"), Change::Everything);
        assert_eq!(c("/site/data/platforms.yaml"), Change::Data);
        assert_eq!(c("/site/quizzes/revisions.lock"), Change::Ignore);
        assert_eq!(c("/site/quizzes/public-records.yaml"), Change::Everything);
    }

    #[test]
    fn a_change_in_every_source_folder_is_seen() {
        // The one list of source folders (`layout::SOURCE_DIRS`, what `serve` watches): a file in
        // each of them is some kind of change, never ignored.
        let root = Path::new("/site");
        for dir in crate::layout::SOURCE_DIRS {
            let file = match *dir {
                "content" => "a.md",
                "themes" => "default/templates/page.html",
                _ => "a.yaml",
            };
            let path = root.join(dir).join(file);
            assert_ne!(classify(root, &root.join("public"), "default", &path), Change::Ignore, "{dir}");
        }
        // A feature's own folder is a source folder too, or serve would never watch it.
        for dir in crate::features::watches() {
            assert!(crate::layout::SOURCE_DIRS.contains(&dir), "{dir} is not in SOURCE_DIRS");
        }
    }
}
