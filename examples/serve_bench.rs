//! Benchmark for `policysite serve` (not a test): edit-to-reload latency and static-serving throughput.
//!
//! Latency: the time from a page file being written to the `reload` event arriving at a connected
//! client, over repeated one-page edits; reports p50 and p95. Throughput: a bounded load of keep-alive
//! GETs from several client threads against 127.0.0.1 for a fixed time; reports requests per second
//! and errors.
//!
//! usage: cargo run --release --example serve_bench -- SITE_DIR PAGE_REL [EDITS] [SECONDS]
//!   PAGE_REL is a page below content/, e.g. `training/public-records.md`, or a data file
//!   (`data/platforms.yaml`): then each edit adds a name to the first `aliases: [` list (the data is
//!   reloaded and what reads it rebuilt) and the throughput part is skipped.
//!   With `EDIT=heading` in the environment, a page edit adds a heading (and the next takes it away
//!   again): the page's section count changes with every edit, and the search index is updated in
//!   place while its sections fit the page's range of section numbers (`search_index::slots`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(page)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: serve_bench SITE_DIR PAGE_REL [EDITS] [SECONDS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
    let seconds: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(5);
    let bin = std::env::var("POLICYSITE_BIN").unwrap_or_else(|_| "target/release/policysite".into());
    let mut child = Command::new(&bin)
        .args(["--root", site, "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address");
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();

    // Live-reload events.
    let (tx, rx) = mpsc::channel::<(String, Instant)>();
    let mut sse = TcpStream::connect(&addr).expect("connect");
    write!(sse, "GET /__policysite/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    std::thread::spawn(move || {
        let mut r = BufReader::new(sse);
        let mut l = String::new();
        while r.read_line(&mut l).is_ok_and(|n| n > 0) {
            if let Some(e) = l.trim_end().strip_prefix("event: ") {
                let _ = tx.send((e.to_string(), Instant::now()));
            }
            l.clear();
        }
    });
    let _ = rx.recv_timeout(Duration::from_secs(60)); // initial status

    let data_edit = page.starts_with("data/");
    let path = if data_edit {
        std::path::Path::new(site).join(page)
    } else {
        std::path::Path::new(site).join("content").join(page)
    };
    let original = std::fs::read_to_string(&path).expect("page");
    let heading = std::env::var("EDIT").is_ok_and(|e| e == "heading");
    let mut lat = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
        let start = Instant::now();
        // A data edit must change the data (a comment changes nothing and nothing is rebuilt): the
        // first alias list gets one more name.
        let text = if data_edit && original.contains("aliases: [") {
            original.replacen("aliases: [", &format!("aliases: [bench{i}, "), 1)
        } else if heading {
            let added = if i % 2 == 0 { format!("\n## Benchmark heading {i}\n\nIts text.\n") } else { String::new() };
            format!("{original}{added}")
        } else {
            format!("{original}\nEdit number {i} for the benchmark.\n")
        };
        std::fs::write(&path, text).expect("write");
        loop {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok((e, at)) if e == "reload" => {
                    lat.push(at.duration_since(start).as_secs_f64() * 1000.0);
                    break;
                }
                Ok(_) => {}
                Err(_) => panic!("no reload event after edit {i}"),
            }
        }
    }
    std::fs::write(&path, &original).expect("restore");
    lat.sort_by(f64::total_cmp);
    println!(
        "edit-to-reload latency over {} edits: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        lat[lat.len() - 1]
    );

    if data_edit {
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    // Throughput: bounded load, keep-alive GETs of the page, from 4 client threads.
    std::thread::sleep(Duration::from_millis(500));
    let url = format!("/{}", page.trim_end_matches(".md").trim_end_matches("_index")).replace("//", "/");
    let url = if url.ends_with('/') { url } else { format!("{url}/") };
    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (addr, url, ok, errors) = (addr.clone(), url.clone(), Arc::clone(&ok), Arc::clone(&errors));
            std::thread::spawn(move || {
                let mut stream: Option<BufReader<TcpStream>> = None;
                while Instant::now() < deadline {
                    let s = stream.get_or_insert_with(|| BufReader::new(TcpStream::connect(&addr).expect("connect")));
                    let req = format!("GET {url} HTTP/1.1\r\nHost: x\r\n\r\n");
                    let good = s.get_mut().write_all(req.as_bytes()).is_ok() && read_response(s);
                    if good {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        stream = None;
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let n = ok.load(Ordering::Relaxed);
    println!(
        "static serving of {url}: {:.0} requests/s over {seconds} s from 4 keep-alive clients, {} errors",
        n as f64 / seconds as f64,
        errors.load(Ordering::Relaxed)
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Read one response; true if it was a 200 with its whole body.
fn read_response(r: &mut BufReader<TcpStream>) -> bool {
    let mut status = String::new();
    if r.read_line(&mut status).is_err() || !status.contains(" 200 ") {
        return false;
    }
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).is_err() {
            return false;
        }
        if h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).is_ok()
}
