//! The output as it is now, as the source of what a build keeps when the folder it recycles (the
//! output before last) was made from another structure and the output was not
//! ([`super::Staging::begin_recycling`]): its files, as its memo stamped them, are copied into the
//! staging folder instead of made again.

use std::io;
use std::path::Path;

use super::super::memo::{Written, read_stamped};
use super::super::no_follow::Beneath;

pub(super) struct Current {
    /// Its files, never reached through a link.
    dir: Beneath,
}

impl Current {
    /// The output at `output` (checked under the build's lock: every file in it is ours).
    pub(super) fn open(output: &Path) -> io::Result<Current> {
        Ok(Current { dir: Beneath::new(output)? })
    }

    pub(super) fn path(&self) -> &Path {
        self.dir.root()
    }

    /// The file `rel` read whole, if it is as stamped before and after its read
    /// ([`Beneath::read_as`]) and its bytes are the ones its build wrote ([`Written::holds`]).
    pub(super) fn read(&self, rel: &str, written: &Written) -> io::Result<Vec<u8>> {
        let copying = |e: io::Error| io::Error::new(e.kind(), format!("copying it from the output: {e}"));
        let bytes = self.dir.read_as(rel, written.stamp()).map_err(copying)?;
        if !written.holds(&bytes) {
            return Err(copying(io::Error::other(format!("{rel} is not what its build wrote"))));
        }
        Ok(bytes)
    }

    /// The output's marker file `name` (a note of the build that wrote it), read whole as the memo
    /// and notes are ([`read_stamped`]: a plain file, never a link, of at most 1 GiB).
    pub(super) fn read_marker(&self, name: &str) -> io::Result<Vec<u8>> {
        let read = read_stamped(&self.path().join(name)).map(|(_, bytes)| bytes);
        read.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{name} is not a note to copy")))
    }
}
