//! Stage 4, **write**: files go into a staging folder beside the output, which replaces the output only
//! when the whole build succeeded. A failed build leaves the previous site untouched, and files of
//! removed pages never survive a rebuild.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

/// Where rendered files go. `check` discards them; `build` stages them on disk.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Counts what would have been written, writes nothing (`policysite check`).
#[derive(Default)]
pub struct Discard {
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
}

impl Sink for Discard {
    fn put(&self, _rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// A staging folder that becomes the output on [`Staging::commit`].
///
/// The previous output is moved aside to `.NAME.old` and removed by the *next* build, in the
/// background while that build renders, so removing 10,000 files does not add to the build's time.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Removal of the output before last, running while this build renders.
    cleanup: Option<std::thread::JoinHandle<io::Result<()>>>,
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
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?; // left by a build that was killed
        }
        if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir(&staging)?;
        let old = sibling(output, "old");
        let cleanup = old.exists().then(|| std::thread::spawn(move || remove_tree(&old)));
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            cleanup,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Swap the staging folder in. The old output is moved aside first, so at every moment either the
    /// old or the new site is complete on disk; the next build removes it.
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.output, "old");
        if let Some(cleanup) = self.cleanup.take() {
            cleanup.join().map_err(|_| io::Error::other("removing the previous output failed"))??;
        }
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

    /// Throw the staged files away; the previous output stays as it was.
    pub fn abort(mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.staging.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
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
        let rel = f.strip_prefix(from).unwrap_or(f);
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
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
