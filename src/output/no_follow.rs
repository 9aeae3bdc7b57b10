//! The staging folder's files, read, compared and written without following a symbolic link at a
//! path's last part: another process may plant one there while a build runs.

use std::io;
use std::path::Path;

/// Whether the file at `path` holds exactly `bytes`: opened once, its length checked first, then
/// read a piece at a time into one buffer (a rebuild compares every file it writes: nothing is
/// allocated per file).
pub(super) fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let Ok(mut file) = no_follow(std::fs::OpenOptions::new().read(true)).open(path) else { return false };
    if !file.metadata().is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64) {
        return false;
    }
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
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

/// The file at `path`, read whole, not through a link ([`no_follow`]).
pub(super) fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = no_follow(std::fs::OpenOptions::new().read(true)).open(path)?;
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// `options` made to refuse a path whose last part is a symbolic link (`O_NOFOLLOW`, where the
/// system has it), so a link planted in the staging folder while the build runs is neither read
/// nor written through ([`write`]). `Staging::begin` removed the links there were then.
fn no_follow(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options
}

/// Whether `e` is an open refused by [`no_follow`] (the path is a symbolic link).
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

/// Write `bytes` to `path` whole, never through a symbolic link at its last part: one planted there
/// is removed (not followed) and the file written in its place. A partial file (a full disk) is
/// removed.
pub(super) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    no_follow(options.write(true).create(true).truncate(true));
    let mut file = match options.open(path) {
        Err(e) if is_link(&e) => {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            options.open(path)?
        }
        opened => opened?,
    };
    file.write_all(bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}
