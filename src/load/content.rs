//! Load `content/**/*.md`.
//!
//! Each file of `content/` comes from the one walk of the folder (`super::walk::Walk`), which knows
//! which entries are links, so only `content/` itself and a link met on the way are resolved, and
//! answers whether a path is a revision file. A file is opened once, checked to lie inside the site
//! where it really is (`fsutil::read_text_inside`), and read; one whose real path cannot be worked
//! out is refused like one outside. The second Markdown pass reads the same file back
//! (`SourcePage::reload_body`: its device and inode from the opened file, `fsutil::read_again`) and
//! checks the body against the hash the first pass took; a replaced file, or one whose body a feature
//! swapped in, is read the checked way.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::frontmatter::{self, FrontMatter};
use super::noted::{Read, ReadBefore};
use super::walk::Folders;
use crate::diag::{Diagnostic, Diagnostics, display_path};

mod read;
use read::{How, Listing, load_listed, read_page};

/// A Markdown file as read from disk: parsed front matter, raw body.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Path below `content/`, with `/` separators: `regulation/6973-1r.md`.
    pub rel: String,
    /// Path as shown in messages: `content/regulation/6973-1r.md`.
    pub file: PathBuf,
    pub front: FrontMatter,
    /// Raw front matter, kept to find the line of a key for errors found later.
    pub front_text: String,
    pub front_line: usize,
    /// The Markdown body, when it is held ([`Bodies`]; a body a feature puts in from another file,
    /// as a policy page's revision text, always is). Private, so no reader can take an empty body
    /// for the page's text: [`SourcePage::take_body`] and [`SourcePage::reload_body`] read the file
    /// again when it is not held. The model lets it go after its first pass, so a large site's
    /// sources are not all held in memory.
    body: String,
    pub body_line: usize,
    /// Hash of the body, to notice a file edited after it was loaded (when the first pass or the
    /// second reads it again).
    pub body_hash: u128,
    /// Where the body was read from, for [`SourcePage::reload_body`].
    origin: Option<Origin>,
    /// What the walk of `content/` that found the page saw of its folders, for
    /// [`SourcePage::is_revisions_folder`] (`None` for a page loaded on its own).
    walk: Option<Arc<Folders>>,
}

/// The file a page was read from (its identity, checked inside the site folder when it was read)
/// and where its body starts in it.
#[derive(Debug, Clone)]
struct Origin {
    file: PathBuf,
    id: crate::fsutil::FileId,
    body_start: usize,
}

impl SourcePage {
    /// Line of a front-matter key, or the first line of the front matter.
    pub fn key_line(&self, key: &str) -> usize {
        crate::yaml::key_line(&self.front_text, key, self.front_line).unwrap_or(1)
    }

    /// The body for a pass that reads the page: the one held (taken: it is not held twice), else
    /// read again ([`SourcePage::reload_body`]).
    pub fn take_body(&mut self, root: &Path) -> Result<String, Diagnostic> {
        if self.body.is_empty() { self.reload_body(root) } else { Ok(std::mem::take(&mut self.body)) }
    }

    /// Let go of a held body (a pass that needs it again reads it from the file).
    pub fn drop_body(&mut self) {
        self.body = String::new();
    }

    /// Give the page a body from another file (a policy page's text from its revision file): held,
    /// with its hash and first line, and `file` named as where it comes from.
    pub fn set_body_from(&mut self, file: PathBuf, body: String, body_line: usize) {
        self.body_hash = hash_text(&body);
        self.body = body;
        self.body_line = body_line;
        self.file = file;
    }

    /// The body again, from disk, checked against the hash taken when the page was loaded.
    ///
    /// When the path still names the file it was read from (same device and inode, from the
    /// opened file) the body is taken where it was, without resolving the path again: that file was
    /// checked to lie inside the site folder when it was read, and the hash holds its body to what
    /// was read then. Otherwise (a feature put another file's body in, or the file was replaced) it
    /// is read the checked way and split again.
    pub fn reload_body(&self, root: &Path) -> Result<String, Diagnostic> {
        if !self.body.is_empty() || self.body_hash == hash_text("") {
            return Ok(self.body.clone());
        }
        if let Some(body) = self.origin.as_ref().filter(|o| o.file == self.file).and_then(|o| o.body_again(root))
            && hash_text(&body) == self.body_hash
        {
            return Ok(body);
        }
        let text = crate::fsutil::read_text(&root.join(&self.file), root)?;
        let split = frontmatter::split(&text, &self.file)?;
        if hash_text(split.body) != self.body_hash {
            return Err(Diagnostic::new(&self.file, "the file changed while the site was being built")
                .help("build again (or let `serve` rebuild)"));
        }
        Ok(split.body.to_string())
    }

    /// Whether the page's body is the one in its own file, as loaded (not one a feature put in from
    /// another file, as a policy page's revisions are). Such a body shows on the page alone (and in
    /// the site-wide files); the build memo counts on it (`engine::memo`).
    pub fn body_is_its_own(&self) -> bool {
        self.origin.as_ref().is_some_and(|o| o.file == self.file)
    }

    /// URL directory of the page: `a/b.md` → `a/b/` (or `a/SLUG/`), `a/_index.md` → `a/`,
    /// `_index.md` → ``.
    pub fn url_dir(&self) -> String {
        let rel = self.rel.as_str();
        let (dir, file) = match rel.rsplit_once('/') {
            Some((d, f)) => (format!("{d}/"), f),
            None => (String::new(), rel),
        };
        if file == "_index.md" {
            return dir;
        }
        let stem = file.strip_suffix(".md").unwrap_or(file);
        let last = self.front.slug.as_deref().unwrap_or(stem);
        format!("{dir}{last}/")
    }
    /// [`crate::layout::is_revisions_folder`], answered from the walk of `content/` that found this
    /// page when it saw the folder's place (so loading a large site does not try to open a folder
    /// beside every page), else from the file system.
    pub fn is_revisions_folder(&self, dir: &Path) -> bool {
        match &self.walk {
            Some(walk) => walk.is_revisions_folder(dir),
            None => crate::layout::is_revisions_folder(dir),
        }
    }
    pub fn is_section_index(&self) -> bool {
        self.rel == "_index.md" || self.rel.ends_with("/_index.md")
    }
}

impl Origin {
    /// The body, if the file is still the one read and still that long.
    fn body_again(&self, root: &Path) -> Option<String> {
        let mut text = crate::fsutil::read_again(&root.join(&self.file), self.id)?;
        if !text.is_char_boundary(self.body_start) {
            return None;
        }
        text.drain(..self.body_start);
        Some(text)
    }
}

pub const CONTENT_DIR: &str = "content";

/// What loading `content/` produced: the pages that loaded, and the problems with the others.
pub struct Loaded {
    pub pages: Vec<SourcePage>,
    /// Paths (below `content/`) of Markdown files that could not be loaded. Links to them are not
    /// reported as broken, since the real problem is already reported.
    pub failed: Vec<String>,
    pub diagnostics: Diagnostics,
    /// How each page (drafts too) was loaded, by its path below `content/`, when loading was given
    /// what the build before read ([`load_all`]'s `before`): for the build to note.
    pub reads: Vec<(String, Read)>,
}

/// All Markdown files below `root/content`, sorted by path, drafts dropped, each body kept or only
/// hashed as `bodies` says. Problems with some files do not stop the others from loading, so one
/// build reports them all. With `before`, a page whose file the build before read, and which is
/// the same file unchanged since, is taken as it was read then (its body not held), and how each
/// page was loaded is handed on ([`Loaded::reads`]).
pub fn load_all(root: &Path, bodies: Bodies, before: Option<&dyn ReadBefore>) -> Loaded {
    let dir = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::default();
    let mut failed = Vec::new();
    let real_root = root.canonicalize().ok();
    let walk = super::walk::Walk::new(&dir, real_root.as_deref().unwrap_or(root));
    for e in &walk.errors {
        let p = e.path().map(|p| display_path(root, p)).unwrap_or_else(|| dir.clone());
        if let Some(path) = e.path() {
            failed.push(crate::fsutil::slash_path(&dir, path));
        }
        let reason = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
        diags.push(
            Diagnostic::new(p, format!("cannot read: {reason}"))
                .help("fix or remove the file (a broken link, or missing permissions?)"),
        );
    }
    // Each file in parallel: whether it is a revision, where it really is (both from the walk), then
    // its text.
    let md: HashSet<&Path> = walk.files.iter().map(|f| f.path.as_path()).collect();
    let how = How { root, dir: &dir, real_root: real_root.as_deref(), bodies, before };
    let results: Vec<Option<Listing>> = walk.files.par_iter().map(|f| load_listed(&how, &walk, &md, f)).collect();
    let folders = Arc::new(walk.folders);
    let mut pages = Vec::with_capacity(results.len());
    let mut reads = Vec::new();
    for (r, listed) in results.into_iter().zip(&walk.files) {
        match r {
            None => {}
            Some(Ok((p, read))) => {
                if let Some(read) = read {
                    reads.push((p.rel.clone(), read));
                }
                if !p.front.draft {
                    pages.push(SourcePage { walk: Some(Arc::clone(&folders)), ..p });
                }
            }
            Some(Err(d)) => {
                failed.push(crate::fsutil::slash_path(&dir, &listed.path));
                diags.extend(d);
            }
        }
    }
    Loaded { pages, failed, diagnostics: diags, reads }
}

/// Load one page of `content/`, refusing a link out of the site folder.
pub fn load_one(root: &Path, content_dir: &Path, path: &Path) -> Result<SourcePage, Diagnostics> {
    crate::fsutil::check_inside(path, root)?;
    read_page(root, content_dir, path, root.canonicalize().ok().as_deref(), Bodies::Kept, false).map(|(page, _)| page)
}

/// Whether loading keeps each page's body, or only its hash ([`SourcePage::body`]).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Bodies {
    /// Kept: the model's first pass will read (nearly) every page.
    Kept,
    /// Only hashed: the first pass will read few pages, each read again from its file.
    Hashed,
}

/// A 128-bit hash of a text (XXH3): enough to notice an edit between the two passes, and to stand
/// for the body in the build memo's keys (`engine::memo`), where two bodies must never share one.
pub fn hash_text(s: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder with one page, loaded; its body emptied as the model pass leaves it.
    fn loaded(text: &str) -> (tempfile::TempDir, PathBuf, SourcePage) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).expect("content folder");
        let path = root.join("content/a.md");
        std::fs::write(&path, text).expect("write page");
        let mut page = load_one(&root, &root.join("content"), &path).expect("load");
        page.body = String::new();
        (dir, root, page)
    }

    /// A site loaded for a build that takes most pages from its notes holds no body, only its hash,
    /// and each body is read again as it was; an edit since the load is refused.
    #[test]
    fn a_site_loaded_with_hashed_bodies_holds_none_and_reads_each_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/s")).expect("content folder");
        std::fs::write(root.join("content/a.md"), "---\ntitle: A\n---\nBody of a\n").expect("write a");
        std::fs::write(root.join("content/s/b.md"), "---\ntitle: B\n---\n").expect("write b");
        let kept = load_all(&root, Bodies::Kept, None);
        let hashed = load_all(&root, Bodies::Hashed, None);
        assert!(kept.diagnostics.is_empty() && hashed.diagnostics.is_empty());
        assert_eq!(kept.pages[0].body, "Body of a\n");
        for (k, h) in kept.pages.iter().zip(&hashed.pages) {
            assert!(h.body.is_empty(), "{}", h.rel);
            assert_eq!((&k.rel, k.body_hash, k.body_line), (&h.rel, h.body_hash, h.body_line));
            assert_eq!(h.reload_body(&root).expect("read again"), k.body);
        }
        std::fs::write(root.join("content/a.md"), "---\ntitle: A\n---\nBody of A\n").expect("edit a");
        let e = hashed.pages[0].reload_body(&root).expect_err("edited since the load");
        assert!(e.message.contains("changed while the site was being built"), "{e}");
    }

    #[test]
    fn the_body_is_read_again_as_it_was() {
        let (_dir, root, page) = loaded("---\ntitle: A\n---\nBody ü\n");
        assert_eq!(page.reload_body(&root).expect("reload"), "Body ü\n");
    }

    #[test]
    fn a_body_edited_between_the_passes_is_refused() {
        let (_dir, root, page) = loaded("---\ntitle: A\n---\nBody\n");
        std::fs::write(root.join("content/a.md"), "---\ntitle: A\n---\nBodx\n").expect("edit in place");
        let e = page.reload_body(&root).expect_err("changed");
        assert!(e.message.contains("changed while the site was being built"), "{e}");
    }

    /// An editor that saves by replacing the file (a new file, the same text) changes nothing; a
    /// longer front matter with the same body neither.
    #[test]
    fn a_file_replaced_by_the_same_body_is_read() {
        let (_dir, root, page) = loaded("---\ntitle: A\n---\nBody\n");
        let path = root.join("content/a.md");
        std::fs::write(root.join("content/new.md"), "---\ntitle: A longer title\n---\nBody\n").expect("write");
        std::fs::rename(root.join("content/new.md"), &path).expect("replace");
        assert_eq!(page.reload_body(&root).expect("reload"), "Body\n");
    }

    /// The second read keeps the first's rule: a link out of the site folder is refused, even to the
    /// same text.
    #[cfg(unix)]
    #[test]
    fn a_page_replaced_by_a_link_out_of_the_site_is_refused() {
        let (dir, root, page) = loaded("---\ntitle: A\n---\nBody\n");
        let outside = dir.path().join("outside.md");
        std::fs::write(&outside, "---\ntitle: A\n---\nBody\n").expect("write outside");
        let path = root.join("content/a.md");
        std::fs::remove_file(&path).expect("remove");
        std::os::unix::fs::symlink(&outside, &path).expect("link");
        let e = page.reload_body(&root).expect_err("outside");
        assert!(e.message.contains("outside the site folder"), "{e}");
    }
}
