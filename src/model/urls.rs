//! Where each page goes: its URL directory, and the checks that keep every page on a file of its own
//! inside the output.

use std::collections::{BTreeMap, HashMap};

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::content::SourcePage;

/// URL directory for a content path: `a/b.md` → `a/b/`, `a/_index.md` → `a/`, `_index.md` → ``.
pub fn url_for(src: &SourcePage) -> String {
    src.url_dir()
}

pub fn root_for(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

pub use crate::layout::valid_slug;

/// Each loadable page's URL directory, by content path. A bad slug, two pages on one output file,
/// or a page on a file the generator writes is reported with the file and line of the `slug` (or of
/// the file, when it has none) of every source involved.
/// `reserved` lists the output paths the generator writes ([`reserved_by`]).
pub(super) fn assign_urls(
    sources: &[SourcePage],
    reserved: &[(&str, &str)],
    diags: &mut Diagnostics,
) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = HashMap::new();
    let mut owners: BTreeMap<String, &SourcePage> = BTreeMap::new();
    let line_of = |src: &SourcePage| if src.front.slug.is_some() { src.key_line("slug") } else { 1 };
    for src in sources {
        if let Some(slug) = &src.front.slug
            && !valid_slug(slug)
        {
            diags.push(
                Diagnostic::new(&src.file, format!("`slug: {slug:?}` is not one plain path segment"))
                    .at(src.key_line("slug"), None)
                    .help("use letters, digits, `-`, `_` and `.` (not first), e.g. `slug: social-media`"),
            );
            continue;
        }
        let url = url_for(src);
        if let Some((message, help)) = url_problem(&url, &owners, reserved, line_of) {
            diags.push(Diagnostic::new(&src.file, message).at(line_of(src), None).help(help));
            continue;
        }
        owners.insert(url.clone(), src);
        urls.insert(src.rel.clone(), url);
    }
    urls
}

/// Why a page may not have the address `url`, with what to do; `owners` holds the pages placed so far.
fn url_problem(
    url: &str,
    owners: &BTreeMap<String, &SourcePage>,
    reserved: &[(&str, &str)],
    line_of: impl Fn(&SourcePage) -> usize,
) -> Option<(String, &'static str)> {
    let segments = || url.trim_end_matches('/').split('/').filter(|_| !url.is_empty());
    let out = format!("{url}index.html");
    // Without `slug` the address comes from folder and file names: plain segments too, or links to
    // the page break (`#`, `?`, spaces) or climb (`%2e%2e`).
    if let Some(bad) = segments().find(|seg| !valid_slug(seg)) {
        return Some((
            format!("this page's address `{url}` has `{bad}`, which is not a plain path segment"),
            "rename the file or folder (letters, digits, `-`, `_` and `.`, not first), or give the page a `slug`",
        ));
    }
    // `x/index.html/` as a folder would sit where `x/`'s own page file is.
    if segments().any(|seg| seg == "index.html") {
        return Some((
            format!("this page's address `{url}` has a folder named `index.html`, where a page's own file goes"),
            "choose another `slug` or file name; a page's address ends in a folder, e.g. `slug: social-media`",
        ));
    }
    if let Some(first) = owners.get(url) {
        return Some((
            format!(
                "two pages write the same output `{out}`; the other is {}:{}",
                first.file.display(),
                line_of(first)
            ),
            "rename one of the files or give it a different `slug`",
        ));
    }
    reserved_by(reserved, &out).map(|(path, what)| {
        (
            format!("this page's output `{out}` collides with `{path}`, {what}, which the generator writes"),
            "choose another `slug` or file name",
        )
    })
}

/// Which entry of `reserved` (output path, what it is) a page's output path (`x/index.html`) would
/// collide with, if any. An entry ending in `/` reserves the whole folder.
pub fn reserved_by<'a>(reserved: &[(&'a str, &'a str)], output_path: &str) -> Option<(&'a str, &'a str)> {
    reserved.iter().copied().find(|(r, _)| {
        if let Some(dir) = r.strip_suffix('/') {
            output_path == dir || output_path.starts_with(r)
        } else {
            // The page's file itself, or a folder on its path, is the generated file.
            output_path == *r || output_path.starts_with(&format!("{r}/"))
        }
    })
}
