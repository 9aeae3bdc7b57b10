//! What the memo knows of a file: its [`Stamp`] (size, inode, change time), and for a file a build
//! wrote, a hash of its bytes besides ([`Written`]).

use std::io::Read as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// A file whose change time is this close to the memo's (or later) is not trusted by its stamp
/// alone (only by its bytes, [`Written::holds_at`]): two changes within one tick of the clock that
/// stamps files get one change time, so an edit made right after the build stamped the file could
/// go unseen. Where times have parts of a second (ext4, XFS, APFS,
/// NTFS, …: the tick is the kernel's, at most 10 ms) 100 ms is far beyond it; where the memo's own
/// time is a whole second (FAT, HFS+ keep whole or even seconds), 2 s.
const RACY_NS: i128 = 100_000_000;
const RACY_WHOLE_SECONDS_NS: i128 = 2_000_000_000;

/// How long after a change time (in ns) another change may still get the same one: [`RACY_NS`],
/// or [`RACY_WHOLE_SECONDS_NS`] when the time is a whole second.
pub(in crate::output) fn racy_window(ctime_ns: i128) -> i128 {
    if ctime_ns % 1_000_000_000 == 0 { RACY_WHOLE_SECONDS_NS } else { RACY_NS }
}

/// One tick of the file system's clock, at most, for a change time (in ns): two changes this far
/// apart get different change times. Where times have parts of a second the clock is the kernel's
/// coarse one (a jiffy: at most 10 ms), so 20 ms; where the time is a whole second (FAT keeps even
/// seconds), 2 s.
pub(super) fn tick(ctime_ns: i128) -> i128 {
    if ctime_ns % 1_000_000_000 == 0 { 2_000_000_000 } else { 20_000_000 }
}

/// Where the files of the folder `dir` are written: the system's boot and the mount the folder is
/// on, as `BOOT/MOUNT`, where the system names both (Linux: `/proc/sys/kernel/random/boot_id`, and
/// the mount's id, which no other mount gets while the system runs: `statx`'s
/// `STATX_MNT_ID_UNIQUE`, Linux 6.8 and later).
///
/// A file a build wrote over in place (`Beneath::write`) may reach the disk after its new size and
/// change time do: ext4 orders only new blocks before the metadata that names them. After a crash
/// right after a build, or a disk pulled out and mounted again, such a file could hold its old
/// bytes under the stamp of its new ones. So a memo written in another boot or mount vouches for no
/// file by its stamp alone: each is checked by its bytes ([`Written::holds_at`]). Where the system
/// cannot say, files are emptied before they are written, as before, and stamps are trusted as
/// they are.
pub fn written_in(dir: &Path) -> Option<String> {
    Some(format!("{}/{}", boot_id()?, mount_id(dir)?))
}

fn boot_id() -> Option<&'static str> {
    static BOOT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    BOOT.get_or_init(|| {
        let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let id = id.trim();
        (id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')).then(|| id.to_string())
    })
    .as_deref()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn mount_id(dir: &Path) -> Option<u64> {
    use rustix::fs::{AtFlags, CWD, StatxFlags, statx};
    /// `STATX_MNT_ID_UNIQUE` (Linux 6.8), which rustix does not name yet; an older kernel leaves it
    /// out of the answer's mask.
    const MNT_ID_UNIQUE: u32 = 0x4000;
    let answer = statx(CWD, dir, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::from_bits_retain(MNT_ID_UNIQUE)).ok()?;
    (answer.stx_mask & MNT_ID_UNIQUE != 0).then_some(answer.stx_mnt_id)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn mount_id(_dir: &Path) -> Option<u64> {
    None
}

/// A file as the build left it: size, inode and change time (ns). Any write changes the change
/// time, and so does setting the modification time back by hand, so a file edited after the memo was
/// written is noticed. Written as a JSON array, the memo's bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp(u64, u64, i128);

impl Stamp {
    /// The stamp of a plain file (never through a link), or `None`.
    pub fn of(path: &Path) -> Option<Stamp> {
        Self::from(std::fs::symlink_metadata(path).ok()?)
    }

    /// The stamp of a file or of what a link to a file points at (a source file), or `None`.
    pub fn of_target(path: &Path) -> Option<Stamp> {
        Self::from(std::fs::metadata(path).ok()?)
    }

    /// The stamp of a plain file from its metadata (`None` for anything else).
    #[cfg(unix)]
    pub fn from(m: std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        if !m.file_type().is_file() {
            return None;
        }
        Some(Stamp(m.len(), m.ino(), i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec())))
    }

    /// Without a change time a hand edit that restores the modification time cannot be told from no
    /// edit: the memo is not used on such systems (everything is rendered, as before it existed).
    #[cfg(not(unix))]
    pub fn from(_m: std::fs::Metadata) -> Option<Stamp> {
        None
    }

    /// Whether the file changed so shortly before `then` (or after it) that a change made after
    /// `then` could leave this stamp as it is: two changes within one tick of the clock that
    /// stamps files get one change time ([`RACY_NS`]).
    pub fn racy_at(&self, then: std::time::SystemTime) -> bool {
        let then = then.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        self.ctime_ns() >= then - racy_window(self.ctime_ns())
    }

    /// The file's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.0
    }

    /// The plain file at `path` read whole, if it is the file this stamp describes before and after
    /// the read: never through a link at its last part, and a FIFO or a device there (left in the
    /// folder by hand) is never waited for nor read without end ([`crate::fsutil::open_plain`]).
    pub fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.read_opened(&crate::fsutil::open_plain(path).ok()?)
    }

    /// The opened `file` read whole, if it is the file this stamp describes before and after the
    /// read (not one put in its place, nor changed, since it was stamped).
    pub fn read_opened(&self, file: &std::fs::File) -> Option<Vec<u8>> {
        let as_stamped = |file: &std::fs::File| file.metadata().ok().and_then(Stamp::from) == Some(*self);
        if !as_stamped(file) {
            return None;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(self.bytes()).ok()?);
        // One byte more than stamped: a longer file is told without being read to its end.
        file.take(self.bytes().saturating_add(1)).read_to_end(&mut bytes).ok()?;
        (as_stamped(file) && bytes.len() as u64 == self.bytes()).then_some(bytes)
    }

    pub(super) fn ctime_ns(&self) -> i128 {
        self.2
    }
}

/// A file as a build wrote it: its stamp when the memo was written, and a hash of the bytes the
/// build wrote ([`hash`]).
///
/// A file changed so shortly before the memo that its stamp alone cannot vouch for it (racy) is
/// vouched for by its bytes instead ([`Written::holds_at`]), as Git checks a racy file of its index
/// by its contents. Without the hash, every file written in the last 100 ms of a build (about 2,000
/// of 10,000 pages, after a build that renders them all) was rendered again by the next two builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written(Stamp, u64);

/// The hash of a file's bytes the memo keeps (xxh3, 64 bits): a check against chance and slips,
/// not against someone who may write the output folder anyway.
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

impl Written {
    /// A file stamped `stamp`, whose bytes hashed to `hash` ([`hash`]) when the build wrote them.
    pub fn new(stamp: Stamp, hash: u64) -> Written {
        Written(stamp, hash)
    }

    pub fn stamp(&self) -> &Stamp {
        &self.0
    }

    /// The hash of the bytes the build wrote.
    pub fn hash(&self) -> u64 {
        self.1
    }

    /// The file's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.0.bytes()
    }

    /// Whether `bytes` are the ones the build wrote.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.bytes() && hash(bytes) == self.1
    }

    /// Whether the plain file at `path` (never read through a link at its last part) is this one by
    /// its bytes: as stamped before and after they are read, and hashing as written. The caller
    /// makes sure a change after this look would get another change time (the file changed a tick
    /// before the memo was written: [`tick`]).
    pub fn holds_at(&self, path: &Path) -> bool {
        self.0.read(path).is_some_and(|bytes| self.holds(&bytes))
    }
}
