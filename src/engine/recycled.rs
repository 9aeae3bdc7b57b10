//! What `build` takes from the folder it recycles before it renders ([`model`]): the memo (what of
//! the site-wide files is kept, [`super::memo`]), the notes (pages' outlines, the page-text files'
//! state, [`super::page_text`]), and the model, each page read as they allow.
//!
//! The build memo from start to end:
//! - `build` stamps every source file before reading any (`memo::Inputs`), loads the sources, and
//!   works out a key per page, one for the site-wide files but the search index (`Keys::structure`:
//!   the stamps of everything but the pages' own Markdown, every page's path and front matter; a body
//!   other pages read goes into every key), and one for the files made from the pages' text (the
//!   index: the structure and every page's key).
//! - Before loading, it reads how the build that wrote the folder it will recycle read each page's
//!   file (`.policysite-reads`, `super::reads`): a page whose file has the stamp noted is taken as
//!   read then, not opened. When that folder holds notes, loading keeps only each page's body hash
//!   and the first pass reads again the few bodies it needs; `--render-all` and the first two builds
//!   keep the bodies.
//! - It reads the memo of the folder it will recycle (`.NAME.old`), or, when that memo names another
//!   structure (the build before changed it) and the output's names this one, the output's, whose
//!   notes it then reads and whose files it copies. The notes are read only when the structure is
//!   unchanged.
//! - When both site-wide units are unchanged, the model is built without search sections, and each
//!   page whose outline the last build noted with the same key is not read again; every link and
//!   anchor is still checked on the outlines.
//! - Rendering goes through `memo::Plan`: a unit whose key and files are unchanged is kept, any other
//!   is rendered through `output::Noting` and recorded; every page's outline and read is noted beside
//!   the render (a note of an unchanged key copied as its text), and the commit writes the new memo.
//! - When only ordinary pages' text changed, `super::page_text` updates the search index in place
//!   from the state the last build noted, instead of making it whole.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::memo::{self, Inputs, Keys};
use super::page_text::{self, NotedState, TextUpdate};
use super::{Sources, Timings, model as read_model};
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::content::{Bodies, SourcePage};
use crate::model::{PageReading, Reading, Site};
use crate::output::memo::Previous;
use crate::output::notes::{NOTES, Notes, READS};

/// The model, and what the build's plan needs of the recycled folder.
pub(super) struct Recycled {
    pub site: Site,
    pub keys: Option<Keys>,
    pub previous: Previous,
    /// Whether every site-wide file is kept ([`Keys::structure_unchanged`] and [`Keys::text_unchanged`]).
    pub site_wide_kept: bool,
    /// The update of the page-text files, when only ordinary pages' text changed.
    pub text: Option<TextUpdate>,
    /// The folder kept from: the recycled one, `.NAME.old`, or the output as it is now (what is
    /// kept is then copied from it).
    pub from: PathBuf,
    /// Its notes (empty when not read): an outline noted from the same key is noted again as it is.
    pub notes: Notes,
}

/// The notes of how each page's file was read ([`super::reads`]) in the folder a build recycles
/// (`.NAME.old`, the output before last), read before loading; empty when the build keeps nothing
/// (`--render-all`).
pub(super) fn reads(output: &Path, keep: bool) -> Notes {
    if keep { Notes::read(&crate::output::guard::sibling(output, "old"), READS) } else { Notes::default() }
}

/// Whether loading keeps the pages' bodies for the model ([`Bodies`]). A build that keeps what it can
/// from a recycled folder with notes (`reads` stands for them all: one build writes them together)
/// usually takes most pages' outlines from them: it only hashes each body it reads, and reads again
/// the few pages the model reads (holding 10,000 bodies it will not read costs more than reading a
/// few twice); a page whose file is unchanged since it was noted is not read at all. Whether the
/// outlines can be taken is known only after loading (the structure's key needs every page's front
/// matter): when the structure changed (a template, data, front matter, the date), the bodies of the
/// files read are read twice. One that reads every page (`--render-all`, the first two builds,
/// before there is a `.NAME.old`) keeps them. What a build makes does not depend on it: a body not
/// held is read again and checked against its hash, so a page edited after loading fails the build
/// ("build again") instead of being built from the text loaded, as `reload_body` does for the second
/// pass.
pub(super) fn bodies(reads: &Notes, keep: bool) -> Bodies {
    if keep && !reads.is_empty() { Bodies::Hashed } else { Bodies::Kept }
}

/// The memo of the folder kept from, and what it says is kept.
struct Memo {
    previous: Previous,
    /// The folder: the recycled one, or the output as it is now ([`read_memo`]).
    from: PathBuf,
    /// Every site-wide file is kept ([`Keys::structure_unchanged`] and [`Keys::text_unchanged`]).
    site_wide_kept: bool,
    /// The page-text files' noted state, read when they are to be updated (only the text changed).
    state: Option<NotedState>,
}

/// Read the memo of the recycled folder `old` (with `keep`: `--render-all` uses none), then, when
/// the structure is unchanged, its outline notes beside the state its page-text files were written
/// with (when only ordinary pages' text changed). After a change of structure (a template, data,
/// front matter, the date) neither is read: the model reads every page, and notes read for
/// nothing would be freed just before its peak, when the allocator cannot yet give their pages
/// back (a template edit's build peaked 14 MiB higher).
///
/// The recycled folder is the output before last: the build after one that changed the structure
/// finds it made from another (its memo says so), when the output as it is now (`output`) was made
/// from this one.
/// Then that output's memo and notes are read instead, and what they show unchanged is copied
/// from it rather than made again: a template edit costs one build that renders every page, not
/// two.
fn read_memo(keys: Option<&Keys>, keep: bool, old: &Path, output: &Path) -> (Memo, Notes) {
    let previous = if keep { Previous::read(old) } else { Default::default() };
    let unchanged = |previous: &Previous, from: &Path| keys.is_some_and(|k| k.structure_unchanged(previous, from));
    let (previous, from) = if unchanged(&previous, old) {
        (previous, old)
    } else {
        // Only for a folder made from another structure: one whose files changed since (a hand
        // edit) still keeps its pages in place.
        let other = keys.is_some_and(|k| k.other_structure(&previous));
        let current = if other { Previous::read(output) } else { Default::default() };
        if !unchanged(&current, output) {
            let from = old.to_path_buf();
            return (Memo { previous, from, site_wide_kept: false, state: None }, Notes::default());
        }
        (current, output)
    };
    // Each file is read in one pass, and neither needs the other: side by side.
    let (text, notes) = rayon::join(
        || {
            let site_wide_kept = keys.is_some_and(|k| k.text_unchanged(&previous, from));
            let state = keys.filter(|_| !site_wide_kept).and_then(|k| NotedState::read(k, from));
            (site_wide_kept, state)
        },
        || Notes::read(from, NOTES),
    );
    let (site_wide_kept, state) = text;
    (Memo { previous, from: from.to_path_buf(), site_wide_kept, state }, notes)
}

/// Read the memo and notes of the folder `output`'s build recycles (with `keep`; `build
/// --render-all` uses neither) and build the model from `sources`: with the site-wide files kept,
/// no page needs its search sections, and a page whose outline the last build noted from the same
/// inputs is not read again; with only ordinary pages' text changed, the edited pages (and those
/// sharing a block of the search index with one) are read in full and the index is updated.
#[allow(clippy::too_many_arguments)] // the build's steps, handed on as they are
pub(super) fn model(
    root: &Path,
    output: &Path,
    today: Date,
    keep: bool,
    inputs: Option<&Inputs>,
    sources: Sources,
    timings: &mut Timings,
    t: &mut Instant,
) -> Result<Recycled, Diagnostics> {
    let keys = inputs.map(|i| memo::Keys::new(i, root, &sources, today));
    // The memo of the folder this build will recycle; what of it is kept decides how the model
    // reads each page.
    let old = crate::output::guard::sibling(output, "old");
    let (memo, notes) = read_memo(keys.as_ref(), keep, &old, output);
    let Memo { previous, from, site_wide_kept, state } = memo;
    // With the site-wide files kept, no page needs its search sections, and a page whose outline the
    // last build noted from the same inputs is not read again; with only ordinary pages' text
    // changed, the search index is updated from the pages that changed ([`page_text`]).
    // (The state is read only when nothing but ordinary pages' text changed: `read_memo`.)
    let mut text = match (&keys, state) {
        (Some(k), Some(state)) => page_text::TextUpdate::plan(k, &notes, &previous, &from, &sources.pages, state),
        _ => None,
    };
    timings.lap("memo", t);
    let site = {
        let read = text.as_ref().map(page_text::TextUpdate::pages_read);
        let how = |page: &SourcePage| match (&keys, read) {
            (Some(k), Some(read)) => page_text::reading(read, k, &notes, page),
            (Some(k), None) => k.known_outline(&notes, page).map_or(PageReading::WithoutSearch, PageReading::Noted),
            (None, _) => PageReading::Full,
        };
        let reading = if site_wide_kept || text.is_some() { Reading::Partly(&how) } else { Reading::Full };
        read_model(root, sources, reading)?
    };
    let mut site = site;
    if text.as_mut().is_some_and(|t| !t.fits(&site)) {
        // An edited page's sections no longer fit its range of section numbers: every later section
        // is numbered anew, so the index is made whole, from every page's sections (those not read
        // yet are read now).
        let read = text.take().map(|t| t.pages_read().clone()).unwrap_or_default();
        let unread: Vec<usize> = (0..site.pages.len()).filter(|&i| !read.contains(&site.pages[i].source.rel)).collect();
        site.read_search_sections(root, &unread)?;
    }
    Ok(Recycled { site, keys, previous, site_wide_kept, text, from, notes })
}
