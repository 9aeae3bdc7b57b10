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

/// A running `policysite serve` on loopback, stopped when dropped.
struct Served {
    child: std::process::Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &TestSite, extra: &[&str]) -> Served {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address line");
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(!addr.is_empty(), "serve printed no address");
    Served { child, addr }
}

/// Read one response (head and `Content-Length` body) from a kept-alive connection: its status.
fn read_response(s: &mut std::net::TcpStream) -> std::io::Result<u16> {
    use std::io::Read;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: u64 =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    std::io::copy(&mut s.take(len), &mut std::io::sink())?;
    Ok(head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0))
}

fn keep_alive_get(s: &mut std::net::TcpStream, path: &str) -> std::io::Result<u16> {
    use std::io::Write;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())?;
    read_response(s)
}

/// Everything a server sends on one connection until it closes it (within 10 s), as text.
fn exchange(addr: &str, raw: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    s.write_all(raw).expect("send");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn statuses(replies: &str) -> Vec<u16> {
    replies
        .match_indices("HTTP/1.1 ")
        .filter_map(|(i, _)| replies[i + 9..].get(..3).and_then(|c| c.parse().ok()))
        .collect()
}

/// Issue 17: kept-alive clients that each send a request now and then fill the connection cap, and
/// (before) every new client was dropped. Now idle kept-alive connections are closed when the
/// server is near its cap, so each new client is answered. Bounded: a cap of 64 (not 4,096), 64
/// flooding connections, an idle timeout long enough (30 s) that only the cap rule can help, and
/// 10 probes between rounds of flood requests.
#[test]
fn a_keep_alive_flood_does_not_keep_new_clients_out() {
    use std::net::TcpStream;
    use std::time::Duration;
    let site = TestSite::minimal();
    let srv = serve(&site, &["--max-connections", "64", "--idle-timeout", "30"]);
    let connect = |addr: &str| {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        s
    };
    let mut flood: Vec<TcpStream> = (0..64).map(|_| connect(&srv.addr)).collect();
    let (mut answered, mut reconnected, mut probes_answered) = (0, 0, 0);
    for round in 0..5 {
        // Every flood connection asks again, and like a browser opens a new connection when the
        // server closed its idle one.
        for s in &mut flood {
            if keep_alive_get(s, "/policy/one/").is_ok() {
                answered += 1;
                continue;
            }
            *s = connect(&srv.addr);
            reconnected += 1;
            if keep_alive_get(s, "/policy/one/").is_ok() {
                answered += 1;
            }
        }
        for probe in 0..2 {
            let replies = exchange(&srv.addr, b"GET /policy/one/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            if statuses(&replies) == [200] {
                probes_answered += 1;
            } else {
                eprintln!("round {round}, probe {probe}: no answer ({} bytes)", replies.len());
            }
        }
    }
    eprintln!(
        "flood requests answered: {answered}, reconnects: {reconnected}; probes answered: {probes_answered} of 10"
    );
    assert_eq!(probes_answered, 10, "new clients were kept out by idle kept-alive connections");
    assert!(answered >= 64 * 4, "the flood's own requests were not served: {answered}");
}

/// Issue 17: a GET with a body (RFC 9112 §6.3): the body is read and discarded, never taken for a
/// second request; ambiguous framing is refused with 400 and the connection closed; a body larger
/// than the server reads is 413.
#[test]
fn a_request_body_is_never_read_as_a_request() {
    let site = TestSite::minimal();
    let srv = serve(&site, &[]);
    let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    let last = "GET /nowhere/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let with_length =
        format!("GET /policy/one/ HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{smuggled}{last}", smuggled.len());
    assert_eq!(statuses(&exchange(&srv.addr, with_length.as_bytes())), [200, 404], "Content-Length body");
    let chunked = format!(
        "GET /policy/one/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x};ext=1\r\n{smuggled}\r\n0\r\nX-Trailer: y\r\n\r\n{last}",
        smuggled.len()
    );
    assert_eq!(statuses(&exchange(&srv.addr, chunked.as_bytes())), [200, 404], "chunked body");
    let head = format!("HEAD /policy/one/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc{last}");
    assert_eq!(statuses(&exchange(&srv.addr, head.as_bytes())), [200, 404], "HEAD with a body");
    for (what, raw, status) in [
        (
            "Transfer-Encoding and Content-Length",
            format!(
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}"
            ),
            400,
        ),
        (
            "a transfer coding other than chunked",
            format!("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{smuggled}"),
            400,
        ),
        (
            "two different lengths",
            format!("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab{smuggled}"),
            400,
        ),
        (
            "a length that is not a number",
            format!("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc{smuggled}"),
            400,
        ),
        ("a body too large", format!("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n{smuggled}"), 413),
        (
            "a malformed chunk",
            format!("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{smuggled}"),
            400,
        ),
    ] {
        let replies = exchange(&srv.addr, raw.as_bytes());
        assert_eq!(statuses(&replies), [status], "{what}: {replies}");
        assert!(replies.to_ascii_lowercase().contains("connection: close"), "{what}: {replies}");
    }
}

/// Issue 17: `serve` read every file whole per request (16 parallel downloads of a 100 MiB file took
/// 3.3 GB). Now a large file is streamed: four clients that start a 64 MiB download and then read it
/// slowly, all at once, raise the server's peak memory (VmHWM) by far less than one copy of the file,
/// and each gets every byte. HEAD announces the length without a body.
#[cfg(target_os = "linux")]
#[test]
fn large_files_are_streamed_not_read_whole() {
    use std::io::{Read, Write};
    const SIZE: usize = 64 * 1024 * 1024;
    let site = TestSite::minimal();
    let pattern: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    std::fs::create_dir_all(site.path().join("static")).expect("static");
    std::fs::write(site.path().join("static/big.bin"), &pattern).expect("big file");
    let srv = serve(&site, &[]);
    let peak = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    let before = peak(srv.child.id());
    let head = exchange(&srv.addr, b"HEAD /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {SIZE}\r\n")), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "HEAD sent a body");
    let mut clients: Vec<(std::net::TcpStream, Vec<u8>)> = (0..4)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&srv.addr).expect("connect");
            s.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("timeout");
            s.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("send");
            let mut first = vec![0u8; 1024];
            s.read_exact(&mut first).expect("first bytes");
            (s, first)
        })
        .collect();
    // All four downloads are under way at once (each server thread is blocked writing to a client
    // that is not reading yet); now read them to the end, one after another.
    std::thread::sleep(std::time::Duration::from_millis(300));
    for (s, all) in &mut clients {
        s.read_to_end(all).expect("read");
        let body_at = all.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
        assert!(all[body_at..] == pattern[..], "a download differs from the file ({} bytes)", all.len() - body_at);
        *all = Vec::new(); // keep the test's own memory small
    }
    let grown_kib = peak(srv.child.id()).saturating_sub(before);
    eprintln!("serve's peak memory grew by {grown_kib} KiB during 4 parallel 64 MiB downloads");
    assert!(grown_kib < 32 * 1024, "peak memory grew by {grown_kib} KiB: the file was read whole");
}

fn export(site: &TestSite, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", "scorm", "--version", "1.2", "--output", out.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Issue 17: `export scorm` exited 1 after writing the packages it could, although the README says
/// nothing is written on failure. A package that cannot be written (a file of someone else's in its
/// place) now means no package is written, and the other file is left as it was.
#[test]
fn a_failed_export_writes_no_package() {
    let site = TestSite::bundled();
    let out = site.path().join("lms");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("public-records-scorm12.zip"), "someone else's").expect("write");
    let o = export(&site, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a package policysite exported") && err.contains("no package was written"), "{err}");
    assert_eq!(names_in(&out), ["public-records-scorm12.zip"], "a failed export wrote packages");
    assert_eq!(std::fs::read_to_string(out.join("public-records-scorm12.zip")).expect("read"), "someone else's");
}

/// Issue 17: an export that runs out of disk space halfway writes nothing either: no package, no
/// temporary file, no folder it created; an earlier export's package stays as it was. A real full
/// disk: a tmpfs with room for about two packages of four (skipped where a tmpfs cannot be mounted).
#[test]
fn an_export_that_fills_the_disk_leaves_no_package() {
    let site = TestSite::bundled();
    let probe = site.path().join("probe");
    assert!(export(&site, &probe, &["--module", "public-records"]).status.success());
    let one = std::fs::metadata(probe.join("public-records-scorm12.zip")).expect("package").len();
    let Some(disk) = SmallDisk::mount((one * 5 / 2 / 1024).max(64)) else { return };
    // An earlier export's package, which a failed export must leave byte for byte.
    let earlier = disk.path().join("earlier");
    assert!(export(&site, &earlier, &["--module", "public-records"]).status.success());
    let before = std::fs::read(earlier.join("public-records-scorm12.zip")).expect("earlier package");
    site.write("content/_index.md", &format!("{}\nA new sentence.\n", site.read("content/_index.md")));
    let o = export(&site, &earlier, &[]);
    assert_eq!(o.status.code(), Some(1), "four packages fit on a disk made for two");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no package was written"));
    assert_eq!(names_in(&earlier), ["public-records-scorm12.zip"], "the failed export left files behind");
    assert_eq!(std::fs::read(earlier.join("public-records-scorm12.zip")).expect("read"), before);
    // Into a folder it creates: the folder goes too.
    let fresh = disk.path().join("new/lms");
    assert_eq!(export(&site, &fresh, &[]).status.code(), Some(1));
    assert!(!disk.path().join("new").exists(), "the failed export left the folders it created");
}

/// Issue 17: `--module ''` exported every module. An empty (or blank) module is refused and nothing
/// is written; a partial name no longer matches every page that ends with it.
#[test]
fn an_empty_module_is_refused() {
    let site = TestSite::bundled();
    let out = site.path().join("lms");
    for blank in ["", "  "] {
        let o = export(&site, &out, &["--module", blank]);
        assert!(!o.status.success(), "--module {blank:?} was accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("empty --module names no module"), "{err}");
        assert!(!out.exists(), "--module {blank:?} wrote {:?}", names_in(&out));
    }
    let o = export(&site, &out, &["--module", "s"]);
    assert_eq!(o.status.code(), Some(1), "`--module s` matched pages ending in s");
    assert!(!out.exists());
}
