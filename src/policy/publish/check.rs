//! Every build checks the revision files against the lock: each published revision unchanged
//! (text, `effective` date, `note`), present and findable, and new revisions not dated before the
//! last published one unless they say `backdated: true`.

use std::path::Path;

use super::{Entry, LOCK_FILE, Recorded, by_identity, fingerprint, identity, read};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::policy::revisions::{Policies, PolicyPage, Revision};

/// Every published revision unchanged, present and findable; new revisions not backdated unless declared.
pub fn check(root: &Path, policies: &Policies) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let lock = match read(root) {
        Ok(l) => by_identity(l, policies),
        Err(d) => {
            diags.push(d);
            return diags;
        }
    };
    for (id, rec) in &lock.policies {
        let Some(page) = policies.pages.iter().find(|p| identity(p) == *id) else {
            diags.push(page_gone(id, rec));
            continue;
        };
        for e in &rec.revisions {
            let Some(r) = page.revisions.iter().find(|r| r.date == e.date) else {
                if revision_missing(root, &page.rel, e.date) {
                    diags.push(
                        Diagnostic::new(
                            LOCK_FILE,
                            format!("the published revision {} of content/{} is missing", e.date, page.rel),
                        )
                        .help("restore its file: published revisions stay readable at their dated URL"),
                    );
                }
                continue; // a file that exists but failed to load is already reported
            };
            check_published(e, r, &mut diags);
        }
        check_backdated(page, rec, &mut diags);
    }
    diags
}

/// A policy with published revisions whose page (found by its identity) is gone.
fn page_gone(id: &str, rec: &Recorded) -> Diagnostic {
    let what = if id.starts_with("content/") { format!("the page {id}") } else { format!("policy {id}") };
    Diagnostic::new(LOCK_FILE, format!(
        "{what} has published revisions (last at content/{}), but no page with revisions is {}",
        rec.page,
        if id.starts_with("content/") { "at that path".to_string() } else { format!("numbered `{id}`") }
    ))
    .help("a published policy stays published: restore the page, its `number` or its revision files (a renamed page keeps its record through its `number`); to retire a policy, add a revision that says so")
}

fn revision_missing(root: &Path, rel: &str, date: Date) -> bool {
    !root.join(crate::load::content::CONTENT_DIR).join(rel.trim_end_matches(".md")).join(format!("{date}.md")).is_file()
}

/// A published revision's file against its record: the text, and (recorded since the JSON format)
/// the `effective` date and the `note`, each reported at its line.
fn check_published(e: &Entry, r: &Revision, diags: &mut Diagnostics) {
    let shown = |d: Option<Date>| d.map_or("none".to_string(), |d| d.to_string());
    let put_back = "put it back as published and make the change in a new revision file (YYYY-MM-DD.md) instead";
    if fingerprint(&r.body) != e.text_sha256 {
        diags.push(
            Diagnostic::new(&r.file, format!("the published revision of {} was changed", e.date))
                .at(r.body_line, None)
                .help(format!("the text: {put_back}")),
        );
    }
    if e.legacy {
        return;
    }
    if r.effective != e.effective {
        diags.push(
            Diagnostic::new(
                &r.file,
                format!(
                    "the `effective` date of the published revision of {} was changed (published: {}, now: {})",
                    e.date,
                    shown(e.effective),
                    shown(r.effective)
                ),
            )
            .at(r.effective_line, None)
            .help(put_back),
        );
    }
    if r.note != e.note {
        diags.push(
            Diagnostic::new(
                &r.file,
                format!("the `note` of the published revision of {} was changed (published: {:?})", e.date, e.note),
            )
            .at(r.note_line, None)
            .help(put_back),
        );
    }
}

/// A revision not yet published, dated before the last published one, must say `backdated: true`.
fn check_backdated(page: &PolicyPage, rec: &Recorded, diags: &mut Diagnostics) {
    let Some(last) = rec.revisions.iter().map(|e| e.date).max() else { return };
    for r in page.revisions.iter().filter(|r| r.date < last && !r.backdated) {
        if rec.revisions.iter().all(|e| e.date != r.date) {
            diags.push(
                Diagnostic::new(
                    &r.file,
                    format!("this new revision is dated {}, before {last}, the last published revision of this page", r.date),
                )
                .at(r.note_line, None)
                .help(format!(
                    "name the file by its real adoption date (after {last}); if it really was adopted on {} and is only added late, say so with `backdated: true` in its front matter",
                    r.date
                )),
            );
        }
    }
}
