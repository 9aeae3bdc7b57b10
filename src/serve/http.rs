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
//! Idle keep-alive connections: a kept-alive connection waiting for its next request is closed after
//! `serve --idle-timeout` (2 s by default), and at once when the server is near its connection cap
//! (three quarters of `--max-connections`), so idle clients, however many, cannot keep a new client
//! out; a new client that finds every place taken waits briefly for one to be given back instead of
//! being dropped.
//!
//! Files are streamed: a file larger than [`STREAM_ABOVE`] is sent from the open file (the kernel's
//! `sendfile` on Linux through `std::io::copy`), never read whole, so parallel downloads of a large
//! static file cost no memory each. HTML pages (which get the reload script) up to [`MAX_INJECT`] are
//! read to add it.
//!
//! Request bodies follow RFC 9112 §6.3: a GET or HEAD may carry one (`Content-Length` or chunked), which
//! is read and discarded (up to [`MAX_BODY`]; larger is 413 and the connection closes), so it is never
//! read as a second request; `Transfer-Encoding` together with `Content-Length`, a transfer coding
//! other than chunked last, or an invalid or conflicting `Content-Length` is 400 and the connection
//! closes.
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

mod files;
mod limits;
mod request;

use files::{Body, respond};
pub use files::{MAX_INJECT, SCRIPT_PATH, STREAM_ABOVE, content_type, resolve};
use limits::Load;
pub use limits::{Limits, MAX_BODY, MAX_CONNECTIONS};
use request::{ReadError, discard_body, read_request};

/// Live-reload event streams open at once; one more is answered 503 (the browser retries).
pub const MAX_EVENT_STREAMS: usize = 64;
/// How long a new client waits for a place when every place is taken, before it is dropped.
const WAIT_FOR_PLACE: Duration = Duration::from_secs(2);

pub const EVENTS_PATH: &str = "/__policysite/events";
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        503 => "Service Unavailable",
        _ => "Error",
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
    send(w, status, headers, Body::Bytes(body.to_vec()), head_only, keep_alive)
}

/// Write a response. A file body is copied from the file in bounded pieces (`std::io::copy`, which is
/// `sendfile` on Linux); if the file turns out shorter than announced the connection fails (and
/// closes) rather than carry on out of step.
fn send(
    w: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: Body,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n", reason(status), body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(if keep_alive { "Connection: keep-alive\r\n\r\n" } else { "Connection: close\r\n\r\n" });
    let mut out = head.into_bytes();
    match body {
        // One write for head and body: two small writes meet delayed ACKs and cost ~40 ms a response.
        Body::Bytes(bytes) => {
            if !head_only {
                out.extend_from_slice(&bytes);
            }
            w.write_all(&out)?;
        }
        Body::File(file, len) => {
            w.write_all(&out)?;
            if !head_only {
                let sent = std::io::copy(&mut file.take(len), w)?;
                if sent != len {
                    return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file shrank while sent"));
                }
            }
        }
    }
    w.flush()
}

/// Answer an error and close without losing the answer: stop sending, then read what the client
/// still sends for a moment, so the close does not reset the connection before the answer arrives.
fn reject(mut stream: TcpStream, status: u16, message: &str) {
    let body = format!("{message}\n");
    if write_response(&mut stream, status, &[], body.as_bytes(), false, false).is_err() {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 8192];
    let mut drained = 0usize;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let _ = stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
        match stream.read(&mut sink) {
            Ok(n) if n > 0 && drained < 4 * 1024 * 1024 => drained += n,
            _ => return,
        }
    }
}

/// Serve one connection: requests one after another while the client keeps it open. Live-reload's
/// event stream takes the connection over.
fn connection(mut stream: TcpStream, root: &Path, hub: &Hub, limits: &Limits, load: &Load) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let mut buf = Vec::new();
    let mut fresh = true;
    loop {
        let req = match read_request(&mut stream, &mut buf, limits, fresh, load) {
            Ok(r) => r,
            Err(ReadError::Gone) => return,
            Err(ReadError::Bad) => return reject(stream, 400, "bad request"),
            Err(ReadError::Reject(status, why)) => return reject(stream, status, &format!("refused: {why}")),
        };
        fresh = false;
        if req.method != "GET" && req.method != "HEAD" {
            let allow = [("Allow", "GET, HEAD".to_string())];
            let _ = write_response(&mut stream, 405, &allow, b"method not allowed\n", false, false);
            return;
        }
        // A body is read and discarded before anything else, so it is never taken for a request.
        match discard_body(&mut stream, &mut buf, req.body, limits.header_timeout) {
            Ok(()) => {}
            Err(ReadError::Gone) => return,
            Err(ReadError::Bad) => return reject(stream, 400, "bad request"),
            Err(ReadError::Reject(status, why)) => return reject(stream, status, &format!("refused: {why}")),
        }
        if req.target == EVENTS_PATH {
            let _ = stream.set_read_timeout(None);
            event_stream(stream, hub);
            return;
        }
        // Near the cap, a connection is not kept for a next request: the place goes to a new client.
        let keep = req.keep_alive && !load.near_cap();
        let head_only = req.method == "HEAD";
        let (status, headers, body) = respond(&req.target, root);
        if send(&mut stream, status, &headers, body, head_only, keep).is_err() || !keep {
            return;
        }
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
    limits: Limits,
) -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind((bind, port)).map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let max = limits.max_connections.max(1);
    let load = Arc::new(Load::new(max));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            // Every place taken: idle connections are closing (they look at the load every
            // IDLE_SLICE), so wait a moment for one rather than drop a client with a request.
            let waited = Instant::now();
            let mut placed = reserve(&load.active, max);
            while !placed && waited.elapsed() < WAIT_FOR_PLACE {
                std::thread::sleep(Duration::from_millis(5));
                placed = reserve(&load.active, max);
            }
            if !placed {
                drop(stream); // still full: close rather than queue behind slow clients
                continue;
            }
            let (root, hub, mine) = (root.clone(), Arc::clone(&hub), Arc::clone(&load));
            let spawned = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || {
                let _slot = Slot(&mine.active); // gives the place back when the connection ends
                connection(stream, &root, &hub, &limits, &mine);
            });
            if spawned.is_err() {
                load.active.fetch_sub(1, Ordering::AcqRel); // the thread never ran
            }
        }
    });
    Ok(addr)
}
