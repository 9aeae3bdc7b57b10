//! Stage 4, **write**: rendered files go to a [`Sink`]. The sinks that write to disk are
//! transactions: `build`'s [`Staging`] folder is swapped in whole, `serve`'s [`Overlay`] moves its
//! changed files in; either only when everything succeeded. [`guard`] decides whether a folder may
//! be written at all (empty, or made by policysite) and keeps two commands out of one folder.
//!
//! How the pieces fit:
//! - `staging.rs`: `build` writes `.NAME.building`, recycled from `.NAME.old` (rewriting only the
//!   files whose bytes changed), and swaps it in with one atomic exchange
//!   (`renameat2(RENAME_EXCHANGE)` on Linux, `RENAME_SWAP` on macOS, through `rustix`, in `swap.rs`;
//!   two renames elsewhere, with a moment when the output path is missing). A leftover staging folder
//!   of a failed or killed build is removed, never recycled, so its partial files cannot keep a full
//!   disk full.
//! - `overlay.rs`: a `serve` rebuild writes its changed files to an overlay and moves them in only if
//!   the whole rebuild succeeded.
//! - `no_follow.rs`: `Beneath`, the files of the staging folder (and of the overlay) read, compared,
//!   written, moved out and removed without following a link planted while a build runs (on Linux
//!   `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)` and the `*at` calls from a folder's descriptor;
//!   elsewhere `O_NOFOLLOW`, the last part only). A file that exists is written over in place, then
//!   cut to length, where the memo can tell the boot and mount it was written in.
//! - `guard.rs`: a folder is written only if it is empty or its `.policysite-manifest` lists every
//!   file in it; one lock file per output (`.NAME.lock`) so two commands never interleave. `build`
//!   takes the lock, then checks the output and `.NAME.old` under it while it loads the sources on
//!   the other core, and writes nothing before both are done; the staging folder starts from that
//!   listing while `.NAME.old` is still the folder listed (`CheckedOld::listing_now`). A leftover
//!   staging folder is checked again right before it is removed.
//! - `memo.rs` (with `memo/stamp.rs`): the build memo file, `.policysite-memo`: each unit's key and,
//!   for each file it wrote, its stamp (size, inode, change time) and the hash of its bytes; a file
//!   changed too shortly before the memo is trusted by its bytes only, and a memo of another boot or
//!   mount by bytes only. The units a staging folder keeps are kept in place, or copied from the
//!   output as it is now when the recycled folder was made from another structure
//!   (`staging/current.rs`).
//! - `notes.rs`: the build's notes (`.policysite-notes`, `.policysite-reads`, `.policysite-state`): a
//!   value per unit and key for the next build to take instead of working it out again, each file
//!   sealed by a hash of its text.
//! - `sink.rs`: the `Sink` trait (with `put_for` and `Reach`: a 404 page or sitemap is a web server's
//!   file, which exporters leave out) and `Noting`, a sink that notes the files passing through it
//!   for the memo. Every sink refuses a path written twice or leaving the output.

pub mod guard;
pub mod memo;
mod no_follow;
pub mod notes;
pub mod overlay;
pub mod sink;
pub mod staging;
pub mod swap;

use std::path::{Path, PathBuf};

pub use guard::{Contention, OutputLock, Waiting};
pub use overlay::Overlay;
pub(crate) use sink::written_twice;
pub use sink::{Noting, Reach, Sink, remove_empty_dirs, remove_tree, unlink_planted};
pub use staging::{BeginError, CopyError, Staging};

/// Refuse outputs that would replace the sources: `--output .`, `--output content`, or a parent folder.
/// Checked both as written and with symbolic links resolved, so `--output link-to-content/x` is refused too.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    check_location(&abs(root), &abs(output), output)?;
    check_location(&resolved(root), &resolved(output), output)
}

/// `path` with its longest existing ancestor's symbolic links resolved (the rest may not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

fn check_location(root: &Path, out: &Path, output: &Path) -> Result<(), String> {
    if root.starts_with(out) {
        return Err(format!(
            "the output folder `{}` contains the site's sources; choose another --output",
            output.display()
        ));
    }
    for src in crate::layout::SOURCE_DIRS.iter().chain(&["src", ".git"]) {
        if out.starts_with(root.join(src)) {
            return Err(format!(
                "the output folder `{}` is inside `{src}/`; choose another --output",
                output.display()
            ));
        }
    }
    Ok(())
}

/// Writing a file whole moved to the ground floor ([`crate::fsutil`]); this path stays for callers
/// written before the move.
pub use crate::fsutil::write_atomic;

/// Everything that must hold before a command writes `output`: it is not among the sources, it is
/// empty or made by policysite, and no other policysite writes it (the folder a build recycles,
/// `.NAME.old`, is checked whole before it is recycled: [`Staging::begin`], or [`check_under_lock`]
/// for a build). The lock is held as long as the returned value lives.
pub fn prepare(
    root: &Path,
    output: &Path,
    command: &str,
    contention: Contention<'_>,
) -> Result<OutputLock, Vec<String>> {
    let lock = lock(root, output, command, contention)?;
    guard::check_replaceable(output, true)?;
    Ok(lock)
}

/// The first half of [`prepare`]: `output` is not among the sources, a quick look finds it empty or
/// made by policysite (so a folder policysite did not make gets no lock file beside it), and the
/// lock. The full check (every file against the manifest) is made under the lock, where it counts:
/// by [`prepare`], or by a build, beside its loading, with [`check_under_lock`].
pub fn lock(root: &Path, output: &Path, command: &str, contention: Contention<'_>) -> Result<OutputLock, Vec<String>> {
    check_output_location(root, output).map_err(|m| vec![m])?;
    guard::check_replaceable(output, false)?;
    OutputLock::acquire(output, command, contention).map_err(|m| vec![m])
}

/// The full check a build makes under the lock ([`lock`]) before it writes anything: every file of
/// the output and of a leftover staging folder against their manifests ([`guard::check_replaceable`]),
/// and of `.NAME.old`, which the staging folder recycles ([`guard::CheckedOld`]: the listing
/// [`Staging::begin_recycling`] starts from while it is still the folder checked). Every problem
/// found, together.
pub fn check_under_lock(output: &Path) -> Result<guard::CheckedOld, Vec<String>> {
    let checked = guard::check_replaceable(output, true);
    let recycled = guard::CheckedOld::check(output);
    match (checked, recycled) {
        (Ok(()), recycled) => recycled,
        (Err(mut problems), Err(more)) => {
            problems.extend(more);
            Err(problems)
        }
        (Err(problems), Ok(_)) => Err(problems),
    }
}
