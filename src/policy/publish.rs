//! Published policy revisions can never change silently: `policysite publish` records each adopted
//! revision in `policy-revisions.lock` ([`record`]), and every build checks the revision files against
//! it ([`check::check`]). Builds and `serve` never write the lock.
//!
//! What the lock holds, per policy: the page's identity (its `number`; the content path for a page
//! without one), the content path it was last published at, and per revision everything that defines
//! the adopted record: the adoption date, the `effective` date, the `note`, a SHA-256 of the text, and
//! whether it was declared `backdated`. So after publication:
//!
//! - changing a published revision's text, `effective` date or `note` is an error at that file;
//! - removing a published revision's file, or the page, or changing the page's `number`, is an error;
//! - renaming or moving the page keeps its record (it is found by its `number`);
//! - a new revision dated before the last published one is an error unless its file says
//!   `backdated: true` (it was adopted then but added late).
//!
//! The lock is JSON (see [`FORMAT`]). The first format (lines `page date sha256-of-text`, `#`
//! comments) is still read, strictly, and `publish` rewrites it as JSON, recording the `effective`
//! date and `note` the files have then. A damaged lock (empty, a merge conflict, …) is an error, never
//! an empty lock ([`crate::lockfile`]); `publish --repair` merges a conflicted one ([`repair::repair`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::revisions::{Policies, PolicyPage};
use crate::date::Date;
use crate::diag::Diagnostic;

pub mod check;
pub mod repair;

pub const LOCK_FILE: &str = "policy-revisions.lock";
pub const FORMAT: &str = "policysite/policy-revisions";

fn fingerprint(text: &str) -> String {
    crate::encode::hex(&Sha256::digest(text.as_bytes()))
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One published revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Adoption date (the revision file's name).
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    pub note: String,
    /// SHA-256 of the revision's text (hex).
    pub text_sha256: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub backdated: bool,
    /// Read from the first format: only the text is recorded.
    #[serde(skip)]
    pub legacy: bool,
}

/// The published revisions of one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// Content path the page was last published at (`regulation/6973-1r.md`); informative, the page
    /// is found by its identity.
    pub page: String,
    /// Oldest first.
    pub revisions: Vec<Entry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub format: String,
    #[serde(default)]
    pub about: Vec<String>,
    /// Identity (`number`, or `content/<path>` for a page without one) → its record.
    #[serde(deserialize_with = "crate::quiz::lock::unique_keys")]
    pub policies: BTreeMap<String, Recorded>,
}

/// A page's identity in the lock: its policy `number`, else its content path.
pub fn identity(page: &PolicyPage) -> String {
    page.number.clone().unwrap_or_else(|| format!("content/{}", page.rel))
}

fn restore_help() -> String {
    format!(
        "restore it from version control (`git checkout -- {LOCK_FILE}`): it is written only by `policysite publish`"
    )
}

/// Read the lock: missing → empty; damaged → an error at its line.
pub fn read(root: &Path) -> Result<Lock, Diagnostic> {
    crate::fsutil::check_inside(&root.join(LOCK_FILE), root)?;
    match std::fs::read(root.join(LOCK_FILE)) {
        Ok(bytes) => parse_bytes(&bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(e) => Err(Diagnostic::new(LOCK_FILE, format!("cannot read: {e}"))
            .help("the build checks published revisions against it: make it readable")),
    }
}

pub fn parse_bytes(bytes: &[u8]) -> Result<Lock, Diagnostic> {
    let text = crate::lockfile::text(LOCK_FILE, bytes, b"{#")?;
    let lock = if text.starts_with('#') { parse_legacy(text)? } else { parse_json(text)? };
    Ok(lock)
}

/// The line of policy `id` in the lock's `policies`, from the parser.
fn line_of(text: &str, id: &str) -> usize {
    crate::yaml::KeyPositions::read(text).and_then(|k| k.at_path(&["policies", id])).map_or(1, |(line, _)| line)
}

fn parse_json(text: &str) -> Result<Lock, Diagnostic> {
    let lock: Lock =
        crate::lockfile::parse_json(LOCK_FILE, text, FORMAT, |l: &Lock| l.format.as_str(), &restore_help())?;
    for (id, rec) in &lock.policies {
        let at = |msg: String| Diagnostic::new(LOCK_FILE, msg).at(line_of(text, id), None).help(restore_help());
        if rec.revisions.is_empty() {
            return Err(at(format!("policy {id} has no revisions recorded")));
        }
        if let Some(w) = rec.revisions.windows(2).find(|w| w[0].date >= w[1].date) {
            return Err(at(format!(
                "policy {id}: revision {} is recorded after {} (each once, oldest first)",
                w[1].date, w[0].date
            )));
        }
        if let Some(e) = rec.revisions.iter().find(|e| !is_sha256(&e.text_sha256)) {
            return Err(at(format!("policy {id}: the text_sha256 of revision {} is not 64 hex digits", e.date)));
        }
    }
    Ok(lock)
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The first format: `#` comment lines, then `page date sha256` lines, single spaces. Strict: any other
/// line is an error at its line (a skipped line would be a published revision forgotten).
fn parse_legacy(text: &str) -> Result<Lock, Diagnostic> {
    let mut lock = Lock { format: FORMAT.into(), ..Default::default() };
    if !text.ends_with('\n') {
        return Err(Diagnostic::new(LOCK_FILE, "the lock file is damaged: the last line is cut short (no line end)")
            .at(text.lines().count(), None)
            .help(restore_help()));
    }
    for (n, line) in text.lines().enumerate() {
        let bad = |what: String| {
            Diagnostic::new(LOCK_FILE, format!("the lock file is damaged: {what}"))
                .at(n + 1, Some(1))
                .help(restore_help())
        };
        if line.starts_with("# ") || line == "#" {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        let [rel, date, hash] = parts[..] else {
            return Err(bad("expected `page-path adoption-date sha256`, separated by single spaces".into()));
        };
        let safe = rel.ends_with(".md")
            && !rel.starts_with('/')
            && rel.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
        if !safe || rel.contains('\\') {
            return Err(bad(format!("{rel:?} is not a page path below content/")));
        }
        let Some(date) = Date::parse(date).filter(|d| d.to_string() == date) else {
            return Err(bad(format!("{date:?} is not a date (YYYY-MM-DD)")));
        };
        if !is_sha256(hash) {
            return Err(bad("the SHA-256 is not 64 lower-case hex digits".into()));
        }
        let rec = lock
            .policies
            .entry(format!("content/{rel}"))
            .or_insert_with(|| Recorded { page: rel.to_string(), revisions: Vec::new() });
        if rec.revisions.iter().any(|e| e.date == date) {
            return Err(bad(format!("revision {date} of content/{rel} is recorded twice")));
        }
        rec.revisions.push(Entry {
            date,
            effective: None,
            note: String::new(),
            text_sha256: hash.to_string(),
            backdated: false,
            legacy: true,
        });
    }
    for rec in lock.policies.values_mut() {
        rec.revisions.sort_by_key(|e| e.date);
    }
    Ok(lock)
}

/// Key records of the first format (by content path) by the identity of the page at that path, so
/// every record is found by identity.
fn by_identity(mut lock: Lock, policies: &Policies) -> Lock {
    let legacy: Vec<String> =
        lock.policies.iter().filter(|(_, r)| r.revisions.iter().any(|e| e.legacy)).map(|(k, _)| k.clone()).collect();
    for key in legacy {
        let Some(page) = policies.by_rel(&lock.policies[&key].page) else { continue };
        let id = identity(page);
        if id != key
            && !lock.policies.contains_key(&id)
            && let Some(rec) = lock.policies.remove(&key)
        {
            lock.policies.insert(id, rec);
        }
    }
    lock
}

/// Hold the lock file's lock while `f` runs, removing temporary files a killed run left.
fn locked<T>(root: &Path, f: impl FnOnce() -> Result<T, Diagnostic>) -> Result<T, Diagnostic> {
    let path = root.join(LOCK_FILE);
    crate::fsutil::with_file_lock(&path, "publish", || {
        crate::lockfile::remove_stale_temps(&path, None);
        f()
    })
    .unwrap_or_else(|e| {
        Err(Diagnostic::new(LOCK_FILE, format!("cannot lock: {e}")).help("check that the site folder is writable"))
    })
}

fn write(root: &Path, lock: &Lock) -> Result<(), Diagnostic> {
    let mut lock = lock.clone();
    lock.format = FORMAT.into();
    lock.about = vec![
        "Published policy revisions, written by `policysite publish`. Commit this file; it is never published.".into(),
        "Per policy (by its number) and adoption date: the effective date, the note and a SHA-256 of the text.".into(),
        "A build fails if any of them changes. Do not edit it by hand.".into(),
    ];
    let mut json = serde_json::to_string_pretty(&lock).map_err(|e| Diagnostic::new(LOCK_FILE, e.to_string()))?;
    json.push('\n');
    crate::lockfile::write(&root.join(LOCK_FILE), json.as_bytes())
        .map_err(|e| Diagnostic::new(LOCK_FILE, format!("cannot write: {e}")).help("check permissions"))
}

/// Record every revision not yet in the lock (and migrate a lock of the first format); returns
/// `page@date` of each newly recorded one, and whether a lock of the first format was upgraded. `policies` must come from a load without errors (so the
/// recorded revisions are unchanged). Read and written under the lock file's lock, atomically.
pub fn record(root: &Path, policies: &Policies) -> Result<(Vec<String>, bool), Diagnostic> {
    locked(root, || {
        let original = read(root)?;
        let migrate = original.policies.values().any(|r| r.revisions.iter().any(|e| e.legacy));
        let mut lock = by_identity(original.clone(), policies);
        let mut added = Vec::new();
        for p in &policies.pages {
            let rec = lock
                .policies
                .entry(identity(p))
                .or_insert_with(|| Recorded { page: p.rel.clone(), revisions: Vec::new() });
            rec.page = p.rel.clone();
            for r in &p.revisions {
                let new = Entry {
                    date: r.date,
                    effective: r.effective,
                    note: r.note.clone(),
                    text_sha256: fingerprint(&r.body),
                    backdated: r.backdated,
                    legacy: false,
                };
                match rec.revisions.iter_mut().find(|e| e.date == r.date) {
                    Some(e) if e.legacy && e.text_sha256 == new.text_sha256 => *e = new,
                    Some(_) => {}
                    None => {
                        added.push(format!("{}@{}", p.rel, r.date));
                        rec.revisions.push(new);
                    }
                }
            }
            rec.revisions.sort_by_key(|e| e.date);
        }
        let kept = original.policies.values().flat_map(|r| &r.revisions).count();
        if lock.policies.values().flat_map(|r| &r.revisions).count() < kept {
            return Err(Diagnostic::new(LOCK_FILE, "refusing to write the lock: it would lose entries")
                .help("the lock is append-only: report this as a bug"));
        }
        if added.is_empty() && !migrate {
            return Ok((added, false));
        }
        write(root, &lock)?;
        Ok((added, migrate))
    })
}

#[cfg(test)]
mod tests {
    use super::check::check;
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
            note_line: 2,
            effective_line: 2,
            backdated: false,
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
        // `expect`: a `record` that fails must fail the test (an empty default would pass the second check).
        let first = record(dir.path(), &policies("text")).map(|r| r.0).unwrap_or_else(|e| panic!("record: {e:?}"));
        assert_eq!(first, ["p.md@2020-01-01"]);
        let again = record(dir.path(), &policies("text")).map(|r| r.0).unwrap_or_else(|e| panic!("record: {e:?}"));
        assert!(again.is_empty(), "recording twice adds nothing");
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
