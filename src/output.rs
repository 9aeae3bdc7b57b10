//! Stage 4, **write**: files go into a staging folder beside the output, which replaces the output only
//! when the whole build succeeded. A failed build leaves the previous site untouched, and files of
//! removed pages never survive a rebuild.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

/// Where rendered files go: `build` stages them on disk, `check` records their links
/// ([`crate::links::LinkIndex`]), `serve` writes the ones that changed.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
}

/// A staging folder that becomes the output on [`Staging::commit`].
///
/// The staging folder is recycled from the output before last (`.NAME.old`), so a rebuild rewrites
/// only the files whose bytes changed and deletes only the files that are gone, instead of deleting
/// and re-creating the whole tree: on a 10,000-page site that file-system work costs more than
/// rendering. The output itself is never touched until the swap.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Files found in a recycled staging folder; whatever this build does not write is deleted.
    existing: HashSet<String>,
    written: Mutex<HashSet<String>>,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.{suffix}"))
}

impl Staging {
    pub fn begin(output: &Path) -> io::Result<Staging> {
        let staging = sibling(output, "building");
        let old = sibling(output, "old");
        if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        // Recycle, in order of preference: a staging folder left by a killed build, the old output.
        if !staging.is_dir() && old.is_dir() {
            std::fs::rename(&old, &staging)?;
        }
        let mut existing = HashSet::new();
        if staging.is_dir() {
            for entry in walkdir::WalkDir::new(&staging).min_depth(1) {
                let entry = entry.map_err(io::Error::other)?;
                if entry.path_is_symlink() {
                    // Never write through a link planted in the output.
                    std::fs::remove_file(entry.path())?;
                } else if entry.file_type().is_file() {
                    existing.insert(crate::load::slash_path(&staging, entry.path()));
                }
            }
        } else {
            std::fs::create_dir(&staging)?;
        }
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            existing,
            written: Mutex::default(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// Delete what this build did not write, then swap the staging folder in. The old output is moved
    /// aside first (to be recycled by the next build), so at every moment either the old or the new site
    /// is complete on disk.
    pub fn commit(self) -> io::Result<()> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<&String> = self.existing.iter().filter(|f| !written.contains(*f)).collect();
        stale.par_iter().try_for_each(|f| std::fs::remove_file(self.staging.join(f)))?;
        if !stale.is_empty() {
            remove_empty_dirs(&self.staging);
        }
        let old = sibling(&self.output, "old");
        if old.exists() {
            remove_tree(&old)?;
        }
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.output) {
            if had_output {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Give up: the previous output stays exactly as it was. The half-made staging folder is kept for
    /// the next build to recycle.
    pub fn abort(self) {}
}

/// Remove folders left empty, deepest first.
pub fn remove_empty_dirs(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).contents_first(true).min_depth(1).into_iter().filter_map(Result::ok) {
        if e.file_type().is_dir() {
            let _ = std::fs::remove_dir(e.path()); // fails, harmlessly, when not empty
        }
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.staging.join(rel);
        let unchanged = self.existing.contains(rel)
            && std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == bytes);
        if !unchanged {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// Remove a tree using both cores: deleting 10,000 files one by one is as slow as writing them.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.par_iter().try_for_each(|p| {
        if p.is_dir() && !p.is_symlink() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) }
    })?;
    std::fs::remove_dir(dir)
}

/// Refuse outputs that would replace the sources: `--output .`, `--output content`, or a parent folder.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out) = (abs(root), abs(output));
    if root.starts_with(&out) {
        return Err(format!(
            "the output folder `{}` contains the site's sources; choose another --output",
            output.display()
        ));
    }
    for src in ["content", "themes", "quizzes", "data", "templates", "static", "src"] {
        if out.starts_with(root.join(src)) {
            return Err(format!(
                "the output folder `{}` is inside `{src}/`; choose another --output",
                output.display()
            ));
        }
    }
    Ok(())
}

/// Copy every file below `from` to `to` (relative paths kept) through the sink.
pub fn copy_tree(from: &Path, prefix: &str, sink: &dyn Sink) -> io::Result<usize> {
    if !from.is_dir() {
        return Ok(0);
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().try_for_each(|f| {
        let rel = crate::load::slash_path(from, f);
        let bytes = std::fs::read(f)?;
        sink.put(&format!("{prefix}{rel}"), &bytes)
    })?;
    Ok(files.len())
}

/// Write a file so that it is never seen half-written: write a temporary file beside it, flush it to
/// disk, then rename it over the original.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
