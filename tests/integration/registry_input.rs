//! Issue 18: the request arrives in the email the form opens (between the BEGIN and END lines), as
//! pasted text or a saved `.eml` (quoted-printable, base64, format=flowed, `> ` quoting, CRLF), and
//! gets the same verdict as the JSON file; and text from requests and LMS reports cannot drive the
//! reviewer's terminal.
use crate::common;
use crate::registry_year::classroom_request;
use crate::request_common;

use common::TestSite;
use request_common::*;
use serde_json::{Value, json};

const BEGIN: &str = "-----BEGIN POLICYSITE REQUEST-----";
const END: &str = "-----END POLICYSITE REQUEST-----";

/// The verdict lines of `request check`, without the file name.
fn verdict(out: &str) -> String {
    out.lines()
        .map(|l| l.split_once(": ").filter(|(f, _)| f.contains('/')).map_or(l, |(_, r)| r))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_file(site: &TestSite, name: &str, text: &str) -> (i32, String) {
    site.write(name, text);
    let f = site.path().join(name);
    run(site, &["request", "check", "--today", TODAY, f.to_str().expect("utf8")])
}

/// A request with a long description (mail clients wrap it) and non-ASCII text.
fn long_request(site: &TestSite) -> Value {
    let mut req = classroom_request(site);
    req["account"]["name"] = json!("Ms. Lee's Biología — Room 214");
    req["account"]["description"] = json!(
        "Assignments, lab safety reminders and field-trip news for Biology 1; students may follow, and we use the hashtag #StadiumBio so I can follow their conversations = learning."
    );
    req
}

fn body(req: &Value) -> String {
    format!(
        "Hello Communications Department,\n\nPlease review my request below.\n\n{BEGIN}\n{}\n{END}\n\nThank you,\nLee\n",
        serde_json::to_string_pretty(req).expect("json")
    )
}

/// RFC 3676 format=flowed (delsp=no): lines longer than 60 characters are broken after a space.
fn flowed(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let stuffed =
            if line.starts_with(' ') || line.starts_with('>') { format!(" {line}") } else { line.to_string() };
        let mut rest = stuffed.as_str();
        while rest.len() > 60 {
            let Some(cut) = rest[..60].rfind(' ').filter(|&c| c > 0) else { break };
            out.push_str(&rest[..=cut]);
            out.push_str("\r\n");
            rest = &rest[cut + 1..];
        }
        out.push_str(rest);
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable, soft line breaks at 70 characters; a space at the end of a line is encoded,
/// as RFC 2045 requires (decoders drop trailing white space).
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split("\r\n") {
        let mut n = 0;
        let last = line.len().saturating_sub(1);
        for (i, b) in line.bytes().enumerate() {
            let piece = if b == b'=' || (b == b' ' && i == last) || !(b == b' ' || b.is_ascii_graphic()) {
                format!("={b:02X}")
            } else {
                (b as char).to_string()
            };
            if n + piece.len() > 70 {
                out.push_str("=\r\n");
                n = 0;
            }
            n += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out + "\r\n"
}

fn email(content_type: &str, encoding: &str, body: &str) -> String {
    format!(
        "From: Lee Teacher <lee.teacher@tacoma.k12.wa.us>\r\nTo: communications@tacoma.k12.wa.us\r\nSubject: Social Media Account Request\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"
    )
}

#[test]
fn an_emailed_request_gets_the_same_verdict_as_the_file() {
    let site = TestSite::bundled();
    let req = long_request(&site);
    let (s, expected) = check(&site, &req);
    assert_eq!(s, 0, "{expected}");
    let expected = verdict(&expected);
    let text = body(&req);
    let crlf = text.replace('\n', "\r\n");
    let quoted: String = crlf.split_inclusive("\r\n").map(|l| format!("> {l}")).collect();
    let cases = [
        ("pasted.txt", text.clone()),
        ("pasted-crlf.txt", crlf.clone()),
        ("reply.txt", format!("On Monday Lee wrote:\r\n{quoted}")),
        ("plain.eml", email("text/plain; charset=utf-8", "8bit", &crlf)),
        (
            "flowed-qp.eml",
            email("text/plain; charset=utf-8; format=flowed", "quoted-printable", &quoted_printable(&flowed(&text))),
        ),
        ("base64.eml", email("text/plain; charset=utf-8", "base64", &base64(crlf.as_bytes()))),
        (
            "forwarded-qp.eml",
            email(
                "text/plain; charset=utf-8",
                "quoted-printable",
                &quoted_printable(&format!("---------- Forwarded ----------\r\n{quoted}")),
            ),
        ),
    ];
    // An HTML-only email (each line a <div>, as webmail writes it), quoted-printable.
    let html: String = text
        .lines()
        .map(|l| {
            let esc = l.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            format!("<div>{}</div>\r\n", if esc.is_empty() { "<br>".to_string() } else { esc.replace("  ", "&nbsp; ") })
        })
        .collect();
    let cases = cases.into_iter().chain([(
        "html.eml",
        email(
            "text/html; charset=utf-8",
            "quoted-printable",
            &quoted_printable(&format!("<html><body>{html}</body></html>")),
        ),
    )]);
    for (name, content) in cases {
        let (s, out) = check_file(&site, name, &content);
        assert_eq!(s, 0, "{name}:\n{out}");
        assert_eq!(verdict(&out), expected, "{name}");
    }
    // The flowed email really did break the description's line.
    assert!(flowed(&text).lines().any(|l| l.contains("\"description\"") && l.ends_with(' ')));
}

#[test]
fn errors_in_an_emailed_request_name_the_line_in_the_file() {
    let site = TestSite::bundled();
    let text = body(&long_request(&site))
        .replace("\"schema\": \"policysite/account-request\",", "\"schema\": \"policysite/account-request\"");
    // serde_json reports the error at the next key, on the line after the missing comma.
    let line = text.lines().position(|l| l.contains("\"schema\": \"policysite/account-request\"")).expect("line") + 2;
    let (s, out) = check_file(&site, "broken.txt", &text);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("line {line}, column")), "expected line {line}:\n{out}");
    // Quoted two levels deep: the same line, the column after the quote marks.
    let quoted: String = text.split_inclusive('\n').map(|l| format!(">> {l}")).collect();
    let (s, out) = check_file(&site, "broken-reply.txt", &quoted);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("line {line}, column")), "{out}");
    // Cut short: the BEGIN line is named.
    let cut: String = body(&long_request(&site)).lines().take(12).map(|l| format!("{l}\n")).collect();
    let (s, out) = check_file(&site, "cut.txt", &cut);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains(
            "line 5: the request block starts here but its last line `-----END POLICYSITE REQUEST-----` is missing"
        ),
        "{out}"
    );
    // Neither JSON nor an email with the block.
    let (s, out) = check_file(&site, "note.txt", "Please approve my account, thanks!\n");
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("no request found"), "{out}");
    // A base64 email: the line inside the block, since the file's lines are encoded.
    let crlf = text.replace('\n', "\r\n");
    let (s, out) =
        check_file(&site, "broken.eml", &email("text/plain; charset=utf-8", "base64", &base64(crlf.as_bytes())));
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("of the request block in the email (counting from the line after -----BEGIN"), "{out}");
}

const HOSTILE: &str = "Stadium\x1b[2K\x1b[1A\x1b]0;pwned\x07 High\u{202e}";

fn assert_inert(what: &str, out: &str) {
    for c in ['\x1b', '\x07', '\u{202e}', '\r'] {
        assert!(!out.contains(c), "{what} printed {c:?} raw:\n{out:?}");
    }
    assert!(out.contains(r"Stadium\u{1b}[2K\u{1b}[1A\u{1b}]0;pwned\u{7} High\u{202e}"), "{what}:\n{out}");
}

#[test]
fn terminal_escapes_in_a_request_are_shown_not_obeyed() {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["unit"] = json!(HOSTILE);
    // Such a unit is refused (it would reach the site); the refusal shows it inert.
    let (s, out) = check(&site, &req);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("account.unit: holds the invisible or control character U+001B"), "{out}");
    assert_inert("check", &out);
    let (s, out) = approve(&site, "hostile.json", &req);
    assert_eq!(s, 1, "{out}");
    assert_inert("approve", &out);
    // One edited into the directory by hand is printed inert by every command that shows it.
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let dir = site.read("data/directory.yaml");
    let quoted = serde_json::to_string(HOSTILE).expect("json string");
    site.write("data/directory.yaml", &dir.replacen("unit: Stadium High School", &format!("unit: {quoted}"), 1));
    let (s, out) = run(&site, &["request", "audit", "--today", "2028-01-01"]);
    assert_eq!(s, 1, "{out}");
    assert_inert("audit", &out);
    let (s, out) = run(&site, &["request", "audit", "--format", "csv", "--today", "2028-01-01"]);
    assert_eq!(s, 1, "{out}");
    assert_inert("audit --format csv", &out);
    let (s, out) = run(&site, &["request", "history", "instagram:@stadiumtigersfb"]);
    assert_eq!(s, 0, "{out}");
    assert_inert("history", &out);
}

/// `policysite verify` prints the last day a valid code counts.
#[test]
fn verify_prints_the_valid_until_date() {
    let site = TestSite::bundled();
    let code = code_for(&site, "public-records", ADMIN, "2026-11-20", None);
    let (s, out) = run(&site, &["verify", "--today", TODAY, "--email", ADMIN, &code]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains(": VALID, valid until 2027-11-20"), "{out}");
}

/// A saved email may be larger than a request file (a signature's logo): it is still read, and the
/// request in it meets every limit a request file does.
#[test]
fn a_large_email_with_an_image_is_read() {
    let site = TestSite::bundled();
    let req = long_request(&site);
    let text = body(&req).replace('\n', "\r\n");
    let logo = base64(&vec![0x89u8; 400 * 1024]);
    let mime = format!(
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n--b1\r\nContent-Type: image/png; name=logo.png\r\nContent-Disposition: inline; filename=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{logo}--b1--\r\n"
    );
    let (s, out) = check_file(&site, "big.eml", &email("multipart/mixed; boundary=b1", "7bit", &mime));
    assert_eq!(s, 0, "{out}");
    // The same size as a .json file is refused.
    let (s, out) = check_file(
        &site,
        "big.json",
        &format!("{}{}", " ".repeat(300 * 1024), serde_json::to_string(&req).expect("json")),
    );
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("larger than 256 KiB"), "{out}");
}

/// Issue 17, identifiers: a request id is the account's key (directory, `request history ID`, the
/// form's data), so it follows the one identifier rule: refused by `request check` (and so never
/// approved), and a hand-edited one in data/directory.yaml is an error at its line.
#[test]
fn request_ids_follow_the_identifier_rule() {
    let site = TestSite::bundled();
    for bad in ["../../x", "req 1", "req\"1", "/etc/passwd"] {
        let mut req = good_request(&site);
        req["id"] = json!(bad);
        let (s, out) = check(&site, &req);
        assert_eq!(s, 1, "{bad}: {out}");
        assert!(out.contains("id: ") && out.contains("is not a plain identifier"), "{bad}: {out}");
    }
    let (s, out) = approve(&site, "good.json", &good_request(&site));
    assert_eq!(s, 0, "{out}");
    let dir = site.read("data/directory.yaml");
    let id = good_request(&site)["id"].as_str().map(str::to_string).unwrap_or_default();
    let line = dir.lines().position(|l| l.contains(&format!("request_id: {id}"))).map(|i| i + 1);
    let Some(line) = line else { panic!("no request_id line in {dir}") };
    site.write("data/directory.yaml", &dir.replace(&format!("request_id: {id}"), "request_id: ../evil"));
    let err = site.build_err();
    assert!(
        err.contains(&format!("data/directory.yaml:{line}: request id \"../evil\" is not a plain identifier")),
        "{err}"
    );
}
