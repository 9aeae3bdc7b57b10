//! The one XML writer (`feed.xml`, `sitemap.xml`, `imsmanifest.xml`), on `quick-xml`, and the one
//! rule for text that reaches XML.
//!
//! XML 1.0 cannot carry most control characters (U+0000–U+001F other than tab, line feed and
//! carriage return) nor U+FFFE/U+FFFF, not even as character references: a feed or manifest holding
//! one is not well-formed, and feed readers and LMSs reject the whole file. [`check_text`] refuses
//! them where an admin writes them (titles, notes, descriptions), with file:line; the writer replaces
//! any that still arrive with U+FFFD, so its output is always well-formed.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// What to do about a character [`check_text`] refuses.
pub const CHAR_HELP: &str = "remove the control character (often pasted from a word processor or PDF); feed.xml and SCORM manifests cannot carry it";

/// Whether XML 1.0 can carry `c` (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `Err` naming the first character XML cannot carry, and where it is in `text`.
pub fn check_text(text: &str) -> Result<(), String> {
    match text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        None => Ok(()),
        Some((i, c)) => {
            let col = text[..i].chars().count() + 1;
            Err(format!("contains the control character U+{:04X} (character {col}), which XML cannot carry", c as u32))
        }
    }
}

fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }).collect())
    }
}

/// An XML document written element by element. Text is escaped for `&`, `<`, `>` (and `\r`);
/// attribute values also for quotes. Whitespace between elements is written as given, so a
/// document keeps the layout of the hand-written one it replaced.
pub struct Doc {
    w: Writer<Vec<u8>>,
}

impl Doc {
    /// A document starting with `<?xml version="1.0" encoding="…"?>` and a line feed.
    pub fn new(encoding: &str) -> Doc {
        let mut d = Doc { w: Writer::new(Vec::new()) };
        d.event(Event::Decl(BytesDecl::new("1.0", Some(encoding), None)));
        d.ws("\n");
        d
    }

    fn event(&mut self, e: Event<'_>) {
        // Writing into a Vec cannot fail.
        let _ = self.w.write_event(e);
    }

    fn start<'a>(name: &'a str, attrs: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute((*k, &*clean(v)));
        }
        s
    }

    /// Whitespace between elements (a line feed and indentation).
    pub fn ws(&mut self, s: &str) -> &mut Doc {
        debug_assert!(s.chars().all(char::is_whitespace));
        self.event(Event::Text(BytesText::from_escaped(s)));
        self
    }

    /// `<name attrs…>`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Doc {
        self.event(Event::Start(Doc::start(name, attrs)));
        self
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Doc {
        self.event(Event::End(BytesEnd::new(name)));
        self
    }

    /// `<name attrs…>text</name>`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Doc {
        self.open(name, attrs);
        self.text(text);
        self.close(name)
    }

    /// `<name attrs…/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Doc {
        self.event(Event::Empty(Doc::start(name, attrs)));
        self
    }

    /// Character data.
    pub fn text(&mut self, text: &str) -> &mut Doc {
        let escaped = quick_xml::escape::partial_escape(clean(text).into_owned()).into_owned();
        self.event(Event::Text(BytesText::from_escaped(escaped)));
        self
    }

    pub fn finish(self) -> String {
        String::from_utf8(self.w.into_inner()).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_xml_cannot_carry_and_the_writer_never_writes_it() {
        assert!(check_text("Tab\tand line\nfeed, “quotes”, émoji 🎉").is_ok());
        let e = check_text("Note\u{1}x").expect_err("control char");
        assert!(e.contains("U+0001") && e.contains("character 5"), "{e}");
        assert!(check_text("\u{FFFE}").is_err());
        assert!(check_text("\u{0}").is_err());
        let mut d = Doc::new("utf-8");
        d.open("a", &[("href", "x\u{7}\"&<")]).text("1 < 2 & \u{1b}[31m \"q\"").close("a");
        let s = d.finish();
        assert_eq!(
            s,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a href=\"x\u{FFFD}&quot;&amp;&lt;\">1 &lt; 2 &amp; \u{FFFD}[31m \"q\"</a>"
        );
    }
}
