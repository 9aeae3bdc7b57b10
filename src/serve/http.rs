//! The preview server: static files from the output folder, live-reload events, and nothing else.
//!
//! It is a small HTTP/1.1 server on `std::net`, a thread per connection (with a small stack), and
//! `httparse` for the request head. We started on tiny_http 0.12, but its task pool can queue a new
//! connection behind connections that never finish (idle keep-alive browsers, or a slow client), so
//! one slow client blocked others; the `a_slow_client_does_not_block_others` and
//! `a_thousand_trickling_clients_do_not_block_a_request` tests show that this server does not.
//!
//! Slow clients: each request head must arrive whole within a deadline (`serve --header-timeout`, 10 s by default, like nginx's
//! `client_header_timeout`), however slowly it trickles, so a client sending a byte every few
//! seconds loses its connection instead of holding it for hours. Live-reload event streams are
//! capped on their own ([`MAX_EVENT_STREAMS`]), so they cannot use up the connection slots.
//!
//! Safety: GET and HEAD only; no directory listings; paths are percent-decoded, and any `..`,
//! backslash, NUL or absolute path is refused before touching the disk; the resolved file must still
//! lie inside the output folder after symlinks are followed; redirects never leave this host.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Live-reload event streams open at once; one more is answered 503 (the browser retries).
pub const MAX_EVENT_STREAMS: usize = 64;
/// Connections served at once; one more is closed at once rather than queued behind the others.
const MAX_CONNECTIONS: usize = 4096;
/// A request head larger than this is refused.
const MAX_HEAD: usize = 16 * 1024;

pub const EVENTS_PATH: &str = "/__policysite/events";
pub const SCRIPT_PATH: &str = "/__policysite/livereload.js";
const LIVERELOAD_JS: &str = include_str!("livereload.js");
const NOT_BUILT: &str = include_str!("not_built.html"); // a missing page before the first good build
const SCRIPT_TAG: &str = "<script src=\"/__policysite/livereload.js\"></script>";

/// Fans build events out to every connected browser. Remembers the last status so a page opened while
/// the build is broken shows the error at once.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<mpsc::Sender<String>>>,
    status: Mutex<Option<String>>,
    /// Event streams open now (see [`MAX_EVENT_STREAMS`]).
    streams: AtomicUsize,
}

impl Hub {
    /// Send an SSE event (`event` name and JSON `data`) to every browser.
    pub fn broadcast(&self, event: &str, data: &str) {
        let msg = format!("event: {event}\ndata: {data}\n\n");
        if event == "error" || event == "ok" {
            *self.status.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg.clone());
        }
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).retain(|c| c.send(msg.clone()).is_ok());
    }

    /// Report a good build, telling browsers only if the previous one had failed. Returns whether it
    /// had.
    pub fn set_ok(&self) -> bool {
        let was_error = self
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .is_some_and(|s| s.starts_with("event: error"));
        if was_error {
            self.broadcast("ok", "{}");
        }
        was_error
    }

    fn subscribe(&self) -> (mpsc::Receiver<String>, Option<String>) {
        let (tx, rx) = mpsc::channel();
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        (rx, self.status.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" | "lock" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Map a request path to a file below `root`, or `None` for anything that could escape it.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut out = root.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None, // drive letters and other oddities
            s => out.push(s),
        }
    }
    Some(out)
}

/// A parsed request: method, target, and whether the client wants the connection kept open.
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
}

/// Why no request could be read.
enum ReadError {
    /// Closed, timed out, or too slow: drop the connection silently.
    Gone,
    /// Not HTTP, or too large: answer 400 and close.
    Bad,
}

/// Read one request head within `allowed` (counted from the call: a new connection, or the end of
/// the previous response on a kept-alive one), however it trickles in, and parse it. Bytes after the
/// head (a pipelined request) are kept in `buf` for the next call.
fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>, allowed: Duration) -> Result<Request, ReadError> {
    let deadline = Instant::now() + allowed;
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
                        return Err(ReadError::Bad);
                    };
                    let close = req.headers.iter().any(|h| {
                        h.name.eq_ignore_ascii_case("connection")
                            && String::from_utf8_lossy(h.value).trim().eq_ignore_ascii_case("close")
                    });
                    let request = Request {
                        method: method.to_string(),
                        target: target.to_string(),
                        keep_alive: version == 1 && !close,
                    };
                    buf.drain(..len);
                    return Ok(request);
                }
                Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {}
                Ok(httparse::Status::Partial) | Err(_) => return Err(ReadError::Bad),
            }
        }
        let left = deadline.checked_duration_since(Instant::now()).ok_or(ReadError::Gone)?;
        stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).map_err(|_| ReadError::Gone)?;
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(ReadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn write_response(
    w: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        503 => "Service Unavailable",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(if keep_alive { "Connection: keep-alive\r\n\r\n" } else { "Connection: close\r\n\r\n" });
    // One write for head and body: two small writes meet delayed ACKs and cost ~40 ms a response.
    let mut out = head.into_bytes();
    if !head_only {
        out.extend_from_slice(body);
    }
    w.write_all(&out)?;
    w.flush()
}

/// Serve one connection: requests one after another while the client keeps it open. Live-reload's
/// event stream takes the connection over.
fn connection(mut stream: TcpStream, root: &Path, hub: &Hub, header_timeout: Duration) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let mut buf = Vec::new();
    loop {
        let req = match read_request(&mut stream, &mut buf, header_timeout) {
            Ok(r) => r,
            Err(ReadError::Gone) => return,
            Err(ReadError::Bad) => {
                let _ = write_response(&mut stream, 400, &[], b"bad request\n", false, false);
                return;
            }
        };
        let keep = req.keep_alive;
        if req.method != "GET" && req.method != "HEAD" {
            let allow = [("Allow", "GET, HEAD".to_string())];
            let _ = write_response(&mut stream, 405, &allow, b"method not allowed\n", false, false);
            return;
        }
        if req.target == EVENTS_PATH {
            let _ = stream.set_read_timeout(None);
            event_stream(stream, hub);
            return;
        }
        let head_only = req.method == "HEAD";
        let (status, headers, body) = respond(&req.target, root);
        if write_response(&mut stream, status, &headers, &body, head_only, keep).is_err() || !keep {
            return;
        }
    }
}

/// Status, headers and body for a GET of `target`.
fn respond(target: &str, root: &Path) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    let text = |s: &str| ("Content-Type", format!("{s}; charset=utf-8"));
    if target == SCRIPT_PATH {
        return (200, vec![text("text/javascript")], LIVERELOAD_JS.as_bytes().to_vec());
    }
    let Some(mut path) = resolve(root, target) else {
        return (400, vec![text("text/plain")], b"bad request\n".to_vec());
    };
    let url_path = target.split(['?', '#']).next().unwrap_or("");
    if path.is_dir() {
        if !url_path.ends_with('/') {
            // One leading slash: `//training` must not become a protocol-relative redirect to a
            // host called "training".
            let here = url_path.trim_start_matches('/');
            return (301, vec![("Location", format!("/{here}/"))], Vec::new());
        }
        path.push("index.html");
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Hidden files (the build's `.policysite-manifest`, a deploy tool's dotfiles) are not pages.
    let hidden = path
        .strip_prefix(root)
        .is_ok_and(|rel| rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')));
    let inside = !hidden && path.canonicalize().is_ok_and(|p| p.starts_with(&canonical_root));
    let (status, file) = if inside && path.is_file() { (200, path) } else { (404, root.join("404.html")) };
    let (ctype, mut body) = match std::fs::read(&file) {
        Ok(b) => (content_type(&file), b),
        // No 404.html: the site has not built yet. An HTML page, so the reload script goes in and
        // the browser shows the build errors, then reloads once they are fixed.
        Err(_) => ("text/html; charset=utf-8", NOT_BUILT.as_bytes().to_vec()),
    };
    if ctype.starts_with("text/html") {
        body = inject_script(body);
    }
    let headers = vec![
        ("Content-Type", ctype.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    (status, headers, body)
}

/// The reload script goes into served HTML only: `build` output never contains it.
fn inject_script(body: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{SCRIPT_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{SCRIPT_TAG}").into_bytes(),
    }
}

/// Server-Sent Events, each written and flushed as it happens.
fn event_stream(mut w: TcpStream, hub: &Hub) {
    let Some(_slot) = Slot::take(&hub.streams, MAX_EVENT_STREAMS) else {
        let retry = [("Retry-After", "2".to_string())];
        let _ = write_response(&mut w, 503, &retry, b"too many live-reload connections\n", false, false);
        return;
    };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    let (rx, status) = hub.subscribe();
    let first = status.unwrap_or_else(|| "event: ok\ndata: {}\n\n".into());
    let start = format!("{head}retry: 500\n\n{first}");
    if w.write_all(start.as_bytes()).and_then(|_| w.flush()).is_err() {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return; // the browser went away
        }
    }
}

/// One of a limited number of places, given back when dropped.
struct Slot<'a>(&'a AtomicUsize);

/// Count one more user of `counter` if fewer than `max` are counted.
fn reserve(counter: &AtomicUsize, max: usize) -> bool {
    counter.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1)).is_ok()
}

impl<'a> Slot<'a> {
    fn take(counter: &'a AtomicUsize, max: usize) -> Option<Slot<'a>> {
        reserve(counter, max).then_some(Slot(counter))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Listen and serve, a thread per connection, so a slow or idle client holds only its own thread.
/// Returns the bound address.
pub fn start(
    bind: &str,
    port: u16,
    root: PathBuf,
    hub: Arc<Hub>,
    header_timeout: Duration,
) -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind((bind, port)).map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let active = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if !reserve(&active, MAX_CONNECTIONS) {
                drop(stream); // full: close at once rather than queue behind slow clients
                continue;
            }
            let (root, hub, mine) = (root.clone(), Arc::clone(&hub), Arc::clone(&active));
            let spawned = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || {
                let _slot = Slot(&mine); // gives the place back when the connection ends
                connection(stream, &root, &hub, header_timeout);
            });
            if spawned.is_err() {
                active.fetch_sub(1, Ordering::AcqRel); // the thread never ran
            }
        }
    });
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let root = Path::new("/srv/site");
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fetc",
            "/a\\..\\b",
            "/%5c..%5cx",
            "/c:/windows",
            "/%00",
            "relative",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
        assert_eq!(resolve(root, "/a/b.html?x=1"), Some(PathBuf::from("/srv/site/a/b.html")));
        assert_eq!(resolve(root, "/a%20b/"), Some(PathBuf::from("/srv/site/a b")));
    }

    #[test]
    fn script_is_injected_before_body_end() {
        let out = String::from_utf8(inject_script(b"<html><body><p>x</p></body></html>".to_vec())).unwrap_or_default();
        assert!(out.ends_with("<p>x</p><script src=\"/__policysite/livereload.js\"></script></body></html>"));
    }
}
