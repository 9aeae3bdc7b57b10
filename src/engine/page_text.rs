//! A rebuild after only ordinary pages' text changed: the files made from the pages' text (the
//! search index, [`crate::feature::Feature::write_page_text`]) are updated in the folder the build
//! recycles, as `serve` updates its output after a page edit, instead of being made again from every
//! page's text. The build that wrote them noted the features' state (the index's postings and
//! where each page's sections stand: `.policysite-state`, beside the pages' outlines); this build
//! reads the edited pages, and the pages that share a block of the index with one, in full, takes
//! every other page's outline from the notes, and writes what the edit touches.
//!
//! The state is used only when everything but ordinary pages' text is as it was (the memo's
//! site-wide unit is unchanged, so the other site-wide files are kept too) and it describes the
//! page-text files of the memo's page-text unit (the same key); each of those files the memo cannot
//! vouch for (changed, or written within a tick of the clock before that memo) is written again. A heading added
//! or taken away is updated in place too, while the page's sections fit the range of section
//! numbers it had ([`crate::search_index::slots`]); past it, every later section is numbered anew:
//! then the search text of every page not read yet is read
//! ([`crate::model::Site::read_search_sections`]) and the index is made whole.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::memo::{Keys, changed_meanwhile, kept, page_unit};
use crate::diag::{Diagnostic, Diagnostics};
use crate::feature::Kept;
use crate::load::content::SourcePage;
use crate::model::{PageReading, Site};
use crate::output::memo::{Hex, Key, Previous, Written};
use crate::output::notes::Notes;
use crate::output::{Noting, Staging};

/// The memo's unit of the files made from the pages' text.
pub(super) const TEXT: &str = "page-text files";
/// The notes' unit of the state those files were written with (in their own file,
/// [`crate::output::notes::STATE`]), keyed by the site's structure ([`Keys::structure`]): a note of
/// another structure is of no use.
const STATE: &str = "page-text state";

/// At most this many edited pages (or a twentieth of the site, if more) are updated in place: each
/// costs a pass over the postings, and a large edit is as cheap made whole.
const MAX_EDITED: usize = 50;

/// The state as noted: the key of the page-text unit it describes, and each feature's state.
#[derive(Serialize, Deserialize)]
struct StateNote {
    key: Hex,
    kept: BTreeMap<String, Box<RawValue>>,
}

/// The update a rebuild makes to the page-text files of the folder it recycles.
pub struct TextUpdate {
    kept: Kept,
    /// The key those files were made from.
    old_key: Key,
    /// The pages edited since (by source, below `content/`).
    edited: BTreeSet<String>,
    /// The pages read in full: edited, or in a block of the index written again (an edited page's,
    /// or one holding a file the memo cannot vouch for).
    read: BTreeSet<String>,
}

/// The state the recycled folder noted, read and taken back into each feature's kept state: read
/// right after the memo, beside the outlines (`recycled`), before the update is planned.
pub struct NotedState {
    kept: Kept,
    /// The key of the page-text unit the state describes.
    key: Key,
}

impl NotedState {
    /// The state noted in `old` for the keys' structure; `None` when there is none of it, or a
    /// feature that needs its part finds none.
    pub fn read(keys: &Keys, old: &Path) -> Option<Self> {
        let note: StateNote = Notes::read(old, crate::output::notes::STATE).get(STATE, keys.structure())?;
        let states: BTreeMap<&str, &str> = note.kept.iter().map(|(k, v)| (k.as_str(), v.get())).collect();
        let mut kept = Kept::default();
        crate::features::restore_kept(&states, &mut kept).then_some(NotedState { kept, key: note.key.0 })
    }
}

impl TextUpdate {
    /// The update, when the notes of the recycled folder (`old`) and its noted `state` allow one;
    /// `None` when the page-text files must be made whole.
    pub fn plan(
        keys: &Keys,
        notes: &Notes,
        previous: &Previous,
        old: &Path,
        pages: &[SourcePage],
        state: NotedState,
    ) -> Option<Self> {
        let noted = |p: &SourcePage| keys.page(&p.rel).is_some_and(|k| notes.has(&page_unit(&p.rel), k));
        let edited: BTreeSet<String> = pages.iter().filter(|p| !noted(p)).map(|p| p.rel.clone()).collect();
        if edited.len() > MAX_EDITED.max(pages.len() / 20) {
            return None;
        }
        let NotedState { mut kept, key } = state;
        // Files the memo cannot vouch for (changed since, or written within a tick of the clock
        // before it, or racy and not as written) are written again.
        let files = previous.files_trusted(old, TEXT, key)?;
        let redo: BTreeSet<String> = files.into_iter().filter(|(_, size)| size.is_none()).map(|(rel, _)| rel).collect();
        let read = crate::features::page_text_reads(&edited, &redo, &mut kept)?;
        Some(TextUpdate { kept, old_key: key, edited, read })
    }

    /// The pages the first pass reads in full ([`reading`]).
    pub fn pages_read(&self) -> &BTreeSet<String> {
        &self.read
    }

    /// Whether the model lets the files be updated in place (each edited page's sections fit the
    /// range of numbers it had); if not, the build reads every page's search text and makes them
    /// whole.
    pub fn fits(&mut self, site: &Site) -> bool {
        let edited = self.edited_pages(site);
        crate::features::page_text_fits(site, &edited, &mut self.kept)
    }

    /// How many pages were edited since the files were made.
    pub fn edited_count(&self) -> usize {
        self.edited.len()
    }

    fn edited_pages(&self, site: &Site) -> Vec<usize> {
        (0..site.pages.len()).filter(|&i| self.edited.contains(&site.pages[i].source.rel)).collect()
    }

    /// Update the page-text files in `staging`: write what changed, keep the rest as they are, and
    /// record them as made from the keys' `page_text`; then note the state.
    pub fn write(mut self, site: &Site, staging: &Staging, keys: &Keys, old: &Path) -> Diagnostics {
        let Some(adopted) = staging.adopt(TEXT, self.old_key) else { return changed_meanwhile(old) };
        let edited = self.edited_pages(site);
        // `write_page_text` makes the files whole when it cannot update them, from every page's
        // sections, which this model does not hold: `recycled` checked `fits` on this model; a
        // disagreement is a bug, refused rather than written.
        if !crate::features::page_text_fits(site, &edited, &mut self.kept) {
            return Diagnostic::new(old, "the search index could not be updated in place")
                .help("build again with --render-all, and report this")
                .into();
        }
        let noting = Noting::new(staging);
        let problems = crate::features::write_page_text(site, &edited, &noting, &mut self.kept);
        if !problems.is_empty() {
            return problems;
        }
        let written: HashSet<String> = noting.into_files().into_iter().collect();
        let files = crate::features::page_text_files(&mut self.kept);
        // Every file not written again must be one the memo vouched for.
        let rest: Option<Vec<(String, Written)>> =
            files.iter().filter(|f| !written.contains(*f)).map(|f| Some((f.clone(), *adopted.get(f)?))).collect();
        match rest.map(|rest| kept(staging.retain(&rest), old, TEXT)) {
            Some(Ok(true)) => {}
            Some(Err(problem)) => return problem.into(),
            Some(Ok(false)) | None => return changed_meanwhile(old),
        }
        staging.record(TEXT.to_string(), keys.page_text, files);
        note_state(staging, keys, &mut self.kept);
        Diagnostics::default()
    }
}

/// How the first pass reads `page` for an update that reads the pages `read` in full: those in
/// full, every other by its outline as noted.
pub fn reading(read: &BTreeSet<String>, keys: &Keys, notes: &Notes, page: &SourcePage) -> PageReading {
    match keys.known_outline(notes, page) {
        Some(outline) if !read.contains(&page.rel) => PageReading::Noted(outline),
        _ => PageReading::Full,
    }
}

/// Note the features' state, which describes the page-text files made from the keys' `page_text`,
/// for the next build (a build that keeps those files leaves the note as it is).
pub(super) fn note_state(staging: &Staging, keys: &Keys, kept: &mut Kept) {
    staging.note_state(STATE, keys.structure(), |w| {
        write!(w, "{{\"key\":\"{:032x}\",\"kept\":", keys.page_text)?;
        crate::features::write_kept_notes(kept, w)?;
        w.write_all(b"}")
    });
}
