//! What `build` remembers between runs (the memo, kept in each output folder by
//! [`crate::output::memo`]): the key of the inputs of each page and of the site-wide files, so a
//! rebuild renders only what its inputs changed. After an edit of one page's text, a 10,000-page
//! rebuild renders that page and the site-wide files (search index, feed, …); after no edit, nothing.
//!
//! A page's HTML is made from this program, the build date, the site folder, the site's settings,
//! data, quizzes, templates, theme and static files, every page's path, URL and front matter, and
//! the page's own body. Every one of those goes into the key, so none can change without the page
//! being rendered again:
//! - every file of the source folders and `site.yaml` (and the program) by its stamp (size, inode,
//!   change time: any write, and any change of the modification time, changes it), taken
//!   **before** the sources are read: a file edited while the build runs gets a new stamp, so the
//!   next build renders what depends on it (one changed within 100 ms before it was stamped might
//!   not, where change times are coarse: then every key of the build is its own, and no later
//!   build keeps what it made);
//! - every page's path and front matter as loaded (its URL follows from them and the settings);
//! - a page's body by its hash as loaded (the second pass checks it read the same body).
//!
//! The body of an *ordinary* page (its own file's, which no feature shows on another page) is the
//! only input left out of the other pages' keys: it shows on its page and in the site-wide files
//! only (`serve` counts on the same when it renders one edited page, [`super::incremental`]). Every
//! other body (a policy page's revisions, the regulation's) is in every key, as are the files it
//! came from.

use std::collections::HashSet;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, atomic::AtomicUsize, atomic::Ordering};

use xxhash_rust::xxh3::Xxh3;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::feature::Kept;
use crate::load::content::SourcePage;
use crate::model::{Outline, Site};
use crate::output::memo::{Key, Previous, Stamp};
use crate::output::notes::{NOTES, Note, Notes, READS};
use crate::output::{CopyError, Noting, Sink, Staging};

use super::page_text::{self, TextUpdate};
use super::reads::PageReads;

/// The unit of the files made from the whole site but the pages' text ([`page_text::TEXT`]).
const SITE_WIDE: &str = "site-wide files";

/// The stamps of every source file, taken before the build reads any, each with a hash of its path
/// (below the site folder, `/`-separated): no string per file is held through the load.
pub struct Inputs {
    stamps: Vec<(Key, Stamp)>,
    /// When the stamping began: a file changed shortly before (or since) may change again
    /// without a new stamp ([`Stamp::racy_at`]).
    started: std::time::SystemTime,
}

const PROGRAM: &str = "(program)"; // this program, among the stamps

/// A path below the site folder as a number ([`crate::load::content::hash_text`]).
fn path_hash(rel: &str) -> Key {
    crate::load::content::hash_text(rel)
}

impl Inputs {
    /// Stamp this program, the files at the top of the site folder (`site.yaml`,
    /// `policy-revisions.lock`, …; hidden ones such as the output's lock file are left out) and
    /// every file below the source folders (links followed, as the loaders follow them). `None`
    /// when any cannot be stamped (a file vanished mid-walk, or a system without change times):
    /// then nothing is kept and everything is rendered.
    pub fn stamp(root: &Path) -> Option<Inputs> {
        let started = std::time::SystemTime::now();
        let mut stamps = vec![(path_hash(PROGRAM), Stamp::of_target(&std::env::current_exe().ok()?)?)];
        for entry in std::fs::read_dir(root).ok()? {
            let entry = entry.ok()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') && entry.path().is_file() {
                stamps.push((path_hash(&name), Stamp::of_target(&entry.path())?));
            }
        }
        let mut files = Vec::new();
        for dir in crate::layout::SOURCE_DIRS.iter().map(|d| root.join(d)).filter(|d| d.exists()) {
            for entry in walkdir::WalkDir::new(&dir).follow_links(true) {
                let entry = entry.ok()?;
                if entry.file_type().is_file() {
                    files.push(entry.into_path());
                }
            }
        }
        // One `stat` per file, on both cores: most of the stamping of a large site.
        use rayon::prelude::*;
        let stamped = files
            .par_iter()
            .map(|path| Some((path_hash(&crate::fsutil::slash_path(root, path)), Stamp::of_target(path)?)));
        stamps.extend(stamped.collect::<Option<Vec<_>>>()?);
        // In one order whatever order the folders were listed in.
        stamps.sort_unstable_by_key(|(path, _)| *path);
        Some(Inputs { stamps, started })
    }

    /// The stamp of the source `file` (below the site folder, `/`-separated) taken before loading,
    /// unless it is racy ([`Stamp::racy_at`]: a later change might have kept it) or missing.
    pub fn settled(&self, file: &str) -> Option<Stamp> {
        let at = self.stamps.binary_search_by_key(&path_hash(file), |(path, _)| *path).ok()?;
        Some(self.stamps[at].1).filter(|stamp| !stamp.racy_at(self.started))
    }

    /// This program's stamp, settled: what one policysite noted, another does not take.
    pub fn program(&self) -> Option<Stamp> {
        self.settled(PROGRAM)
    }
}

/// The key of every page (by the hash of its path below `content/`: no string per page is held
/// through the render) and of the site-wide files.
pub struct Keys {
    pages: foldhash::HashMap<Key, Key>,
    /// Everything but ordinary pages' bodies: the key of the site-wide files other than those made
    /// from the pages' text ([`super::page_text`]).
    structure: Key,
    /// The key of the files made from the pages' text: the structure and every page's key.
    pub(super) page_text: Key,
}

impl Keys {
    /// Worked out from the sources as read, before the model is built: whether the search index is
    /// kept decides whether the model makes search sections at all.
    pub fn new(inputs: &Inputs, root: &Path, sources: &super::Sources, today: Date) -> Keys {
        let mut pages: Vec<&SourcePage> = sources.pages.iter().collect();
        pages.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        // A feature that gives a page another file's text (a policy page its revision's) gives it
        // that file too, so the page's body is not "its own" (a test holds `owns_page_text` to it).
        let own_files: HashSet<Key> = pages
            .iter()
            .filter(|p| ordinary(p))
            .map(|p| path_hash(&format!("{}/{}", crate::load::content::CONTENT_DIR, p.rel)))
            .collect();
        let mut h = Xxh3::new();
        ("policysite build memo", env!("CARGO_PKG_VERSION"), today.to_string()).hash(&mut h);
        std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()).hash(&mut h);
        let mut racy = false;
        for (rel, stamp) in inputs.stamps.iter().filter(|(rel, _)| !own_files.contains(rel)) {
            (rel, stamp).hash(&mut h);
            racy |= stamp.racy_at(inputs.started);
        }
        // A file changed within a tick of the clock that stamps files before it was stamped could
        // change again unseen: nothing this build makes is kept by another (every key is new).
        if racy {
            inputs.started.hash(&mut h);
        }
        for p in &pages {
            let ordinary = ordinary(p);
            (&p.rel, &p.file, &p.front_text, ordinary).hash(&mut h);
            if !ordinary {
                p.body_hash.hash(&mut h);
            }
        }
        let site_key = h.digest128();
        let keys: Vec<(Key, Key)> =
            pages.iter().map(|p| (path_hash(&p.rel), key_of(&(site_key, &p.rel, p.body_hash)))).collect();
        let page_text = key_of(&(site_key, &keys));
        Keys { pages: keys.into_iter().collect(), structure: site_key, page_text }
    }

    /// The key of everything but ordinary pages' bodies.
    pub fn structure(&self) -> Key {
        self.structure
    }

    /// The key of the page at `rel` (below `content/`), if it is one of the sources keyed.
    pub(super) fn page(&self, rel: &str) -> Option<Key> {
        self.pages.get(&path_hash(rel)).copied()
    }

    /// The outline the build before noted for `page`, if it read the same inputs (the same key).
    pub fn known_outline(&self, notes: &Notes, page: &SourcePage) -> Option<Outline> {
        notes.get(&page_unit(&page.rel), self.page(&page.rel)?)
    }

    /// Whether the files made from the pages' text in the folder the build will recycle (`old`) are
    /// unchanged. With the structure unchanged too ([`Keys::structure_unchanged`]), every site-wide
    /// file is kept: then the model needs no search sections.
    pub fn text_unchanged(&self, previous: &Previous, old: &Path) -> bool {
        previous.unchanged(old, page_text::TEXT, self.page_text)
    }

    /// Whether `previous` is the memo of a folder made from another structure than this one's (not
    /// one whose files changed since, or without a memo).
    pub fn other_structure(&self, previous: &Previous) -> bool {
        previous.key_of(SITE_WIDE).is_some_and(|key| key != self.structure)
    }

    /// Whether the site-wide files but those made from the pages' text are unchanged: nothing but
    /// ordinary pages' text changed ([`super::page_text`]).
    pub fn structure_unchanged(&self, previous: &Previous, old: &Path) -> bool {
        previous.unchanged(old, SITE_WIDE, self.structure)
    }
}

/// Whether a page's body shows on its own page alone (and in the site-wide files): its own file's
/// body ([`SourcePage::body_is_its_own`]), which no feature shows elsewhere
/// ([`crate::features::shows_text_of`]: the regulation's headings on the request form).
fn ordinary(p: &SourcePage) -> bool {
    p.body_is_its_own() && !crate::features::shows_text_of(p)
}

/// A page's unit, in the memo and the notes.
pub(super) fn page_unit(rel: &str) -> String {
    format!("page {rel}")
}

pub(super) fn key_of(value: &impl Hash) -> Key {
    let mut h = Xxh3::new();
    value.hash(&mut h);
    h.digest128()
}

/// How a build uses the memo of the folder it recycles: keep what is unchanged (unless told to
/// render everything), and note what it renders for the next build.
pub struct Plan<'a> {
    staging: &'a Staging,
    keys: Keys,
    keep: bool,
    /// Whether the search index and the other site-wide files are kept: decided before the model
    /// was built ([`Keys::structure_unchanged`] and [`Keys::text_unchanged`]), which then made no search sections.
    site_wide_kept: bool,
    /// The folder recycled (`.NAME.old`), to name in a message.
    old: PathBuf,
    kept_pages: AtomicUsize,
    /// The update of the page-text files, when only ordinary pages' text changed (taken once).
    text: Mutex<Option<TextUpdate>>,
    /// How many edited pages the page-text files were updated for in place, once they were.
    text_updated: OnceLock<usize>,
    /// The recycled folder's notes (an outline noted from the same key is written again as its text)
    /// and how each page was read ([`super::reads`]): noted by [`Plan::note_outlines`], then let go.
    notes: Mutex<Notes>,
    reads: Mutex<Option<PageReads>>,
}

impl<'a> Plan<'a> {
    /// `keep` false: render every page anyway (`build --render-all`), still writing the memo.
    pub fn new(staging: &'a Staging, keys: Keys, keep: bool, site_wide_kept: bool, old: PathBuf) -> Self {
        // What the plan fills in as the build goes starts empty.
        let (kept_pages, text, text_updated, notes, reads) = Default::default();
        Plan { staging, keys, keep, site_wide_kept, old, kept_pages, text, text_updated, notes, reads }
    }

    /// With how each page was read, to note for the next build.
    pub(super) fn with_reads(self, reads: PageReads) -> Self {
        Plan { reads: Mutex::new(Some(reads)), ..self }
    }

    /// With the notes of the folder recycled (read by `engine::recycled`).
    pub fn with_notes(self, notes: Notes) -> Self {
        Plan { notes: Mutex::new(notes), ..self }
    }

    /// With the update of the page-text files to make ([`TextUpdate::plan`]).
    pub fn with_text(self, text: Option<TextUpdate>) -> Self {
        Plan { text: Mutex::new(text), ..self }
    }

    /// How many pages were kept as they were.
    pub fn kept_pages(&self) -> usize {
        self.kept_pages.load(Ordering::Relaxed)
    }

    /// For how many edited pages the page-text files were updated in place (`None`: kept, or made
    /// whole), for the build to say so.
    pub fn text_updated(&self) -> Option<usize> {
        self.text_updated.get().copied()
    }

    /// A page of the site: kept, or rendered by `render` into the staging folder.
    pub fn page(&self, rel: &str, render: impl FnOnce(&dyn Sink) -> Option<Diagnostic>) -> Option<Diagnostic> {
        // Every page of the model came from the sources the keys were made from.
        let Some(key) = self.keys.page(rel) else { return render(self.staging) };
        let unit = page_unit(rel);
        if self.keep {
            match kept(self.staging.keep(&unit, key), &self.old, rel) {
                Ok(true) => {
                    self.kept_pages.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
                Ok(false) => {}
                Err(problem) => return Some(problem),
            }
        }
        let noting = Noting::new(self.staging);
        let problem = render(&noting);
        if problem.is_none() {
            self.staging.record(unit, key, noting.into_files());
        }
        problem
    }

    /// Note every page's outline in the folder for the next build ([`Keys::known_outline`]), while
    /// the pages render (a page whose render fails fails the build, which is aborted, notes and
    /// all). A page whose outline was taken from the recycled folder's notes (same key) gets that
    /// note's text again: same inputs, same outline, and a copy costs a fraction of making it. A
    /// note the model could not take (not an outline) is made anew from the page as read. How each
    /// page's file was read is noted beside ([`super::reads`]). Both are then let go: held to the end
    /// (13 MB at 10,000 pages), they made the peak of an edit adding a heading (index made whole).
    pub fn note_outlines(&self, site: &Site) {
        let notes = std::mem::take(&mut *self.notes.lock().unwrap_or_else(|e| e.into_inner()));
        let keyed = site.pages.iter().filter_map(|p| Some((p, self.keys.page(&p.source.rel)?)));
        let outlines = keyed.map(|(p, key)| {
            let unit = page_unit(&p.source.rel);
            let note = match notes.text_of(&unit, key).filter(|_| p.noted) {
                Some(text) => Note::Same(text),
                None => Note::New(p.outline()),
            };
            (unit, key, note)
        });
        self.staging.note(NOTES, outlines);
        if let Some(reads) = self.reads.lock().unwrap_or_else(|e| e.into_inner()).take() {
            self.staging.note(READS, reads.notes());
        }
    }

    /// The site-wide files: kept, updated where only the pages' text changed ([`page_text`]), or made
    /// by `write` (which gives the features somewhere to keep what the next build's update needs).
    pub fn site_wide(&self, site: &Site, write: impl FnOnce(&dyn Sink, &mut Kept) -> Diagnostics) -> Diagnostics {
        let keep = |unit: &str, key: Key| match kept(self.staging.keep(unit, key), &self.old, unit) {
            Ok(true) => Diagnostics::default(),
            Ok(false) => changed_meanwhile(&self.old),
            Err(problem) => problem.into(),
        };
        if self.site_wide_kept {
            let problems = keep(SITE_WIDE, self.keys.structure);
            return if problems.is_empty() { keep(page_text::TEXT, self.keys.page_text) } else { problems };
        }
        if let Some(text) = self.text.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let problems = keep(SITE_WIDE, self.keys.structure);
            if !problems.is_empty() {
                return problems;
            }
            let edited = text.edited_count();
            let problems = text.write(site, self.staging, &self.keys, &self.old);
            if problems.is_empty() {
                let _ = self.text_updated.set(edited);
            }
            return problems;
        }
        let mut state = Kept::default();
        let noting = Noting::new(self.staging);
        let problems = write(&noting, &mut state);
        if problems.is_empty() {
            let text: HashSet<String> = crate::features::page_text_files(&mut state).into_iter().collect();
            let (text_files, others): (Vec<String>, Vec<String>) =
                noting.into_files().into_iter().partition(|f| text.contains(f));
            self.staging.record(SITE_WIDE.to_string(), self.keys.structure, others);
            self.staging.record(page_text::TEXT.to_string(), self.keys.page_text, text_files);
            page_text::note_state(self.staging, &self.keys, &mut state);
        }
        problems
    }
}

/// A build found the folder it keeps files from (`old`: the one it recycles, or the output as it is
/// now) unchanged a moment ago, under its lock, and now it is not: someone edited it.
pub(super) fn changed_meanwhile(old: &Path) -> Diagnostics {
    changed_in(old).into()
}

/// [`changed_meanwhile`], as one diagnostic.
fn changed_in(old: &Path) -> Diagnostic {
    Diagnostic::new(old, "a folder this build keeps files from changed while the site was being built")
        .help("build again (policysite recycles its output folders; leave them to policysite)")
}

/// Whether the files of `unit` (a page's source, or a unit of site-wide files) were kept from
/// `old` ([`Staging::keep`], [`Staging::retain`]), or the problem that stopped it: `old` changed
/// meanwhile, or what is kept could not be written into the staging folder.
pub(super) fn kept(keeping: Result<bool, CopyError>, old: &Path, unit: &str) -> Result<bool, Diagnostic> {
    keeping.map_err(|e| match e {
        CopyError::Changed(_) => changed_in(old),
        CopyError::Write(e) => Diagnostic::new(unit, format!("cannot write what this build keeps of it: {e}"))
            .help("check the output folder's permissions and free space, and build again"),
    })
}

#[cfg(test)]
mod tests;
