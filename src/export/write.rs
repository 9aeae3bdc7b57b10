//! Writing the packages of one export: all of them or none. Every package is first written in full to
//! a temporary file beside its place (so a full disk or a permission problem shows before anything is
//! replaced), then each is moved in, the package it replaces kept aside until all are in. If any step
//! fails, what this run moved in is taken out again, what it replaced is put back, and folders it
//! created are removed: a file this run did not write is never removed or changed.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Write every `(path, bytes)` (all inside `output`), or none of them.
pub fn all_or_none(output: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    let created = create_dirs(output).map_err(|e| {
        Diagnostic::new(output, format!("cannot create the output folder: {e}")).help("check its permissions")
    })?;
    let result = write_and_move(files);
    if result.is_err() {
        for dir in created.iter().rev() {
            let _ = std::fs::remove_dir(dir); // only when empty: a folder this run made
        }
    }
    result
}

/// Create `dir` and its missing ancestors; returns the folders created, outermost first.
fn create_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_err()) {
        missing.push(p.to_path_buf());
        at = p.parent();
    }
    missing.reverse();
    for d in &missing {
        std::fs::create_dir(d)?;
    }
    Ok(missing)
}

fn write_and_move(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    use std::io::Write;
    // 1. Every package in full, flushed, beside its place. A failure here drops the temporary
    // files (which removes them) and leaves the folder as it was.
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let cannot = |e: std::io::Error| {
            Diagnostic::new(path, format!("cannot write: {e}; no package was written"))
                .help("free some space or check the output folder's permissions, then export again")
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp =
            tempfile::Builder::new().prefix(".policysite-").suffix(".tmp").tempfile_in(dir).map_err(cannot)?;
        tmp.write_all(bytes).map_err(cannot)?;
        set_regular_permissions(tmp.as_file()).map_err(cannot)?;
        tmp.as_file().sync_all().map_err(cannot)?;
        staged.push((path, tmp.into_temp_path()));
    }
    // 2. Move each in, keeping the package it replaces aside until every one is in.
    let mut moved: Vec<(&PathBuf, Option<tempfile::TempPath>)> = Vec::new();
    for (path, tmp) in staged {
        let step = (|| -> std::io::Result<Option<tempfile::TempPath>> {
            let aside = if std::fs::symlink_metadata(path).is_ok() {
                let dir = path.parent().unwrap_or(Path::new("."));
                // A fresh name (the empty file is replaced by the rename) that is removed when dropped.
                let keep = tempfile::Builder::new().prefix(".policysite-").suffix(".previous").tempfile_in(dir)?;
                let keep = keep.into_temp_path();
                std::fs::rename(path, &keep)?;
                Some(keep)
            } else {
                None
            };
            if let Err(e) = tmp.persist(path) {
                if let Some(keep) = &aside {
                    let _ = std::fs::rename(keep, path);
                }
                return Err(e.error);
            }
            Ok(aside)
        })();
        match step {
            Ok(aside) => moved.push((path, aside)),
            Err(e) => {
                for (done, aside) in moved.into_iter().rev() {
                    match aside {
                        Some(keep) => {
                            let _ = std::fs::rename(&keep, done);
                        }
                        None => {
                            let _ = std::fs::remove_file(done);
                        }
                    }
                }
                return Err(Diagnostic::new(path, format!("cannot move the package in: {e}; no package was written"))
                    .help("check the output folder's permissions, then export again"));
            }
        }
    }
    Ok(()) // the packages kept aside are removed as `moved` is dropped
}

#[cfg(unix)]
fn set_regular_permissions(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_regular_permissions(_f: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
