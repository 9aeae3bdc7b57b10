//! The build's notes: what a build worked out from each unit's inputs (a page's outline: headings,
//! anchors, links) that the next build may take instead of working it out again, when the unit's
//! key is unchanged. Unlike the memo ([`super::memo`]), a note vouches for no file of the output:
//! it is a function of the key's inputs alone, so the key is all that is checked.
//!
//! This module knows nothing of pages: a note is any serde value, stored under its unit's name with
//! its key. The file is held as its text and where each unit's value lies in it; a value is parsed
//! only when asked for, so notes a build does not need cost a scan, not a tree of allocations.
//!
//! Every notes file ends with a hash of all its text before it (`sum`): notes that still read as
//! JSON but changed since they were written (a bit flipped on disk, an edit by hand) would make the
//! output wrong, and a note taken is written again as it is, so they are none. The hash is a check,
//! not a signature.

use std::borrow::Cow;
use std::io;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::memo::{Hex, Key, read_stamped};

/// The notes, at the root of an output folder (a marker, like the memo: not listed in the manifest).
pub const NOTES: &str = ".policysite-notes";

/// How each page's file was read (`engine::reads`), in a file of its own: read before the sources
/// are, where the other notes are read only when the site's structure is unchanged.
pub const READS: &str = ".policysite-reads";

/// Notes of one large unit, in a file of their own, written as soon as they are made (not held
/// until the others are) and left in place by a build that keeps what they describe: the state of
/// the files made from the pages' text (`engine::page_text`).
pub const STATE: &str = ".policysite-state";

/// The notes' format: notes of another version are ignored (everything is worked out again).
const VERSION: u32 = 1;

/// The notes as read: each unit's value left as text (the `sum` is checked on the text, [`sealed`]).
#[derive(Deserialize)]
struct NotesIndex<'a> {
    version: u32,
    #[serde(borrow)]
    units: foldhash::HashMap<Cow<'a, str>, (Hex, &'a serde_json::value::RawValue)>,
}

/// Notes found in a folder.
#[derive(Default)]
pub struct Notes {
    text: String,
    /// Each unit's key and where its value is in `text`, by name.
    units: foldhash::HashMap<String, (Key, Range<usize>)>,
}

impl Notes {
    /// Read the notes file `name` ([`NOTES`], [`READS`], [`STATE`]) of the folder `dir` (a folder,
    /// not a link to one). Missing, unreadable, unsealed ([`sealed`]) or foreign-version notes are
    /// empty ones.
    pub fn read(dir: &Path, name: &str) -> Notes {
        if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
            return Notes::default();
        }
        let Some((_, bytes)) = read_stamped(&dir.join(name)) else { return Notes::default() };
        let Ok(text) = String::from_utf8(bytes) else { return Notes::default() };
        if !sealed(&text) {
            return Notes::default();
        }
        let units = match serde_json::from_str::<NotesIndex<'_>>(&text) {
            Ok(index) if index.version == VERSION => index
                .units
                .into_iter()
                .map(|(name, (key, raw))| {
                    let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                    (name.into_owned(), (key.0, start..start + raw.get().len()))
                })
                .collect(),
            _ => return Notes::default(),
        };
        Notes { text, units }
    }

    /// Whether there are no notes (none were found, or none could be read).
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Whether there is a note of `unit` made from `key` (not parsed).
    pub fn has(&self, unit: &str, key: Key) -> bool {
        self.units.get(unit).is_some_and(|(k, _)| *k == key)
    }

    /// The text of the note of `unit` if it was made from `key` (JSON, checked when read), to be
    /// written again as it is ([`Note::Same`]).
    pub fn text_of(&self, unit: &str, key: Key) -> Option<&str> {
        let (k, at) = self.units.get(unit)?;
        self.text.get(at.clone()).filter(|_| *k == key)
    }

    /// The note of `unit` if it was made from `key`, parsed; `None` if there is none, or it does not
    /// read as a `T`.
    pub fn get<T: serde::de::DeserializeOwned>(&self, unit: &str, key: Key) -> Option<T> {
        serde_json::from_str(self.text_of(unit, key)?).ok()
    }
}

/// A note to write: made now, or the same text as a note read before ([`Notes::text_of`]).
pub enum Note<'a, T> {
    New(T),
    /// A note's JSON as [`Notes::text_of`] gave it (read, so valid), or as serde made it: copied,
    /// not parsed and made again.
    Same(&'a str),
}

/// Write the notes `units` (each unit's name, key and value, in the order given) into the notes
/// file `name` of `dir`, whole or not at all. Each note is made as it is written: none is held after.
pub fn write<'a, T: Serialize>(
    dir: &Path,
    name: &str,
    units: impl Iterator<Item = (String, Key, Note<'a, T>)>,
) -> io::Result<()> {
    write_sealed(dir, name, |w| {
        for (n, (name, key, note)) in units.enumerate() {
            if n > 0 {
                w.write_all(b",")?;
            }
            unit_head(w, &name, key)?;
            match note {
                Note::New(value) => serde_json::to_writer(&mut *w, &value).map_err(io::Error::other)?,
                Note::Same(text) => w.write_all(text.as_bytes())?,
            }
            w.write_all(b"]")?;
        }
        Ok(())
    })
}

/// Write the notes file `name` into `dir` holding one unit, whose value `write` writes (as JSON):
/// a large value goes to the file as it is made.
pub fn write_one(
    dir: &Path,
    name: &str,
    unit: &str,
    key: Key,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    write_sealed(dir, name, |w| {
        unit_head(w, unit, key)?;
        write(w)?;
        w.write_all(b"]")
    })
}

/// Write the notes file `name` into `dir`, whole or not at all, as [`Notes::read`] reads it:
/// `{"version":…,"units":{` and what `units` writes (`name:[key, value],…`, the key as `Hex`), `}`,
/// then the hash of all that ([`sealed`]).
fn write_sealed(dir: &Path, name: &str, units: impl FnOnce(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
    use io::Write as _;
    crate::fsutil::write_atomic_with(&dir.join(name), |w| {
        let mut hashing = Hashing { inner: w, sum: xxhash_rust::xxh3::Xxh3::new() };
        write!(hashing, "{{\"version\":{VERSION},\"units\":{{")?;
        units(&mut hashing)?;
        hashing.write_all(b"}")?;
        let sum = hashing.sum.digest128();
        write!(w, "{SUM}{sum:032x}\"}}")
    })
}

/// What comes between a notes file's text and its hash, at its end.
const SUM: &str = ",\"sum\":\"";

/// Whether `text` ends with the hash of all of it before, as [`write_sealed`] writes it:
/// `,"sum":"` and 32 hex digits, then `"}`.
fn sealed(text: &str) -> bool {
    let Some(at) = text.len().checked_sub(SUM.len() + 32 + 2) else { return false };
    let hex = text.get(at..).and_then(|tail| tail.strip_prefix(SUM)?.strip_suffix("\"}"));
    let sum = hex.filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit())).map(|hex| Key::from_str_radix(hex, 16));
    matches!(sum, Some(Ok(sum)) if xxhash_rust::xxh3::xxh3_128(&text.as_bytes()[..at]) == sum)
}

/// A unit's name and key as the notes hold them, up to its value: `"name":["key",`.
fn unit_head(w: &mut dyn io::Write, name: &str, key: Key) -> io::Result<()> {
    serde_json::to_writer(&mut *w, name).map_err(io::Error::other)?;
    write!(w, ":[\"{key:032x}\",")
}

/// A writer that hashes what passes through it (piece by piece, as XXH3 hashes the whole).
struct Hashing<'w> {
    inner: &'w mut dyn io::Write,
    sum: xxhash_rust::xxh3::Xxh3,
}

impl io::Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A note is given back only for its unit and its key; damaged or foreign notes are none.
    #[test]
    fn a_note_is_given_back_for_its_key_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let units = [("page a.md", 7, vec!["x", "y"]), ("page b.md", 8, vec![])];
        let new = units.iter().map(|(name, key, value)| (name.to_string(), *key, Note::New(value)));
        write(d, NOTES, new).expect("write");
        let notes = Notes::read(d, NOTES);
        assert_eq!(notes.get::<Vec<String>>("page a.md", 7), Some(vec!["x".to_string(), "y".to_string()]));
        assert_eq!(notes.get::<Vec<String>>("page a.md", 8), None, "another key");
        assert_eq!(notes.get::<Vec<String>>("page c.md", 7), None, "another unit");
        assert_eq!(notes.get::<u32>("page a.md", 7), None, "not a value of that type");
        write_one(d, STATE, "state \"x\"", 9, |w| w.write_all(b"{\"a\":[1,2]}")).expect("write one");
        let state = Notes::read(d, STATE);
        assert_eq!(state.get::<serde_json::Value>("state \"x\"", 9), Some(serde_json::json!({"a": [1, 2]})));
        assert_eq!(state.get::<serde_json::Value>("state \"x\"", 8), None, "another key");
        // Changed since, still JSON: none.
        let sealed = std::fs::read_to_string(d.join(STATE)).expect("state");
        std::fs::write(d.join(STATE), sealed.replace("[1,2]", "[1,3]")).expect("write");
        assert_eq!(Notes::read(d, STATE).get::<serde_json::Value>("state \"x\"", 9), None);
        // A note written again from its text reads as it did.
        let again = Notes::read(d, NOTES);
        let same = [("page a.md", 7), ("page b.md", 8)].map(|(name, key)| (name.to_string(), key));
        write::<()>(
            d,
            NOTES,
            same.iter().map(|(name, key)| (name.clone(), *key, Note::Same(again.text_of(name, *key).expect("text")))),
        )
        .expect("write again");
        let notes = Notes::read(d, NOTES);
        assert_eq!(notes.get::<Vec<String>>("page a.md", 7), Some(vec!["x".to_string(), "y".to_string()]));
        assert_eq!(notes.get::<Vec<String>>("page b.md", 8), Some(vec![]));
        assert_eq!(notes.text_of("page a.md", 8), None, "another key");
        let text = std::fs::read_to_string(d.join(NOTES)).expect("notes");
        // Another version, half the file, a value changed (still JSON, the same length): none.
        let changed = text.replace("[\"x\",", "[\"z\",");
        assert_ne!(changed, text);
        for bad in [text.replace("\"version\":1", "\"version\":2"), text[..text.len() / 2].to_string(), changed] {
            std::fs::write(d.join(NOTES), bad).expect("write");
            assert_eq!(Notes::read(d, NOTES).get::<Vec<String>>("page a.md", 7), None);
        }
    }
}
