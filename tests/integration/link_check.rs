//! `policysite check` checks the rendered pages' links (templates included); `--external` fetches
//! external links with a timeout, a per-host rate limit and a cache (against a local server only).
use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::TestSite;

fn check(site: &TestSite, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let o = site.run(&all);
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn bundled_site_has_no_broken_links() {
    let site = TestSite::bundled();
    let (status, out) = check(&site, &[]);
    assert_eq!(status, 0, "{out}");
}

#[test]
fn broken_links_written_by_templates_are_found() {
    let site = TestSite::minimal();
    let t = site.read("themes/default/templates/section.html");
    site.write(
        "templates/section.html",
        &t.replace("<article class=\"page section\">", "<article class=\"page section\">\n<a href=\"{{ root }}nowhere/index.html\">x</a> <a href=\"{{ root }}platforms/index.html#no-such-id\">y</a>"),
    );
    let (status, out) = check(&site, &[]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("public/policy/index.html:"), "{out}");
    assert!(
        out.contains(
            "broken link `../nowhere/index.html`: no file `nowhere/index.html` (page from content/policy/_index.md)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "broken anchor `../platforms/index.html#no-such-id`: `platforms/index.html` has no id `no-such-id`"
        ),
        "{out}"
    );
}

/// A local HTTP server answering 200 for /ok* and 404 otherwise, recording when each request came.
type RequestLog = Arc<Mutex<Vec<(String, Instant)>>>;

fn local_server() -> (String, RequestLog) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                    break;
                }
            }
            log.lock().expect("lock").push((path.clone(), Instant::now()));
            let status = if path.starts_with("/ok") { "200 OK" } else { "404 Not Found" };
            let mut s = stream;
            let _ = write!(s, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (addr, seen)
}

#[test]
fn external_links_are_checked_rate_limited_and_cached() {
    let (addr, seen) = local_server();
    let site = TestSite::minimal();
    // Policy references go to the local server: 9999 is missing there, the others exist.
    let cfg = site.read("site.yaml").replace(
        "https://www.tacomaschools.org/about/policies?policy={number}",
        &format!("http://{addr}/ok/{{number}}"),
    );
    site.write("site.yaml", &cfg);
    site.write(
        "content/policy/two.md",
        &format!("---\ntitle: Two\n---\n\n[dead](http://{addr}/missing) and [live](http://{addr}/ok-page).\n"),
    );
    let (status, out) = check(&site, &["--external", "--per-host-ms", "200", "--timeout-ms", "2000"]);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("public/policy/two/index.html:")
            && out.contains(&format!("external link `http://{addr}/missing` failed: HTTP 404")),
        "{out}"
    );
    let first: Vec<(String, Instant)> = seen.lock().expect("lock").clone();
    assert!(first.len() >= 3, "{first:?}");
    for w in first.windows(2) {
        assert!(
            w[1].1.duration_since(w[0].1).as_millis() >= 190,
            "requests to one host closer than the rate limit: {first:?}"
        );
    }
    // Second run: everything from the cache, nothing fetched.
    let (status, out) = check(&site, &["--external", "--per-host-ms", "200"]);
    assert_eq!(status, 1);
    assert!(out.contains("0 fetched"), "{out}");
    assert_eq!(seen.lock().expect("lock").len(), first.len());
}

#[test]
fn an_unreachable_host_times_out_instead_of_hanging() {
    // A listener that accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let site = TestSite::minimal();
    site.write("content/policy/two.md", &format!("---\ntitle: Two\n---\n\n[slow](http://{addr}/ok)\n"));
    let t = Instant::now();
    let (status, out) = check(&site, &["--external", "--timeout-ms", "500"]);
    assert_eq!(status, 1, "{out}");
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    assert!(out.contains(&format!("external link `http://{addr}/ok` failed")), "{out}");
}
