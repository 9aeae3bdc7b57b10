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

/// Why `value`, a text a request puts on the site (an account's unit or name, an administrator's
/// name), is refused: a control character, or one that overrides the direction of the text or hides
/// in it (a right-to-left override makes "Evil\u{202e}Name" read otherwise; a zero-width space makes
/// a lookalike). The joiners and direction marks that Persian, Arabic, Hebrew or an emoji sequence
/// need (U+200C, U+200D, U+200E, U+200F, U+061C) are text and pass. `None` when it is plain text.
pub fn hidden_in(value: &str) -> Option<String> {
    let text_needs = |c: char| matches!(c, '\u{200c}'..='\u{200f}' | '\u{061c}');
    let bad = value.chars().find(|&c| hidden(c) && !text_needs(c))?;
    Some(format!(
        "holds the invisible or control character U+{:04X}, which would hide or reorder text on the site; type the text again without it (often pasted along from another document)",
        bad as u32
    ))
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

    #[test]
    fn refuses_hidden_characters_in_text_for_the_site() {
        use super::hidden_in;
        assert!(hidden_in("Stadium High School").is_none());
        assert!(hidden_in("Evil\u{202e}Name").is_some_and(|m| m.contains("U+202E")));
        assert!(hidden_in("a\u{2067}b\u{2069}").is_some());
        assert!(hidden_in("Kim\x1b]0;t\x07").is_some_and(|m| m.contains("U+001B")));
        assert!(hidden_in("two\nlines").is_some());
        assert!(hidden_in("team\u{200b}1").is_some());
        // What scripts and emoji need is text: Persian with a zero-width non-joiner, Hebrew and
        // Arabic with direction marks, a family emoji joined by zero-width joiners, a no-break space.
        for ok in ["دانش\u{200c}آموزان", "בית\u{200f} ספר", "مدرسة\u{061c}", "👨\u{200d}👩\u{200d}👧", "Ms.\u{a0}Lee"]
        {
            assert!(hidden_in(ok).is_none(), "{ok}");
        }
    }
}
