//! Rendering untrusted text safely: the one place that decides what stored text may reach
//! a terminal or a spreadsheet as it is.
//!
//! Names, statements, notes, titles and source text come from strangers. They are stored
//! exact and `--json` prints them exact (JSON escapes every control character); every
//! human-readable output goes through [`terminal`], and every CSV cell through
//! [`spreadsheet`].

use std::borrow::Cow;

use crate::invisible::escape;
/// Whether `c` must not reach a terminal raw: C0 and C1 controls and DEL (ESC starts
/// escape sequences, BEL rings, CR and backspace overwrite what was printed), and the bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what
/// follows. Line feed and tab are layout, not controls, and pass.
pub use crate::invisible::is_unsafe;

/// `text` with every unsafe character written visibly as `\u{1b}` (Rust's escape syntax:
/// the code point in hex), so it can be printed to a terminal. Text with none is borrowed.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with every unsafe character that serde_json leaves raw (DEL, the C1
/// controls, the bidi controls) written as a JSON `\uXXXX` escape: the same JSON value,
/// exact, and harmless on a terminal. (serde_json already escapes C0 controls; every
/// unsafe character is in the BMP and can only occur inside a JSON string.)
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV cell that a spreadsheet will not run as a formula: a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading `'`, as OWASP advises for CSV injection.
pub fn spreadsheet(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Standard output for text written piece by piece (an export, `list --json`): serialized
/// JSON through [`json`], other text through [`terminal`]. Every piece written must be
/// whole UTF-8 text (the writers in `crate::export::pretty` write whole strings).
pub struct Terminal<W> {
    out: W,
    json: bool,
}

impl Terminal<std::io::BufWriter<std::io::StdoutLock<'static>>> {
    /// Buffered standard output; `json` says whether the text is serialized JSON.
    pub fn stdout(json: bool) -> Self {
        Terminal {
            out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            json,
        }
    }
}

impl<W: std::io::Write> std::io::Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let safe = if self.json {
            json(&text)
        } else {
            terminal(&text)
        };
        self.out.write_all(safe.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_obeyed() {
        assert_eq!(
            terminal("\u{1b}]0;pwned\u{7}\u{1b}[2JEvil\rParty"),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[2JEvil\\u{d}Party"
        );
        assert_eq!(terminal("a\u{202E}b\u{2066}c"), "a\\u{202e}b\\u{2066}c");
        assert_eq!(terminal("line\n\tnext"), "line\n\tnext");
        assert!(matches!(terminal("plain «text» 👩‍🚒"), Cow::Borrowed(_)));
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(spreadsheet("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet("-2+3"), "'-2+3");
        assert_eq!(spreadsheet("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet("plain"), "plain");
        assert_eq!(spreadsheet(""), "");
    }
}
