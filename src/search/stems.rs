//! Every stem the build has met, numbered once for the whole process: a section holds its terms as
//! stem numbers ([`super::Term`], 4 bytes each) instead of text, and the index turns them back into
//! words with [`names`]. The threads of the model pass share the numbers, so a section made on any
//! thread can be read on any other.

use std::sync::{LazyLock, PoisonError, RwLock, RwLockReadGuard};

use rustc_hash::FxHashMap;

/// Stem numbers stay below this, so a number and a weight fit in a `u32` ([`super::Term`]).
pub(crate) const LIMIT: usize = 1 << 29;

#[derive(Default)]
pub struct Table {
    by_stem: FxHashMap<&'static str, u32>,
    names: Vec<&'static str>,
}

static TABLE: LazyLock<RwLock<Table>> = LazyLock::new(Default::default);

/// The number of `stem`, numbering it when it is new. Called only when a thread meets a word for
/// the first time (its word cache answers after that), so the lock is rarely taken. Stems are kept
/// for the life of the process: a site's vocabulary is a few hundred KB, and `serve` adds only the
/// new words an edit brings.
pub(crate) fn number(stem: &str) -> u32 {
    let mut t = TABLE.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(n) = t.by_stem.get(stem) {
        return *n;
    }
    // Half a billion distinct words would need more memory than any site build has.
    assert!(t.names.len() < LIMIT, "more than {LIMIT} distinct words to index");
    let n = t.names.len() as u32;
    let name: &'static str = Box::leak(stem.into());
    t.by_stem.insert(name, n);
    t.names.push(name);
    n
}

/// The stems by number, for as long as this is held (do not make sections meanwhile: a new stem
/// waits for it to be dropped).
pub struct Names(RwLockReadGuard<'static, Table>);

impl Names {
    /// The stem numbered `n` (a number from [`number`]).
    pub fn get(&self, n: u32) -> &'static str {
        self.0.names[n as usize]
    }
}

/// The stems by number.
pub fn names() -> Names {
    Names(TABLE.read().unwrap_or_else(PoisonError::into_inner))
}
