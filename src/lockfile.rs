//! What the two record locks (`quizzes/revisions.lock`, `policy-revisions.lock`) share: a lock is read
//! only when it is exactly what `policysite publish` writes. Anything else (empty, a byte-order mark,
//! NUL bytes, text that is not UTF-8, an unresolved merge conflict) is an error naming the file, the
//! line and what to do, never an empty lock: read as empty, it would let published records change and
//! `publish` would then write a lock without them.
//!
//! A merge conflict is the usual way a lock gets damaged (two branches each published something), so
//! [`conflict_sides`] splits a conflicted lock into both sides for `policysite publish --repair`, which
//! keeps the entries of both.
//!
//! Writes go through a temporary file beside the lock named `.<lock name>.<random>.tmp`, so the next
//! `publish` can remove what a killed one left ([`remove_stale_temps`]; they may hold quiz keys) and the
//! `.gitignore` that `policysite new` writes covers them.

use std::path::Path;

use crate::diag::{Diagnostic, line_col};

/// Git's conflict markers, at the start of a line.
const MARKERS: [&str; 4] = ["<<<<<<<", "|||||||", "=======", ">>>>>>>"];

fn marker(line: &str) -> Option<usize> {
    let line = line.trim_end_matches(['\n', '\r']);
    MARKERS.iter().position(|m| line.strip_prefix(m).is_some_and(|rest| rest.is_empty() || rest.starts_with(' ')))
}

/// What to do about a merge conflict in `file`.
pub fn conflict_help(file: &str) -> String {
    format!(
        "both sides of the merge hold entries that verify records already issued, so keep every entry of both: run `policysite publish --repair` (it merges the two sides and refuses if they disagree), or edit {file} by hand keeping every entry of both sides and removing the marker lines; then run `policysite build`"
    )
}

/// The lock's text, when its bytes can be a lock `publish` wrote; otherwise the error at its line.
/// `starts` tells what the first byte of a lock may be.
pub fn text<'a>(file: &str, bytes: &'a [u8], starts: &[u8]) -> Result<&'a str, Diagnostic> {
    let restore = format!(
        "restore it from version control (`git checkout -- {file}`), or from a backup: it is written only by `policysite publish`"
    );
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::new(file, "the lock file is empty: `policysite publish` never writes an empty lock")
            .at(1, Some(1))
            .help(format!(
                "{restore}; delete the file only if nothing was ever published (codes and adopted texts it recorded could no longer be checked)"
            )));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Diagnostic::new(file, "the lock file starts with a byte-order mark (an editor added it)")
            .at(1, Some(1))
            .help(format!("save it as UTF-8 without a byte-order mark, or {restore}")));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
            return Err(Diagnostic::new(file, "the lock file is damaged: it is not valid UTF-8")
                .at(line, Some(col))
                .help(restore));
        }
    };
    if let Some(at) = text.find('\0') {
        let (line, col) = line_col(text, at);
        return Err(Diagnostic::new(file, "the lock file is damaged: it holds a NUL byte")
            .at(line, Some(col))
            .help(restore));
    }
    if let Some((n, _)) = text.lines().enumerate().find(|(_, l)| marker(l).is_some()) {
        return Err(Diagnostic::new(file, "the lock file has an unresolved merge conflict")
            .at(n + 1, Some(1))
            .help(conflict_help(file)));
    }
    if !starts.contains(&bytes[0]) {
        return Err(Diagnostic::new(
            file,
            "the lock file is not one `policysite publish` wrote: it does not start as one",
        )
        .at(1, Some(1))
        .help(restore));
    }
    Ok(text)
}

/// The two sides of a conflicted lock (`ours`, `theirs`; a diff3 base section is dropped), or `None`
/// when it has no conflict markers. An unbalanced or nested conflict is an error at its line.
/// Parse a JSON lock (`T` carries its `format` field, returned by `format_of`): a syntax error is
/// reported at its line and column, a lock of another format at its `"format"` line, each with `help`
/// (how to restore the lock). Shared by the quiz lock and the policy lock.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    expected_format: &str,
    format_of: impl Fn(&T) -> &str,
    help: &str,
) -> Result<T, Diagnostic> {
    let lock: T = serde_json::from_str(text).map_err(|e| {
        Diagnostic::new(file, format!("the lock file is damaged: {e}"))
            .at(e.line().max(1), Some(e.column().max(1)))
            .help(help)
    })?;
    let found = format_of(&lock);
    if found != expected_format {
        return Err(Diagnostic::new(file, format!("`format` is {found:?}, not {expected_format:?}"))
            .at(text.lines().position(|l| l.contains("\"format\"")).map_or(1, |i| i + 1), None)
            .help(help));
    }
    Ok(lock)
}

pub fn conflict_sides(file: &str, text: &str) -> Result<Option<(String, String)>, Diagnostic> {
    #[derive(PartialEq)]
    enum State {
        Both,
        Ours,
        Base,
        Theirs,
    }
    let mut state = State::Both;
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut found = false;
    let bad = |n: usize, what: &str| {
        Diagnostic::new(file, format!("the merge conflict cannot be split into its two sides: {what}"))
            .at(n + 1, Some(1))
            .help(format!(
                "resolve it by hand, keeping every entry of both sides, or restore {file} from version control"
            ))
    };
    for (n, line) in text.split_inclusive('\n').enumerate() {
        match (marker(line), &state) {
            (Some(0), State::Both) => {
                state = State::Ours;
                found = true;
            }
            (Some(1), State::Ours) => state = State::Base,
            (Some(2), State::Ours | State::Base) => state = State::Theirs,
            (Some(3), State::Theirs) => state = State::Both,
            (Some(_), _) => return Err(bad(n, "a conflict marker out of place")),
            (None, State::Both) => {
                ours.push_str(line);
                theirs.push_str(line);
            }
            (None, State::Ours) => ours.push_str(line),
            (None, State::Base) => {}
            (None, State::Theirs) => theirs.push_str(line),
        }
    }
    if state != State::Both {
        return Err(bad(text.lines().count().saturating_sub(1), "the last conflict is not closed by `>>>>>>>`"));
    }
    Ok(found.then_some((ours, theirs)))
}

fn temp_prefix(lock: &Path) -> String {
    format!(".{}.", lock.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

/// Write `lock` atomically through `.<name>.<random>.tmp` beside it (private until renamed).
pub fn write(lock: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = lock.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(&temp_prefix(lock)).suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Ok(m) = std::fs::metadata(lock) {
        tmp.as_file().set_permissions(m.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(lock).map_err(|e| e.error)?;
    Ok(())
}

/// Remove the temporary files a killed `publish` left beside `lock` (call it holding the lock's file
/// lock: every writer holds it while its temporary file exists). `also` names another prefix to clean
/// (the one older versions used), for a folder only `publish` writes to. Returns how many were removed.
pub fn remove_stale_temps(lock: &Path, also: Option<&str>) -> usize {
    let dir = lock.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let prefix = temp_prefix(lock);
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".tmp") && (name.starts_with(&prefix) || also.is_some_and(|p| name.starts_with(p)))
        })
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_locks_are_errors_at_their_line() {
        let f = "x.lock";
        for (bytes, line, what) in [
            (&b""[..], 1, "empty"),
            (b" \n\t\n", 1, "empty"),
            (b"\xEF\xBB\xBF{}", 1, "byte-order mark"),
            (b"{\n\0}", 2, "NUL"),
            (b"{\n\xff}", 2, "UTF-8"),
            (b"{\n<<<<<<< HEAD\n}\n=======\n}\n>>>>>>> other\n", 2, "merge conflict"),
            (b"# comment\n{}", 1, "does not start"),
        ] {
            let e = text(f, bytes, b"{").err().unwrap_or_else(|| panic!("{what} accepted"));
            assert!(e.message.contains(what), "{what}: {e}");
            assert_eq!(e.line, Some(line), "{what}");
        }
        assert_eq!(text(f, b"{}\n", b"{").ok(), Some("{}\n"));
    }

    #[test]
    fn a_conflict_splits_into_both_sides() {
        let t = "a\n<<<<<<< HEAD\nb\n||||||| base\nz\n=======\nc\n>>>>>>> other\nd\n";
        let (o, t) = conflict_sides("f", t).ok().flatten().unwrap_or_default();
        assert_eq!((o.as_str(), t.as_str()), ("a\nb\nd\n", "a\nc\nd\n"));
        assert!(conflict_sides("f", "a\n").ok().flatten().is_none());
        assert!(conflict_sides("f", "<<<<<<< a\nb\n").is_err());
        assert!(conflict_sides("f", "=======\n").is_err());
    }
}
