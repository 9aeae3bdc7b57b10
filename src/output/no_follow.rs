//! The staging folder's files, read, compared, written and removed without following a symbolic
//! link: another process may plant one there while a build runs, in place of a file or of a folder.
//!
//! [`Beneath`] opens every path relative to the staging folder. On Linux it uses `openat2` with
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, so a link anywhere on the path (a folder of the output
//! swapped for a link to `~/Documents` halfway through a build, say) is refused by the kernel, never
//! followed, and removal goes through the folder's own descriptor (`unlinkat`). Elsewhere (and on a
//! Linux older than 5.6, or one whose sandbox refuses `openat2`) only a link at a path's last part is
//! refused (`O_NOFOLLOW`): a folder swapped for a link while the build runs is then written and
//! deleted through; the README says so.

use std::io;
use std::path::{Path, PathBuf};

/// The staging folder, as every file under it is reached.
pub(super) struct Beneath {
    root: PathBuf,
    /// The folder opened once, when the system resolves paths beneath it without links.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fd: Option<std::os::fd::OwnedFd>,
    /// Whether a file is written over in place ([`Beneath::write`]): where the folder's boot and
    /// mount have names a memo can record ([`super::memo::written_in`]).
    in_place: bool,
}

#[cfg(test)]
thread_local! {
    /// Set by a test on its own thread: [`Beneath::new`] there takes the path-based way, as on a
    /// system without `openat2`, so the fallback is tested where `openat2` works too.
    pub(super) static PATH_BASED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `test` with the files of a folder being built reached as the system allows, and on Linux
/// again by path: the fallback of systems without `openat2` (this module's), which must keep
/// every promise but the one about a folder of a path swapped for a link. Elsewhere the first run
/// already is the fallback.
#[cfg(test)]
pub(super) fn both_ways(test: impl Fn()) {
    let dir = tempfile::tempdir().expect("tempdir");
    if cfg!(any(target_os = "linux", target_os = "android"))
        && !Beneath::new(dir.path()).expect("open").resolves_beneath()
    {
        eprintln!("openat2 is refused here: both runs take the path-based fallback");
    }
    test();
    if !cfg!(any(target_os = "linux", target_os = "android")) {
        return;
    }
    /// Back to the system's way when the test is done, failed or not.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            PATH_BASED.with(|p| p.set(false));
        }
    }
    let _reset = Reset;
    PATH_BASED.with(|p| p.set(true));
    assert!(!Beneath::new(dir.path()).expect("open").resolves_beneath(), "the fallback is taken");
    test();
}

impl Beneath {
    /// `root` must be a folder this build made or recycled (not a link: `Staging::begin` made sure;
    /// one swapped in since is an error, not followed).
    pub(super) fn new(root: &Path) -> io::Result<Beneath> {
        Ok(Beneath {
            root: root.to_path_buf(),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            fd: Self::open_root(root)?,
            in_place: super::memo::written_in(root).is_some(),
        })
    }

    /// The folder, by its path.
    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// The folder for `openat2`, or `None` for the path-based way ([`beneath::open_root`]; and on
    /// a test's thread that asked for the fallback, [`PATH_BASED`]).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn open_root(root: &Path) -> io::Result<Option<std::os::fd::OwnedFd>> {
        #[cfg(test)]
        if PATH_BASED.with(std::cell::Cell::get) {
            return Ok(None);
        }
        beneath::open_root(root)
    }

    /// Whether no link anywhere on a path is followed (`openat2` works here), rather than only one
    /// at its last part.
    #[cfg(test)]
    pub(super) fn resolves_beneath(&self) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return self.fd.is_some();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        false
    }

    /// The file at `rel` opened for reading (a regular file or nothing: a FIFO is not waited for).
    fn open(&self, rel: &str) -> io::Result<std::fs::File> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::open(fd, rel);
        }
        crate::fsutil::open_plain(&self.root.join(rel))
    }

    /// Whether the file at `rel` holds exactly `bytes` (false if it is missing or not reached).
    pub(super) fn same_bytes(&self, rel: &str, bytes: &[u8]) -> bool {
        self.open(rel).is_ok_and(|file| file_holds(file, bytes))
    }

    /// The file at `rel`, read whole.
    pub(super) fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        let file = self.open(rel)?;
        if !ours_alone(&file.metadata()?) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{rel} is not a file of this folder alone"),
            ));
        }
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(bytes)
    }

    /// The file at `rel`, read whole, if it is the file `stamp` describes (same size, inode and
    /// change time) before and after the read, and this folder's alone: what a memo vouched for,
    /// not a file put in its place or changed since.
    pub(super) fn read_as(&self, rel: &str, stamp: &super::memo::Stamp) -> io::Result<Vec<u8>> {
        let file = self.open(rel)?;
        let read = ours_alone(&file.metadata()?).then(|| stamp.read_opened(&file)).flatten();
        read.ok_or_else(|| io::Error::other(format!("{rel} is not as it was stamped")))
    }

    /// Write `bytes` to `rel` whole, making the folders on its path. A link found where the file
    /// belongs (or, with `openat2`, a folder of its path) is removed, not followed, and the real
    /// thing made in its place. A partial file (a full disk) is removed.
    ///
    /// A file there already is written over from its start and then cut to length, not emptied
    /// first: ext4 writes out at once, on closing, a file that was emptied and written again
    /// (`auto_da_alloc`, its guard for programs that rewrite a file in place without `fsync`),
    /// which made rewriting 10,000 pages of 16 KB take 1 s instead of 0.1 s. These files are a
    /// staging folder's, private until it becomes the output (a reader still holding one open from
    /// when the folder was the output before last reads a mix either way). Overwritten blocks may
    /// reach the disk after the file's new stamp does, so a memo written in another boot or mount
    /// vouches for no file by its stamp alone ([`super::memo::written_in`]); where the system cannot
    /// name both, the file is emptied first, as before.
    pub(super) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let (file, mut len) = self.create(rel)?;
        if len > 0 && !self.in_place {
            file.set_len(0)?;
            len = 0;
        }
        let written = io::Write::write_all(&mut &file, bytes);
        let cut = |()| if len > bytes.len() as u64 { file.set_len(bytes.len() as u64) } else { Ok(()) };
        written.and_then(cut).inspect_err(|_| {
            let _ = self.remove(rel);
        })
    }

    /// The file at `rel` opened for writing, and its length ([`Beneath::write`]).
    fn create(&self, rel: &str) -> io::Result<(std::fs::File, u64)> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::create(fd, rel);
        }
        path_based::create(&self.root.join(rel))
    }

    /// Remove the file (or link) at `rel`, never through a link on its path with `openat2` (else
    /// through a folder's link, as `remove_file` does); one already gone, or a folder in its place
    /// (the build's own, made where a file of the recycled output was), is no error.
    pub(super) fn remove(&self, rel: &str) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::remove(fd, rel);
        }
        let path = self.root.join(rel);
        match std::fs::remove_file(&path) {
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(()),
            Err(_) if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) => Ok(()),
            done => done,
        }
    }

    /// Remove the folder `rel` with the empty folders below it, if nothing else is left there
    /// (best effort).
    pub(super) fn remove_empty_folder(&self, rel: &str) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::remove_empty_folder(fd, rel);
        }
        let path = self.root.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            super::sink::remove_empty_dirs(&path);
            let _ = std::fs::remove_dir(&path);
        }
    }

    /// Move the file at `rel` to `to` (outside this folder), never taking it through a link on its
    /// path with `openat2` (else by path).
    pub(super) fn rename_out(&self, rel: &str, to: &Path) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::rename_out(fd, rel, to);
        }
        std::fs::rename(self.root.join(rel), to)
    }

    /// Remove the folders left empty, deepest first; with `openat2` each is opened from its parent's
    /// descriptor, so a folder swapped for a link is not walked (else [`super::sink::remove_empty_dirs`]).
    pub(super) fn remove_empty_dirs(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::prune(fd);
        }
        super::sink::remove_empty_dirs(&self.root)
    }
}

/// Whether `meta` is of a regular file with no other name (a hard link planted in the folder to a
/// file elsewhere is neither read nor written: writing would change that file).
fn ours_alone(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.is_file() && meta.nlink() == 1
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Whether `file` holds exactly `bytes`: its length checked first, then read a piece at a time into
/// one buffer (a rebuild compares every file it writes: nothing is allocated per file).
fn file_holds(file: std::fs::File, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    if !file.metadata().is_ok_and(|m| ours_alone(&m) && m.len() == bytes.len() as u64) {
        return false;
    }
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    let mut file = &file;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod beneath;

/// Paths written from the staging folder's path, refusing a link at the last part only
/// (`O_NOFOLLOW`, where the system has it; reads are [`crate::fsutil::open_plain`]).
mod path_based {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::path::Path;

    /// `path` opened for writing, and its length, its folders made; a link (or anything but a
    /// regular file) at its last part is removed first.
    pub(super) fn create(path: &Path) -> io::Result<(File, u64)> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Not truncated on opening: written over only once it is known to be this folder's alone.
        let mut options = OpenOptions::new();
        crate::fsutil::no_follow_nor_wait(options.write(true).create(true));
        match options.open(path) {
            Ok(file) => {
                let meta = file.metadata()?;
                if super::ours_alone(&meta) {
                    return Ok((file, meta.len()));
                }
            }
            // ELOOP: a link; ENXIO: a FIFO without a reader; a file under another host's lease
            // (EAGAIN without blocking) is made anew too.
            Err(e) if refused_not_a_file(&e) || e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok((options.create_new(true).open(path)?, 0))
    }

    /// Whether an open with `O_NOFOLLOW | O_NONBLOCK` was refused for what is at the path: a link
    /// (ELOOP) or a FIFO with no reader (ENXIO).
    fn refused_not_a_file(e: &io::Error) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        {
            use rustix::io::Errno;
            [Errno::LOOP, Errno::NXIO].iter().any(|n| e.raw_os_error() == Some(n.raw_os_error()))
        }
        #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
        {
            let _ = e;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written again holds exactly its new bytes, shorter or longer, whether it is written
    /// over in place or emptied first (where the folder's boot and mount have no names).
    #[test]
    fn a_file_written_again_holds_exactly_its_new_bytes() {
        both_ways(|| {
            for in_place in [true, false] {
                let dir = tempfile::tempdir().expect("tempdir");
                let mut b = Beneath::new(dir.path()).expect("open");
                b.in_place = in_place;
                let read = || std::fs::read(dir.path().join("a/b.html")).expect("read");
                for bytes in [&b"a longer first text"[..], b"tiny", b"longer again"] {
                    b.write("a/b.html", bytes).expect("write");
                    assert_eq!(read(), bytes, "in place: {in_place}");
                }
            }
        });
    }
}
