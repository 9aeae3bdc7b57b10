//! Text from request files, emails and LMS reports printed to a terminal.
//!
//! A request whose `account.unit` holds `\x1b[2K\x1b[1A\x1b]0;…\x07` would erase the reviewer's
//! lines and set the terminal's title while the verdict still reads ACCEPTABLE. Every line the
//! request commands print goes through [`visible`]: control characters (C0, DEL, C1) and the
//! invisible characters that reorder or hide text (bidi embeddings, overrides and isolates, marks,
//! zero-width characters, the BOM) are shown as `\u{…}` escapes, so they are seen, not obeyed.

/// Whether `c` is shown as an escape.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}'
        )
}

/// `s` with every control or invisible character written as `\u{1b}`; a tab stays a tab.
pub fn visible(s: &str) -> String {
    if !s.chars().any(|c| hidden(c) && c != '\t') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if hidden(c) && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Print one line to stdout, made [`visible`].
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => { println!("{}", $crate::request::text::visible(&format!($($t)*))) };
}

/// Print one line to stderr, made [`visible`].
#[macro_export]
macro_rules! warn_line {
    ($($t:tt)*) => { eprintln!("{}", $crate::request::text::visible(&format!($($t)*))) };
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(visible("Unit\x1b[2K\x1b]0;x\x07\r"), "Unit\\u{1b}[2K\\u{1b}]0;x\\u{7}\\u{d}");
        assert_eq!(visible("a\u{202e}b\u{200b}"), "a\\u{202e}b\\u{200b}");
        assert_eq!(visible("plain é\ttab"), "plain é\ttab");
        assert_eq!(visible("line\nnext"), "line\\u{a}next");
    }
}
