//! Load `content/**/*.md`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::frontmatter::{self, FrontMatter};
use crate::diag::{Diagnostic, Diagnostics, display_path};

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
    /// The Markdown body. The model empties it after its first pass and reads the file again for the
    /// second ([`SourcePage::reload_body`]), so a large site's sources are not all held in memory.
    pub body: String,
    pub body_line: usize,
    /// Hash of the body, to notice a file edited between the two passes.
    pub body_hash: u64,
}

impl SourcePage {
    /// Line of a front-matter key, or the first line of the front matter.
    pub fn key_line(&self, key: &str) -> usize {
        crate::yaml::key_line(&self.front_text, key, self.front_line).unwrap_or(1)
    }

    /// The body again, from disk, checked against the hash taken when the page was loaded.
    pub fn reload_body(&self, root: &Path) -> Result<String, Diagnostic> {
        if !self.body.is_empty() || self.body_hash == hash_text("") {
            return Ok(self.body.clone());
        }
        let text = crate::fsutil::read_text(&root.join(&self.file), root)?;
        let split = frontmatter::split(&text, &self.file)?;
        if hash_text(split.body) != self.body_hash {
            return Err(Diagnostic::new(&self.file, "the file changed while the site was being built")
                .help("build again (or let `serve` rebuild)"));
        }
        Ok(split.body.to_string())
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
    pub fn is_section_index(&self) -> bool {
        self.rel == "_index.md" || self.rel.ends_with("/_index.md")
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
}

/// All Markdown files below `root/content`, sorted by path, drafts dropped. Problems with some files
/// do not stop the others from loading, so one build reports them all.
pub fn load_all(root: &Path) -> Loaded {
    let dir = root.join(CONTENT_DIR);
    let mut files = Vec::new();
    let mut diags = Diagnostics::default();
    let mut failed = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
        match entry {
            // Revision files (`page/YYYY-MM-DD.md` beside `page.md`) are read by src/policy instead.
            Ok(e) if crate::layout::is_revision_file(e.path()) => {}
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") => {
                files.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => {
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
        }
    }
    // A link inside content/ may point anywhere; publishing what lies outside the site folder (a
    // home folder, /etc) would surprise everyone, so it is refused.
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    files.retain(|p| match p.canonicalize() {
        Ok(real) if real.starts_with(&inside) => true,
        Ok(real) => {
            failed.push(crate::fsutil::slash_path(&dir, p));
            diags.push(
                Diagnostic::new(
                    display_path(root, p),
                    format!("is a link to {}, outside the site folder", real.display()),
                )
                .help("copy the file into content/ instead of linking to it, or remove the link"),
            );
            false
        }
        Err(_) => true, // reported when it is read
    });
    let results: Vec<Result<SourcePage, Diagnostic>> = files.par_iter().map(|p| load_one(root, &dir, p)).collect();
    let mut pages = Vec::with_capacity(results.len());
    for (r, path) in results.into_iter().zip(&files) {
        match r {
            Ok(p) if p.front.draft => {}
            Ok(p) => pages.push(p),
            Err(d) => {
                failed.push(crate::fsutil::slash_path(&dir, path));
                diags.push(d);
            }
        }
    }
    Loaded { pages, failed, diagnostics: diags }
}

pub fn load_one(root: &Path, content_dir: &Path, path: &Path) -> Result<SourcePage, Diagnostic> {
    let file = display_path(root, path);
    let text = crate::fsutil::read_text(path, root)?;
    let split = frontmatter::split(&text, &file)?;
    let front: FrontMatter = crate::yaml::parse(split.yaml, &file, split.yaml_line)?;
    Ok(SourcePage {
        rel: crate::fsutil::slash_path(content_dir, path),
        file,
        front_text: split.yaml.to_string(),
        front_line: split.yaml_line,
        body: split.body.to_string(),
        body_line: split.body_line,
        body_hash: hash_text(split.body),
        front,
    })
}

pub fn hash_text(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}
