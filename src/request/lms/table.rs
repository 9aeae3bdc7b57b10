//! An exported report as text rows: the bytes decoded (a BOM says UTF-8 or UTF-16; without one,
//! UTF-8 if the bytes are valid UTF-8, else Windows-1252, Excel's default on Windows; or the
//! encoding given), the separator detected from the header line (tab, semicolon or comma) or given,
//! and the fields split as RFC 4180 says (quoted fields may hold separators, doubled quotes and line
//! breaks). Unlike the `csv` crate, which reads an unclosed quote to the end of the file without a
//! word, an unbalanced quote is an error naming its line; line numbers count CRLF and LF alike.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// A decoded, split report: every non-blank record with its 1-based starting line.
#[derive(Debug)]
pub struct Table {
    pub encoding: &'static str,
    pub separator: char,
    pub records: Vec<(u64, Vec<String>)>,
}

/// Decode `bytes`: BOM first, then `forced` (an encoding label such as `windows-1252`), then UTF-8
/// when valid, else Windows-1252.
pub fn decode(bytes: &[u8], forced: Option<&str>) -> Result<(String, &'static str), String> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!("its {} byte order mark is followed by bytes that are not {}", enc.name(), enc.name()));
        }
        return Ok((text.into_owned(), enc.name()));
    }
    if let Some(label) = forced {
        let enc = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            format!("--lms-encoding `{label}` is not an encoding name (utf-8, utf-16le, windows-1252, …)")
        })?;
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(format!("it is not valid {}", enc.name()));
        }
        return Ok((text.into_owned(), enc.name()));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), UTF_8.name())),
        Err(_) => Ok((WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), WINDOWS_1252.name())),
    }
}

/// `,` `;` `tab` (or `\t`) `|`.
pub fn separator_from(s: &str) -> Result<char, String> {
    match s {
        "," | "comma" => Ok(','),
        ";" | "semicolon" => Ok(';'),
        "\t" | "\\t" | "tab" => Ok('\t'),
        "|" | "pipe" => Ok('|'),
        _ => Err(format!("--lms-separator `{s}`: use comma, semicolon, tab or pipe")),
    }
}

/// The separator used most on the first line outside quotes (tab, then semicolon, then comma on a tie).
fn detect(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [('\t', 0usize), (';', 0), (',', 0)];
    let mut quoted = false;
    for c in first.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            for (s, n) in counts.iter_mut() {
                if *s == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().filter(|(_, n)| *n > 0).max_by_key(|(_, n)| *n).map_or(',', |(s, _)| *s)
}

/// Split `text` into records.
pub fn split(text: &str, separator: char) -> Result<Vec<(u64, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line: u64 = 1;
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut start = 1;
    let mut quote_line = 0;
    let mut in_quotes = false;
    let mut was_quoted = false;
    let push_record = |record: &mut Vec<String>, start: u64, out: &mut Vec<(u64, Vec<String>)>| {
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].trim().is_empty()) {
            out.push((start, r));
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !was_quoted => {
                field.clear();
                in_quotes = true;
                was_quoted = true;
                quote_line = line;
            }
            c if c == separator => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                push_record(&mut record, start, &mut out);
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "line {quote_line}: a quoted field opened here is never closed (an unbalanced \"); the rest of the file would be read as one cell. Fix the quote in the export"
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        push_record(&mut record, start, &mut out);
    }
    Ok(out)
}

/// Read the report's bytes into records.
pub fn read(bytes: &[u8], separator: Option<char>, encoding: Option<&str>) -> Result<Table, String> {
    let (text, encoding) = decode(bytes, encoding)?;
    let separator = separator.unwrap_or_else(|| detect(&text));
    let records = split(&text, separator)?;
    Ok(Table { encoding, separator, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_lines_and_quoted_breaks_are_counted() {
        let t = read(b"a,b\r\n\"x\r\ny\",2\r\n\r\nc,3\r\n", None, None).expect("table");
        let lines: Vec<u64> = t.records.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 5]);
        assert_eq!(t.records[1].1, vec!["x\ny".to_string(), "2".to_string()]);
    }

    #[test]
    fn an_unbalanced_quote_is_an_error_at_its_line() {
        let e = read(b"a,b\n1,2\n\"oops,3\n4,5\n", None, None).expect_err("unbalanced");
        assert!(e.starts_with("line 3:"), "{e}");
    }

    #[test]
    fn encodings_and_separators_are_detected() {
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a\tb\n1\t2\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let t = read(&utf16, None, None).expect("utf-16");
        assert_eq!((t.encoding, t.separator), ("UTF-16LE", '\t'));
        let t = read(b"name;x\nJos\xe9;1\n", None, None).expect("1252");
        assert_eq!(t.encoding, "windows-1252");
        assert_eq!(t.records[1].1[0], "José");
        let t = read("\u{feff}a,b\n".as_bytes(), None, None).expect("bom");
        assert_eq!(t.records[0].1[0], "a");
    }
}
