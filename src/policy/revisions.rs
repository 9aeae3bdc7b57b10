//! Revisions of a policy page: the source layout and which revision is in effect.
//!
//! Layout (works without git, keeps the page's URL): the page stays where it is,
//! `content/regulation/6973-1r.md`, holding the front matter that does not change between revisions
//! (title, number, related policies, template) and no text. Beside it, a folder with the page's
//! name holds one file per revision, named by its adoption date:
//!
//! ```text
//! content/regulation/6973-1r.md              title, number, template, … (no body)
//! content/regulation/6973-1r/2016-04-12.md   note: Approved.            + the full text
//! content/regulation/6973-1r/2016-06-07.md   note: …                    + the full text
//! content/regulation/6973-1r/2027-07-01.md   note: …, effective: 2027-09-01
//! ```
//!
//! Each revision file is complete (no patches), so any revision can be read, printed or compared on
//! its own and checked word for word against the adopted text. The page shows the newest revision in
//! effect on the build date; each revision is also published at `<page URL><YYYY-MM-DD>/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::load::content::{CONTENT_DIR, SourcePage};

/// Front matter of a revision file (`content/<page>/YYYY-MM-DD.md`). The adoption date is the file
/// name; the text below the front matter is the policy as adopted that day.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevisionFront {
    /// What changed, one or two sentences (shown in the timeline and the feed).
    note: String,
    /// YYYY-MM-DD: the day the revision takes effect, when later than its adoption.
    #[serde(default)]
    #[schemars(with = "Option<crate::date::Date>")]
    effective: Option<Date>,
    /// `true`: this revision is dated before a revision already published, on purpose (it was
    /// adopted then but added late). Without it such a revision is refused (see `policy::publish`).
    #[serde(default)]
    backdated: bool,
}

/// One revision of a policy page.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Adoption date (the file name): also its permanent URL.
    pub date: Date,
    pub effective: Option<Date>,
    pub note: String,
    /// The revision file as shown in messages.
    pub file: PathBuf,
    /// The revision's Markdown text (kept for compare views; policy pages are few and short).
    pub body: String,
    pub body_line: usize,
    /// Lines of its `note:` and `effective:` keys (of `note:` when it has no `effective`).
    pub note_line: usize,
    pub effective_line: usize,
    /// Declared `backdated: true`: dated before a revision already published, on purpose.
    pub backdated: bool,
    /// Content path of its archive page (`regulation/6973-1r/2016-06-07.revision.md`).
    pub archive_rel: String,
    /// URL directory of its archive page (`regulation/6973-1r/2016-06-07/`).
    pub url: String,
}

impl Revision {
    /// The first day this revision applies.
    pub fn in_effect_from(&self) -> Date {
        self.effective.unwrap_or(self.date)
    }
}

/// URL directory of the comparison of revisions `a` and `b` (indices, `a` older) of `p`.
pub fn compare_dir(p: &PolicyPage, a: usize, b: usize) -> String {
    format!("{}compare/{}-to-{}/", p.url, p.revisions[a].date, p.revisions[b].date)
}

/// A policy page with its revisions, oldest first.
#[derive(Debug, Clone)]
pub struct PolicyPage {
    /// Content path of the page (`regulation/6973-1r.md`).
    pub rel: String,
    /// URL directory of the page (`regulation/6973-1r/`).
    pub url: String,
    pub title: String,
    pub number: Option<String>,
    pub revisions: Vec<Revision>,
    /// Index of the revision in effect on the build date.
    pub current: usize,
}

impl PolicyPage {
    /// Revisions adopted but not yet in effect on the build date.
    pub fn upcoming(&self) -> &[Revision] {
        &self.revisions[self.current + 1..]
    }
    /// "Regulation 6973.1R" or the title.
    pub fn label(&self) -> String {
        match &self.number {
            Some(n) if n.ends_with('R') => format!("Regulation {n}"),
            Some(n) => format!("Policy {n}"),
            None => self.title.clone(),
        }
    }
}

/// Every policy page with revisions, and the build date they were resolved for.
#[derive(Debug, Clone)]
pub struct Policies {
    pub pages: Vec<PolicyPage>,
    pub today: Date,
    /// Archive page content path → (policy, revision).
    pub archive: HashMap<String, (usize, usize)>,
    /// Modules to review after a revision ([`super::review::warnings`]), for the command to show.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

impl Default for Policies {
    fn default() -> Self {
        Policies { pages: Vec::new(), today: Date::from_days(0), archive: HashMap::new(), warnings: Vec::new() }
    }
}

impl Policies {
    pub fn by_rel(&self, rel: &str) -> Option<&PolicyPage> {
        self.pages.iter().find(|p| p.rel == rel)
    }
}

pub use crate::layout::is_revision_file;

/// Give each page that has a revisions folder the text of its revision in effect on `today`, and
/// add one archive page per revision. Problems go to `diags`; the pages are returned either way.
pub fn prepare(
    root: &Path,
    mut pages: Vec<SourcePage>,
    today: Date,
    diags: &mut Diagnostics,
) -> (Vec<SourcePage>, Policies) {
    let content = root.join(CONTENT_DIR);
    unique_numbers(&pages, diags);
    let mut policies = Policies { today, ..Default::default() };
    let mut archives = Vec::new();
    for page in pages.iter_mut().filter(|p| !p.is_section_index()) {
        let folder = content.join(page.rel.trim_end_matches(".md"));
        if !page.is_revisions_folder(&folder) {
            continue;
        }
        let url = page.url_dir();
        // Revisions that failed to load are reported; the others still give the page its text, so
        // links into the page are not reported as broken on top.
        let (revisions, problems) = load_revisions(root, &folder, &url);
        diags.extend(problems);
        if revisions.is_empty() {
            continue;
        }
        check_no_text_of_its_own(root, page, &folder, diags);
        if !page.front.history.is_empty() {
            diags.push(
                Diagnostic::new(&page.file, "this page has both a front-matter `history:` and revision files")
                    .at(page.key_line("history"), Some(1))
                    .help(format!(
                        "the revision files in {} are the page's history now: move each `history:` note into the `note:` of the revision file of that date (a note is not part of the published text, so this is allowed), then delete `history:`",
                        display_path(root, &folder).display()
                    )),
            );
        }
        let Some(current) = revisions.iter().rposition(|r| r.in_effect_from() <= today) else {
            diags.push(
                Diagnostic::new(&page.file, format!("no revision of this page is in effect on {today}"))
                    .help("check the revisions' `effective` dates, or build with a later --today"),
            );
            continue;
        };
        for (i, rev) in revisions.iter().enumerate() {
            let mut a = page.clone();
            a.rel = rev.archive_rel.clone();
            a.front.slug = Some(rev.date.to_string());
            a.front.template = Some("revision.html".into());
            a.front.number = None; // cross-references keep pointing at the current page
            a.front.in_nav = Some(false);
            a.front.history.clear();
            a.front.revised = Some(rev.date);
            set_body(&mut a, rev);
            archives.push(a);
            policies.archive.insert(rev.archive_rel.clone(), (policies.pages.len(), i));
        }
        set_body(page, &revisions[current]);
        page.front.revised = Some(revisions[current].date);
        policies.pages.push(PolicyPage {
            rel: page.rel.clone(),
            url,
            title: page.front.title.clone(),
            number: page.front.number.clone(),
            revisions,
            current,
        });
    }
    pages.extend(archives);
    (pages, policies)
}

/// Two pages with one policy `number` would share cross-references, feed entry ids and the record
/// in `policy-revisions.lock` (which follows a page by its number): refused, naming both.
fn unique_numbers(pages: &[SourcePage], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &SourcePage> = HashMap::new();
    for page in pages {
        let Some(number) = page.front.number.as_deref() else { continue };
        if let Some(first) = seen.get(number) {
            diags.push(
                Diagnostic::new(
                    &page.file,
                    format!("`number: {number}` is already the number of {}", first.file.display()),
                )
                .at(page.key_line("number"), None)
                .help(format!(
                    "each policy has one page: give this page its own number, or remove one of the two ({}:{})",
                    first.file.display(),
                    first.key_line("number")
                )),
            );
        } else {
            seen.insert(number, page);
        }
    }
}

/// The text without HTML comments (a page with revisions may keep a comment for its editors).
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => return out + &rest[start..],
        }
    }
    out + rest
}

/// A page with revisions has its text in them: text of its own (comments aside) is an error. Its
/// body is the one held, or read again (a build that takes most pages from its notes loads only
/// each body's hash).
fn check_no_text_of_its_own(root: &Path, page: &SourcePage, folder: &Path, diags: &mut Diagnostics) {
    let own = page.reload_body(root).unwrap_or_else(|d| {
        diags.push(d);
        String::new()
    });
    if !strip_comments(&own).trim().is_empty() {
        diags.push(
            Diagnostic::new(&page.file, "this page has revisions, so its text must live in the revision files")
                .at(page.body_line, Some(1))
                .help(format!(
                    "move the text into {} (one file per revision) and leave only the front matter here",
                    display_path(root, folder).display()
                )),
        );
    }
}

fn set_body(page: &mut SourcePage, rev: &Revision) {
    page.set_body_from(rev.file.clone(), rev.body.clone(), rev.body_line);
}

/// The revision files of one folder that loaded, oldest first, and the problems with the others.
fn load_revisions(root: &Path, folder: &Path, url: &str) -> (Vec<Revision>, Diagnostics) {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) => {
            let d = Diagnostic::new(display_path(root, folder), format!("cannot read the revisions folder: {e}"));
            return (Vec::new(), d.into());
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md")))
        .collect();
    files.sort();
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    for path in files {
        if let Some(r) = read_revision(root, &path, url, &mut diags) {
            out.push(r);
        }
    }
    (out, diags)
}

/// One revision file: named by its adoption date, front matter (`note`, `effective`, `backdated`)
/// and the adopted text. `None` when it cannot be read as one; the problem goes to `diags`.
fn read_revision(root: &Path, path: &Path, url: &str, diags: &mut Diagnostics) -> Option<Revision> {
    let file = display_path(root, path);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if path.extension().is_some_and(|x| x != "md") {
        diags.push(
            Diagnostic::new(&file, "a revision file's name must end in `.md` (lower case); this one is not read")
                .help(format!("rename it to {stem}.md")),
        );
        return None;
    }
    let Some(date) = Date::parse(&stem) else {
        diags.push(
            Diagnostic::new(&file, "a revision file must be named by its adoption date")
                .help("rename it to YYYY-MM-DD.md, e.g. 2026-07-01.md"),
        );
        return None;
    };
    let text = match crate::fsutil::read_text(path, root) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let split = match crate::load::frontmatter::split(&text, &file) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d.help("start the revision file with `---`, `note: what changed`, `---`"));
            return None;
        }
    };
    let front: RevisionFront = match crate::yaml::parse(split.yaml, &file, split.yaml_line) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let keys = crate::yaml::KeyLines::read(split.yaml, split.yaml_line);
    if front.effective.is_some_and(|e| e < date) {
        diags.push(
            Diagnostic::new(&file, "`effective` is before the adoption date (the file name)")
                .at(keys.top("effective").unwrap_or(1), None)
                .help("leave `effective` out when the revision applies from its adoption"),
        );
    }
    shortcodes(&split, &file, diags);
    let note_line = keys.top("note").unwrap_or(1);
    Some(Revision {
        date,
        note_line,
        effective_line: keys.top("effective").unwrap_or(note_line),
        backdated: front.backdated,
        effective: front.effective,
        note: front.note.trim().to_string(),
        file,
        body: split.body.to_string(),
        body_line: split.body_line,
        archive_rel: format!("{url}{date}.revision.md"),
        url: format!("{url}{date}/"),
    })
}

/// Every shortcode of the file is reported, not only the first: the admin fixes them in one go.
fn shortcodes(split: &crate::load::frontmatter::Split<'_>, file: &Path, diags: &mut Diagnostics) {
    let in_comment = |at: usize| {
        let before = &split.body[..at];
        before.rfind("<!--").is_some_and(|open| !before[open..].contains("-->"))
    };
    for (at, _) in split.body.match_indices("{{").filter(|(at, _)| !in_comment(*at)) {
        let (l, col) = crate::diag::line_col(split.body, at);
        diags.push(
            Diagnostic::new(file, "a revision holds the adopted text, so it cannot use `{{ … }}` shortcodes")
                .at(split.body_line + l - 1, Some(col))
                .help("write the text out as adopted (a shortcode would show today's data in every old revision); `policysite revise` writes them out when it starts the revision layout"),
        );
    }
}
