//! One walk of `content/` that answers what loading its pages would otherwise ask the file system
//! page by page: where each Markdown file really is (for the rule that a link out of the site folder
//! is refused, [`crate::fsutil::check_inside`]), whether a file is a revision file and whether a
//! folder is a revisions folder ([`crate::layout`]). A 10,000-page site is then read with one open
//! and read per page, instead of a `readlink` per path component, a `stat` and a failed folder
//! open besides.
//!
//! Every answer is the file system's own as the walk saw it; where the walk did not see (a folder it
//! could not list or follow, a path outside `content/`) the question goes to the file system. So
//! does a path the walk did not see but saw in other letter case ([`fold`]): on a file system that
//! ignores case, `Foo/` is the folder beside `foo.md`. And so does a path the walk did not see whose
//! name is not ASCII: a file system may also ignore Unicode normalization (macOS's APFS: `café`
//! composed and decomposed are one name), which lower-casing does not catch.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A Markdown file the walk found.
#[derive(Debug)]
pub struct Listed {
    pub path: PathBuf,
    pub place: Place,
}

/// Where a listed file really is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Inside,
    /// Outside the site folder (through a link: the file's own, or a folder's on its way), at this
    /// real path; it is refused.
    Outside(PathBuf),
    /// Nobody can tell, for this reason (a link whose real path is longer than the system allows,
    /// say, which the system still follows to open the file); it is refused too.
    Unresolved(String),
}

/// What the walk saw of the folders below `content/`.
#[derive(Debug, Default)]
pub struct Folders {
    /// Folders whose every entry the walk saw.
    listed: Paths,
    /// Paths the walk could not follow or list (a broken link, a loop, a folder it may not read).
    unseen: Paths,
    /// Folders holding an entry named like a revision ([`crate::layout::is_revision_name`]).
    revisions: Paths,
    /// [`fold`] of every path in `listed` and `unseen`.
    folded: Paths,
}

/// Looked up a few times for every page of every build: FoldHash (seeded per process), not the
/// standard SipHash, which showed in an unchanged rebuild's profile.
type Paths = foldhash::HashSet<PathBuf>;

/// A path in lower case, to notice a path the walk saw in other letter case.
fn fold(path: &Path) -> PathBuf {
    PathBuf::from(path.to_string_lossy().to_lowercase())
}

impl Folders {
    /// [`crate::layout::is_revisions_folder`], from the walk when it saw the folder's place.
    pub fn is_revisions_folder(&self, dir: &Path) -> bool {
        if self.revisions.contains(dir) {
            return true;
        }
        let seen = if self.listed.contains(dir) {
            !self.unseen.contains(dir)
        } else {
            self.saw_place_of(dir) && !self.folded.contains(&fold(dir)) && dir.as_os_str().is_ascii()
        };
        if seen { false } else { crate::layout::is_revisions_folder(dir) }
    }

    /// Whether the walk saw every entry of `path`'s folder and did not fail on `path` itself, so that
    /// what it did not list as a folder (or file) is not one.
    fn saw_place_of(&self, path: &Path) -> bool {
        !self.unseen.contains(path) && path.parent().is_some_and(|p| self.listed.contains(p))
    }

    fn not_listed(&mut self, path: &Path) {
        self.folded.insert(fold(path));
        self.unseen.insert(path.to_path_buf());
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
    /// [`fold`] of every entry that is not a folder and whose name ends in `.md` in any case.
    folded_md: HashSet<PathBuf>,
}

/// The real path of a folder on the walk's current way and whether it lies inside the site folder,
/// or why it could not be resolved.
type Real = Result<(PathBuf, bool), String>;

impl Walk {
    /// Walk `dir` (following links, sorted by name); `inside` is the site folder's real path.
    pub fn new(dir: &Path, inside: &Path) -> Walk {
        let mut walk = Walk::default();
        // The real path of the folder at each depth of the current way.
        let mut way: Vec<Real> = Vec::new();
        for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(e) => walk.saw(e, inside, &mut way),
                Err(e) => {
                    if let Some(path) = e.path() {
                        walk.named(path);
                        walk.folders.not_listed(path);
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
        let parent = depth.checked_sub(1).and_then(|d| way.get(d));
        let resolve = depth == 0 || e.path_is_symlink();
        // Where the entry really is; the path is built only when `keep` says it is wanted.
        let real = |keep: fn(bool) -> bool| -> Result<Option<(PathBuf, bool)>, String> {
            if resolve {
                let r = e.path().canonicalize().map_err(|err| err.to_string())?;
                let ok = r.starts_with(inside);
                return Ok(keep(ok).then_some((r, ok)));
            }
            match parent {
                Some(Ok((p, ok))) => Ok(keep(*ok).then(|| (p.join(e.file_name()), *ok))),
                Some(Err(why)) => Err(why.clone()),
                None => Err("its folder could not be resolved".to_string()),
            }
        };
        if e.file_type().is_dir() {
            let real = real(|_| true).and_then(|r| r.ok_or_else(String::new));
            way.truncate(depth);
            way.push(real);
            self.folders.folded.insert(fold(e.path()));
            self.folders.listed.insert(e.into_path());
            return;
        }
        let folded = fold(e.path());
        if folded.extension().is_some_and(|x| x == "md") {
            self.folded_md.insert(folded);
        }
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") {
            // Only a file outside needs its real path (for the message).
            let place = match real(|ok| !ok) {
                Ok(Some((r, _))) => Place::Outside(r),
                Ok(None) => Place::Inside,
                Err(why) => Place::Unresolved(why),
            };
            self.files.push(Listed { path: e.into_path(), place });
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
        let is_file = |p: &Path| {
            if md.contains(p) {
                return true;
            }
            // Not there unless the walk missed its place, or saw it in other letter case (or the
            // name is not ASCII: see the module's doc).
            let seen = p.as_os_str().is_ascii() && self.folders.saw_place_of(p) && {
                let folded = fold(p);
                !self.folded_md.contains(&folded) && !self.folders.folded.contains(&folded)
            };
            !seen && p.is_file()
        };
        crate::layout::revision_file_rule(path, is_file, |dir| self.folders.is_revisions_folder(dir))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// What the file system says, the way the loader asked it before the walk answered: the real
    /// path of a file outside the site folder, whether it is a revision file.
    fn asked(path: &Path, inside: &Path) -> (Option<PathBuf>, bool) {
        let outside = path.canonicalize().ok().filter(|r| !r.starts_with(inside));
        (outside, crate::layout::is_revision_file(path))
    }

    /// Walk `root/content` and compare every answer with the file system's; the files listed, with
    /// their answers, for the test to check the cases it built.
    fn walked(root: &Path) -> Vec<(String, Option<PathBuf>, bool)> {
        let inside = root.canonicalize().expect("root");
        let walk = Walk::new(&root.join("content"), &inside);
        let md: HashSet<&Path> = walk.files.iter().map(|f| f.path.as_path()).collect();
        let mut seen = Vec::new();
        for f in &walk.files {
            let outside = match &f.place {
                Place::Outside(r) => Some(r.clone()),
                _ => None,
            };
            let answer = (outside, walk.is_revision_file(&f.path, &md));
            assert_eq!(answer, asked(&f.path, &inside), "{}", f.path.display());
            let stem = f.path.with_extension("");
            for folder in [stem.as_path(), f.path.as_path(), f.path.parent().expect("parent")] {
                assert_eq!(
                    walk.folders.is_revisions_folder(folder),
                    crate::layout::is_revisions_folder(folder),
                    "{}",
                    folder.display()
                );
            }
            seen.push((crate::fsutil::slash_path(&root.join("content"), &f.path), answer.0, answer.1));
        }
        seen
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn link(target: &Path, at: &Path) {
        std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
        symlink(target, at).expect("symlink");
    }

    /// A site folder (its root reached through a link, as `--root` may be) whose content/ holds every
    /// kind of link and revision layout the walk tells apart, and a folder outside it.
    fn tricky() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let (real_root, out) = (tmp.path().join("site"), tmp.path().join("outside"));
        let c = real_root.join("content");
        for f in ["_index.md", "a.md", "a/2026-01-01.md", "a/notes.md", "b.md", "b/other.md", "c/2026-01-01.md"] {
            write(&c.join(f), "x");
        }
        // A folder counts as revisions folder by the names of its entries of any kind.
        for f in ["d.md", "d/2026-02-02.MD", "d/x.md", "e.md", "e/2026-03-03.md/inner.md", "e/y.md", "f.md", "f/z.md"] {
            write(&c.join(f), "x");
        }
        link(&c.join("nowhere.md"), &c.join("f/2026-04-04.md"));
        write(&out.join("secret.md"), "x");
        write(&out.join("2026-05-05.md"), "x");
        write(&real_root.join("elsewhere/page.md"), "x");
        write(&real_root.join("elsewhere/revs/2026-06-06.md"), "x");
        link(&out.join("secret.md"), &c.join("link-out.md"));
        link(&out, &c.join("linked-out"));
        link(&out, &c.join("nested/deeper/link-out"));
        link(&real_root.join("elsewhere/page.md"), &c.join("inside-link.md"));
        link(&real_root.join("elsewhere"), &c.join("inside-dir"));
        link(&out.join("secret.md"), &real_root.join("elsewhere/out.md"));
        link(&real_root.join("elsewhere"), &out.join("back"));
        write(&c.join("g.md"), "x");
        link(&real_root.join("elsewhere/revs"), &c.join("g"));
        link(&c, &c.join("nested/loop"));
        // A loop the walk does not follow: asked about, the file system answers (`a/back` shows
        // `a`'s dated file).
        write(&c.join("a/back.md"), "x");
        link(&c.join("a"), &c.join("a/back"));
        let root = tmp.path().join("root-link");
        link(&real_root, &root);
        (tmp, root)
    }

    #[test]
    fn the_walk_answers_as_the_file_system_does() {
        let (tmp, root) = tricky();
        let seen = walked(&root);
        let get = |rel: &str| seen.iter().find(|(r, _, _)| r == rel).unwrap_or_else(|| panic!("{rel}: {seen:?}"));
        let out = tmp.path().join("outside").canonicalize().expect("outside");
        // Links out of the site folder: a file, a folder, a folder deeper down, a link inside a
        // linked folder that stays inside, and a link back into the site from a folder outside.
        assert_eq!(get("link-out.md").1, Some(out.join("secret.md")));
        assert_eq!(get("linked-out/secret.md").1, Some(out.join("secret.md")));
        assert_eq!(get("nested/deeper/link-out/secret.md").1, Some(out.join("secret.md")));
        assert_eq!(get("inside-dir/out.md").1, Some(out.join("secret.md")));
        for inside in ["inside-link.md", "inside-dir/page.md", "linked-out/back/page.md", "a.md", "b/other.md"] {
            assert_eq!(get(inside).1, None, "{inside}");
        }
        // Revision files: dated, or in a folder holding a dated entry of any kind (a file named in
        // upper case, a folder, a broken link, through a linked folder); a dated file without its page is
        // a page, as is a file in a folder named like a revision.
        for rev in ["a/2026-01-01.md", "a/notes.md", "d/x.md", "e/y.md", "f/z.md"] {
            assert!(get(rev).2, "{rev}");
        }
        assert!(get("g/2026-06-06.md").2);
        for page in ["b/other.md", "c/2026-01-01.md", "linked-out/2026-05-05.md", "e/2026-03-03.md/inner.md"] {
            assert!(!get(page).2, "{page}");
        }
    }

    /// What the walk saw in other letter case is asked of the file system (on one that ignores case,
    /// `H/` is the folder beside `h.md`). Shown on a case-sensitive one by making the other-case path
    /// after the walk: the walk's answer would be "not there", the file system's is "there".
    #[test]
    fn a_path_seen_in_other_letter_case_is_asked_of_the_file_system() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let c = tmp.path().join("content");
        for f in ["h.md", "H/2026-07-07.md", "k.md", "K/notes.md"] {
            write(&c.join(f), "x");
        }
        let walk = Walk::new(&c, tmp.path());
        let md: HashSet<&Path> = walk.files.iter().map(|f| f.path.as_path()).collect();
        let (rev, notes) = (c.join("H/2026-07-07.md"), c.join("K/notes.md"));
        assert!(!walk.is_revision_file(&rev, &md) && !walk.folders.is_revisions_folder(&c.join("h")));
        write(&c.join("H.md"), "x");
        write(&c.join("h/2026-08-08.md"), "x");
        write(&c.join("K.md"), "x");
        assert!(walk.is_revision_file(&rev, &md), "H.md asked of the file system");
        assert!(walk.folders.is_revisions_folder(&c.join("h")), "h/ asked of the file system");
        assert!(!walk.is_revision_file(&notes, &md), "K/ holds no dated file");
    }

    /// A name that is not ASCII is asked of the file system when the walk did not see it (one that
    /// ignores Unicode normalization, as APFS does, would find `café.md` under another spelling),
    /// shown, as above, by a file made after the walk. An ASCII name the walk did not see is not.
    #[test]
    fn a_name_that_is_not_ascii_is_asked_of_the_file_system() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let c = tmp.path().join("content");
        for f in ["café/2026-07-07.md", "plain/2026-07-07.md"] {
            write(&c.join(f), "x");
        }
        let walk = Walk::new(&c, tmp.path());
        let md: HashSet<&Path> = walk.files.iter().map(|f| f.path.as_path()).collect();
        write(&c.join("café.md"), "x");
        write(&c.join("plain.md"), "x");
        assert!(walk.is_revision_file(&c.join("café/2026-07-07.md"), &md), "café.md asked of the file system");
        assert!(!walk.is_revision_file(&c.join("plain/2026-07-07.md"), &md), "plain.md answered by the walk");
    }

    /// content/ itself a link: to a folder inside the site (followed), or outside it (every page
    /// refused).
    #[test]
    fn a_linked_content_folder_is_resolved_once() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        write(&root.join("sources/a.md"), "x");
        link(&root.join("sources"), &root.join("content"));
        assert_eq!(walked(&root), vec![("a.md".to_string(), None, false)]);
        write(&tmp.path().join("outside/a.md"), "x");
        std::fs::remove_file(root.join("content")).expect("rm");
        link(&tmp.path().join("outside"), &root.join("content"));
        let real = tmp.path().join("outside/a.md").canonicalize().expect("real");
        assert_eq!(walked(&root), vec![("a.md".to_string(), Some(real), false)]);
    }
}
