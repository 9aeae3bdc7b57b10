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
//! not have left all of them the same. A file changed within the file system's timestamp
//! granularity of being stamped is "racy": as Git treats its index, it is trusted only if its bytes
//! still hash to what the build wrote ([`Written`]), and otherwise rendered again.

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The memo, at the root of an output folder (a marker, like the manifest: not listed in it).
pub const MEMO: &str = ".policysite-memo";

/// The memo's format; a memo of another version is ignored (everything is rendered once).
/// 2: each file with a hash of its bytes ([`Written`]).
const VERSION: u32 = 2;

/// A memo larger than this is not read (one of a 10,000-page site is about 2 MB).
const MAX_MEMO_BYTES: u64 = 1 << 30;

/// The inputs a unit was made from, as one number (a 128-bit hash the engine works out).
pub type Key = u128;

pub(super) use stamp::racy_window;
use stamp::tick;
pub use stamp::{Stamp, Written, hash, written_in};

mod stamp;

/// A key in the memo file: 32 hex digits (a JSON number does not hold 128 bits everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex(pub Key);

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

/// A unit's files, each with its stamp and hash.
type Files = Vec<(String, Written)>;

/// The fewest files whose stamps one task checks (one `stat` each): a unit of one file (a page) is
/// checked where it is asked for, one of thousands (the page-text files) on every core.
const STATS_PER_TASK: usize = 256;

/// The memo file as written: each unit by name, with its key and files.
#[derive(Serialize)]
struct MemoFile<M> {
    version: u32,
    /// The boot and mount the folder's files were written in ([`written_in`]).
    written_in: Option<String>,
    units: M,
}

/// The memo file as read: each unit's value left as text, parsed only when a build asks for it.
#[derive(Deserialize)]
struct MemoIndex<'a> {
    version: u32,
    #[serde(borrow, default)]
    written_in: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    units: foldhash::HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>,
}

fn name_hash(unit: &str) -> Key {
    xxhash_rust::xxh3::xxh3_128(unit.as_bytes())
}

/// The memo found in a recycled folder: what may be kept. It is held as the file's text and where
/// each unit's value lies in it (one allocation and a small index: a 10,000-page memo parsed whole
/// would hold some megabytes through the render, which the model needs).
#[derive(Default)]
pub struct Previous {
    text: String,
    /// Each unit not yet taken ([`Previous::take`]): where its value is in `text`, by its name's hash.
    units: Mutex<foldhash::HashMap<Key, Range<usize>>>,
    /// Files whose change time is this or later are not trusted by their stamp alone, but by their
    /// bytes ([`Written::holds_at`]): the memo's own change time less [`racy_window`]. Every file,
    /// when the memo was written in another boot or mount: an overwrite in place the build made may
    /// not have reached the disk before the stamp did ([`written_in`]).
    trusted_before_ns: i128,
    /// Files whose change time is this or later are not trusted at all: the memo's own change time
    /// less one tick of the file system's clock ([`tick`]). An edit after the build's look gets a
    /// later change time than these, so their bytes, once checked, stay as checked.
    bytes_before_ns: i128,
}

impl Previous {
    /// Read the memo of the folder `dir` (a folder, not a link to one). A missing, unreadable or
    /// foreign-version memo is an empty one.
    pub fn read(dir: &Path) -> Previous {
        if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Previous::default();
        }
        let Some((stamp, text)) = read_stamped(&dir.join(MEMO)) else { return Previous::default() };
        let Ok(text) = String::from_utf8(text) else { return Previous::default() };
        let (units, written_here) = match serde_json::from_str::<MemoIndex<'_>>(&text) {
            Ok(memo) if memo.version == VERSION && names_each_file_once(&memo) => {
                let written_here = memo.written_in.as_deref() == written_in(dir).as_deref();
                let at = |(name, raw): (std::borrow::Cow<'_, str>, &serde_json::value::RawValue)| {
                    let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    (name_hash(&name), start..start + raw.get().len())
                };
                (memo.units.into_iter().map(at).collect(), written_here)
            }
            _ => return Previous::default(),
        };
        let written = stamp.ctime_ns();
        let trusted_before_ns = if written_here { written - racy_window(written) } else { i128::MIN };
        Previous { text, units: Mutex::new(units), trusted_before_ns, bytes_before_ns: written - tick(written) }
    }

    fn units(&self) -> std::sync::MutexGuard<'_, foldhash::HashMap<Key, Range<usize>>> {
        self.units.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A unit's files if its key is `key` and each is in `dir` as written ([`Previous::trusted`]).
    fn files_if(&self, dir: &Path, at: Range<usize>, key: Key) -> Option<Files> {
        let files = self.files_of(at, key)?;
        files.par_iter().with_min_len(STATS_PER_TASK).all(|(rel, stamp)| self.trusted(dir, rel, stamp)).then_some(files)
    }

    /// A unit's files if its key is `key`, whatever their state.
    fn files_of(&self, at: Range<usize>, key: Key) -> Option<Files> {
        let (k, files): (Hex, Files) = serde_json::from_str(self.text.get(at)?).ok()?;
        (k.0 == key).then_some(files)
    }

    /// Whether the file `rel` is in `dir` as the build wrote it: as stamped, if the stamp was taken
    /// long enough after its last change; else (racy) by its bytes as well, if it changed at least
    /// one tick of the file system's clock before the memo was written.
    fn trusted(&self, dir: &Path, rel: &str, written: &Written) -> bool {
        let path = dir.join(rel);
        let changed = written.stamp().ctime_ns();
        if changed < self.trusted_before_ns {
            Stamp::of(&path).as_ref() == Some(written.stamp())
        } else {
            changed < self.bytes_before_ns && written.holds_at(&path)
        }
    }

    /// A unit's files if its key is `key` (the unit stays), each with its size when it is in `dir`
    /// as written (`None` when not): a build that updates the unit in place writes again each file
    /// that is not ([`crate::engine`]'s page-text update).
    pub fn files_trusted(&self, dir: &Path, unit: &str, key: Key) -> Option<Vec<(String, Option<u64>)>> {
        let files = self.stamps_trusted(dir, unit, key)?;
        Some(files.into_iter().map(|(rel, written)| (rel, written.map(|w| w.bytes()))).collect())
    }

    /// [`Previous::files_trusted`] with each trusted file's stamp and hash, not only its size.
    fn stamps_trusted(&self, dir: &Path, unit: &str, key: Key) -> Option<Vec<(String, Option<Written>)>> {
        let at = self.units().get(&name_hash(unit)).cloned()?;
        let files = self.files_of(at, key)?;
        let trusted = |(rel, written): (String, Written)| {
            let trusted = self.trusted(dir, &rel, &written).then_some(written);
            (rel, trusted)
        };
        Some(files.into_par_iter().with_min_len(STATS_PER_TASK).map(trusted).collect())
    }

    /// [`Previous::stamps_trusted`], taking the unit out.
    pub fn take_files_trusted(&self, dir: &Path, unit: &str, key: Key) -> Option<Vec<(String, Option<Written>)>> {
        let files = self.stamps_trusted(dir, unit, key);
        self.units().remove(&name_hash(unit));
        files
    }

    /// The key `unit` was made from, whatever the state of its files; `None` if the memo has no
    /// such unit.
    pub fn key_of(&self, unit: &str) -> Option<Key> {
        let at = self.units().get(&name_hash(unit)).cloned()?;
        let (key, _): (Hex, serde::de::IgnoredAny) = serde_json::from_str(self.text.get(at)?).ok()?;
        Some(key.0)
    }

    /// Whether `unit`'s key is `key` and its files in `dir` are as written (the unit stays).
    pub fn unchanged(&self, dir: &Path, unit: &str, key: Key) -> bool {
        let at = self.units().get(&name_hash(unit)).cloned();
        at.is_some_and(|at| self.files_if(dir, at, key).is_some())
    }

    /// Take `unit` out (each is asked for once); its files if its key is `key` and they are in `dir`
    /// as written, with where its value is in the memo's text (a kept unit is written back as it was).
    pub fn take(&self, dir: &Path, unit: &str, key: Key) -> Option<(Files, Range<usize>)> {
        let at = self.units().remove(&name_hash(unit))?;
        self.files_if(dir, at.clone(), key).map(|files| (files, at))
    }
}

/// Whether every unit's value reads, and every file the memo names is a path inside the folder
/// (never a marker) and belongs to one unit only, as in every memo a build writes: a memo edited by
/// hand to say otherwise is ignored whole, so a unit never keeps a file another unit makes (the
/// build would fail). Each unit is read and dropped in turn; only a hash of each path is held.
fn names_each_file_once(memo: &MemoIndex<'_>) -> bool {
    let mut seen = std::collections::HashSet::new();
    memo.units.values().all(|raw| {
        serde_json::from_str::<(Hex, Files)>(raw.get()).is_ok_and(|(_, files)| {
            files.iter().all(|(rel, _)| super::sink::check_rel(rel).is_ok() && seen.insert(name_hash(rel)))
        })
    })
}

/// The bytes and stamp of the memo (or a notes file) at `path` when it is a plain file of at most
/// [`MAX_MEMO_BYTES`], and the very file looked at, as it was before and after the read
/// ([`Stamp::read`]: not one put in its place, nor changed, since).
pub(super) fn read_stamped(path: &Path) -> Option<(Stamp, Vec<u8>)> {
    let stamp = Stamp::of(path).filter(|s| s.bytes() <= MAX_MEMO_BYTES)?;
    Some((stamp, stamp.read(path)?))
}

/// A unit as this build made it.
enum Made {
    /// Kept: its value is the previous memo's, where it lies in that memo's text.
    Kept(String, Range<usize>),
    /// Rendered now, into these files (stamped when the memo is written).
    Rendered(String, Key, Vec<String>),
}

/// The memo a build is writing: every unit it kept or rendered.
#[derive(Default)]
pub struct Next {
    units: Mutex<Vec<Made>>,
}

/// A unit's value in the memo being written.
enum Value<'a> {
    Kept(&'a serde_json::value::RawValue),
    Rendered(Hex, Vec<String>, Vec<Written>),
}

impl Serialize for Value<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Kept(raw) => raw.serialize(s),
            Value::Rendered(key, files, stamps) => (key, FilesOf(files, stamps)).serialize(s),
        }
    }
}

/// The units of a memo being written, as the JSON map of the file (in the order given).
struct Units<'a>(&'a [(String, Value<'a>)]);

/// One unit's files with their stamps and hashes, as the JSON list of the file.
struct FilesOf<'a>(&'a [String], &'a [Written]);

impl Serialize for Units<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(unit, value)| (unit, value)))
    }
}

impl Serialize for FilesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().zip(self.1))
    }
}

impl Next {
    /// A unit kept as `previous` had it, its value at `at` in that memo's text.
    pub fn kept(&self, unit: String, at: Range<usize>) {
        self.units.lock().unwrap_or_else(|e| e.into_inner()).push(Made::Kept(unit, at));
    }

    /// A unit rendered now into `files`.
    pub fn rendered(&self, unit: String, key: Key, files: Vec<String>) {
        self.units.lock().unwrap_or_else(|e| e.into_inner()).push(Made::Rendered(unit, key, files));
    }

    /// Write the memo into `dir` once every file is in place, units in order of name (identical
    /// builds, identical memos but for the stamps), straight to the file, each file of a unit
    /// rendered now with the hash `hash_of` gives of the bytes written ([`Written`]). A unit one of
    /// whose files cannot be stamped, or has no hash, is left out (it is rendered next time).
    pub fn write(
        self,
        dir: &Path,
        previous: &Previous,
        hash_of: &(dyn Fn(&str) -> Option<u64> + Sync),
    ) -> io::Result<()> {
        use rayon::prelude::*;
        let units = self.units.into_inner().unwrap_or_else(|e| e.into_inner());
        if units.is_empty() {
            return Ok(());
        }
        let mut units: Vec<(String, Value<'_>)> = units
            .into_par_iter()
            .filter_map(|made| match made {
                Made::Kept(unit, at) => {
                    let raw = serde_json::from_str(previous.text.get(at)?).ok()?;
                    Some((unit, Value::Kept(raw)))
                }
                Made::Rendered(unit, key, files) => {
                    let written = |f: &String| Some(Written::new(Stamp::of(&dir.join(f))?, hash_of(f)?));
                    let written = files.iter().map(written).collect::<Option<Vec<_>>>()?;
                    Some((unit, Value::Rendered(Hex(key), files, written)))
                }
            })
            .collect();
        units.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let memo = MemoFile { version: VERSION, written_in: written_in(dir), units: Units(&units) };
        crate::fsutil::write_atomic_with(&dir.join(MEMO), |w| serde_json::to_writer(w, &memo).map_err(io::Error::other))
    }
}

#[cfg(all(test, unix))]
mod tests;
