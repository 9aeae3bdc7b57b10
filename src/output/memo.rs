//! The build memo: for each *unit* of an output folder (one content page, or the site-wide files),
//! the key of the inputs it was made from and the files it wrote, each with a stamp of the file as
//! the build left it. A rebuild that recycles the folder keeps the files of a unit whose key is
//! unchanged and whose files are exactly as stamped, instead of rendering it again (on a 10,000-page
//! site rendering and comparing unchanged pages is most of a rebuild).
//!
//! This module knows nothing of pages or inputs: keys are opaque numbers the engine works out
//! (`engine::memo`). What it guarantees is that a kept file is the very file the build wrote: its
//! size, inode and change time (which any write or touch changes) are as they were when the memo
//! was written, and its change time lies far enough before the memo's own that a later edit could
//! not have left all of them the same (a file changed within the file system's timestamp
//! granularity of being stamped is "racy" and is rendered again, as Git treats its index).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::sink::Sink;

/// The memo, at the root of an output folder (a marker, like the manifest: not listed in it).
pub const MEMO: &str = ".policysite-memo";

/// The memo's format; a memo of another version is ignored (everything is rendered once).
const VERSION: u32 = 1;

/// A file whose change time is this close to the memo's (or later) is not trusted: two changes within
/// one tick of the clock that stamps files get one change time, so an edit made right after the
/// build stamped the file could go unseen. Where times have parts of a second (ext4, XFS, APFS,
/// NTFS, …: the tick is the kernel's, at most 10 ms) 100 ms is far beyond it; where the memo's own
/// time is a whole second (FAT, HFS+ keep whole or even seconds), 2 s.
const RACY_NS: i128 = 100_000_000;
const RACY_WHOLE_SECONDS_NS: i128 = 2_000_000_000;

/// A memo larger than this is not read (one of a 10,000-page site is about 2 MB).
const MAX_MEMO_BYTES: u64 = 1 << 30;

/// The inputs a unit was made from, as one number (a 128-bit hash the engine works out).
pub type Key = u128;

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

    #[cfg(unix)]
    fn from(m: std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        if !m.file_type().is_file() {
            return None;
        }
        Some(Stamp(m.len(), m.ino(), i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec())))
    }

    /// Without a change time a hand edit that restores the modification time cannot be told from no
    /// edit: the memo is not used on such systems (everything is rendered, as before it existed).
    #[cfg(not(unix))]
    fn from(_m: std::fs::Metadata) -> Option<Stamp> {
        None
    }

    /// Whether the file changed so shortly before `then` (or after it) that a change made after
    /// `then` could leave this stamp as it is: two changes within one tick of the clock that
    /// stamps files get one change time ([`RACY_NS`]).
    pub fn racy_at(&self, then: std::time::SystemTime) -> bool {
        let then = then.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        let racy = if self.ctime_ns() % 1_000_000_000 == 0 { RACY_WHOLE_SECONDS_NS } else { RACY_NS };
        self.ctime_ns() >= then - racy
    }

    /// The file's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.0
    }

    fn ctime_ns(&self) -> i128 {
        self.2
    }
}

/// A key in the memo file: 32 hex digits (a JSON number does not hold 128 bits everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hex(Key);

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:032x}", self.0))
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Key::from_str_radix(&text, 16).map(Hex).map_err(serde::de::Error::custom)
    }
}

/// A unit's key and its files, each with its stamp.
type Files = Vec<(String, Stamp)>;

/// The memo file: each unit by name, read straight into the map a rebuild looks units up in.
#[derive(Serialize, Deserialize)]
struct MemoFile<M> {
    version: u32,
    units: M,
}

/// The memo found in a recycled folder: what may be kept.
#[derive(Default)]
pub struct Previous {
    units: HashMap<String, (Hex, Files)>,
    /// Files whose change time is this or later are not kept: the memo's own change time less
    /// [`RACY_NS`] (or [`RACY_WHOLE_SECONDS_NS`]).
    trusted_before_ns: i128,
}

impl Previous {
    /// Read the memo of the folder `dir` (a folder, not a link to one). A missing, unreadable or
    /// foreign-version memo is an empty one.
    pub fn read(dir: &Path) -> Previous {
        if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Previous::default();
        }
        let Some((stamp, text)) = read_plain(&dir.join(MEMO)) else { return Previous::default() };
        match serde_json::from_slice::<MemoFile<HashMap<String, (Hex, Files)>>>(&text) {
            Ok(memo) if memo.version == VERSION && names_each_file_once(&memo.units) => {
                let written = stamp.ctime_ns();
                let racy = if written % 1_000_000_000 == 0 { RACY_WHOLE_SECONDS_NS } else { RACY_NS };
                Previous { units: memo.units, trusted_before_ns: written - racy }
            }
            _ => Previous::default(),
        }
    }

    /// Forget every unit whose key is not `wanted`: none of them can be kept, and after a change that
    /// touches every page (a template edited) the memory is better left to the render.
    pub fn retain(&mut self, wanted: impl Fn(Key) -> bool) {
        self.units.retain(|_, (key, _)| wanted(key.0));
        self.units.shrink_to_fit();
    }

    /// The files of `unit` if its key is `key` and each file in `dir` is exactly as stamped and
    /// not racy; `None` otherwise.
    pub fn unchanged(&self, dir: &Path, unit: &str, key: Key) -> Option<&[(String, Stamp)]> {
        let (_, files) = self.units.get(unit).filter(|(k, _)| k.0 == key)?;
        let trusted = |s: &Stamp| s.ctime_ns() < self.trusted_before_ns;
        files
            .iter()
            .all(|(rel, stamp)| trusted(stamp) && Stamp::of(&dir.join(rel)).as_ref() == Some(stamp))
            .then_some(files.as_slice())
    }
}

/// Whether every file the memo names is a path inside the folder (never a marker) and belongs to
/// one unit only, as in every memo a build writes: a memo edited by hand to say otherwise is
/// ignored whole, so a unit never keeps a file another unit makes (the build would fail).
fn names_each_file_once(units: &HashMap<String, (Hex, Files)>) -> bool {
    let mut seen = std::collections::HashSet::new();
    units.values().flat_map(|(_, files)| files).all(|(rel, _)| super::sink::check_rel(rel).is_ok() && seen.insert(rel))
}

/// The bytes and stamp of the memo at `path` when it is a plain file (never through a link) of at
/// most [`MAX_MEMO_BYTES`]: a FIFO or a device there (left in the folder by hand) is never opened,
/// so the build neither waits for a writer nor reads without end.
fn read_plain(path: &Path) -> Option<(Stamp, Vec<u8>)> {
    use std::io::Read as _;
    let stamp = Stamp::of(path).filter(|s| s.bytes() <= MAX_MEMO_BYTES)?;
    let file = std::fs::File::open(path).ok()?;
    // The very file looked at (not one put in its place since).
    if Stamp::from(file.metadata().ok()?) != Some(stamp) {
        return None;
    }
    let mut text = Vec::with_capacity(usize::try_from(stamp.bytes()).ok()?);
    file.take(MAX_MEMO_BYTES).read_to_end(&mut text).ok()?;
    Some((stamp, text))
}

/// A unit as this build made it: name, key, files, and their stamps when already known (kept).
type Made = (String, Key, Vec<String>, Option<Vec<Stamp>>);

/// The memo a build is writing: every unit it kept or rendered, with its files.
#[derive(Default)]
pub struct Next {
    units: Mutex<Vec<Made>>,
}

impl Next {
    /// A unit kept as it was (its stamps are known) or rendered now (`stamps` is `None`: the files
    /// are stamped when the memo is written).
    pub fn record(&self, unit: String, key: Key, files: Vec<String>, stamps: Option<Vec<Stamp>>) {
        self.units.lock().unwrap_or_else(|e| e.into_inner()).push((unit, key, files, stamps));
    }

    /// Write the memo into `dir` once every file is in place, units in order of name (identical
    /// builds, identical memos but for the stamps). A unit one of whose files cannot be stamped is
    /// left out (it is rendered next time).
    pub fn write(self, dir: &Path) -> io::Result<()> {
        use rayon::prelude::*;
        let units = self.units.into_inner().unwrap_or_else(|e| e.into_inner());
        if units.is_empty() {
            return Ok(());
        }
        let units: std::collections::BTreeMap<String, (Hex, Files)> = units
            .into_par_iter()
            .filter_map(|(unit, key, files, stamps)| {
                let stamps = match stamps {
                    Some(s) => s,
                    None => files.iter().map(|f| Stamp::of(&dir.join(f))).collect::<Option<Vec<_>>>()?,
                };
                Some((unit, (Hex(key), files.into_iter().zip(stamps).collect())))
            })
            .collect();
        let json = serde_json::to_vec(&MemoFile { version: VERSION, units }).map_err(io::Error::other)?;
        crate::fsutil::write_atomic(&dir.join(MEMO), &json)
    }
}

/// A sink that passes every file on to `inner` and notes its path, so a unit's files are known.
pub struct Noting<'a> {
    inner: &'a dyn Sink,
    files: Mutex<Vec<String>>,
}

impl<'a> Noting<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Noting { inner, files: Mutex::default() }
    }

    pub fn into_files(self) -> Vec<String> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Noting<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.put(rel, bytes)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(())
    }

    fn put_for(&self, rel: &str, bytes: &[u8], reach: super::Reach) -> io::Result<()> {
        self.inner.put_for(rel, bytes, reach)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(())
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.inner.previous(rel)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn memo_of(dir: &Path, key: Key) {
        let next = Next::default();
        next.record("page a.md".into(), key, vec!["a.html".into()], None);
        next.write(dir).expect("memo");
    }

    /// A file is kept only when its unit's key is the same, it is exactly as stamped, and it was
    /// stamped long enough after its last change that an edit since could not hide in one tick.
    #[test]
    fn a_file_is_kept_only_as_stamped_and_not_racy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("a.html"), "<p>one</p>").expect("write");
        memo_of(d, 7);
        assert!(Previous::read(d).unchanged(d, "page a.md", 7).is_none(), "stamped as it was written: racy");
        std::thread::sleep(std::time::Duration::from_millis(150));
        memo_of(d, 7);
        let previous = Previous::read(d);
        assert!(previous.unchanged(d, "page a.md", 7).is_some(), "unchanged since long before the memo");
        assert!(previous.unchanged(d, "page a.md", 8).is_none(), "another key");
        assert!(previous.unchanged(d, "page b.md", 7).is_none(), "another unit");
        std::fs::write(d.join("a.html"), "<p>two</p>").expect("edit, same length");
        assert!(previous.unchanged(d, "page a.md", 7).is_none(), "edited after the memo");
        std::fs::remove_file(d.join("a.html")).expect("rm");
        assert!(previous.unchanged(d, "page a.md", 7).is_none(), "gone");
    }

    /// A memo that is not ours (another version, damaged) is an empty one: everything is rendered.
    #[test]
    fn a_damaged_memo_keeps_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("a.html"), "x").expect("write");
        std::thread::sleep(std::time::Duration::from_millis(150));
        memo_of(d, 7);
        let text = std::fs::read_to_string(d.join(MEMO)).expect("memo");
        for bad in [text.replace("\"version\":1", "\"version\":2"), text[..text.len() / 2].to_string()] {
            std::fs::write(d.join(MEMO), bad).expect("write");
            assert!(Previous::read(d).unchanged(d, "page a.md", 7).is_none());
        }
    }
}
