//! Reading a request: its head within the header deadline (or closing an idle keep-alive
//! connection), and its body framed and discarded per RFC 9112 §6.3 (see the parent module).

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::limits::{FRESH_GRACE, IDLE_SLICE, Limits, Load, MAX_BODY, MAX_HEAD};

/// A parsed request: method, target, whether the client wants the connection kept open, and how
/// its body (if any) is framed.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) keep_alive: bool,
    pub(super) body: Framing,
}

/// How a request's body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    None,
    Length(u64),
    Chunked,
}

/// Why no request could be read.
pub(super) enum ReadError {
    /// Closed, timed out, or too slow: drop the connection silently.
    Gone,
    /// Not HTTP, or too large: answer 400 and close.
    Bad,
    /// Answer this status with this message, and close.
    Reject(u16, &'static str),
}

/// The body framing of a request's headers, or why the request must be refused (and the connection
/// closed): RFC 9112 §6.1 and §6.3.
pub(super) fn framing(headers: &[httparse::Header]) -> Result<Framing, ReadError> {
    let values = |name: &str| -> Vec<String> {
        headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .flat_map(|h| {
                String::from_utf8_lossy(h.value).split(',').map(|v| v.trim().to_ascii_lowercase()).collect::<Vec<_>>()
            })
            .collect()
    };
    let te = values("transfer-encoding");
    let cl = values("content-length");
    if !te.is_empty() {
        if !cl.is_empty() {
            // §6.3 item 3: possibly request smuggling; §6.1: the server must close after responding.
            return Err(ReadError::Reject(400, "both Transfer-Encoding and Content-Length"));
        }
        // §6.3 item 4: chunked must be the final coding, or the length cannot be known.
        return match te.last().map(String::as_str) {
            Some("chunked") if te.iter().filter(|c| *c == "chunked").count() == 1 => Ok(Framing::Chunked),
            _ => Err(ReadError::Reject(400, "a transfer coding other than chunked (last, once)")),
        };
    }
    let Some(first) = cl.first() else { return Ok(Framing::None) };
    // §6.3 item 5: every value must be the same valid length.
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) || cl.iter().any(|v| v != first) {
        return Err(ReadError::Reject(400, "an invalid Content-Length"));
    }
    match first.parse::<u64>() {
        Ok(0) => Ok(Framing::None),
        Ok(n) => Ok(Framing::Length(n)),
        Err(_) => Err(ReadError::Reject(413, "a request body too large")),
    }
}

/// Read from `stream` into `buf` until it holds at least `need` bytes, by `deadline`.
pub(super) fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, need: usize, deadline: Instant) -> Result<(), ReadError> {
    let mut chunk = [0u8; 4096];
    while buf.len() < need {
        let left = deadline.checked_duration_since(Instant::now()).ok_or(ReadError::Gone)?;
        stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).map_err(|_| ReadError::Gone)?;
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(ReadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(())
}

/// Read and discard a request's body (a GET or HEAD body has no meaning here, RFC 9110 §9.3.1), so
/// the next request starts where the body ends. At most [`MAX_BODY`] bytes; chunk extensions and
/// trailers are skipped.
pub(super) fn discard_body(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    body: Framing,
    allowed: Duration,
) -> Result<(), ReadError> {
    let deadline = Instant::now() + allowed;
    let too_large = ReadError::Reject(413, "a request body too large");
    match body {
        Framing::None => Ok(()),
        Framing::Length(n) if n > MAX_BODY => Err(too_large),
        Framing::Length(n) => {
            let n = n as usize;
            fill(stream, buf, n, deadline)?;
            buf.drain(..n);
            Ok(())
        }
        Framing::Chunked => {
            let mut total = 0u64;
            loop {
                let (used, size) = loop {
                    match httparse::parse_chunk_size(buf) {
                        Ok(httparse::Status::Complete(c)) => break c,
                        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {
                            let need = buf.len() + 1;
                            fill(stream, buf, need, deadline)?;
                        }
                        _ => return Err(ReadError::Reject(400, "a malformed chunked body")),
                    }
                };
                buf.drain(..used);
                if size == 0 {
                    break;
                }
                total = total.saturating_add(size);
                if total > MAX_BODY {
                    return Err(too_large);
                }
                let size = size as usize;
                fill(stream, buf, size + 2, deadline)?;
                if &buf[size..size + 2] != b"\r\n" {
                    return Err(ReadError::Reject(400, "a malformed chunked body"));
                }
                buf.drain(..size + 2);
            }
            // Trailer fields, then the empty line.
            loop {
                let line_end = loop {
                    if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                        break i;
                    }
                    if buf.len() >= MAX_HEAD {
                        return Err(ReadError::Reject(400, "a malformed chunked body"));
                    }
                    let need = buf.len() + 1;
                    fill(stream, buf, need, deadline)?;
                };
                buf.drain(..line_end + 2);
                if line_end == 0 {
                    return Ok(());
                }
            }
        }
    }
}

/// Read one request head and parse it. A new connection (`fresh`) has `header_timeout` from its
/// start for the whole head; a kept-alive one may wait `idle_timeout` for the first byte of its next
/// request and then has `header_timeout` for the rest. While no byte of a request has arrived the
/// connection is idle, and an idle connection is closed as soon as the server is near its cap (a new
/// one after [`FRESH_GRACE`]). Bytes after the head (a pipelined request) are kept in `buf`.
pub(super) fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limits: &Limits,
    fresh: bool,
    load: &Load,
) -> Result<Request, ReadError> {
    let start = Instant::now();
    let mut deadline = (fresh || !buf.is_empty()).then(|| start + limits.header_timeout);
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
                        body: framing(req.headers)?,
                    };
                    buf.drain(..len);
                    return Ok(request);
                }
                Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {}
                Ok(httparse::Status::Partial) | Err(_) => return Err(ReadError::Bad),
            }
        }
        let now = Instant::now();
        let idle = buf.is_empty();
        let idle_for = now - start;
        if idle && idle_for >= if fresh { FRESH_GRACE } else { Duration::ZERO } && load.near_cap() {
            return Err(ReadError::Gone); // make room for a client that has something to ask
        }
        let until = match deadline {
            Some(d) => d,
            None => start + limits.idle_timeout,
        };
        let mut left = until.checked_duration_since(now).ok_or(ReadError::Gone)?;
        if idle {
            left = left.min(IDLE_SLICE); // look at the load again soon
        }
        stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).map_err(|_| ReadError::Gone)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                deadline.get_or_insert_with(|| Instant::now() + limits.header_timeout);
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return Err(ReadError::Gone),
        }
    }
}
