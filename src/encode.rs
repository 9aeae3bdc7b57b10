//! Ground floor: encodings any module may need — bytes as hex, JSON that is safe inside a
//! `<script>`. No imports from the crate.

use std::io::Write;

use serde::Serialize;

/// `bytes` as lower-case hex, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Escapes `<` inside the JSON (it can only occur in strings) so `</script>` can never appear.
/// For any JSON the site puts inside or as a script (the index, the quiz data, `site-data.js`).
pub(crate) struct ScriptSafe<W: Write>(pub W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for chunk in buf.split_inclusive(|b| *b == b'<') {
            match chunk.split_last() {
                Some((b'<', rest)) => {
                    self.0.write_all(rest)?;
                    self.0.write_all(b"\\u003c")?;
                }
                _ => self.0.write_all(chunk)?,
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `value` as JSON that is safe inside a `<script>` (see [`ScriptSafe`]).
pub(crate) fn script_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let _ = serde_json::to_writer(ScriptSafe(&mut out), value);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_escapes_angle_brackets() {
        let mut out = Vec::new();
        let _ = serde_json::to_writer(ScriptSafe(&mut out), &"</script>");
        assert_eq!(String::from_utf8_lossy(&out), "\"\\u003c/script>\"");
    }
}
