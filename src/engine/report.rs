//! What `build` returns: the counts and timings to show, and what it used ([`Leftover`]).

use super::timings::Timings;
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::render::Renderer;

/// What `build` did.
pub struct Report {
    pub pages: usize,
    /// Pages kept as the output held them: the memo showed their inputs unchanged ([`super::memo`]).
    pub kept: usize,
    /// For how many edited pages the files made from the pages' text (the search index) were
    /// updated in place (README, "After an edit of page text"); `None` when they were kept as
    /// they were or made whole.
    pub text_updated: Option<usize>,
    pub files: usize,
    pub bytes: u64,
    pub timings: Timings,
    /// For the command to show ([`crate::features::warnings`]).
    pub warnings: Vec<Diagnostic>,
    /// The model and templates the build used ([`Leftover`]).
    pub leftover: Leftover,
}

/// What a build used and no longer needs: the whole model (every page, its headings, search text
/// and links) and the templates. Dropped like any value; a command that ends the process right
/// after may [`Leftover::leave`] it to the exit instead, which frees the memory at once (freeing a
/// 10,000-page model piece by piece takes about 100 ms on one core).
pub struct Leftover {
    _site: Site,
    _renderer: Renderer,
}

impl Leftover {
    pub(super) fn new(site: Site, renderer: Renderer) -> Leftover {
        Leftover { _site: site, _renderer: renderer }
    }

    /// Leave the memory to the process's exit: nothing in the model needs its `Drop` (no file,
    /// lock or thread is held by it).
    pub fn leave(self) {
        std::mem::forget(self);
    }
}
