//! Published policy revisions can never change silently: `policysite publish` records a SHA-256 of
//! each revision's text in `policy-revisions.lock` (one call, [`record`]), and every build checks the
//! revision files against it ([`check`]). Builds and `serve` never write the lock.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::revisions::Policies;
use crate::diag::{Diagnostic, Diagnostics};

pub const LOCK_FILE: &str = "policy-revisions.lock";

fn fingerprint(text: &str) -> String {
    crate::quiz::keys::hex(&Sha256::digest(text.as_bytes()))
}

/// `(page content path, adoption date)` → fingerprint, from the lock. A missing lock holds nothing
/// yet; one that cannot be read is an error (read as empty, it would let edited revisions pass).
fn read(root: &Path) -> std::io::Result<BTreeMap<(String, String), String>> {
    let text = match std::fs::read_to_string(root.join(LOCK_FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some(((f.next()?.to_string(), f.next()?.to_string()), f.next()?.to_string()))
        })
        .collect())
}

/// A published revision whose text changed, or whose file is gone, is an error at that file.
pub fn check(root: &Path, policies: &Policies) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let lock = match read(root) {
        Ok(l) => l,
        Err(e) => {
            diags.push(
                Diagnostic::new(LOCK_FILE, format!("cannot read: {e}"))
                    .help("the build checks published revisions against it: make it readable"),
            );
            return diags;
        }
    };
    for ((rel, date), hash) in &lock {
        let Some(page) = policies.by_rel(rel) else { continue };
        match page.revisions.iter().find(|r| r.date.to_string() == *date) {
            Some(r) if fingerprint(&r.body) != *hash => {
                diags.push(Diagnostic::new(&r.file, format!("the published revision of {date} was changed")).help(
                    "put the text back as published and add the change as a new revision file (YYYY-MM-DD.md) instead",
                ))
            }
            Some(_) => {}
            // A file that exists but failed to load is already reported.
            None if root
                .join(crate::load::content::CONTENT_DIR)
                .join(rel.trim_end_matches(".md"))
                .join(format!("{date}.md"))
                .is_file() => {}
            None => diags.push(
                Diagnostic::new(LOCK_FILE, format!("the published revision {date} of content/{rel} is missing"))
                    .help("restore its file: published revisions stay readable at their dated URL"),
            ),
        }
    }
    diags
}

/// Record every revision not yet in the lock; returns `page@date` of each newly recorded one.
/// Read and written under the lock file's lock, so two runs at once lose nothing; written atomically.
pub fn record(root: &Path, policies: &Policies) -> std::io::Result<Vec<String>> {
    crate::output::with_file_lock(&root.join(LOCK_FILE), || record_locked(root, policies))?
}

fn record_locked(root: &Path, policies: &Policies) -> std::io::Result<Vec<String>> {
    let mut lock = read(root)?;
    let mut added = Vec::new();
    for p in &policies.pages {
        for r in &p.revisions {
            let key = (p.rel.clone(), r.date.to_string());
            if let std::collections::btree_map::Entry::Vacant(e) = lock.entry(key) {
                added.push(format!("{}@{}", p.rel, r.date));
                e.insert(fingerprint(&r.body));
            }
        }
    }
    if added.is_empty() {
        return Ok(added);
    }
    let mut text = String::from(
        "# Published policy revisions, written by `policysite publish`. Commit it.\n\
         # One line per revision: page, adoption date, SHA-256 of its text. A build fails if a\n\
         # published revision's text changes.\n",
    );
    for ((rel, date), hash) in &lock {
        text.push_str(&format!("{rel} {date} {hash}\n"));
    }
    crate::output::write_atomic(&root.join(LOCK_FILE), text.as_bytes())?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::policy::revisions::{PolicyPage, Revision};

    fn policies(body: &str) -> Policies {
        let rev = |d: &str, body: &str| Revision {
            date: Date::parse(d).unwrap_or_else(|| panic!("date")),
            effective: None,
            note: "n".into(),
            file: "content/p/2020-01-01.md".into(),
            body: body.into(),
            body_line: 4,
            archive_rel: String::new(),
            url: String::new(),
        };
        Policies {
            pages: vec![PolicyPage {
                rel: "p.md".into(),
                url: "p/".into(),
                title: "P".into(),
                number: None,
                revisions: vec![rev("2020-01-01", body)],
                current: 0,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_recorded_revision_cannot_change() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(check(dir.path(), &policies("text")).is_empty(), "nothing published yet");
        assert_eq!(record(dir.path(), &policies("text")).unwrap_or_default(), ["p.md@2020-01-01"]);
        assert!(record(dir.path(), &policies("text")).unwrap_or_default().is_empty(), "recording twice adds nothing");
        assert!(check(dir.path(), &policies("text")).is_empty());
        let d = check(dir.path(), &policies("text, edited"));
        assert!(d.iter().any(|d| d.message.contains("published revision of 2020-01-01 was changed")), "{d}");
    }

    #[test]
    fn a_lock_that_cannot_be_read_is_an_error_not_an_empty_lock() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(dir.path().join(LOCK_FILE)).unwrap_or_else(|e| panic!("{e}"));
        let diags = check(dir.path(), &policies("edited text"));
        assert!(diags.0.iter().any(|d| d.message.starts_with("cannot read")), "{diags:?}");
        assert!(record(dir.path(), &policies("edited text")).is_err(), "nothing recorded over it");
    }
}
