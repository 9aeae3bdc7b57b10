//! Issue 17, output and preview server: a build after a full disk, the output never missing during
//! a swap, `serve` under a keep-alive flood, large files, and requests with bodies; `export scorm`
//! all or nothing; the compare and directory bounds.
use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestSite;

/// A small tmpfs mounted for one test and unmounted when dropped. Mounting needs root (and the
/// capability to mount, which a container may withhold): without it the test says so and is skipped,
/// and the staging unit tests (`output::staging::tests`) still cover the rule with an aborted build.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k,mode=0755"), "policysite-test"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
            return None;
        }
        Some(SmallDisk { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(self.dir.path()).status().is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
        }
    }
}

fn tree_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn build_into(site: &TestSite, out: &Path) -> std::process::Output {
    site.run(&["build", "--output", out.to_str().expect("utf8 path")])
}

/// Issue 17: a build that runs out of disk space leaves the previous site in place, and once the
/// cause is removed the next build succeeds (before, the partial files kept in `.public.building`
/// filled the disk again on every later build). A real full disk: a tmpfs of four times the site.
#[test]
fn a_build_after_a_full_disk_succeeds_once_the_cause_is_removed() {
    let site = TestSite::minimal();
    site.build_ok();
    let size = tree_bytes(&site.out());
    let disk_kib = (size * 4 / 1024).max(1024);
    let Some(disk) = SmallDisk::mount(disk_kib) else { return };
    let out: PathBuf = disk.path().join("public");
    let first = build_into(&site, &out);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let before = common::snapshot(&out);
    // The cause: a static file larger than the disk.
    let big = site.path().join("static/video.bin");
    std::fs::create_dir_all(big.parent().expect("parent")).expect("mkdir");
    std::fs::write(&big, vec![1u8; (disk_kib as usize + 64) * 1024]).expect("big file");
    for attempt in 0..2 {
        let full = build_into(&site, &out);
        let err = String::from_utf8_lossy(&full.stderr);
        assert_eq!(full.status.code(), Some(1), "attempt {attempt}: a build larger than the disk succeeded");
        assert!(err.contains("No space left") || err.contains("space"), "attempt {attempt}: {err}");
        assert_eq!(common::snapshot(&out), before, "attempt {attempt}: the failed build changed the output");
    }
    std::fs::remove_file(&big).expect("remove the cause");
    // The author goes on editing: every later build writes files the failed one did not have.
    for attempt in 0..3 {
        site.write(&format!("content/news-{attempt}.md"), &format!("---\ntitle: News {attempt}\n---\n\nNews.\n"));
        let again = build_into(&site, &out);
        assert!(
            again.status.success(),
            "attempt {attempt} after the cause was removed: {}",
            String::from_utf8_lossy(&again.stderr)
        );
    }
    assert!(out.join("index.html").is_file() && out.join("news-2/index.html").is_file());
    assert!(!out.join("video.bin").exists());
}

/// Issue 17: while `build` runs again and again, a web server's view of the output never finds it
/// missing (the swap is one atomic exchange on Linux and macOS).
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
#[test]
fn the_output_is_never_missing_while_builds_repeat() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let site = TestSite::minimal();
    site.build_ok();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (page, stop) = (site.out().join("index.html"), Arc::clone(&stop));
        std::thread::spawn(move || {
            let (mut looks, mut missing) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                looks += 1;
                missing += u64::from(std::fs::metadata(&page).is_err());
            }
            (looks, missing)
        })
    };
    for i in 0..10 {
        site.write("content/_index.md", &format!("---\ntitle: Home\n---\nWelcome, build {i}.\n"));
        site.build_ok();
    }
    stop.store(true, Ordering::Relaxed);
    let (looks, missing) = reader.join().expect("reader");
    assert!(looks > 0);
    assert_eq!(missing, 0, "`public/index.html` was missing {missing} times of {looks} looks during 10 builds");
}
