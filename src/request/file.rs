//! Reading a request file: size limits, a clear word about byte-order marks, and JSON errors with
//! their line and column.
//!
//! A request file comes from a browser form, but anyone can hand the Communications Department a
//! file. Without limits a 100 MB description or 100,000 administrators are read, checked and, once
//! approved, published; so the file, every string in it and the list of administrators are capped,
//! with errors that say which field and what the limit is.

use std::io::Read;
use std::path::Path;

use super::context::Problem;
use super::schema::Request;

/// The largest request file read (a real one is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// The longest `account.description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// The longest of any other string (names, emails, handle, URL, codes), in characters.
pub const MAX_STRING_CHARS: usize = 300;
/// The most administrators one account may list.
pub const MAX_ADMINISTRATORS: usize = 10;
/// The most completion codes one administrator may list.
pub const MAX_CODES: usize = 20;

fn problem(field: &str, message: String) -> Problem {
    Problem { field: field.to_string(), message }
}

/// The largest saved email read (a signature's logo or an attached request file make an email
/// larger than a request file; the request in it is still held to every other limit).
pub const MAX_EMAIL_BYTES: u64 = 10 * 1024 * 1024;

/// Read a request file's bytes, refusing one over [`MAX_FILE_BYTES`] before reading it all.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Problem> {
    read_bytes_up_to(path, MAX_FILE_BYTES)
}

/// Read at most `max` bytes of a file; a larger file is refused with what to do.
pub fn read_bytes_up_to(path: &Path, max: u64) -> Result<Vec<u8>, Problem> {
    let file = std::fs::File::open(path).map_err(|e| problem("file", format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| problem("file", format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max {
        if max > MAX_FILE_BYTES {
            return Err(problem(
                "file",
                format!(
                    "the email is larger than {} MiB; save it without its attachments, or paste its text (with the request block) into a .txt file",
                    max / 1024 / 1024
                ),
            ));
        }
        return Err(problem(
            "file",
            format!(
                "the file is larger than {} KiB, the limit for a request file; a request made with the form is a few KiB, so ask the requester to fill in the form again",
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    Ok(bytes)
}

/// The bytes as UTF-8 text, or what to do about them.
pub fn utf8(bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| {
        problem(
            "file",
            format!(
                "the file is not UTF-8 text (bad byte at offset {}); save it as UTF-8, or download it from the form again",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Read a request file as UTF-8 text, refusing one over [`MAX_FILE_BYTES`].
pub fn read(path: &Path) -> Result<String, Problem> {
    utf8(read_bytes(path)?)
}

/// Parse a request; malformed JSON is reported with its line and column.
pub fn parse(text: &str) -> Result<Request, Problem> {
    if text.starts_with('\u{feff}') {
        return Err(problem(
            "line 1, column 1",
            "the file starts with a byte-order mark (BOM, the invisible character U+FEFF some editors add), which JSON does not allow; save it as \"UTF-8\" without BOM (in Notepad: Save As, Encoding \"UTF-8\"), or download it from the form again".into(),
        ));
    }
    serde_json::from_str(text).map_err(|e| Problem {
        field: format!("line {}, column {}", e.line(), e.column()),
        message: format!("not a valid request file: {}", json_message(&e)),
    })
}

/// What a JSON error says, without serde_json's "at line L column C": the caller names the position
/// once, where an email's request block moves it to the email's line (`envelope::parse`).
pub fn json_message(e: &serde_json::Error) -> String {
    let mut message = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    if message.ends_with(&at) {
        message.truncate(message.len() - at.len());
    }
    message
}

/// Every field over its limit.
pub fn limits(req: &Request) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut text = |field: String, value: &str, max: usize| {
        let n = value.chars().count();
        if n > max {
            out.push(problem(&field, format!("{n} characters, more than the limit of {max}; shorten it")));
        }
    };
    let s = MAX_STRING_CHARS;
    text("id".into(), &req.id, s);
    text("schema".into(), &req.schema, s);
    text("submitted".into(), &req.submitted, s);
    text("requester.name".into(), &req.requester.name, s);
    text("requester.email".into(), &req.requester.email, s);
    let a = &req.account;
    for (name, value) in [
        ("type", &a.kind),
        ("unit", &a.unit),
        ("name", &a.name),
        ("purpose", &a.purpose),
        ("platform", &a.platform),
        ("handle", &a.handle),
    ] {
        text(format!("account.{name}"), value, s);
    }
    text("account.description".into(), &a.description, MAX_DESCRIPTION_CHARS);
    if let Some(url) = &a.url {
        text("account.url".into(), url, s);
    }
    for (i, admin) in req.administrators.iter().enumerate().take(MAX_ADMINISTRATORS) {
        text(format!("administrators[{i}].name"), &admin.name, s);
        text(format!("administrators[{i}].email"), &admin.email, s);
        for (quiz, code) in admin.codes.iter().take(MAX_CODES) {
            text(format!("administrators[{i}].codes"), quiz, s);
            text(format!("administrators[{i}].codes.{quiz}"), code, s);
        }
    }
    if let Some(p) = &req.principal_approval {
        text("principal_approval.name".into(), &p.name, s);
        text("principal_approval.email".into(), &p.email, s);
    }
    if req.administrators.len() > MAX_ADMINISTRATORS {
        out.push(problem(
            "administrators",
            format!(
                "{} administrators, more than the limit of {MAX_ADMINISTRATORS}; list the staff who will run the account",
                req.administrators.len()
            ),
        ));
    }
    for (i, admin) in req.administrators.iter().enumerate().take(MAX_ADMINISTRATORS) {
        if admin.codes.len() > MAX_CODES {
            out.push(problem(
                &format!("administrators[{i}].codes"),
                format!("{} codes, more than the limit of {MAX_CODES}", admin.codes.len()),
            ));
        }
    }
    out
}
