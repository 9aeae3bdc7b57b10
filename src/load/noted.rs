//! A page's file as the build before read it, for a build to take instead of reading the file again
//! when it is the same file, unchanged since. Which reads may be taken is the engine's to say (from
//! each file's stamp, `engine::reads`); loading only asks ([`ReadBefore`]) and hands on what it read
//! ([`Read`]) for the next build. On a 10,000-page site, reading and parsing every page's file was the
//! largest part of a rebuild after which nothing changed.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::frontmatter::FrontMatter;
use crate::fsutil::FileId;
use crate::output::memo::{Hex, Stamp};

/// What loading took from a page's file: all a `SourcePage` holds of it but the body, of which its
/// hash, its first line and where it starts in the file (to read it again when a pass needs it).
/// Borrowed from the page when it is noted, owned when it is read back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageRead<'a> {
    /// Without the keys at their defaults that JSON writes as `null` or `[]` (`FrontMatter`'s
    /// `skip_serializing_if`): a third of the size of a note.
    pub(super) front: Cow<'a, FrontMatter>,
    pub(super) front_text: Cow<'a, str>,
    pub(super) front_line: usize,
    pub(super) body_line: usize,
    /// As 32 hex digits: a JSON number does not hold 128 bits everywhere.
    pub(super) body_hash: Hex,
    pub(super) body_start: usize,
    pub(super) id: FileId,
}

/// How each page was loaded, for the build to note for the next one.
#[derive(Debug)]
pub enum Read {
    /// From its file, now: the note of it (a [`PageRead`] as JSON, made as the page loaded, in
    /// parallel, and smaller than the read it notes), and the file's stamp once read (`None` where
    /// there is none): a stamp taken before that is another was of another file, or of this one
    /// before a change.
    Fresh { note: String, seen: Option<Stamp> },
    /// Taken from what the build before read ([`ReadBefore`]).
    Before,
}

impl Read {
    /// A page's read from its file, noted, with the file's metadata once read (`None` if it does not
    /// serialize, which a `PageRead` always does: its maps have string keys, and the writer is a
    /// string).
    pub(super) fn fresh(read: &PageRead<'_>, after: std::fs::Metadata) -> Option<Read> {
        let note = serde_json::to_string(read).ok()?;
        Some(Read::Fresh { note, seen: Stamp::from(after) })
    }
}

/// Where loading finds what the build before read of a page's file.
pub trait ReadBefore: Sync {
    /// What the build before read of the page at `rel` (below `content/`), when its file is the same
    /// file, unchanged since.
    fn read_before(&self, rel: &str) -> Option<PageRead<'static>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read noted and read back is the read: every key of the front matter as it was, those left
    /// out at their defaults, those set to a default-looking value (`in_nav: false`) kept.
    #[test]
    fn a_noted_read_reads_back_as_it_was() {
        let yaml = "title: T\nin_nav: false\nweight: 0\nnumber: \"6973\"\nkeywords: [a, b]\napproved: 2024-01-02\n\
                    history:\n  - date: 2024-01-02\n    note: N\n";
        let front: FrontMatter = crate::yaml::parse(yaml, std::path::Path::new("a.md"), 2).expect("front matter");
        let read = PageRead {
            front: Cow::Owned(front),
            front_text: Cow::Borrowed(yaml),
            front_line: 2,
            body_line: 12,
            body_hash: Hex(u128::MAX - 7),
            body_start: 140,
            id: crate::fsutil::FileId::default(),
        };
        let json = serde_json::to_string(&read).expect("noted");
        let front = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&json).expect("JSON")["front"])
            .expect("front");
        assert!(!front.contains("null") && !front.contains("[]"), "{front}");
        assert!(front.contains("\"in_nav\":false"), "{front}");
        let back: PageRead = serde_json::from_str(&json).expect("read back");
        assert_eq!(format!("{back:?}"), format!("{read:?}"));
    }
}
