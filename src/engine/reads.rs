//! Each page's file as a build read it, noted for the next build ([`crate::load::noted`]): a page
//! whose file still has the stamp it had before that build read it is taken as that build read it,
//! not read and parsed again (on a 10,000-page site, most of a rebuild after which nothing changed).
//!
//! Why a stamp is enough: it is the file's size, inode and change time, taken before the build read
//! the file. Any write to the file, a file renamed over it, a touch of its modification time gives it
//! another change time, so a file with the stamp noted holds the text read then. A file changed
//! within a tick of the clock that stamps files before it was stamped could change again without a
//! new stamp (racy): it is not noted, and is read again next time. The program's stamp is in the
//! key: another policysite reads every file again. The memo trusts the output's files alike
//! ([`crate::output::memo`]); `--render-all` takes nothing from the notes, and notes what it reads.

use super::memo::{Inputs, key_of};
use crate::load::content::CONTENT_DIR;
use crate::load::noted::{PageRead, Read, ReadBefore};
use crate::output::memo::{Key, Stamp};
use crate::output::notes::{Note, Notes};

/// The notes of the folder a build recycles, as [`ReadBefore`] for loading.
pub(super) struct Before<'a> {
    pub inputs: &'a Inputs,
    pub notes: &'a Notes,
}

impl ReadBefore for Before<'_> {
    fn read_before(&self, rel: &str) -> Option<PageRead<'static>> {
        self.notes.get(&unit(rel), key(self.inputs, rel)?.1)
    }
}

/// A page's read, in the notes ([`crate::output::notes::READS`]).
fn unit(rel: &str) -> String {
    format!("read {rel}")
}

/// The stamp of a page's file, and the key its read is noted with: the program and that stamp (both
/// settled).
fn key(inputs: &Inputs, rel: &str) -> Option<(Stamp, Key)> {
    let stamp = inputs.settled(&format!("{CONTENT_DIR}/{rel}"))?;
    Some((stamp, key_of(&("page read", inputs.program()?, stamp))))
}

/// How a build read each page, to note for the next build ([`PageReads::notes`]).
pub(super) struct PageReads {
    /// The stamps taken before loading.
    pub inputs: Inputs,
    /// How each page was loaded.
    pub reads: Vec<(String, Read)>,
    /// The recycled folder's notes of the reads (of which loading took some).
    pub noted: Notes,
}

impl PageReads {
    /// The notes to write ([`noted`]).
    pub fn notes(&self) -> impl Iterator<Item = (String, Key, Note<'_, ()>)> {
        noted(&self.inputs, &self.reads, &self.noted)
    }
}

/// The notes of how each page was read (`reads`, as loading gave them), for the next build: a page
/// read from its file now, when the stamp taken before loading is settled and is the file's once
/// read (a file changed or replaced between the two, or while it was read, is not noted); one taken
/// from `notes`, that note's text again.
fn noted<'a>(
    inputs: &'a Inputs,
    reads: &'a [(String, Read)],
    notes: &'a Notes,
) -> impl Iterator<Item = (String, Key, Note<'a, ()>)> + 'a {
    reads.iter().filter_map(move |(rel, read)| {
        let (stamp, key) = key(inputs, rel)?;
        let unit = unit(rel);
        let note = match read {
            Read::Fresh { note, seen } if *seen == Some(stamp) => Note::Same(note),
            Read::Fresh { .. } => return None,
            Read::Before => Note::Same(notes.text_of(&unit, key)?),
        };
        Some((unit, key, note))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::content::{Bodies, load_all};

    /// The pages noted after a load, by path below `content/`.
    fn noted_after_load(root: &std::path::Path, inputs: &Inputs, notes: &Notes) -> Vec<String> {
        let loaded = load_all(root, Bodies::Hashed, Some(&Before { inputs, notes }));
        noted(inputs, &loaded.reads, notes).map(|(unit, _, _)| unit.replacen("read ", "", 1)).collect()
    }

    /// A page's read is noted only when the stamp taken before loading is settled and is of the
    /// file read: a file changed just before the stamp, or between the stamp and the read (another
    /// size, or another file renamed over it), is read again by the next build.
    #[test]
    fn a_read_is_noted_only_for_the_settled_file_its_stamp_is_of() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let page = |title: &str| format!("---\ntitle: {title}\n---\nText.\n");
        let pages = [("_index.md", page("Home")), ("a.md", page("A")), ("b.md", page("B")), ("c.md", page("C"))];
        crate::engine::test_site(root, &pages.each_ref().map(|(rel, text)| (*rel, text.as_str())));
        let none = Notes::default();
        let racy = Inputs::stamp(root).expect("stamps");
        assert_eq!(noted_after_load(root, &racy, &none), Vec::<String>::new(), "every file was written just now");

        std::thread::sleep(std::time::Duration::from_millis(150));
        let inputs = Inputs::stamp(root).expect("stamps");
        std::fs::write(root.join("content/a.md"), page("A longer title")).expect("a changed after the stamp");
        let temp = root.join("b.tmp");
        std::fs::write(&temp, page("C")).expect("write");
        std::fs::rename(&temp, root.join("content/b.md")).expect("b replaced after the stamp, the same size");
        std::fs::write(root.join("content/c.md"), page("D")).expect("c edited in place, the same size");
        let noted = noted_after_load(root, &inputs, &none);
        assert_eq!(noted, vec!["_index.md".to_string()], "only the page unchanged since its stamp");
    }
}
