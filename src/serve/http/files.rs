//! What a GET of the output folder answers: the file (streamed when large, HTML with the reload
//! script added), a redirect to a folder's slash, or the site's 404 page; and the path checks that
//! keep every answer inside the output folder.

use std::path::{Path, PathBuf};

/// Files larger than this are streamed from disk; smaller ones go out in one write with the head.
pub const STREAM_ABOVE: u64 = 256 * 1024;
/// HTML files up to this size get the reload script; larger ones are streamed as they are.
pub const MAX_INJECT: u64 = 8 * 1024 * 1024;
pub const SCRIPT_PATH: &str = "/__policysite/livereload.js";
const LIVERELOAD_JS: &str = include_str!("../livereload.js");
const NOT_BUILT: &str = include_str!("../not_built.html"); // a missing page before the first good build
const SCRIPT_TAG: &str = "<script src=\"/__policysite/livereload.js\"></script>";

/// The `Content-Type` of a file, by its extension.
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

/// A response body: bytes in memory, or an open file of a known length streamed from disk.
pub(super) enum Body {
    Bytes(Vec<u8>),
    File(std::fs::File, u64),
}

impl Body {
    pub(super) fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, n) => *n,
        }
    }
}

/// Status, headers and body for a GET of `target`.
pub(super) fn respond(target: &str, root: &Path) -> (u16, Vec<(&'static str, String)>, Body) {
    let text = |s: &str| ("Content-Type", format!("{s}; charset=utf-8"));
    if target == SCRIPT_PATH {
        return (200, vec![text("text/javascript")], Body::Bytes(LIVERELOAD_JS.as_bytes().to_vec()));
    }
    let Some(mut path) = resolve(root, target) else {
        return (400, vec![text("text/plain")], Body::Bytes(b"bad request\n".to_vec()));
    };
    let url_path = target.split(['?', '#']).next().unwrap_or("");
    if path.is_dir() {
        if !url_path.ends_with('/') {
            // One leading slash: `//training` must not become a protocol-relative redirect to a
            // host called "training".
            let here = url_path.trim_start_matches('/');
            return (301, vec![("Location", format!("/{here}/"))], Body::Bytes(Vec::new()));
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
    let (ctype, body) = match open(&file) {
        Some(opened) => (content_type(&file), opened),
        // No 404.html: the site has not built yet. An HTML page, so the reload script goes in and
        // the browser shows the build errors, then reloads once they are fixed.
        None => ("text/html; charset=utf-8", Body::Bytes(NOT_BUILT.as_bytes().to_vec())),
    };
    let body = match body {
        Body::Bytes(b) if ctype.starts_with("text/html") => Body::Bytes(inject_script(b)),
        other => other,
    };
    let headers = vec![
        ("Content-Type", ctype.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    (status, headers, body)
}

/// A file's body: read whole when small (or HTML that gets the reload script), else the open file to
/// stream. The length is the open file's, so a file replaced meanwhile is sent as it was opened.
fn open(file: &Path) -> Option<Body> {
    use std::io::Read as _;
    let f = std::fs::File::open(file).ok()?;
    let len = f.metadata().ok()?.len();
    let html = content_type(file).starts_with("text/html");
    if len > STREAM_ABOVE && !(html && len <= MAX_INJECT) {
        return Some(Body::File(f, len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(len).read_to_end(&mut bytes).ok()?;
    Some(Body::Bytes(bytes))
}

/// The reload script goes into served HTML only: `build` output never contains it.
fn inject_script(body: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{SCRIPT_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{SCRIPT_TAG}").into_bytes(),
    }
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
