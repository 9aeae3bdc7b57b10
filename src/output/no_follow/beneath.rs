//! `openat2` beneath the staging folder (Linux): no link followed anywhere on a path, no path out
//! of it; folders made with `mkdirat`, files and links removed with `unlinkat` from their folder's
//! descriptor.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags, mkdirat, openat2, unlinkat};
use rustix::io::Errno;

const RESOLVE: ResolveFlags = ResolveFlags::BENEATH.union(ResolveFlags::NO_SYMLINKS);
/// `O_NONBLOCK`: a FIFO planted in the folder does not hang the open (nothing but a regular
/// file is read or written; on one, the flag does nothing).
const READ: OFlags = OFlags::RDONLY.union(OFlags::NONBLOCK);
/// Not `O_TRUNC`: a file is emptied only once it is known to be ours alone ([`regular`]).
const WRITE: OFlags = OFlags::WRONLY.union(OFlags::CREATE).union(OFlags::NONBLOCK);
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
        Err(e) => Err(io::Error::new(
            io::Error::from(e).kind(),
            format!("cannot open {} beneath itself (openat2): {e}", root.display()),
        )),
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
        "links or other non-files keep appearing at {rel} in the staging folder while the build runs; stop whatever makes them"
    ))
}

/// The file at `rel` opened for reading (whatever it is: the caller looks).
pub(super) fn open(root: &OwnedFd, rel: &str) -> io::Result<File> {
    Ok(File::from(at(root, rel, READ)?))
}

/// A regular file of the folder's alone opened for writing, with its length (written over by
/// [`super::Beneath::write`]); `None` for anything else at its name (a FIFO, a device, or a hard
/// link to a file elsewhere, which writing would change).
fn regular(fd: OwnedFd) -> io::Result<Option<(File, u64)>> {
    let file = File::from(fd);
    let meta = file.metadata()?;
    Ok(super::ours_alone(&meta).then_some((file, meta.len())))
}

/// The file at `rel` opened for writing, with its length, created with the folders on its path; a
/// link on the path (or anything but a regular file at its name) is removed and the folder or file
/// made in its place.
pub(super) fn create(root: &OwnedFd, rel: &str) -> io::Result<(File, u64)> {
    match at(root, rel, WRITE) {
        Ok(fd) => {
            if let Some(file) = regular(fd)? {
                return Ok(file);
            }
        }
        // ENXIO: a FIFO without a reader; EAGAIN: a file another host holds a lease on (an NFS
        // delegation), which a non-blocking open does not wait for: it is made anew (the removal
        // waits for the lease instead).
        Err(Errno::NOENT | Errno::LOOP | Errno::NXIO | Errno::AGAIN) => {}
        Err(e) => return Err(e.into()),
    }
    let (folder, name) = split(rel);
    let Some(dir) = folder_of(root, folder, true)? else { return Err(Errno::NOENT.into()) };
    for _ in 0..TRIES {
        match at(&dir, name, WRITE | OFlags::NOFOLLOW) {
            Ok(fd) => {
                if let Some(file) = regular(fd)? {
                    return Ok(file);
                }
            }
            Err(Errno::LOOP | Errno::NXIO | Errno::AGAIN) => {}
            Err(e) => return Err(e.into()),
        }
        match unlinkat(&dir, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => {}
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
        Ok(()) | Err(Errno::NOENT | Errno::ISDIR) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Remove the folder `rel` if it holds nothing but empty folders.
pub(super) fn remove_empty_folder(root: &OwnedFd, rel: &str) {
    let (folder, name) = split(rel);
    let Ok(Some(parent)) = folder_of(root, folder, false) else { return };
    let Ok(dir) = at(&parent, name, OFlags::RDONLY | OFlags::DIRECTORY) else { return };
    if prune_below(&dir).unwrap_or(false) {
        let _ = unlinkat(&parent, name, AtFlags::REMOVEDIR);
    }
}

/// Move `rel` to the path `to` (`renameat` from its folder's descriptor).
pub(super) fn rename_out(root: &OwnedFd, rel: &str, to: &Path) -> io::Result<()> {
    let (folder, name) = split(rel);
    let Some(dir) = folder_of(root, folder, false)? else { return Err(Errno::NOENT.into()) };
    Ok(rustix::fs::renameat(&dir, name, rustix::fs::CWD, to)?)
}

fn split(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

/// The folder `folder` (relative, `/`-separated; `""` for the root), opened beneath `root`.
/// With `make`, missing folders are made; a link in place of one is removed either way
/// (`None` without `make`: nothing of ours is below a link, a file or nothing).
fn folder_of(root: &OwnedFd, folder: &str, make: bool) -> io::Result<Option<OwnedFd>> {
    let first = if folder.is_empty() { "." } else { folder };
    match at(root, first, FOLDER) {
        Ok(fd) => return Ok(Some(fd)),
        Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => {}
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
                // Without `make`, a file where a folder was means nothing of ours is below.
                Err(Errno::NOENT | Errno::NOTDIR) => return Ok(None),
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
        // A file, or a link (refused, left for the next build's check), or a folder that cannot
        // be read: not empty, and its siblings are still looked at.
        let Ok(sub) = at(dir, name.as_c_str(), OFlags::RDONLY | OFlags::DIRECTORY) else {
            empty = false;
            continue;
        };
        // ENOTEMPTY: something was written there meanwhile; it stays.
        if !(prune_below(&sub).unwrap_or(false) && unlinkat(dir, name.as_c_str(), AtFlags::REMOVEDIR).is_ok()) {
            empty = false;
        }
    }
    Ok(empty)
}
