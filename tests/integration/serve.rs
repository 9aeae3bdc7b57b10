//! `policysite serve` as a browser sees it: pages, MIME types, 404, refused traversal, live-reload
//! events, the error overlay's data, and incremental rebuilds that equal a clean build.
use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{TestSite, snapshot};

struct Server {
    child: Child,
    addr: String,
    /// What serve prints to the terminal, line by line.
    log: mpsc::Receiver<String>,
}

impl Server {
    /// The next terminal line that contains `needle`, within 10 s.
    fn log_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("serve printed no line with `{needle}` within 10 s");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &TestSite) -> Server {
    serve_with(site, &[])
}

fn serve_with(site: &TestSite, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    // Drain the terminal output (a full pipe would block serve) into a channel tests can read.
    let (tx, log) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address line");
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(!addr.is_empty(), "serve printed no address");
    Server { child, addr, log }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn request(addr: &str, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Reply { status, headers: head.to_ascii_lowercase(), body: body.to_string() }
}

fn get(addr: &str, path: &str) -> Reply {
    request(addr, "GET", path)
}

/// Live-reload events, as a browser's EventSource receives them.
fn events(addr: &str) -> mpsc::Receiver<(String, String)> {
    let (first, rx) = events_with_status(addr);
    assert_eq!(first.0, "ok");
    rx
}

/// The live-reload stream, and the status event it starts with (`ok` or `error` with the errors).
fn events_with_status(addr: &str) -> ((String, String), mpsc::Receiver<(String, String)>) {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET /__policysite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
    std::thread::spawn(move || {
        let mut r = BufReader::new(s);
        let mut event = String::new();
        let mut line = String::new();
        while r.read_line(&mut line).is_ok_and(|n| n > 0) {
            let l = line.trim_end().to_string();
            line.clear();
            if let Some(e) = l.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = l.strip_prefix("data: ")
                && tx.send((event.clone(), d.to_string())).is_err()
            {
                return;
            }
        }
    });
    // The first event tells the current status.
    let first = rx.recv_timeout(Duration::from_secs(5)).expect("initial status event");
    (first, rx)
}

type Edit = Box<dyn Fn(&TestSite)>;

/// An edit that adds `text` at the end of the site's file `rel`.
fn appending(rel: &'static str, text: &'static str) -> Edit {
    Box::new(move |s| s.write(rel, &format!("{}{text}", s.read(rel))))
}

/// Sections to add to a page and take away again.
const ONE_HEADING: &str = "\n## Quokka rules\n\nWombats too.\n";
const SIX_HEADINGS: &str =
    "\n## Six a\n\nA.\n\n## Six b\n\nB.\n\n## Six c\n\nC.\n\n## Six d\n\nD.\n\n## Six e\n\nE.\n\n## Six f\n\nF.\n";

/// An edit that replaces `from` with `to` in the site's file `rel`.
fn replacing(rel: &'static str, from: &'static str, to: &'static str) -> Edit {
    Box::new(move |s| s.write(rel, &s.read(rel).replace(from, to)))
}

/// Whether `out` comes to hold exactly `expected` within 10 s, polled while serve rebuilds (a file
/// may be moved in or out between listing and reading it, so a failed read is a retry).
/// Whether every one of `urls` is served (200) within 10 s, looking again after each event.
fn served_within(srv: &Server, rx: &mpsc::Receiver<(String, String)>, urls: &[&str]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    let served = || urls.iter().all(|u| get(&srv.addr, u).status == 200);
    while !served() {
        if Instant::now() > deadline {
            return false;
        }
        let _ = rx.recv_timeout(Duration::from_millis(200));
    }
    true
}

/// What serve has printed so far and nobody read, for a failure's message.
fn printed(srv: &Server) -> String {
    srv.log.try_iter().collect::<Vec<_>>().join("\n")
}

/// The files a clean build of a copy of `site` writes, as of `today`.
fn clean_build_of(site: &TestSite, today: &str) -> Vec<(String, Vec<u8>)> {
    let clean = TestSite::copy_of(site.path());
    let o = clean.run(&["build", "--today", today, "--output", clean.out().to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    snapshot(&clean.out())
}

fn settles_to(out: &std::path::Path, expected: &[(String, Vec<u8>)]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if std::panic::catch_unwind(|| snapshot(out)).ok().as_deref() == Some(expected) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_for(rx: &mpsc::Receiver<(String, String)>, event: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((e, d)) if e == event => return d,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no `{event}` event within 10 s");
}

#[test]
fn serves_pages_with_types_404_and_no_escape() {
    let site = TestSite::bundled();
    std::fs::write(site.path().join("secret.txt"), "do not serve").expect("write");
    let srv = serve(&site);
    let a = &srv.addr;
    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert!(home.headers.contains("content-type: text/html; charset=utf-8"));
    assert!(
        home.body.contains("<script src=\"/__policysite/livereload.js\"></script></body>"),
        "reload script injected when serving"
    );
    assert!(!site.html("index.html").contains("livereload"), "…but never into the built files");
    assert!(get(a, "/assets/style.css").headers.contains("content-type: text/css"));
    assert!(get(a, "/assets/quiz.js").headers.contains("content-type: text/javascript"));
    assert!(get(a, "/feed.xml").headers.contains("content-type: application/xml"));
    assert!(get(a, "/assets/favicon.svg").headers.contains("content-type: image/svg+xml"));
    let redirect = get(a, "/platforms");
    assert_eq!(redirect.status, 301);
    assert!(redirect.headers.contains("location: /platforms/"));
    assert_eq!(get(a, "/platforms/").status, 200);
    let missing = get(a, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "the site's own 404 page");
    assert_eq!(get(a, "/assets/").status, 404, "no directory listings");
    assert!(site.out().join(".policysite-manifest").is_file());
    assert_eq!(get(a, "/.policysite-manifest").status, 404, "the build's own record is not a page");
    assert_eq!(get(a, "/%2epolicysite-manifest").status, 404);
    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2E%2E/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
    ] {
        let r = get(a, bad);
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
        assert!(!r.body.contains("do not serve"), "{bad} escaped the output folder");
    }
    // A symlink out of the output folder is refused.
    std::os::unix::fs::symlink(site.path().join("secret.txt"), site.out().join("link.txt")).expect("symlink");
    let r = get(a, "/link.txt");
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("do not serve"));
    assert_eq!(request(a, "POST", "/").status, 405);
    let head = request(a, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[test]
fn a_slow_client_does_not_block_others() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    // Open connections that never finish their request.
    let _slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(&srv.addr).expect("connect");
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").expect("partial");
            s
        })
        .collect();
    let t = Instant::now();
    for _ in 0..20 {
        assert_eq!(get(&srv.addr, "/regulation/6973-1r/").status, 200);
    }
    assert!(t.elapsed() < Duration::from_secs(10));
}

#[test]
fn edits_reload_errors_show_with_location_and_recovery_works() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    let page = site.read("content/platforms.md");

    site.write("content/platforms.md", &format!("{page}\nA sentence added while serving.\n"));
    wait_for(&rx, "reload");
    assert!(get(&srv.addr, "/platforms/").body.contains("A sentence added while serving."));

    // Break the front matter: error event with file:line, the old page still served.
    site.write("content/platforms.md", &page.replacen("title: Approved platforms", "title: [broken", 1));
    let err = wait_for(&rx, "error");
    assert!(err.contains("\"location\":\"content/platforms.md:2:8\""), "{err}");
    assert!(
        get(&srv.addr, "/platforms/").body.contains("A sentence added while serving."),
        "last good page still served"
    );

    // Fix it: recovery.
    site.write("content/platforms.md", &page);
    wait_for(&rx, "ok");
    wait_for(&rx, "reload");
    assert!(!get(&srv.addr, "/platforms/").body.contains("A sentence added while serving."));

    // A CSS-only change swaps the stylesheet instead of reloading.
    let css = site.read("themes/default/static/assets/style.css");
    site.write("themes/default/static/assets/style.css", &format!("{css}\n.x {{ color: red; }}\n"));
    let d = wait_for(&rx, "css");
    assert!(d.contains("assets/style.css"));
}

#[test]
fn incremental_rebuilds_equal_a_clean_build() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    let edits: Vec<(&str, Edit)> = vec![
        (
            "page body",
            replacing(
                "content/training/public-records.md",
                "## Penalties",
                "## Penalties and fees\n\nA new paragraph.\n\n## Penalties",
            ),
        ),
        (
            "front matter title",
            replacing("content/platforms.md", "title: Approved platforms", "title: Platforms we approve"),
        ),
        (
            "template",
            replacing(
                "themes/default/templates/section.html",
                "<ul class=\"cards\">",
                "<ul class=\"cards\" data-edited>",
            ),
        ),
        (
            "data file",
            replacing("data/platforms.yaml", "  - id: blog\n", "  - id: mastodon\n    name: Mastodon\n  - id: blog\n"),
        ),
        (
            "directory data",
            Box::new(|s| {
                s.write(
                    "data/directory.yaml",
                    "accounts:\n  - request_id: req-1\n    platform: instagram\n    handle: \"@tigers\"\n    account_type: sports_team\n    unit: Stadium High School\n    approved: 2026-11-28\n    managers: [{name: Kim, email: kim@tacoma.k12.wa.us}]\n",
                );
            }),
        ),
        // The directory page names the account's platform from the list (it was left stale).
        ("platform renamed", replacing("data/platforms.yaml", "    name: Instagram\n", "    name: Instagram Photos\n")),
        (
            "site.yaml",
            replacing("site.yaml", "title: Social Media Regulation and Training", "title: Social Media at TPS"),
        ),
        ("static file added", Box::new(|s| s.write("static/notice.txt", "Office hours 8-4.\n"))),
        ("static file removed", Box::new(|s| std::fs::remove_file(s.path().join("static/notice.txt")).expect("rm"))),
        (
            "new page",
            Box::new(|s| {
                s.write("content/training/extra.md", "---\ntitle: Extra\nweight: 99\n---\n\nSee Policy 5243.\n")
            }),
        ),
        ("removed page", Box::new(|s| std::fs::remove_file(s.path().join("content/training/extra.md")).expect("rm"))),
        (
            "quiz explanation",
            replacing(
                "quizzes/ferpa-student-records.yaml",
                "misnames it twice.",
                "misnames it twice (see the module).",
            ),
        ),
    ];
    for (what, edit) in edits {
        edit(&site);
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wait_for(&rx, "reload")));
        assert!(got.is_ok(), "no reload after editing the {what}");
        let clean = TestSite::copy_of(site.path());
        clean.build_ok();
        assert_eq!(
            snapshot(&site.out()),
            snapshot(&clean.out()),
            "after editing the {what}, serve's output differs from a clean build"
        );
    }
}

/// Text edits: after the first, serve updates the search index in place (the edited pages' postings,
/// their block of text chunks, the shards and the entry) instead of writing it whole. Words come and
/// go, a page's term moves between sections, a heading comes and goes, two pages change at once;
/// after each, the output is the clean build's, byte for byte.
#[test]
fn text_edits_update_the_search_index_as_a_clean_build_writes_it() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    let records = "content/training/public-records.md";
    let comments = "content/training/moderating-comments.md";
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a new word",
            replacing(records, "The District bears the burden", "Quokkas aside, the District bears the burden"),
        ),
        ("another new word", replacing(records, "there is no minimum daily amount", "there is no wombat minimum")),
        ("a word removed", replacing(records, "Quokkas aside, the", "The")),
        // The platform list is in the index as sections of its page: a data edit updates them in
        // place, and the page edits after it start from what the data edit kept.
        (
            "a platform's alias",
            replacing("data/platforms.yaml", "aliases: [insta, ig]", "aliases: [insta, ig, quokkagram]"),
        ),
        ("an alias removed", replacing("data/platforms.yaml", "aliases: [fb, meta]", "aliases: [fb]")),
        ("a heading word", replacing(records, "period ends {#when", "period ends for quokkas {#when")),
        // A section more, then one fewer: the page's 6 sections, then 7, fit its range of 8 numbers
        // (`search_index::slots`), so only its own are numbered anew; then 12, past it, for the
        // index made whole, and back.
        ("a heading added", appending(comments, ONE_HEADING)),
        ("the heading taken away", replacing(comments, ONE_HEADING, "")),
        ("six headings added", appending(comments, SIX_HEADINGS)),
        ("six headings taken away", replacing(comments, SIX_HEADINGS, "")),
        (
            "two pages",
            Box::new(move |s: &TestSite| {
                s.write(records, &s.read(records).replace("ends for quokkas {", "ends {"));
                s.write(
                    comments,
                    &s.read(comments).replace("most administrators.", "most administrators and wombats."),
                );
            }),
        ),
    ];
    for (what, edit) in edits {
        edit(&site);
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wait_for(&rx, "reload")));
        assert!(got.is_ok(), "no reload after {what}");
        let clean = TestSite::copy_of(site.path());
        clean.build_ok();
        assert!(
            settles_to(&site.out(), &snapshot(&clean.out())),
            "after {what}, serve's output differs from a clean build"
        );
    }
}

/// `serve` starting on a built output keeps the search index's deflated files that hold what it
/// would write, and makes a damaged one again (here a shard and a text chunk with the right name and
/// version but another's text): its output is a clean build's.
#[test]
fn serve_remakes_a_damaged_search_file_of_the_output_it_starts_on() {
    let site = TestSite::minimal();
    // Enough pages for several text chunks, and enough distinct words for several shards.
    for n in 0..100 {
        let words: Vec<String> = (0..40).map(|k| format!("term{n}x{k}")).collect();
        site.write(&format!("content/p{n:03}.md"), &format!("---\ntitle: Page {n}\n---\n\n{}\n", words.join(" ")));
    }
    site.build_ok();
    let clean = snapshot(&site.out());
    let swap = |dir: &str| {
        let read = |n: usize| std::fs::read_to_string(site.out().join(format!("search/{dir}/{n}.js"))).expect("file");
        let (zero, one) = (read(0), read(1));
        let head = |s: &str| s[..s.rfind(",\"").expect("head") + 2].to_string();
        let swapped = format!("{}{}", head(&zero), &one[head(&one).len()..]);
        std::fs::write(site.out().join(format!("search/{dir}/0.js")), swapped).expect("write");
    };
    swap("s");
    swap("x");
    assert_ne!(snapshot(&site.out()), clean);
    let _srv = serve(&site);
    assert!(settles_to(&site.out(), &clean), "serve's first build remade the damaged files");
}

#[test]
fn ctrl_c_stops_cleanly_and_non_loopback_binding_warns() {
    let site = TestSite::bundled();
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address line");
    let port = line.trim().trim_end_matches('/').rsplit(':').next().expect("port").to_string();
    assert_eq!(get(&format!("127.0.0.1:{port}"), "/").status, 200);
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    assert!(err.contains("warning: serving on 0.0.0.0 makes the preview reachable from other machines"), "{err}");
    assert!(err.contains("stopped"), "{err}");
    // Nothing half-written left behind.
    let leftovers: Vec<_> = walkdir::WalkDir::new(site.out())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_editor_save_and_a_burst_of_writes_give_one_rebuild() {
    let site = TestSite::bundled();
    // A debounce in the 100–300 ms range editors need; the burst below takes a few milliseconds.
    let srv = serve_with(&site, &["--debounce-ms", "200"]);
    let rx = events(&srv.addr);
    let page = site.read("content/platforms.md");
    let path = site.path().join("content/platforms.md");
    // What editors do: a swap file, a temporary file renamed over the original, a backup file.
    std::fs::write(site.path().join("content/.platforms.md.swp"), "swap").expect("swap");
    let tmp = site.path().join("content/.platforms.md.tmp-1234");
    std::fs::write(&tmp, format!("{page}\nSaved by renaming.\n")).expect("tmp");
    std::fs::rename(&tmp, &path).expect("rename");
    std::fs::write(site.path().join("content/platforms.md~"), &page).expect("backup");
    for i in 0..5 {
        std::fs::write(&path, format!("{page}\nSaved by renaming.\nBurst {i}.\n")).expect("write");
    }
    wait_for(&rx, "reload");
    // No second rebuild follows for the same burst.
    let extra: Vec<(String, String)> =
        std::iter::from_fn(|| rx.recv_timeout(Duration::from_millis(800)).ok()).collect();
    assert!(extra.iter().all(|(e, _)| e != "reload"), "more than one reload for one save: {extra:?}");
    assert!(get(&srv.addr, "/platforms/").body.contains("Burst 4."));
}

#[test]
fn polling_watches_too() {
    // For network drives and WSL, where file-system events do not arrive.
    let site = TestSite::bundled();
    let srv = serve_with(&site, &["--poll"]);
    let rx = events(&srv.addr);
    let page = site.read("content/platforms.md");
    site.write("content/platforms.md", &format!("{page}\nSeen by polling.\n"));
    wait_for(&rx, "reload");
    assert!(get(&srv.addr, "/platforms/").body.contains("Seen by polling."));
}

/// A save by renaming a temporary file over the page (many editors save so) is one page's edit,
/// also when polling: the poller reports the page's folder as changed too, and that folder is
/// not looked into as if it were new (which rebuilt every page in it).
#[test]
fn a_save_by_rename_while_polling_rebuilds_one_page() {
    let site = TestSite::minimal();
    for i in 0..5 {
        site.write(&format!("content/notes/n{i}.md"), &format!("---\ntitle: Note {i}\n---\n\nNote {i}.\n"));
    }
    let srv = serve_with(&site, &["--poll"]);
    let rx = events(&srv.addr);
    srv.log_line("(everything)");
    // An edit in place first: once it is seen, the poller has taken stock of the folder.
    site.write("content/notes/n1.md", "---\ntitle: Note 1\n---\n\nSaved in place.\n");
    wait_for(&rx, "reload");
    let line = srv.log_line("rebuilt in");
    assert!(line.ends_with("(1 page)"), "{line}");
    site.write("content/notes/.n3.md.new", "---\ntitle: Note 3\n---\n\nSaved by rename.\n");
    std::fs::rename(site.path().join("content/notes/.n3.md.new"), site.path().join("content/notes/n3.md"))
        .expect("rename");
    wait_for(&rx, "reload");
    let line = srv.log_line("rebuilt in");
    assert!(line.ends_with("(1 page)"), "{line}");
    assert!(get(&srv.addr, "/notes/n3/").body.contains("Saved by rename."));
}

/// A heading added to a page updates the search index in place while the page's sections fit its
/// range of section numbers (`search_index::slots`: 6 sections, then 7, in a range of 8); past it
/// (12), the index is made whole, and serve says so. Either way the output is a clean build's.
#[test]
fn a_heading_edit_updates_the_search_index_in_place_until_the_page_outgrows_its_range() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    srv.log_line("(everything)");
    let comments = "content/training/moderating-comments.md";
    for (edit, whole) in [(appending(comments, ONE_HEADING), false), (appending(comments, SIX_HEADINGS), true)] {
        edit(&site);
        wait_for(&rx, "reload");
        let line = srv.log_line("rebuilt in");
        let said = if whole { "(1 page, search index made whole)" } else { "(1 page)" };
        assert!(line.ends_with(said), "{line}");
        let clean = TestSite::copy_of(site.path());
        clean.build_ok();
        assert!(settles_to(&site.out(), &snapshot(&clean.out())), "serve's output differs from a clean build: {line}");
    }
}

#[test]
fn edits_rebuild_only_what_they_touch() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    srv.log_line("(everything)");
    let page = site.read("content/platforms.md");
    site.write("content/platforms.md", &format!("{page}\nOne more line.\n"));
    wait_for(&rx, "reload");
    assert!(srv.log_line("rebuilt in").ends_with("(1 page)"));
    // The directory file is read by the directory page alone.
    site.write(
        "data/directory.yaml",
        "accounts:\n  - request_id: r1\n    platform: instagram\n    handle: \"@x\"\n    account_type: club\n    unit: Lincoln\n    approved: 2026-11-28\n    managers: []\n",
    );
    wait_for(&rx, "reload");
    assert!(srv.log_line("rebuilt in").ends_with("(data: 1 page)"));
    assert!(get(&srv.addr, "/directory/").body.contains("data-account=\"instagram:@x\""));
    // The platform list feeds the regulation's note on its adopted footnote (the page and its
    // revision's archive page), the platform page, the request form, a training module (through
    // shortcodes and templates) and the directory (platform names), and nothing else.
    let platforms = site.read("data/platforms.yaml").replace("    name: Flickr\n", "    name: Flickr Photos\n");
    site.write("data/platforms.yaml", &platforms);
    wait_for(&rx, "reload");
    assert!(srv.log_line("rebuilt in").ends_with("(data: 6 pages)"));
    let reg = get(&srv.addr, "/regulation/6973-1r/").body;
    assert!(reg.contains("Pinterest, Flickr and blogs."), "the adopted footnote stays");
    assert!(reg.contains("data-current-list-note") && reg.contains("Pinterest, Flickr Photos and Blogs."), "{reg}");
    assert!(get(&srv.addr, "/platforms/").body.contains("Flickr Photos"));
}

/// Issue 9, defect 6: a rebuild that fails part way changes nothing in the output, and after the fix
/// the output equals a clean build — for each kind of edit, each first saved broken.
#[test]
fn failed_then_fixed_rebuilds_change_nothing_then_equal_a_clean_build() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    // (file to break, how to break it, the real edit applied once the error showed)
    let section_only_failure =
        |t: String| t.replace("<main", "{% if page.is_section %}{{ nope.nope }}{% endif %}<main");
    type Breaker = Box<dyn Fn(String) -> String>;
    let cases: Vec<(&str, &str, Breaker, Edit)> = vec![
        (
            "page body",
            "content/training/public-records.md",
            Box::new(|t| format!("{t}\n[broken](@/nowhere.md)\n")),
            replacing("content/training/public-records.md", "## Penalties", "## Penalties\n\nNew words.\n"),
        ),
        (
            "front matter",
            "content/platforms.md",
            Box::new(|t| t.replacen("title:", "titel:", 1)),
            replacing("content/platforms.md", "title: Approved platforms", "title: Platforms we approve"),
        ),
        (
            "base template, section pages only",
            "themes/default/templates/base.html",
            Box::new(section_only_failure),
            replacing(
                "themes/default/templates/section.html",
                "<ul class=\"cards\">",
                "<ul class=\"cards\" data-edited>",
            ),
        ),
        (
            "data file",
            "data/platforms.yaml",
            Box::new(|t| t.replace("approved:", "approved: [")),
            replacing("data/platforms.yaml", "  - id: blog\n", "  - id: mastodon\n    name: Mastodon\n  - id: blog\n"),
        ),
        (
            "site.yaml",
            "site.yaml",
            Box::new(|t| format!("{t}\ncolour: blue\n")),
            replacing("site.yaml", "title: Social Media Regulation and Training", "title: Social Media at TPS"),
        ),
        (
            "new page",
            "content/training/extra.md",
            Box::new(|_| "---\ntitle: Extra\n---\n\n[broken](@/nowhere.md)\n".to_string()),
            Box::new(|s| {
                s.write("content/training/extra.md", "---\ntitle: Extra\nweight: 99\n---\n\nSee Policy 5243.\n")
            }),
        ),
        (
            "quiz",
            "quizzes/ferpa-student-records.yaml",
            Box::new(|t| t.replacen("explanation:", "explanation: \"\"\n    x_explanation:", 1)),
            replacing(
                "quizzes/ferpa-student-records.yaml",
                "misnames it twice.",
                "misnames it twice (see the module).",
            ),
        ),
    ];
    // The output once no rebuild is moving files: two reads 300 ms apart that agree (within 10 s).
    let stable = |out: &std::path::Path| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let a = std::panic::catch_unwind(|| snapshot(out)).ok();
            std::thread::sleep(Duration::from_millis(300));
            let b = std::panic::catch_unwind(|| snapshot(out)).ok();
            if let (Some(a), Some(b)) = (a, b)
                && a == b
            {
                return a;
            }
        }
        panic!("serve's output did not settle within 10 s");
    };
    for (what, file, break_it, edit) in cases {
        let before = stable(&site.out());
        let original = std::fs::read_to_string(site.path().join(file)).unwrap_or_default();
        site.write(file, &break_it(original.clone()));
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wait_for(&rx, "error")));
        assert!(got.is_ok(), "no error after breaking the {what}");
        assert!(stable(&site.out()) == before, "a failed rebuild ({what}) changed the output");
        if original.is_empty() {
            std::fs::remove_file(site.path().join(file)).expect("rm");
        } else {
            site.write(file, &original);
        }
        edit(&site);
        let clean = TestSite::copy_of(site.path());
        clean.build_ok();
        assert!(
            settles_to(&site.out(), &snapshot(&clean.out())),
            "after fixing the {what}, serve's output differs from a clean build"
        );
    }
}

/// Issue 9, defect 8: a thousand clients trickling request heads a byte at a time do not hold up a
/// normal request, and a client slower than the header deadline is disconnected.
#[test]
fn a_thousand_trickling_clients_do_not_block_a_request() {
    let site = TestSite::minimal();
    let srv = serve_with(&site, &["--header-timeout", "2"]);
    let mut slow: Vec<TcpStream> = (0..1000)
        .map(|_| {
            let mut s = TcpStream::connect(&srv.addr).expect("connect");
            s.write_all(b"G").expect("first byte");
            s
        })
        .collect();
    for round in 0..4 {
        for s in &mut slow {
            let _ = s.write_all(b"E");
        }
        let t = Instant::now();
        let r = get(&srv.addr, "/policy/one/");
        assert_eq!(r.status, 200, "round {round}");
        assert!(t.elapsed() < Duration::from_secs(1), "round {round}: a request took {:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
    // Past the 2 s deadline the trickling clients have been cut off: a read sees the close.
    std::thread::sleep(Duration::from_millis(1500));
    let s = &mut slow[0];
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut buf = [0u8; 64];
    let closed = matches!(s.read(&mut buf), Ok(0) | Err(_));
    assert!(closed, "a client slower than the header deadline kept its connection");
}

/// Issue 9: `GET //training` must not redirect to `//training/`, a host called "training".
#[test]
fn redirects_stay_on_this_host() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let r = get(&srv.addr, "//training");
    assert_eq!(r.status, 301);
    assert!(
        r.headers.contains("location: /training/\r\n") || r.headers.ends_with("location: /training/"),
        "{}",
        r.headers
    );
}

/// Live-reload streams have their own cap: the 65th is told to retry, and pages are still served.
#[test]
fn event_streams_are_capped_on_their_own() {
    let site = TestSite::minimal();
    let srv = serve(&site);
    let _streams: Vec<mpsc::Receiver<(String, String)>> = (0..64).map(|_| events(&srv.addr)).collect();
    let r = get(&srv.addr, "/__policysite/events");
    assert_eq!(r.status, 503, "{}", r.headers);
    assert!(r.headers.contains("retry-after"), "{}", r.headers);
    assert_eq!(get(&srv.addr, "/policy/one/").status, 200);
}

/// Issue 13: when a save fixes the error and the output is as it was, the terminal says the site is
/// good again (there is no reload to show it).
#[test]
fn fixing_an_error_without_changing_the_output_is_announced() {
    let site = TestSite::bundled();
    let srv = serve(&site);
    let rx = events(&srv.addr);
    let page = site.read("content/platforms.md");
    site.write("content/platforms.md", &page.replacen("title: Approved platforms", "title: [broken", 1));
    wait_for(&rx, "error");
    site.write("content/platforms.md", &page);
    wait_for(&rx, "ok");
    assert!(srv.log_line("builds again").contains("as it was"));
}

/// A policy page's text comes from its revision files: text in the page's own body is refused while
/// serving as it is by a build, and editing the current revision gives what a clean build gives.
#[test]
fn edits_of_a_policy_with_revisions_equal_a_clean_build() {
    let site = TestSite::revised_example();
    // Work on revisions that are not published yet (a published one may not change at all).
    std::fs::remove_file(site.path().join("policy-revisions.lock")).expect("rm lock");
    let srv = serve_with(&site, &["--today", "2026-11-28"]);
    let rx = events(&srv.addr);
    let page = "content/regulation/6973-1r.md";
    let current = "content/regulation/6973-1r/2025-03-11.md";
    let before = snapshot(&site.out());
    let original = site.read(page);
    site.write(page, &format!("{original}\nA sentence that is not the regulation's.\n"));
    let err = wait_for(&rx, "error");
    assert!(err.contains("content/regulation/6973-1r.md"), "{err}");
    assert!(snapshot(&site.out()) == before, "text in a policy page's own body changed the output");
    site.write(page, &original);
    let text = site.read(current);
    site.write(current, &text.replacen("Social media", "Social media (edited)", 1));
    wait_for(&rx, "reload");
    assert!(
        settles_to(&site.out(), &clean_build_of(&site, "2026-11-28")),
        "after editing the current revision, serve's output differs from a clean build"
    );
}

/// A page without revisions gets its first revision file while serving, in a folder beside it that
/// was there, empty, when serve started: the dated archive page is served and the output is what a
/// clean build gives (the loader answers "is this a revisions folder" from its walk of content/,
/// which said no at the start; each full rebuild walks anew). The folder exists before serve starts,
/// so this is the walk's test; a folder made with its file is the next test's.
#[test]
fn a_first_revision_added_while_serving_equals_a_clean_build() {
    let site = TestSite::minimal();
    std::fs::create_dir(site.path().join("content/policy/two")).expect("mkdir");
    let srv = serve_with(&site, &["--today", "2026-12-05"]);
    let rx = events(&srv.addr);
    site.write("content/policy/two.md", "---\ntitle: Policy Two\nweight: 1\n---\n");
    wait_for(&rx, "reload");
    let text = "The adopted text of Policy Two.";
    site.write("content/policy/two/2026-12-01.md", &format!("---\nnote: First adopted.\n---\n\n{text}\n"));
    assert!(
        served_within(&srv, &rx, &["/policy/two/2026-12-01/"]),
        "the new revision's archive page is served; serve printed:\n{}",
        printed(&srv)
    );
    assert!(get(&srv.addr, "/policy/two/").body.contains(text));
    assert!(settles_to(&site.out(), &clean_build_of(&site, "2026-12-05")), "serve's output differs from a clean build");
}

/// A folder that comes with its files while serving (`policysite revise` starts a page's first
/// revision so; `mv` brings in a whole section so): the native watcher may report only the folder,
/// since it watches a new folder once told of it. Serve looks inside, so the files are not missed.
/// The folders are made outside `content/` and moved in, so the watcher surely reports the folder
/// alone (a folder made in place races the watcher: its file is sometimes reported too).
#[test]
fn a_folder_made_with_its_files_while_serving_is_built() {
    let site = TestSite::minimal();
    site.write("content/policy/two.md", "---\ntitle: Policy Two\nweight: 1\n---\n");
    let srv = serve_with(&site, &["--today", "2026-12-05"]);
    let rx = events(&srv.addr);
    let text = "The adopted text of Policy Two.";
    site.write("incoming/two/2026-12-01.md", &format!("---\nnote: First adopted.\n---\n\n{text}\n"));
    site.write("incoming/extra/moved/in.md", "---\ntitle: Moved In\n---\n\nA page that came with its folders.\n");
    for (from, to) in [("incoming/two", "content/policy/two"), ("incoming/extra", "content/extra")] {
        std::fs::rename(site.path().join(from), site.path().join(to)).expect("move in");
    }
    assert!(
        served_within(&srv, &rx, &["/policy/two/2026-12-01/", "/extra/moved/in/"]),
        "the revision and the page in new folders are served; serve printed:\n{}",
        printed(&srv)
    );
    assert!(get(&srv.addr, "/policy/two/").body.contains(text));
}

/// A symbolic link planted in the output while serve runs (here `platforms/` → a folder elsewhere)
/// is removed, never written or deleted through: neither an edit of that page nor a full rebuild
/// that drops it touches the folder the link pointed to.
#[cfg(unix)]
#[test]
fn a_link_planted_in_the_output_is_never_written_through() {
    let site = TestSite::bundled();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    std::fs::write(elsewhere.path().join("index.html"), "PRECIOUS").expect("write");
    let srv = serve(&site);
    let rx = events(&srv.addr);
    srv.log_line("(everything)");
    let plant = || {
        let link = site.out().join("platforms");
        std::fs::remove_dir_all(&link).or_else(|_| std::fs::remove_file(&link)).expect("remove");
        std::os::unix::fs::symlink(elsewhere.path(), &link).expect("symlink");
    };
    plant();
    let page = site.read("content/platforms.md");
    site.write("content/platforms.md", &format!("{page}\nOne more line.\n"));
    wait_for(&rx, "reload");
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("index.html")).expect("read"), "PRECIOUS");
    assert!(!site.out().join("platforms").is_symlink());
    assert!(site.html("platforms/index.html").contains("One more line."));
    // A full rebuild in which the page moves deletes its old output, not the file behind a link.
    plant();
    site.write("content/platforms.md", &page.replacen("---\n", "---\nslug: platform-list\n", 1));
    wait_for(&rx, "reload");
    assert!(site.html("platform-list/index.html").contains("<h1"));
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("index.html")).expect("read"), "PRECIOUS");
}

/// When the very first build fails there is no output yet: every address answers with an HTML page
/// that carries the reload script, so the browser shows the errors and reloads once they are fixed.
#[test]
fn a_site_that_never_built_shows_its_errors_and_reloads_when_fixed() {
    let site = TestSite::minimal();
    let good = site.read("content/policy/one.md");
    site.write("content/policy/one.md", "---\ntitle: [unclosed\n---\nx\n");
    let srv = serve(&site);
    assert!(srv.log_line("nothing to serve until the site builds").contains("fix the errors above"));
    let page = get(&srv.addr, "/");
    assert_eq!(page.status, 404);
    assert!(page.body.contains("has not built yet"), "{}", page.body);
    assert!(page.body.contains("/__policysite/livereload.js"), "the reload script is in: {}", page.body);
    let (first, rx) = events_with_status(&srv.addr);
    assert_eq!(first.0, "error");
    assert!(first.1.contains("content/policy/one.md:2"), "{}", first.1);
    site.write("content/policy/one.md", &good);
    wait_for(&rx, "reload");
    assert_eq!(get(&srv.addr, "/").status, 200);
}

/// Issue 24: `policysite revise` while `serve` runs: the new revision's compare view appears with no
/// change, then shows each edit of the new file as it is saved (what `revise` tells the admin).
#[test]
fn revise_while_serving_the_compare_view_follows_the_edits() {
    let site = TestSite::bundled();
    let srv = serve_with(&site, &["--today", "2026-12-05"]);
    let rx = events(&srv.addr);
    let o = site.run(&[
        "revise",
        "content/regulation/6973-1r.md",
        "--date",
        "2026-12-01",
        "--note",
        "One word.",
        "--today",
        "2026-12-05",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let compare = "/regulation/6973-1r/compare/2016-06-07-to-2026-12-01/";
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut page = get(&srv.addr, compare);
    while page.status != 200 && Instant::now() < deadline {
        let _ = rx.recv_timeout(Duration::from_millis(200));
        page = get(&srv.addr, compare);
    }
    assert_eq!(page.status, 200, "the new revision's compare view is served");
    assert!(page.body.contains("sections changed: 0 insertions and 0 deletions"), "{}", page.body);
    let file = "content/regulation/6973-1r/2026-12-01.md";
    site.write(file, &site.read(file).replacen("an evolving way", "an emerging way", 1));
    // Poll (with a deadline) rather than wait for one event: the rebuild `revise` caused may still
    // announce itself after the edit is saved.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut page = get(&srv.addr, compare).body;
    while !page.contains("<ins>emerging</ins>") && Instant::now() < deadline {
        let _ = rx.recv_timeout(Duration::from_millis(200));
        page = get(&srv.addr, compare).body;
    }
    assert!(page.contains("<del>evolving</del>") && page.contains("<ins>emerging</ins>"), "{page}");
    assert!(page.contains("1 insertion and 1 deletion"), "{page}");
}

/// Issue 19: an unpublished quiz revision is reported once while serving, not after every rebuild;
/// a change to it (an edit that changes the warning) is reported once more.
#[test]
fn an_unpublished_quiz_revision_is_reported_once_per_change() {
    let site = TestSite::bundled();
    std::fs::remove_file(site.path().join("quizzes/revisions.lock")).expect("remove the lock");
    let srv = serve(&site);
    let rx = events(&srv.addr);
    let config = site.read("site.yaml");
    // Two rebuilds of everything (site.yaml changes reload the whole site).
    for n in 1..=2 {
        site.write("site.yaml", &config.replacen("description: ", &format!("description: Edit {n}. "), 1));
        wait_for(&rx, "reload");
    }
    // Then a change to a quiz's wording: a new warning (an editorial change to publish).
    let quiz = site.read("quizzes/public-records.yaml");
    site.write("quizzes/public-records.yaml", &quiz.replacen("title: ", "title: Revised ", 1));
    wait_for(&rx, "reload");
    // Read what serve printed until its fourth "rebuilt" line (the first build and three rebuilds).
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while lines.iter().filter(|l: &&String| l.starts_with("rebuilt in")).count() < 4 {
        let left = deadline.checked_duration_since(Instant::now()).expect("serve printed fewer than four rebuilds");
        lines.push(srv.log.recv_timeout(left).expect("serve's output"));
    }
    let about = |needle: &str| lines.iter().filter(|l| l.contains(needle) && l.contains("not published yet")).count();
    assert_eq!(about("quiz `ferpa-student-records`"), 1, "{}", lines.join("\n"));
    assert!(about("quiz `public-records`") <= 2, "{}", lines.join("\n"));
}

/// Issue 19: `build` into the folder `serve` is previewing says that serve holds it and how to check
/// the site meanwhile, not "choose an empty or new --output folder".
#[test]
fn build_while_serving_names_serve_and_suggests_check() {
    let site = TestSite::bundled();
    let _srv = serve(&site);
    let o = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .arg("build")
        .output()
        .expect("run build");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("is held by policysite serve (process "), "{err}");
    assert!(err.contains("run `policysite check`"), "{err}");
    assert!(!err.contains("choose an empty or new --output folder"), "{err}");
}

/// `serve` reads one edited page again alone when its body is all that changed; the regulation's
/// headings show on the request form too (`Feature::shows_text_of`), so a heading added there
/// reaches the form.
#[test]
fn serve_follows_the_headings_of_a_regulation_without_revisions() {
    let site = TestSite::regulation_without_revisions();
    let reg = "content/policy/one.md";
    let link = "#maintaining-professional-boundaries";
    site.write(reg, &site.read(reg).replace("## Maintaining Professional Boundaries", "## Keeping Boundaries"));
    let srv = serve(&site);
    let rx = events(&srv.addr);
    assert!(!get(&srv.addr, "/request/").body.contains(link));
    site.write(reg, &format!("{}\n## Maintaining Professional Boundaries\n\nAgain.\n", site.read(reg)));
    wait_for(&rx, "reload");
    assert!(
        get(&srv.addr, "/request/").body.contains(link),
        "serve left the request form without the link to the new heading"
    );
}
