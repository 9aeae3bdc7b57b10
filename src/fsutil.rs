//! Ground floor: reading and writing files the way every part of policysite does. It imports only
//! [`crate::diag`], so any module may use it without depending on the pipeline's stages.
//!
//! - [`read_text`]: a site file as UTF-8, refusing a link out of the site folder ([`check_inside`]).
//! - [`slash_path`]: a path below a folder as a `/`-separated string.
//! - [`write_atomic`]: a file replaced whole (temporary file, sync, rename).
//! - [`FileLock`] and [`with_file_lock`]: the one advisory file lock (output folders, published
//!   records, the account directory), in one lock-file format.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, display_path};

/// The one rule for every file the build reads from the site: a symbolic link (the file or a folder
/// on its way) that leads out of the site folder is refused with its path, so a build never publishes
/// what lies elsewhere on the machine (a home folder, /etc). Links that stay inside are followed.
/// Themes (`themes/`) are shared code and may be linked from elsewhere (examples/revised-site does).
pub fn check_inside(path: &Path, root: &Path) -> Result<(), Diagnostic> {
    if path.starts_with(root.join("themes")) {
        return Ok(());
    }
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()), // reported when read
        // The system may still open what it cannot resolve (a real path longer than it allows).
        Err(e) => return Err(unresolved(display_path(root, path), &e.to_string())),
    };
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&inside) {
        return Ok(());
    }
    Err(outside(display_path(root, path), &real))
}

/// The refusal of a site file that is, or is reached through, a link out of the site folder, `real`
/// being where it really is.
pub fn outside(file: PathBuf, real: &Path) -> Diagnostic {
    Diagnostic::new(file, format!("is a link to {}, outside the site folder", real.display()))
        .help("copy the file into the site folder instead of linking to it, or remove the link")
}

/// The refusal of a site file whose real path cannot be worked out (so nobody can tell that it
/// stays inside the site folder), `why` being the system's reason.
pub fn unresolved(file: PathBuf, why: &str) -> Diagnostic {
    Diagnostic::new(file, format!("cannot be resolved to check that it stays inside the site folder: {why}"))
        .help("copy the file into the site folder instead of linking to it, or link to a shorter path")
}

/// Read a whole file as UTF-8, with errors that name the file and say what to do. A link out of the
/// site folder is refused ([`check_inside`]), and checked again where the opened file really is
/// (as `content/`'s pages are, [`read_text_inside`]); themes may be linked from elsewhere.
pub fn read_text(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    check_inside(path, root)?;
    let themes = path.starts_with(root.join("themes")); // not checked: see check_inside
    let real_root = if themes { None } else { root.canonicalize().ok() };
    read_text_inside(path, &display_path(root, path), real_root.as_deref()).map(|(text, _)| text)
}

/// Which file a path named when it was read (device and inode, from the opened file), so a later
/// read can tell that the path still names that same file. Never equal to another where the system
/// gives no such identity.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(Default))]
pub struct FileId(Option<(u64, u64)>);

impl FileId {
    /// The identity of the file `meta` was taken of.
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(Some((meta.dev(), meta.ino())))
    }
    #[cfg(not(unix))]
    pub fn of(_: &std::fs::Metadata) -> FileId {
        FileId(None)
    }

    /// Whether both name one file.
    pub fn same(self, other: FileId) -> bool {
        self.0.is_some() && self.0 == other.0
    }
}

/// [`read_text`] without [`check_inside`], for a file whose real path the caller has just checked
/// (`content/`'s files are checked as they are listed), with the file's metadata as it was once read
/// (its identity, [`FileId::of`]; a change during the read shows in its change time). `shown` is the
/// path as messages show it. With `inside` (the site folder's real path), the opened file itself is
/// checked to lie there too ([`opened_outside`]), so a link on its way changed since the path was
/// checked is noticed.
pub fn read_text_inside(
    path: &Path,
    shown: &Path,
    inside: Option<&Path>,
) -> Result<(String, std::fs::Metadata), Diagnostic> {
    let cannot = |e: io::Error| {
        Diagnostic::new(shown, format!("cannot read file: {e}")).help("check that the file exists and is readable")
    };
    let mut file = File::open(path).map_err(cannot)?;
    if let Some(real) = inside.and_then(|inside| opened_outside(&file, inside)) {
        return Err(outside(shown.to_path_buf(), &real));
    }
    let meta = file.metadata().map_err(cannot)?;
    let bytes = read_opened(&mut file, &meta).map_err(cannot)?;
    let after = file.metadata().map_err(cannot)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = &e.as_bytes()[..offset];
        let text = String::from_utf8_lossy(valid);
        let (line, col) = crate::diag::line_col(&text, offset);
        Diagnostic::new(shown, "file is not valid UTF-8")
            .at(line, Some(col))
            .help("save the file as UTF-8 (most editors: \"Save with encoding\")")
    })?;
    Ok((text, after))
}

/// Where the opened `file` really is, when that is outside `inside` (a real path), asked of the
/// system for the open file itself (Linux: `/proc/self/fd`), not for its path again: checking a
/// path and then opening it are two steps, and a link on the way swapped between them would
/// otherwise go unnoticed. `None` where the system cannot say.
#[cfg(target_os = "linux")]
fn opened_outside(file: &File, inside: &Path) -> Option<PathBuf> {
    use std::os::fd::AsRawFd as _;
    let real = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()?;
    (!real.starts_with(inside)).then_some(real)
}

#[cfg(not(target_os = "linux"))]
fn opened_outside(_: &File, _: &Path) -> Option<PathBuf> {
    None
}

/// The file at `path` again, if it is still the file `id` names (nothing is read otherwise): a
/// second read of a file checked by [`check_inside`] when it was first read, without resolving its
/// path again. `None` also when it cannot be read or is not UTF-8 (the caller reads it the checked
/// way, which reports why).
pub fn read_again(path: &Path, id: FileId) -> Option<String> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !FileId::of(&meta).same(id) {
        return None;
    }
    String::from_utf8(read_opened(&mut { file }, &meta).ok()?).ok()
}

/// The bytes of an opened file whose metadata is known: one read of the file's size into a buffer
/// of that size, and one more to find its end (or what was added since). `std::fs::read` asks the
/// system for the size again, and `read_to_end` alone reads in 8 KiB steps.
fn read_opened(file: &mut File, meta: &std::fs::Metadata) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(meta.len()).unwrap_or(0)];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `options` made to open no link at a path's last part (`O_NOFOLLOW`) and not to wait
/// (`O_NONBLOCK`) for a FIFO found there, where the system has both: a file of an output folder put
/// there by hand, or by another process while a build runs, neither hangs nor misleads the build.
pub fn no_follow_nor_wait(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    options
}

/// A plain file of an output folder opened for reading ([`no_follow_nor_wait`]); anything but a
/// regular file is refused.
pub fn open_plain(path: &Path) -> io::Result<File> {
    let file = no_follow_nor_wait(std::fs::OpenOptions::new().read(true)).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file", path.display())));
    }
    Ok(file)
}

/// [`open_plain`], read whole.
pub fn read_plain(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_plain(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `path` below `base` as a `/`-separated string (`regulation/6973-1r.md`), the form used for
/// content paths, template names and output paths on every platform.
pub fn slash_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Write a file so that it is never seen half-written: a temporary file beside it (removed if
/// anything fails), flushed to disk, then renamed over the original.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`], the contents written by `write` (buffered), so a large file made piece by
/// piece (the build memo) is never held whole in memory.
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".policysite-").suffix(".tmp").tempfile_in(dir)?;
    {
        let mut buffered = io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    // The temporary file is private (0600); the file it replaces keeps its permissions, and a new
    // one gets a regular file's (0644 on Unix), like every other file of the output.
    if let Some(permissions) = std::fs::metadata(path).ok().map(|m| m.permissions()).or_else(regular_permissions) {
        tmp.as_file().set_permissions(permissions)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn regular_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

/// Elsewhere a temporary file is not made private: its default permissions are right.
#[cfg(not(unix))]
fn regular_permissions() -> Option<std::fs::Permissions> {
    None
}

/// The one file lock of policysite: the operating system's advisory lock (`std::fs::File::lock`,
/// flock/LockFileEx, stable since Rust 1.89) on a lock file, held until the value is dropped and
/// released by the operating system when the process ends, also after `kill -9`.
///
/// One lock-file format: once locked, the file holds one line naming its holder,
/// `policysite COMMAND (process PID)`, so a process that finds the lock taken can say who holds it
/// ([`FileLock::holder`]). The file itself stays (removing it would race with a waiting process).
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Open (creating it, and its folder, if missing) the lock file at `path`, not yet locked.
    pub fn open(path: &Path) -> io::Result<FileLock> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            std::fs::create_dir_all(parent)?;
        }
        let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        Ok(FileLock { file, path: path.to_path_buf() })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Wait for the lock, then record `command` (`build`, `publish`, …) as its holder.
    pub fn lock(&mut self, command: &str) -> io::Result<()> {
        self.file.lock()?;
        self.claim(command);
        Ok(())
    }

    /// Take the lock if it is free (`Ok(true)`, `command` recorded as its holder); `Ok(false)` when
    /// another process holds it.
    pub fn try_lock(&mut self, command: &str) -> io::Result<bool> {
        match self.file.try_lock() {
            Ok(()) => {
                self.claim(command);
                Ok(true)
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }

    /// What the current holder wrote (`policysite build (process 123)`), trimmed; empty when it has
    /// not written yet.
    pub fn holder(&mut self) -> String {
        let mut holder = String::new();
        let _ = self.file.rewind();
        let _ = self.file.read_to_string(&mut holder);
        holder.trim().to_string()
    }

    /// Say who holds the lock, for the message another process shows.
    fn claim(&mut self, command: &str) {
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        let _ = writeln!(self.file, "policysite {command} (process {})", std::process::id());
    }
}

/// The lock file guarding `file` (a source file replaced by atomic writes, such as a lock file of
/// published revisions): a sidecar `.NAME.lock` beside it, since an atomic write replaces `file`'s
/// inode and a lock held on the old one would not stop a process that opens the new one.
pub fn sidecar_lock(file: &Path) -> PathBuf {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    file.with_file_name(format!(".{name}.lock"))
}

/// Run `f` holding the exclusive lock of `file` ([`sidecar_lock`], holder `command`). Waits for
/// another holder; released when `f` returns or the process ends.
pub fn with_file_lock<T>(file: &Path, command: &str, f: impl FnOnce() -> T) -> io::Result<T> {
    let mut lock = FileLock::open(&sidecar_lock(file))?;
    lock.lock(command)?;
    let result = f();
    drop(lock);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_names_its_holder_and_refuses_a_second_taker() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/.x.lock");
        let mut first = FileLock::open(&path).expect("open");
        assert!(first.try_lock("build").expect("lock"));
        let mut second = FileLock::open(&path).expect("open again");
        assert!(!second.try_lock("serve").expect("try"));
        assert_eq!(second.holder(), format!("policysite build (process {})", std::process::id()));
        drop(first);
        assert!(second.try_lock("serve").expect("free again"));
    }

    #[test]
    fn slash_path_is_relative_and_slashed() {
        assert_eq!(slash_path(Path::new("/a"), &Path::new("/a").join("b").join("c.md")), "b/c.md");
    }

    /// The file read is checked where it really is, as opened: a link on its way that leads out of
    /// the site folder by the time the file is opened (swapped after its path was checked) is
    /// refused, and a file inside is read.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_opened_file_is_checked_where_it_really_is() {
        let site = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("temp dir");
        let inside = site.path().canonicalize().expect("real path");
        std::fs::write(site.path().join("page.md"), "inside").expect("write");
        std::fs::write(elsewhere.path().join("page.md"), "private").expect("write");
        std::os::unix::fs::symlink(elsewhere.path(), site.path().join("dl")).expect("link");
        let shown = Path::new("content/dl/page.md");
        let e = read_text_inside(&site.path().join("dl/page.md"), shown, Some(&inside)).expect_err("outside");
        assert!(e.message.contains("is a link to") && e.message.contains("outside the site folder"), "{e}");
        assert!(!e.to_string().contains("private"), "{e}");
        let (text, _) = read_text_inside(&site.path().join("page.md"), shown, Some(&inside)).expect("inside");
        assert_eq!(text, "inside");
        // Without a real path to check against, the caller's own check is all there is.
        assert!(read_text_inside(&site.path().join("dl/page.md"), shown, None).is_ok());
    }
}
