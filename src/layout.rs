//! Ground floor: the layout of a site — which folders hold sources (and so where the output may not
//! go), what a slug, a revision file or an email domain may look like (the output paths the generator
//! keeps for itself are `emit::RESERVED`). Plain values and checks on names only (it imports only
//! [`crate::date`]), so `config`, `load`, `model` and the features can all ask without depending on
//! each other.

use std::path::Path;

use crate::date::Date;

/// The folders of a site whose files the build reads (what `serve` watches, and where the output
/// folder may not go).
pub const SOURCE_DIRS: &[&str] = &["content", "themes", "quizzes", "data", "templates", "static"];

/// Where `policysite schema` and `policysite new` put the JSON Schemas.
pub const SCHEMA_DIR: &str = "schemas";

/// Whether `slug` is one path segment of safe characters: letters, digits, `-`, `_` and `.`, not
/// starting with `.` (so never `.`, `..` or a hidden file) — anything else could leave the output
/// folder or hide among generated files.
pub fn valid_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `path` (below `content/`) is a revision file: `X/YYYY-MM-DD.md` beside a page `X.md`.
/// The content loader skips these; `policy::revisions::prepare` reads them.
pub fn is_revision_file(path: &Path) -> bool {
    revision_file_rule(path, Path::is_file, is_revisions_folder)
}

/// [`is_revision_file`]'s rule with the two questions it asks of the file system answered by the
/// caller (the content loader answers them from its walk of `content/`): whether a path is a file,
/// and whether a folder is a revisions folder ([`is_revisions_folder`]).
pub fn revision_file_rule(
    path: &Path,
    is_file: impl FnOnce(&Path) -> bool,
    is_revisions_folder: impl FnOnce(&Path) -> bool,
) -> bool {
    let Some(stem) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".md")) else {
        return false;
    };
    let Some(dir) = path.parent() else { return false };
    is_file(&dir.with_extension("md")) && (Date::parse(stem).is_some() || is_revisions_folder(dir))
}

/// A folder beside a page is its revisions folder when it holds at least one `YYYY-MM-DD.md`; then
/// every Markdown file in it is a revision (a misnamed one is reported, not published as a page).
pub fn is_revisions_folder(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .is_ok_and(|entries| entries.filter_map(Result::ok).any(|e| is_revision_name(&e.file_name().to_string_lossy())))
}

/// Whether an entry of a folder, by its name, makes the folder a revisions folder
/// ([`is_revisions_folder`]): `YYYY-MM-DD.md`, and `2026-12-01.MD` too, so that the loader reports
/// its name instead of skipping it.
pub fn is_revision_name(name: &str) -> bool {
    name.get(..name.len().saturating_sub(3))
        .filter(|_| name.len() > 3 && name[name.len() - 3..].eq_ignore_ascii_case(".md"))
        .is_some_and(|stem| Date::parse(stem).is_some())
}

/// An email domain such as `tacoma.k12.wa.us`: lower-case labels of letters, digits and inner dashes.
pub fn check_domain(domain: &str) -> Result<String, String> {
    let d = domain.trim().trim_start_matches('@').to_ascii_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    let ok = d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok { Ok(d) } else { Err(format!("`{domain}` is not an email domain: write it like `example.k12.wa.us`")) }
}
