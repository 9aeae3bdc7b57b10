//! `policysite revise`: start a new revision of a policy page.
//!
//! The first time, the page's text moves into the revision layout ([`crate::policy::revisions`]): the page
//! keeps its front matter (less `revised:` and `history:`, which the revision files now carry), and
//! `<page>/<adoption date>.md` gets its text with every `{{ … }}` shortcode written out as it renders
//! today, which is the text that was adopted. Then the new revision file is written as a copy of the
//! newest revision, for the admin to edit. Existing revision files are never written: a published
//! revision stays as published (`policy-revisions.lock`, [`crate::policy::publish`]).
//!
//! Everything is checked before anything is written, and the site is loaded again afterwards; if it
//! no longer loads, every file is put back as it was.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::load::content::CONTENT_DIR;
use crate::model::Site;

/// What the admin asked for.
pub struct Request {
    /// The policy page, as given (below `--root`, or below `content/`).
    pub page: PathBuf,
    /// The adoption date of the new revision (its file name).
    pub date: Date,
    pub effective: Option<Date>,
    pub note: String,
    /// The build date used to load the site (which revision is current).
    pub today: Date,
    /// How the site is loaded (the engine's `load_site`, passed in: policy sits below the engine).
    pub load_site: fn(&Path, Date) -> Result<Site, Diagnostics>,
}

/// What `revise` did, for the next-steps message.
#[derive(Debug)]
pub struct Started {
    /// The page as shown in messages (`content/regulation/6973-1r.md`).
    pub page: String,
    /// When the page was moved into the revision layout: the first revision file and its date.
    pub converted: Option<(String, Date)>,
    /// The new revision file (`content/regulation/6973-1r/2027-01-15.md`).
    pub created: String,
    /// The revision it is a copy of.
    pub copied_from: Date,
    /// URL directory (below the site root) of the new revision's archive page.
    pub archive_url: String,
    /// URL directory of the comparison of the copied revision with the new one.
    pub compare_url: String,
    /// URL directory of the page.
    pub page_url: String,
    /// The warnings of the site before and after, for the command to show.
    pub warnings: Vec<Diagnostic>,
}

fn refuse(file: impl AsRef<Path>, message: impl Into<String>, help: impl Into<String>) -> Diagnostics {
    Diagnostic::new(file.as_ref(), message.into()).help(help.into()).into()
}

/// Find the page file: `--root`-relative first, then below `content/`, then as given (from the
/// current folder). Returns the file and its
/// content path (`regulation/6973-1r.md`).
fn locate(root: &Path, given: &Path) -> Result<(PathBuf, String), Diagnostics> {
    let content = root.join(CONTENT_DIR);
    let file =
        [root.join(given), content.join(given), given.to_path_buf()].into_iter().find(|p| p.is_file()).ok_or_else(
            || refuse(given, "no such page", "give the policy page's file, e.g. content/regulation/6973-1r.md"),
        )?;
    let canon = |p: &Path| p.canonicalize().map_err(|e| refuse(p, format!("cannot read: {e}"), "check the path"));
    let (abs, content_abs) = (canon(&file)?, canon(&content)?);
    let rel = abs
        .strip_prefix(&content_abs)
        .map_err(|_| refuse(given, "this file is not below the site's content/ folder", "give a page in content/"))?;
    let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    if !rel.ends_with(".md") {
        return Err(refuse(given, "not a Markdown page", "give the policy page's .md file"));
    }
    Ok((file, rel))
}

/// The page's text with every shortcode outside HTML comments written out as it renders today.
fn write_out_shortcodes(site: &Site, file: &str, body: &str, first_line: usize) -> Result<String, Diagnostics> {
    let mut out = String::with_capacity(body.len());
    let mut diags = Diagnostics::default();
    let mut last = 0;
    for cap in crate::markdown::SHORTCODE.captures_iter(body) {
        let (Some(whole), Some(name)) = (cap.get(0), cap.get(1)) else { continue };
        let before = &body[..whole.start()];
        if before.rfind("<!--").is_some_and(|open| !before[open..].contains("-->")) {
            continue;
        }
        out.push_str(&body[last..whole.start()]);
        match site.shortcode_text(name.as_str()) {
            Some(text) => out.push_str(&text),
            None => {
                let (l, c) = crate::diag::line_col(body, whole.start());
                diags.push(
                    Diagnostic::new(file, format!("unknown shortcode `{}`", whole.as_str()))
                        .at(first_line + l - 1, Some(c))
                        .help("write the adopted text in its place"),
                );
                out.push_str(whole.as_str());
            }
        }
        last = whole.end();
    }
    out.push_str(&body[last..]);
    diags.into_result(out)
}

/// The page's front matter without the keys the revision files now carry (`revised:`, `history:`),
/// each with its indented or listed continuation lines.
fn front_without_history(yaml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in yaml.split_inclusive('\n') {
        let continuation = line.starts_with([' ', '\t', '-']);
        if skipping && continuation {
            continue;
        }
        skipping = line.starts_with("history:") || line.starts_with("revised:");
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

/// The first revision's note: the page's `history:` notes with their dates, else its dates.
fn first_note(site_page: &crate::load::content::SourcePage, adopted: Date) -> String {
    let f = &site_page.front;
    if !f.history.is_empty() {
        return f.history.iter().map(|h| format!("{}: {}", h.date.long(), h.note.trim())).collect::<Vec<_>>().join(" ");
    }
    match (f.approved, f.revised) {
        (Some(a), Some(r)) if a != r => format!("Approved {}, revised {}.", a.long(), r.long()),
        _ => format!("Adopted {}.", adopted.long()),
    }
}

/// A revision file's text. `schema`: the path from the file to `schemas/revision.schema.json`, named
/// on the front matter's first line so editors check `note:` and `effective:` as they are typed.
fn revision_text(note: &str, effective: Option<Date>, body: &str, schema: Option<&str>) -> String {
    let note = serde_json::to_string(note.trim()).unwrap_or_default();
    let effective = effective.map(|e| format!("effective: {e}\n")).unwrap_or_default();
    let schema = schema.map(|s| format!("# yaml-language-server: $schema={s}\n")).unwrap_or_default();
    format!("---\n{schema}note: {note}\n{effective}---\n{body}")
}

/// `../` from a revision file to the site root, then `schemas/revision.schema.json`.
fn schema_path(root: &Path, revision_file: &Path) -> Option<String> {
    let rel = revision_file.strip_prefix(root).ok()?;
    let depth = rel.components().count().checked_sub(1)?;
    Some(format!("{}{}/revision.schema.json", "../".repeat(depth), crate::layout::SCHEMA_DIR))
}

/// Write `bytes` to a new file; refuses to replace one.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Start the revision. Refusals and load errors come back as diagnostics; nothing is written then.
pub fn start(root: &Path, req: &Request) -> Result<Started, Diagnostics> {
    let (file, rel) = locate(root, &req.page)?;
    let shown = display_path(root, &file);
    check_request(req, &file, &shown)?;
    let folder = root.join(CONTENT_DIR).join(rel.trim_end_matches(".md"));
    let new_file = folder.join(format!("{}.md", req.date));
    let new_shown = display_path(root, &new_file);
    if new_file.exists() {
        return Err(refuse(
            &new_shown,
            format!("a revision adopted on {} already exists", req.date),
            "give the date of the new adoption; a revision not yet recorded by `policysite publish` may be edited in place, a published one never changes",
        ));
    }
    let site = (req.load_site)(root, req.today)?;
    let mut warnings = site.policy.warnings.clone();
    // A refusal from here on still shows this load's warnings, before the error.
    let warned = |d: Diagnostics| d.after_warnings(&warnings);
    let Plan { writes, converted, base_date } = plan(root, req, &site, &rel, &file, &new_file).map_err(warned)?;
    let original_page = std::fs::read(&file)
        .map_err(|e| warned(refuse(&shown, format!("cannot read: {e}"), "check its permissions")))?;
    let tx = Transaction { page: &file, folder: &folder, writes, original_page, created_folder: !folder.exists() };
    if let Err(e) = tx.write() {
        tx.undo();
        return Err(warned(refuse(
            &new_shown,
            format!("cannot write the revision: {e}"),
            "nothing was changed; check the folder's permissions",
        )));
    }
    // The site must still load with the new files; otherwise put everything back.
    let after = match (req.load_site)(root, req.today) {
        Ok(s) => s,
        Err(d) => {
            tx.undo();
            let mut d = d.after_warnings(&warnings);
            d.push(
                Diagnostic::new(&new_shown, "the site does not load with the new revision, so nothing was changed")
                    .help("fix the errors above, then run revise again"),
            );
            return Err(d);
        }
    };
    warnings.extend(after.policy.warnings.iter().cloned());
    let p = after
        .policy
        .by_rel(&rel)
        .ok_or_else(|| refuse(&shown, "the page has no revisions after all", "report this as a bug"))?;
    let i = p.revisions.iter().position(|r| r.date == req.date).unwrap_or(p.revisions.len() - 1);
    let j = p.revisions.iter().position(|r| r.date == base_date).unwrap_or(0);
    Ok(Started {
        page: shown.to_string_lossy().into_owned(),
        converted,
        created: new_shown.to_string_lossy().into_owned(),
        copied_from: base_date,
        archive_url: p.revisions[i].url.clone(),
        compare_url: crate::policy::revisions::compare_dir(p, j.min(i), j.max(i)),
        page_url: p.url.clone(),
        warnings,
    })
}

/// What the first load decides: the files to write (the new revision, and the page's conversion
/// to the revision layout the first time), the conversion if any, and the base revision's date.
struct Plan {
    writes: Vec<(PathBuf, String)>,
    converted: Option<(String, Date)>,
    base_date: Date,
}

/// Plan the new revision `new_file` of the page `file` (`rel` below content/) on the loaded `site`:
/// refused when the page is not a policy page or the date is not after its newest revision.
fn plan(root: &Path, req: &Request, site: &Site, rel: &str, file: &Path, new_file: &Path) -> Result<Plan, Diagnostics> {
    let shown = display_path(root, file);
    let new_shown = display_path(root, new_file);
    let folder = new_file.parent().unwrap_or(root);
    let page = policy_page(site, rel, &shown)?;
    let newest = site.policy.by_rel(rel).and_then(|p| p.revisions.last());
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    let mut converted = None;
    let (base_date, base_body) = match newest {
        Some(r) => (r.date, r.body.clone()),
        None => {
            let (first, adopted, body) = convert(root, site, page, file, folder, &mut writes)?;
            converted = Some((first, adopted));
            (adopted, body)
        }
    };
    if req.date <= base_date {
        return Err(refuse(
            &new_shown,
            format!("{} is not after the newest revision, adopted {base_date}", req.date),
            "a new revision is adopted after the ones before it; give its adoption date",
        ));
    }
    let schema = schema_path(root, new_file);
    writes.push((new_file.to_path_buf(), revision_text(&req.note, req.effective, &base_body, schema.as_deref())));
    Ok(Plan { writes, converted, base_date })
}

/// What can be refused from the request alone, before the site is loaded: a revision file given
/// for its page, a missing note, an effective date before the adoption.
fn check_request(req: &Request, file: &Path, shown: &Path) -> Result<(), Diagnostics> {
    if crate::layout::is_revision_file(file) {
        return Err(refuse(
            shown,
            "this is a revision file, not a policy page",
            "give the page beside its revisions folder, e.g. content/regulation/6973-1r.md",
        ));
    }
    if req.note.trim().is_empty() {
        return Err(refuse(shown, "the new revision needs a note", "say what changed: --note \"…\""));
    }
    if let Some(e) = req.effective.filter(|e| *e < req.date) {
        return Err(refuse(
            shown,
            format!("--effective {e} is before the adoption date {}", req.date),
            "leave --effective out when the revision applies from its adoption",
        ));
    }
    Ok(())
}

/// The loaded page at `rel`, if the site publishes it and it is a policy page (it has a `number:`).
fn policy_page<'s>(site: &'s Site, rel: &str, shown: &Path) -> Result<&'s crate::model::Page, Diagnostics> {
    let Some(page) = site.page(rel) else {
        return Err(refuse(
            shown,
            "the site does not publish this page",
            "give a published policy page (not a draft or a section index)",
        ));
    };
    if page.is_section() || page.source.front.number.is_none() {
        return Err(refuse(
            shown,
            "not a policy page: its front matter has no `number:`",
            "`revise` works on policy and regulation pages; add `number: …` if this page is one",
        ));
    }
    Ok(page)
}

/// The first time: plan moving the page's text into `<page>/<adoption date>.md` (shortcodes written
/// out) and leaving the page its front matter and a pointer to the revision files. Adds both files
/// to `writes`; returns the first revision file as shown, its date and its text.
fn convert(
    root: &Path,
    site: &Site,
    page: &crate::model::Page,
    file: &Path,
    folder: &Path,
    writes: &mut Vec<(PathBuf, String)>,
) -> Result<(String, Date, String), Diagnostics> {
    let shown = display_path(root, file);
    let Some(adopted) = page.source.front.revised.or(page.source.front.approved) else {
        return Err(refuse(
            &shown,
            "the page has no `approved:` or `revised:` date, so its adopted revision has no date",
            "set `approved:` (and `revised:` if it was revised) to the adoption date, YYYY-MM-DD",
        ));
    };
    if folder.is_dir() {
        return Err(refuse(
            display_path(root, folder),
            "a folder with the page's name already exists, and the revision files would go there",
            "move the files out of it (a revisions folder holds only revision files), then run revise again",
        ));
    }
    let text = crate::fsutil::read_text(file, root).map_err(Diagnostics::from)?;
    let split = crate::load::frontmatter::split(&text, &shown)?;
    let body = write_out_shortcodes(site, &shown.to_string_lossy(), split.body, split.body_line)?;
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let page_text = format!(
        "---\n{}---\n\n<!-- The text lives in the revision files beside this page: {name}/YYYY-MM-DD.md, one per\n     revision, named by adoption date. Start a new one with `policysite revise`. -->\n",
        front_without_history(split.yaml)
    );
    let first = folder.join(format!("{adopted}.md"));
    let first_shown = display_path(root, &first).to_string_lossy().into_owned();
    let schema = schema_path(root, &first);
    writes.push((first.clone(), revision_text(&first_note(&page.source, adopted), None, &body, schema.as_deref())));
    writes.push((file.to_path_buf(), page_text));
    Ok((first_shown, adopted, body))
}

/// The files `revise` writes, all or none: new revision files are created (never replacing one),
/// the page is replaced atomically, and `undo` puts the page back and removes what was created.
struct Transaction<'a> {
    page: &'a Path,
    folder: &'a Path,
    writes: Vec<(PathBuf, String)>,
    original_page: Vec<u8>,
    created_folder: bool,
}

impl Transaction<'_> {
    fn write(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(self.folder)?;
        for (path, text) in &self.writes {
            if path == self.page {
                crate::fsutil::write_atomic(path, text.as_bytes())?;
            } else {
                create_new(path, text.as_bytes())?;
            }
        }
        Ok(())
    }

    fn undo(&self) {
        for (path, _) in &self.writes {
            if path != self.page {
                let _ = std::fs::remove_file(path);
            }
        }
        let _ = crate::fsutil::write_atomic(self.page, &self.original_page);
        if self.created_folder {
            let _ = std::fs::remove_dir(self.folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_and_revised_leave_the_front_matter_with_their_lines() {
        let yaml = "title: T\nrevised: 2016-06-07\nhistory:\n  - date: 2016-04-12\n    note: Approved.\n- date: x\nkeywords: [a]\n";
        assert_eq!(front_without_history(yaml), "title: T\nkeywords: [a]\n");
    }

    #[test]
    fn a_note_is_written_as_a_yaml_string() {
        let t = revision_text("Says \"X\": yes", Some(Date { year: 2027, month: 9, day: 1 }), "\nBody\n", None);
        assert_eq!(t, "---\nnote: \"Says \\\"X\\\": yes\"\neffective: 2027-09-01\n---\n\nBody\n");
    }
}
