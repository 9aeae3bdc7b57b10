//! What makes an output folder safe to replace: it is empty or policysite made it, and no other
//! policysite writes it at the same time.
//!
//! A build replaces its output folder wholesale, so pointing `--output` at a folder of one's own
//! (`www/` with other files, `.git`, `site.yaml`) must be refused before anything is touched. Every
//! folder policysite writes carries a manifest listing the files it wrote; a file that is not listed
//! is someone else's, and its folder is never replaced or recycled.

use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil::FileLock;

/// The list of files a build wrote, at the root of every output folder.
pub const MANIFEST: &str = ".policysite-manifest";
/// Marks a staging folder while a build fills it (its files are all ours, the manifest comes last).
pub const STAGING_MARK: &str = ".policysite-staging";

const MANIFEST_HEADER: &str = "# Written by policysite: the files of this folder that the build wrote, one per line.\n\
# policysite replaces this folder on every build, and refuses to if it holds any file not listed here.\n";

/// A sibling of the output folder: `.NAME.building`, `.NAME.old`, `.NAME.lock`.
pub fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.{suffix}"))
}

/// The files listed in `dir`'s manifest, or `None` when it has none.
pub fn read_manifest(dir: &Path) -> Option<foldhash::HashSet<String>> {
    let text = String::from_utf8(crate::fsutil::read_plain(&dir.join(MANIFEST)).ok()?).ok()?;
    Some(text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect())
}

/// Write the manifest of `dir` (sorted, so identical builds give identical folders).
pub fn write_manifest<'a>(dir: &Path, files: impl Iterator<Item = &'a String>) -> io::Result<()> {
    let mut files: Vec<&String> = files.collect();
    files.sort();
    let mut text = String::from(MANIFEST_HEADER);
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    crate::fsutil::write_atomic(&dir.join(MANIFEST), text.as_bytes())
}

/// Whether `rel` is one of the files policysite keeps in an output folder for itself (never a page).
pub(crate) fn is_marker(rel: &str) -> bool {
    rel == MANIFEST
        || rel == STAGING_MARK
        || rel == super::memo::MEMO
        || rel == super::notes::NOTES
        || rel == super::notes::READS
        || rel == super::notes::STATE
}

/// Every file below `dir` (relative, `/`-separated, in no particular order), symbolic links
/// included (never followed), markers left out.
///
/// An output folder of 10,000 pages holds ~10,000 folders of one `index.html` each: the listing is
/// mostly one `open`/`getdents`/`close` per folder, so folders are read in parallel, and each path is
/// its folder's path plus a name (no per-file path arithmetic).
pub fn files_below(dir: &Path) -> io::Result<Vec<String>> {
    Ok(entries_below(dir)?.into_iter().map(|(rel, _)| rel).collect())
}

/// [`files_below`], each with whether it is a symbolic link (from the folder listing's own entry
/// types: no `lstat` per file).
pub fn entries_below(dir: &Path) -> io::Result<Vec<(String, bool)>> {
    let mut out = list_folder(dir, "")?;
    out.retain(|(rel, _)| !is_marker(rel));
    Ok(out)
}

/// The files below `dir`, whose relative path (with a trailing `/`, or empty at the top) is `rel`,
/// each with whether it is a link.
fn list_folder(dir: &Path, rel: &str) -> io::Result<Vec<(String, bool)>> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let path = format!("{rel}{}", name.to_string_lossy());
        // The entry's own type (a link is a link, not what it points at).
        let kind = entry.file_type()?;
        if kind.is_dir() {
            folders.push((entry.path(), path + "/"));
        } else {
            files.push((path, kind.is_symlink()));
        }
    }
    let below: Vec<Vec<(String, bool)>> =
        folders.par_iter().map(|(d, r)| list_folder(d, r)).collect::<io::Result<_>>()?;
    files.extend(below.into_iter().flatten());
    Ok(files)
}

/// Why a folder may not be replaced (`Err`); `Ok` when it may: it is missing, empty, or all ours.
/// With `every_file`, a folder with a manifest is listed, and the listing ([`entries_below`]) is
/// returned, for the build that recycles it not to list it again (`None` when it was not listed:
/// without `every_file`, missing, a staging folder, or without a manifest and empty). Only the
/// staging folder (`staging`) may be passed as one by its marker: a build never leaves the marker in
/// the output or in `.NAME.old`, so one found there is a file like another, not a reason to skip
/// the check (and have a build recycle a folder of someone else's files).
fn check_folder(
    dir: &Path,
    shown_as: &str,
    every_file: bool,
    staging: bool,
) -> Result<Option<Vec<(String, bool)>>, String> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(_) => return Ok(None),
    };
    if !meta.is_dir() {
        return Err(format!("`{shown_as}` exists and is not a folder; policysite writes its output into a folder"));
    }
    // The marker itself, not what a link under its name points at (a planted link must not pass
    // for it and skip the check).
    if staging && std::fs::symlink_metadata(dir.join(STAGING_MARK)).is_ok_and(|m| m.is_file()) {
        return Ok(None); // a staging folder of ours, left by a build that was stopped
    }
    let Some(listed) = read_manifest(dir) else {
        return match std::fs::read_dir(dir).map(|mut d| d.next().is_none()) {
            Ok(true) => Ok(None),
            Ok(false) => Err(format!(
                "`{shown_as}` is not empty and policysite did not make it (it has no {MANIFEST}); a build replaces \
                 its whole output folder, so it only writes into an empty folder or one it made"
            )),
            Err(e) => Err(format!("cannot look inside `{shown_as}`: {e}")),
        };
    };
    if !every_file {
        return Ok(None);
    }
    let entries = entries_below(dir).map_err(|e| format!("cannot look inside `{shown_as}`: {e}"))?;
    let mut foreign: Vec<&String> = entries.iter().map(|(f, _)| f).filter(|f| !listed.contains(*f)).collect();
    if foreign.is_empty() {
        return Ok(Some(entries));
    }
    foreign.sort();
    let n = foreign.len();
    let shown: Vec<String> = foreign.iter().take(5).map(|f| format!("{shown_as}/{f}")).collect();
    Err(format!(
        "{} file{} in `{shown_as}` {} not written by policysite ({}{}); a build would delete {}",
        n,
        if n == 1 { "" } else { "s" },
        if n == 1 { "was" } else { "were" },
        shown.join(", "),
        if n > 5 { ", …" } else { "" },
        if n == 1 { "it" } else { "them" },
    ))
}

/// What to do when `serve` holds the output a command wants (the reason carries it, so the help
/// that follows it can be told apart: see `engine::refused`).
pub const SERVE_HOLDS: &str = "stop `serve` (Ctrl-C in its terminal) to build here, or build into another --output";

/// An exclusive hold on an output folder for as long as it lives: a second `build` or `serve` of the
/// same folder waits (a build) or stops with a clear message (a server), instead of interleaving
/// files. The lock file stays beside the output; the lock itself dies with the process.
pub struct OutputLock {
    _lock: FileLock,
}

/// What to do when another policysite holds the output.
#[derive(Clone, Copy)]
pub enum Contention<'a> {
    /// Wait for a build to finish (a server is refused: it would never finish), first telling the
    /// command's observer that it waits: the library prints nothing, the command does.
    WaitForBuild(&'a dyn Fn(&Waiting<'_>)),
    Refuse,
}

/// Another build holds the output and this one waits for it to finish. Shown (`Display`) as
/// "waiting for another build of `OUTPUT` (HOLDER) to finish".
pub struct Waiting<'a> {
    pub output: &'a Path,
    /// What the holder's lock file says, e.g. "policysite build (pid 123)".
    pub holder: &'a str,
}

impl std::fmt::Display for Waiting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "waiting for another build of `{}` ({}) to finish", self.output.display(), self.holder)
    }
}

impl OutputLock {
    pub fn acquire(output: &Path, command: &str, contention: Contention<'_>) -> Result<OutputLock, String> {
        let path = sibling(output, "lock");
        let mut lock = FileLock::open(&path).map_err(|e| match path.parent().filter(|p| !p.exists()) {
            Some(parent) => format!("cannot create `{}`: {e}", parent.display()),
            None => format!("cannot open the lock file `{}`: {e}", path.display()),
        })?;
        let locked = |e: io::Error| format!("cannot lock `{}`: {e}", path.display());
        let mut attempts = 0;
        while !lock.try_lock(command).map_err(locked)? {
            let holder = lock.holder();
            // The holder writes its name right after locking; give it a moment to.
            if holder.is_empty() && attempts < 20 {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
                continue;
            }
            if let Contention::WaitForBuild(waiting) = contention
                && holder.contains("policysite build")
            {
                waiting(&Waiting { output, holder: &holder });
                lock.lock(command).map_err(locked)?;
                break;
            }
            return Err(held_by(output, &holder));
        }
        Ok(OutputLock { _lock: lock })
    }
}

/// Why `output` cannot be had while `holder` (what its lock file says) holds it.
fn held_by(output: &Path, holder: &str) -> String {
    if holder.contains("policysite serve") {
        return format!(
            "`{}` is held by {holder}, which rebuilds it whenever a source changes; {SERVE_HOLDS}",
            output.display(),
        );
    }
    format!(
        "`{}` is being written by another policysite ({}); stop it, or choose another --output",
        output.display(),
        if holder.is_empty() { "unknown process" } else { holder }
    )
}

/// Check that `output` and the folders policysite keeps beside it may be replaced, before anything
/// is written. Returns every reason they may not, together.
/// With `every_file` false only the folders' markers are read (no walk): the quick look `prepare`
/// takes before it creates a lock file; the full one runs under the lock. The folder a build
/// recycles, `.NAME.old`, gets the quick look only: it is checked whole ([`recycled_files`]) under
/// the same lock before it is recycled ([`CheckedOld`], [`super::Staging::begin`]).
pub fn check_replaceable(output: &Path, every_file: bool) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    for (suffix, every_file) in [(None, every_file), (Some("old"), false), (Some("building"), every_file)] {
        let dir = suffix.map_or_else(|| output.to_path_buf(), |s| sibling(output, s));
        if let Err(p) = check_folder(&dir, &dir.display().to_string(), every_file, suffix == Some("building")) {
            problems.push(p);
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// The full check of the folder a build recycles (`.NAME.old`: every file listed in its
/// manifest), made under the output's lock before the staging folder recycles it, which starts
/// from the listing it returns (each file with whether it is a symbolic link) instead of walking
/// its ~20,000 entries again. `None` when it was not listed (missing, or empty without a manifest):
/// the staging folder lists it itself.
pub fn recycled_files(output: &Path) -> Result<Option<Vec<(String, bool)>>, Vec<String>> {
    let old = sibling(output, "old");
    check_folder(&old, &old.display().to_string(), true, false).map_err(|p| vec![p])
}

/// A staging folder left by a build that failed or was stopped, checked again right before the
/// next staging folder removes it (the check under the lock may have been seconds before): it must
/// be ours (our marker, or a manifest listing every file) or empty; someone else's is refused.
pub fn check_leftover_staging(output: &Path) -> Result<(), Vec<String>> {
    let dir = sibling(output, "building");
    check_folder(&dir, &dir.display().to_string(), true, true).map(|_| ()).map_err(|p| vec![p])
}

/// `.NAME.old` as a build checked it under the lock while it loaded ([`super::check_under_lock`]),
/// seconds before its staging folder recycles it: the listing, and which folder was listed, so that
/// only that folder is recycled from it ([`CheckedOld::listing_now`]).
pub struct CheckedOld {
    listed: Option<Vec<(String, bool)>>,
    folder: Option<FolderId>,
}

impl CheckedOld {
    /// Check `.NAME.old` whole ([`recycled_files`]), noting which folder it is.
    pub fn check(output: &Path) -> Result<CheckedOld, Vec<String>> {
        let old = sibling(output, "old");
        let before = folder_id(&old);
        let listed = recycled_files(output)?;
        // A folder put in its place while it was listed is not the one listed.
        let folder = before.filter(|id| folder_id(&old).as_ref() == Some(id));
        Ok(CheckedOld { listed, folder })
    }

    /// The listing to recycle `.NAME.old` from, right before the staging folder does: the one made
    /// by [`CheckedOld::check`] while it is still the folder then listed; otherwise (a folder put
    /// there since, one where none was, or no way to tell) it is checked again now, as
    /// [`super::Staging::begin`] checks it, so no folder is recycled unchecked. Files added to the
    /// same folder since are not in the listing, so they are not deleted.
    pub fn listing_now(self, output: &Path) -> Result<Option<Vec<(String, bool)>>, Vec<String>> {
        let now = folder_id(&sibling(output, "old"));
        if now.is_some() && now == self.folder { Ok(self.listed) } else { recycled_files(output) }
    }
}

/// Which folder a path names: device, inode and change time (a folder put in its place has another
/// inode, or the same inode number reused, with a later change time unless within one tick of the
/// clock). An entry added at its top
/// changes the change time too (within the clock's tick), and the folder is then checked again;
/// one the check does not see is not in the listing, so it is not deleted either way. `None` for no
/// folder, or where the system does not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FolderId(u64, u64, i64, i64);

#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::symlink_metadata(dir).ok().filter(|m| m.is_dir())?;
    Some(FolderId(m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

#[cfg(not(unix))]
fn folder_id(_dir: &Path) -> Option<FolderId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build that waits for another build tells the command's observer (which prints it), and
    /// gets the lock once the other lets go; the library prints nothing itself.
    #[test]
    fn a_waiting_build_tells_the_observer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let output = dir.path().join("site");
        let mut other = FileLock::open(&sibling(&output, "lock")).expect("open");
        assert!(other.try_lock("build").expect("lock"));
        let other = std::cell::RefCell::new(Some(other));
        let told = std::cell::RefCell::new(Vec::new());
        let observer = |w: &Waiting<'_>| {
            told.borrow_mut().push(w.to_string());
            other.borrow_mut().take(); // the other build finishes
        };
        let lock = OutputLock::acquire(&output, "build", Contention::WaitForBuild(&observer));
        assert!(lock.is_ok());
        let pid = std::process::id();
        let expected =
            format!("waiting for another build of `{}` (policysite build (process {pid})) to finish", output.display());
        assert_eq!(told.into_inner(), vec![expected]);
    }

    /// The listing names every file below a folder, at any depth, with whether it is a link; a link
    /// to a folder is a file of the listing (a link), not a folder to go into; markers are left out.
    #[cfg(unix)]
    #[test]
    fn a_listing_names_every_file_and_link_and_never_follows_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (out, elsewhere) = (dir.path().join("out"), dir.path().join("elsewhere"));
        for folder in [out.join("a/b/c"), out.join("empty"), elsewhere.clone()] {
            std::fs::create_dir_all(folder).expect("mkdir");
        }
        for (file, text) in [("index.html", "1"), ("a/index.html", "2"), ("a/b/c/deep.txt", "3"), (MANIFEST, "")] {
            std::fs::write(out.join(file), text).expect("write");
        }
        std::fs::write(elsewhere.join("secret.txt"), "not ours").expect("write");
        std::os::unix::fs::symlink(&elsewhere, out.join("a/to-folder")).expect("link");
        std::os::unix::fs::symlink(out.join("index.html"), out.join("a/b/to-file")).expect("link");
        let mut listed = entries_below(&out).expect("list");
        listed.sort();
        let expected = [
            ("a/b/c/deep.txt", false),
            ("a/b/to-file", true),
            ("a/index.html", false),
            ("a/to-folder", true),
            ("index.html", false),
        ];
        assert_eq!(listed, expected.map(|(f, link)| (f.to_string(), link)).to_vec());
    }
}
