//! One walk of `content/` that answers what loading its pages would otherwise ask the file system
//! page by page: where each Markdown file really is (for the rule that a link out of the site folder
//! is refused, [`crate::fsutil::check_inside`]), whether a file is a revision file and whether a
//! folder is a revisions folder ([`crate::layout`]). A 10,000-page site is then read with one open
//! and read per page, instead of a `readlink` per path component, a `stat` and a failed folder
//! open besides.
//!
//! Every answer is the file system's own as the walk saw it; where the walk did not see (a folder it
//! could not list or follow, a path outside `content/`) the question goes to the file system.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A Markdown file the walk found.
#[derive(Debug)]
pub struct Listed {
    pub path: PathBuf,
    /// Where it really is, when that is outside the site folder (through a link: the file's own,
    /// or a folder's on its way); then it is refused.
    pub outside: Option<PathBuf>,
}

/// What the walk saw of the folders below `content/`.
#[derive(Debug, Default)]
pub struct Folders {
    /// Folders whose every entry the walk saw.
    listed: HashSet<PathBuf>,
    /// Paths the walk could not follow or list (a broken link, a loop, a folder it may not read).
    unseen: HashSet<PathBuf>,
    /// Folders holding an entry named like a revision ([`crate::layout::is_revision_name`]).
    revisions: HashSet<PathBuf>,
}

impl Folders {
    /// [`crate::layout::is_revisions_folder`], from the walk when it saw the folder's place.
    pub fn is_revisions_folder(&self, dir: &Path) -> bool {
        if self.revisions.contains(dir) {
            return true;
        }
        if self.saw_place_of(dir) { false } else { crate::layout::is_revisions_folder(dir) }
    }

    /// Whether the walk saw every entry of `path`'s folder and did not fail on `path` itself, so that
    /// what it did not list as a folder (or file) is not one.
    fn saw_place_of(&self, path: &Path) -> bool {
        !self.unseen.contains(path) && path.parent().is_some_and(|p| self.listed.contains(p))
    }
}

/// What one walk of `content/` found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The Markdown files (`*.md` that are files, through links too), sorted by path.
    pub files: Vec<Listed>,
    /// What went wrong on the way, in walk order.
    pub errors: Vec<walkdir::Error>,
    pub folders: Folders,
}

/// The real path of a folder on the walk's current way, and whether it lies inside the site folder.
type Real = Option<(PathBuf, bool)>;

impl Walk {
    /// Walk `dir` (following links, sorted by name); `inside` is the site folder's real path.
    pub fn new(dir: &Path, inside: &Path) -> Walk {
        let mut walk = Walk::default();
        // The real path of the folder at each depth of the current way (`None`: not resolvable).
        let mut way: Vec<Real> = Vec::new();
        for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(e) => walk.saw(e, inside, &mut way),
                Err(e) => {
                    if let Some(path) = e.path() {
                        walk.named(path);
                        walk.folders.unseen.insert(path.to_path_buf());
                    }
                    walk.errors.push(e);
                }
            }
        }
        walk
    }

    /// One entry. Its real path is resolved (`canonicalize`) only where a link may lead elsewhere:
    /// at `content/` itself and where the entry is a link; below a resolved folder, an entry that is
    /// not a link is the folder's real path and its name.
    fn saw(&mut self, e: walkdir::DirEntry, inside: &Path, way: &mut Vec<Real>) {
        self.named(e.path());
        let depth = e.depth();
        let parent = depth.checked_sub(1).and_then(|d| way.get(d)).and_then(Option::as_ref);
        let resolve = depth == 0 || e.path_is_symlink();
        let real = |keep: fn(bool) -> bool| -> Real {
            if resolve {
                let r = e.path().canonicalize().ok()?;
                let ok = r.starts_with(inside);
                return keep(ok).then_some((r, ok));
            }
            let (p, ok) = parent?;
            keep(*ok).then(|| (p.join(e.file_name()), *ok))
        };
        if e.file_type().is_dir() {
            let real = real(|_| true);
            way.truncate(depth);
            way.push(real);
            self.folders.listed.insert(e.into_path());
        } else if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") {
            // Only a file outside needs its real path (for the message); one whose real path cannot
            // be worked out is read all the same, and the read reports why.
            let outside = real(|ok| !ok).map(|(r, _)| r);
            self.files.push(Listed { path: e.into_path(), outside });
        }
    }

    /// Note an entry's name in its folder (also of an entry the walk could not follow).
    fn named(&mut self, path: &Path) {
        let name = path.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|n| crate::layout::is_revision_name(&n))
            && let Some(parent) = path.parent()
        {
            self.folders.revisions.insert(parent.to_path_buf());
        }
    }

    /// [`crate::layout::is_revision_file`] for a file of [`Walk::files`], from the walk. `md` holds
    /// the paths of [`Walk::files`].
    pub fn is_revision_file(&self, path: &Path, md: &HashSet<&Path>) -> bool {
        let is_file = |p: &Path| md.contains(p) || (!self.folders.saw_place_of(p) && p.is_file());
        crate::layout::revision_file_rule(path, is_file, |dir| self.folders.is_revisions_folder(dir))
    }
}
