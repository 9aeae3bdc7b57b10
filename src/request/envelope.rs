//! Where a request comes from: the JSON file the form downloads, the text of the email the form
//! opens (pasted into a file), or that email saved from the mail client (`.eml`).
//!
//! The form puts the request in the email body between two lines, [`BEGIN`] and [`END`], as JSON
//! with two-space indentation. Between the form and the Communications Department the mail clients
//! transfer-encode the body (quoted-printable, base64), may send it `format=flowed` (long lines
//! split at spaces), quote it with `> ` in a reply or forward, and end lines with CRLF. An `.eml`
//! file is read with the `mail-parser` crate (MIME, transfer encodings, character sets); the
//! `format=flowed` joining (RFC 3676), the quote prefixes and the line endings are undone here.
//! The request then goes through the same parser and checks as a JSON file; JSON errors name the
//! line in the file when the block's lines are the file's own (a text file, a plain email), and
//! the line inside the block otherwise.

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders};

use super::check::Problem;
use super::schema::Request;

/// The line before the request in the form's email.
pub const BEGIN: &str = "-----BEGIN POLICYSITE REQUEST-----";
/// The line after it.
pub const END: &str = "-----END POLICYSITE REQUEST-----";

fn problem(field: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { field: field.into(), message: message.into() }
}

/// A request's JSON text and where its lines are in the file.
#[derive(Debug)]
pub struct Extracted {
    pub json: String,
    /// Where the JSON came from: "request file", "email text" or "email".
    pub origin: &'static str,
    /// Line `n` of the JSON is line `n + offset` of the file; `None` when the lines are not the
    /// file's (a transfer-encoded email).
    pub line_offset: Option<usize>,
    /// Characters before each JSON line in the file (a quote prefix such as `> `).
    pub column_offset: usize,
}

/// Read and parse a request from a JSON file, a text file holding the email's request block, or
/// a saved email.
pub fn load(path: &Path) -> Result<Request, Problem> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let max = if ext == "json" { super::file::MAX_FILE_BYTES } else { super::file::MAX_EMAIL_BYTES };
    let bytes = super::file::read_bytes_up_to(path, max)?;
    let extracted = if ext == "eml" || (ext != "json" && looks_like_email(&bytes)) {
        from_email(&bytes)?
    } else {
        if bytes.len() as u64 > super::file::MAX_FILE_BYTES {
            // Not an email: the request file's own limit.
            return Err(super::file::read_bytes(path)
                .err()
                .unwrap_or_else(|| problem("file", "the file is too large")));
        }
        let text = super::file::utf8(bytes)?;
        from_text(&text, "request file")?
    };
    parse(&extracted)
}

/// Parse the extracted JSON, mapping error positions back to the file.
pub fn parse(x: &Extracted) -> Result<Request, Problem> {
    super::file::parse(&x.json).map_err(|p| {
        let Some((line, column)) = position(&p.field) else { return p };
        let field = match x.line_offset {
            Some(off) => format!("line {}, column {}", line + off, column + x.column_offset),
            None => format!("line {line} of the request block in the {} (counting from the line after {BEGIN})", x.origin),
        };
        let mut message = p.message;
        if message.contains("control character") && x.origin != "request file" {
            message.push_str(
                "; a mail client probably broke a long line: save the email as a file (.eml) and check that, or ask the requester for the downloaded request file",
            );
        }
        problem(field, message)
    })
}

/// `line 3, column 7` → (3, 7).
fn position(field: &str) -> Option<(usize, usize)> {
    let rest = field.strip_prefix("line ")?;
    let (l, c) = rest.split_once(", column ")?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// Headers first: `Name: value` lines, one of them From, Subject, MIME-Version or Content-Type,
/// before the first empty line.
fn looks_like_email(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]);
    let mut known = false;
    for line in head.lines() {
        if line.trim().is_empty() {
            return known;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else { return false };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return false;
        }
        let n = name.to_ascii_lowercase();
        known |= matches!(n.as_str(), "from" | "subject" | "mime-version" | "content-type" | "to" | "date");
    }
    false
}

/// The JSON of a request file, or the request block of pasted email text.
pub fn from_text(text: &str, origin: &'static str) -> Result<Extracted, Problem> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim_start().starts_with('{') || !text.contains(BEGIN) {
        if !text.contains(BEGIN) && !body.trim_start().starts_with('{') && !body.trim().is_empty() {
            return Err(problem(
                "file",
                format!(
                    "no request found: this is neither a request file (JSON, starting with `{{`) nor an email holding the request between the lines `{BEGIN}` and `{END}`; save the whole email (in most mail clients: Save As, .eml) or paste the email's text with both lines into a file"
                ),
            ));
        }
        // A JSON file as the form downloads it (the BOM error is the parser's).
        return Ok(Extracted { json: text.to_string(), origin, line_offset: Some(0), column_offset: 0 });
    }
    block(text, origin, true)
}

/// Find the request block in `text` (lines ending in LF or CRLF, maybe quoted with `>`).
fn block(text: &str, origin: &'static str, lines_are_files: bool) -> Result<Extracted, Problem> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let marker = |line: &str, m: &str| -> Option<usize> {
        let t = line.trim_end();
        let prefix = t.strip_suffix(m)?;
        prefix.chars().all(|c| c == '>' || c == ' ').then(|| prefix.matches('>').count())
    };
    let mut blocks: Vec<(usize, String, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(depth) = marker(lines[i], BEGIN) else {
            i += 1;
            continue;
        };
        let start = i;
        let Some(end) = (start + 1..lines.len()).find(|&j| marker(lines[j], END).is_some()) else {
            let at = if lines_are_files { format!("line {}", start + 1) } else { format!("the {origin}") };
            return Err(problem(
                at,
                format!(
                    "the request block starts here but its last line `{END}` is missing: the email was cut short; ask the requester to send it again, or for the downloaded request file"
                ),
            ));
        };
        let json: Vec<&str> = lines[start + 1..end].iter().map(|l| unquote(l, depth)).collect();
        let prefix = lines[start].len() - lines[start].trim_start_matches(['>', ' ']).len();
        blocks.push((start, json.join("\n"), prefix));
        i = end + 1;
    }
    let Some((start, json, prefix)) = blocks.first().cloned() else {
        return Err(problem("file", format!("no line `{BEGIN}` found in the {origin}")));
    };
    if blocks.iter().any(|(_, j, _)| *j != json) {
        return Err(problem(
            format!("line {}", blocks[1].0 + 1),
            format!(
                "the {origin} holds {} different requests; save each email on its own and check them one by one",
                blocks.len()
            ),
        ));
    }
    Ok(Extracted { json, origin, line_offset: lines_are_files.then_some(start + 1), column_offset: prefix })
}

/// Remove `depth` levels of `>` quoting (`> `, `>>`, `> > `).
fn unquote(line: &str, depth: usize) -> &str {
    let mut rest = line;
    for _ in 0..depth {
        match rest.strip_prefix('>') {
            Some(r) => rest = r.strip_prefix(' ').unwrap_or(r),
            None => break,
        }
    }
    rest
}

/// Undo `format=flowed` (RFC 3676): a line ending in a space continues on the next line; with
/// `delsp=yes` that space was added by the sender and goes. Leading space-stuffing is removed.
/// Quoted lines (`>`) are joined only with lines of the same depth.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::new();
    let mut open: Option<usize> = None; // quote depth of a paragraph still open
    for line in text.lines() {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let mut content = &line[depth..];
        content = content.strip_prefix(' ').unwrap_or(content);
        let is_sig = content == "-- ";
        if open.is_some_and(|d| d != depth) {
            out.push('\n');
            open = None;
        }
        if open.is_none() {
            out.push_str(&">".repeat(depth));
            if depth > 0 {
                out.push(' ');
            }
        }
        if content.ends_with(' ') && !is_sig {
            let kept = if delsp { &content[..content.len() - 1] } else { content };
            out.push_str(kept);
            open = Some(depth);
        } else {
            out.push_str(content);
            out.push('\n');
            open = None;
        }
    }
    if open.is_some() {
        out.push('\n');
    }
    if out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// The request block in a saved email: its text parts first, then a `.json` attachment (the form
/// once asked staff to attach the downloaded file).
fn from_email(bytes: &[u8]) -> Result<Extracted, Problem> {
    let Some(msg) = MessageParser::default().parse(bytes) else {
        return Err(problem(
            "file",
            "not an email the parser can read; save the email again (.eml), or paste its text into a .txt file",
        ));
    };
    let raw = String::from_utf8_lossy(bytes);
    let mut last_error = None;
    for i in 0..msg.text_body_count() {
        let Some(part) = msg.text_part(i as u32) else { continue };
        let Some(contents) = part.text_contents() else { continue };
        // An HTML-only email (webmail): one line per block element, entities decoded.
        let html;
        let text = if part.is_text_html() {
            html = html_lines(contents);
            html.as_str()
        } else {
            contents
        };
        let ct = part.content_type();
        let flowed = ct.and_then(|c| c.attribute("format")).is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
        let delsp = ct.and_then(|c| c.attribute("delsp")).is_some_and(|f| f.eq_ignore_ascii_case("yes"));
        let text = if flowed { unflow(text, delsp) } else { text.to_string() };
        if !text.contains(BEGIN) {
            continue;
        }
        match block(&text, "email", false) {
            Ok(mut x) => {
                x.line_offset = raw_line_offset(&raw, &x);
                return Ok(x);
            }
            Err(p) => last_error = Some(p),
        }
    }
    if let Some(p) = last_error {
        return Err(p);
    }
    for part in msg.attachments() {
        let name = part.attachment_name().unwrap_or("").to_ascii_lowercase();
        if name.ends_with(".json") {
            let text = String::from_utf8_lossy(part.contents()).into_owned();
            return Ok(Extracted {
                json: text,
                origin: "email's attached request file",
                line_offset: None,
                column_offset: 0,
            });
        }
    }
    Err(problem(
        "file",
        format!(
            "the email holds no request: no line `{BEGIN}` in its text and no .json file attached; ask the requester to send the email the form opens, or the downloaded request file"
        ),
    ))
}

/// The text of an HTML body, line by line: `<br>` and the ends of `div`, `p`, `pre` and `li` end a
/// line, line ends in the source are spaces (outside `<pre>`), other tags go, entities are decoded
/// (`&nbsp;` becomes a space).
fn html_lines(html: &str) -> String {
    static BREAK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<br\s*/?>|</(div|p|pre|li|tr|h[1-6])\s*>")
            .unwrap_or_else(|e| panic!("bad pattern: {e}"))
    });
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<[^>]*>").unwrap_or_else(|e| panic!("bad pattern: {e}")));
    let body = html.split_once("<body").map_or(html, |(_, b)| b.split_once('>').map_or(b, |(_, rest)| rest));
    // Line ends in the HTML source are white space, except inside `<pre>`.
    let body = if body.to_ascii_lowercase().contains("<pre") {
        body.replace("\r\n", "\n")
    } else {
        body.replace("\r\n", " ").replace('\n', " ")
    };
    let lines = BREAK.replace_all(&body, "\n");
    let plain = TAG.replace_all(&lines, "");
    htmlize::unescape(plain.as_ref()).replace('\u{a0}', " ")
}

/// When the email was sent without transfer encoding, the block's lines are the file's own lines:
/// find them, so errors name the line in the `.eml` file.
fn raw_line_offset(raw: &str, x: &Extracted) -> Option<usize> {
    let lines: Vec<&str> = raw.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let json: Vec<&str> = x.json.split('\n').collect();
    let begin = lines.iter().position(|l| l.trim_end().ends_with(BEGIN))?;
    let same = json
        .iter()
        .enumerate()
        .all(|(k, j)| lines.get(begin + 1 + k).is_some_and(|l| l.get(x.column_offset..) == Some(*j) || *l == *j));
    same.then_some(begin + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_lines_join_and_delsp_drops_the_added_space() {
        assert_eq!(unflow("  \"a\": \"one \r\ntwo\"\r\n", false), " \"a\": \"one two\"\n");
        assert_eq!(unflow("abc \ndef\n", true), "abcdef\n");
        assert_eq!(unflow("> x \n> y\nz\n", false), "> x y\nz\n");
    }

    #[test]
    fn quoted_blocks_are_unquoted_at_any_depth() {
        let text = format!("hello\r\n>> {BEGIN}\r\n>> {{\r\n>>   \"a\": 1\r\n>> }}\r\n>> {END}\r\n");
        let x = block(&text, "email text", true).expect("block");
        assert_eq!(x.json, "{\n  \"a\": 1\n}");
        assert_eq!(x.line_offset, Some(2));
        assert_eq!(x.column_offset, 3);
        assert_eq!(unquote("> >   x", 2), "  x");
    }

    #[test]
    fn a_cut_block_is_reported() {
        let err = block(&format!("{BEGIN}\n{{\n"), "email text", true).expect_err("cut");
        assert_eq!(err.field, "line 1");
        assert!(err.message.contains("missing"), "{}", err.message);
    }
}
