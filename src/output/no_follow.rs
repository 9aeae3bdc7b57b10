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
}

impl Beneath {
    /// `root` must be a folder this build made or recycled (not a link: `Staging::begin` made sure;
    /// one swapped in since is an error, not followed).
    pub(super) fn new(root: &Path) -> io::Result<Beneath> {
        Ok(Beneath {
            root: root.to_path_buf(),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            fd: beneath::open_root(root)?,
        })
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

    /// Whether the file at `rel` holds exactly `bytes` (false if it is missing or not reached).
    pub(super) fn same_bytes(&self, rel: &str, bytes: &[u8]) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::open(fd, rel, beneath::READ).is_ok_and(|file| file_holds(file, bytes));
        }
        path_based::open(&self.root.join(rel)).is_ok_and(|file| file_holds(file, bytes))
    }

    /// The file at `rel`, read whole.
    pub(super) fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let file = match &self.fd {
            Some(fd) => beneath::open(fd, rel, beneath::READ)?,
            None => path_based::open(&self.root.join(rel))?,
        };
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let file = path_based::open(&self.root.join(rel))?;
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(bytes)
    }

    /// Write `bytes` to `rel` whole, making the folders on its path. A link found where the file
    /// belongs (or, with `openat2`, a folder of its path) is removed, not followed, and the real
    /// thing made in its place. A partial file (a full disk) is removed.
    pub(super) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let file = match &self.fd {
            Some(fd) => beneath::create(fd, rel)?,
            None => path_based::create(&self.root.join(rel))?,
        };
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let file = path_based::create(&self.root.join(rel))?;
        io::Write::write_all(&mut &file, bytes).inspect_err(|_| {
            let _ = self.remove(rel);
        })
    }

    /// Remove the file (or link) at `rel`, never through a link on its path with `openat2` (else
    /// through a folder's link, as `remove_file` does); one already gone is no error.
    pub(super) fn remove(&self, rel: &str) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(fd) = &self.fd {
            return beneath::remove(fd, rel);
        }
        match std::fs::remove_file(self.root.join(rel)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            done => done,
        }
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

/// Whether `file` holds exactly `bytes`: its length checked first, then read a piece at a time into
/// one buffer (a rebuild compares every file it writes: nothing is allocated per file).
fn file_holds(file: std::fs::File, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    if !file.metadata().is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64) {
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

/// `openat2` beneath the staging folder: no link followed anywhere on a path, no path out of it.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod beneath {
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};
    use std::path::Path;

    use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags, mkdirat, openat2, unlinkat};
    use rustix::io::Errno;

    const RESOLVE: ResolveFlags = ResolveFlags::BENEATH.union(ResolveFlags::NO_SYMLINKS);
    pub(super) const READ: OFlags = OFlags::RDONLY;
    const WRITE: OFlags = OFlags::WRONLY.union(OFlags::CREATE).union(OFlags::TRUNC);
    const FOLDER: OFlags = OFlags::PATH.union(OFlags::DIRECTORY);
    /// How often a link is removed from one place before the build gives up: something keeps
    /// planting them.
    const TRIES: usize = 8;

    /// The folder, if `openat2` works here (Linux 5.6 and later, and not refused by a sandbox:
    /// ENOSYS or EPERM, the only answers that choose the path-based fallback; any other failure is
    /// an error).
    pub(super) fn open_root(root: &Path) -> io::Result<Option<OwnedFd>> {
        // Not a link (O_NOFOLLOW with O_PATH|O_DIRECTORY: a link is ENOTDIR).
        let fd = rustix::fs::open(root, FOLDER | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())?;
        match at(&fd, ".", FOLDER) {
            Ok(_) => Ok(Some(fd)),
            Err(Errno::NOSYS | Errno::PERM) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn at<P: rustix::path::Arg + Copy>(dir: &impl AsFd, path: P, flags: OFlags) -> Result<OwnedFd, Errno> {
        // A mode only with O_CREAT: `openat2` refuses one otherwise (EINVAL).
        let mode = if flags.contains(OFlags::CREATE) { Mode::from_raw_mode(0o666) } else { Mode::empty() };
        // EAGAIN: the kernel could not rule out a race on the path; asking again settles it.
        let mut tries = 0;
        loop {
            match openat2(dir, path, flags | OFlags::CLOEXEC, mode, RESOLVE) {
                Err(Errno::AGAIN) if tries < TRIES => tries += 1,
                done => return done,
            }
        }
    }

    fn planted(rel: &str) -> io::Error {
        io::Error::other(format!(
            "links keep appearing at {rel} in the staging folder while the build runs; stop whatever makes them"
        ))
    }

    pub(super) fn open(root: &OwnedFd, rel: &str, flags: OFlags) -> io::Result<File> {
        Ok(File::from(at(root, rel, flags)?))
    }

    /// The file at `rel` opened for writing, created with the folders on its path; a link on the
    /// path is removed and the folder or file made in its place.
    pub(super) fn create(root: &OwnedFd, rel: &str) -> io::Result<File> {
        match at(root, rel, WRITE) {
            Ok(fd) => return Ok(File::from(fd)),
            Err(Errno::NOENT | Errno::LOOP) => {}
            Err(e) => return Err(e.into()),
        }
        let (folder, name) = split(rel);
        let Some(dir) = folder_of(root, folder, true)? else { return Err(Errno::NOENT.into()) };
        for _ in 0..TRIES {
            match at(&dir, name, WRITE | OFlags::NOFOLLOW) {
                Ok(fd) => return Ok(File::from(fd)),
                Err(Errno::LOOP) => match unlinkat(&dir, name, AtFlags::empty()) {
                    Ok(()) | Err(Errno::NOENT) => {}
                    Err(e) => return Err(e.into()),
                },
                Err(e) => return Err(e.into()),
            }
        }
        Err(planted(rel))
    }

    /// Remove the file or link at `rel` through its folder's descriptor; a folder on the path
    /// that is missing or a link (removed here) means the file is gone already.
    pub(super) fn remove(root: &OwnedFd, rel: &str) -> io::Result<()> {
        let (folder, name) = split(rel);
        let Some(dir) = folder_of(root, folder, false)? else { return Ok(()) };
        match unlinkat(&dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn split(rel: &str) -> (&str, &str) {
        rel.rsplit_once('/').unwrap_or(("", rel))
    }

    /// The folder `folder` (relative, `/`-separated; `""` for the root), opened beneath `root`.
    /// With `make`, missing folders are made; a link in place of one is removed either way
    /// (`None` without `make`: nothing of ours is below a link).
    fn folder_of(root: &OwnedFd, folder: &str, make: bool) -> io::Result<Option<OwnedFd>> {
        let first = if folder.is_empty() { "." } else { folder };
        match at(root, first, FOLDER) {
            Ok(fd) => return Ok(Some(fd)),
            Err(Errno::NOENT | Errno::LOOP) => {}
            Err(e) => return Err(e.into()),
        }
        // One part at a time, to find what is missing or a link.
        let mut dir = at(root, ".", FOLDER)?;
        for part in folder.split('/').filter(|p| !p.is_empty()) {
            let mut next = None;
            for _ in 0..TRIES {
                match at(&dir, part, FOLDER) {
                    Ok(fd) => {
                        next = Some(fd);
                        break;
                    }
                    Err(Errno::LOOP) => {
                        // EISDIR: another thread removed the link and made the folder meanwhile.
                        match unlinkat(&dir, part, AtFlags::empty()) {
                            Ok(()) | Err(Errno::NOENT | Errno::ISDIR) => {}
                            Err(e) => return Err(e.into()),
                        }
                        if !make {
                            return Ok(None);
                        }
                    }
                    Err(Errno::NOENT) if make => match mkdirat(&dir, part, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(e.into()),
                    },
                    Err(Errno::NOENT) => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
            dir = next.ok_or_else(|| planted(folder))?;
        }
        Ok(Some(dir))
    }

    /// Remove the empty folders below `root`, deepest first, each opened from its parent without
    /// following a link (best effort, as the path-based walk).
    pub(super) fn prune(root: &OwnedFd) {
        if let Ok(dir) = at(root, ".", OFlags::RDONLY | OFlags::DIRECTORY) {
            let _ = prune_below(&dir);
        }
    }

    /// Whether `dir` (opened for reading) is empty once its empty folders are removed.
    fn prune_below(dir: &OwnedFd) -> io::Result<bool> {
        let mut folders = Vec::new();
        let mut empty = true;
        for entry in rustix::fs::Dir::read_from(dir)? {
            let entry = entry?;
            if matches!(entry.file_name().to_bytes(), b"." | b"..") {
                continue;
            }
            match entry.file_type() {
                // A file system that does not say is asked by opening the entry as a folder.
                FileType::Directory | FileType::Unknown => folders.push(entry.file_name().to_owned()),
                _ => empty = false,
            }
        }
        for name in &folders {
            let Ok(sub) = at(dir, name.as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY) else {
                empty = false; // a file, or a link (refused, left for the next build's check)
                continue;
            };
            // ENOTEMPTY: something was written there meanwhile; it stays.
            if !(prune_below(&sub)? && unlinkat(dir, name.as_c_str(), AtFlags::REMOVEDIR).is_ok()) {
                empty = false;
            }
        }
        Ok(empty)
    }
}

/// Paths opened from the staging folder's path, refusing a link at the last part only
/// (`O_NOFOLLOW`, where the system has it).
mod path_based {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::path::Path;

    pub(super) fn open(path: &Path) -> io::Result<File> {
        no_follow(OpenOptions::new().read(true)).open(path)
    }

    /// `path` opened for writing, its folders made; a link at its last part is removed first.
    pub(super) fn create(path: &Path) -> io::Result<File> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut options = OpenOptions::new();
        no_follow(options.write(true).create(true).truncate(true));
        match options.open(path) {
            Err(e) if is_link(&e) => {
                match std::fs::remove_file(path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                options.open(path)
            }
            opened => opened,
        }
    }

    fn no_follow(options: &mut OpenOptions) -> &mut OpenOptions {
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        options
    }

    /// Whether `e` is an open refused by `O_NOFOLLOW` (the path is a symbolic link).
    fn is_link(e: &io::Error) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        {
            e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
        }
        #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
        {
            let _ = e;
            false
        }
    }
}
