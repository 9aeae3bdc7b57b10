//! `publish --repair`: a lock holding a merge conflict (two branches each published a revision)
//! becomes the entries of both sides, in the format they were written in.

use std::path::Path;

use super::{LOCK_FILE, Recorded, locked, parse_bytes, write};
use crate::diag::Diagnostic;

/// `publish --repair`: when the lock holds a merge conflict, write the entries of both sides; refuse
/// when the two sides record one revision differently. `Ok(None)`: no conflict.
pub fn repair(root: &Path) -> Result<Option<usize>, Diagnostic> {
    locked(root, || {
        let bytes = match std::fs::read(root.join(LOCK_FILE)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::new(LOCK_FILE, format!("cannot read: {e}"))),
        };
        let text = String::from_utf8_lossy(&bytes);
        let Some((ours, theirs)) = crate::lockfile::conflict_sides(LOCK_FILE, &text)? else { return Ok(None) };
        let side = |t: &str, name: &str| {
            parse_bytes(t.as_bytes()).map_err(|d| {
                Diagnostic::new(
                    LOCK_FILE,
                    format!("the {name} side of the merge conflict is not a lock `publish` wrote: {}", d.message),
                )
                .help("resolve the conflict by hand, keeping every entry of both sides")
            })
        };
        let (a, b) = (side(&ours, "first")?, side(&theirs, "second")?);
        let mut merged = a;
        for (id, rec) in b.policies {
            let mine = merged
                .policies
                .entry(id.clone())
                .or_insert_with(|| Recorded { page: rec.page.clone(), revisions: Vec::new() });
            for e in rec.revisions {
                match mine.revisions.iter().find(|m| m.date == e.date) {
                    None => mine.revisions.push(e),
                    Some(m) if *m == e => {}
                    Some(_) => {
                        return Err(Diagnostic::new(LOCK_FILE, format!("cannot repair: the two sides record revision {} of {id} differently", e.date))
                            .help("find out which text was adopted; keep that side's entry when you resolve the conflict by hand"));
                    }
                }
            }
            mine.revisions.sort_by_key(|e| e.date);
        }
        let legacy = merged.policies.values().flat_map(|r| &r.revisions).filter(|e| e.legacy).count();
        if legacy > 0 && legacy < merged.policies.values().map(|r| r.revisions.len()).sum() {
            return Err(Diagnostic::new(LOCK_FILE, "cannot repair: one side of the conflict is in the first lock format, the other in the current one")
                .help("take the side in the current format, run `policysite publish` (it records what is missing), and compare with the other side before committing"));
        }
        if legacy > 0 {
            // A conflict between two first-format locks: write it back in the first format, so the
            // next `publish` migrates it with the files it can check against.
            let mut out = String::from("# Published policy revisions, written by `policysite publish`. Commit it.\n");
            for rec in merged.policies.values() {
                for e in &rec.revisions {
                    out.push_str(&format!("{} {} {}\n", rec.page, e.date, e.text_sha256));
                }
            }
            crate::lockfile::write(&root.join(LOCK_FILE), out.as_bytes())
                .map_err(|e| Diagnostic::new(LOCK_FILE, format!("cannot write: {e}")))?;
        } else {
            write(root, &merged)?;
        }
        Ok(Some(merged.policies.values().map(|r| r.revisions.len()).sum()))
    })
}
