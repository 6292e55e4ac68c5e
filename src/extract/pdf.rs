//! The text of a PDF, page by page, as poppler's `pdftotext` extracts it.
//!
//! Design decisions:
//!
//! - `pdftotext` (Debian's poppler-utils, scripts/deps/poppler.sh) in its reading-order mode
//!   (not `-layout`, which pads columns with runs of spaces a quote never has); UTF-8
//!   output. Pages end with a form feed (U+000C), so page N of a span is one more than the
//!   form feeds before it.
//! - The extractor's name carries poppler's version (`pdftotext 22.02.0`): another version
//!   may extract other text, and `verify` reports it rather than accepting it.
//! - A PDF with no text layer (a scan) gives only form feeds and white space: it is stored
//!   and citable as evidence, and quoting into it is refused with a message saying so.

use std::io::Write;
use std::process::{Command, Stdio};

/// The program that extracts the text.
pub const PROGRAM: &str = "pdftotext";

/// The extractor's name and version (`pdftotext 22.02.0`), or None when it is missing.
pub fn extractor() -> Option<String> {
    let out = Command::new(PROGRAM).arg("-v").output().ok()?;
    let all =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let version = all
        .lines()
        .find_map(|l| l.strip_prefix("pdftotext version "))?
        .trim()
        .to_string();
    Some(format!("{PROGRAM} {version}"))
}

/// The text of a PDF, pages ended by form feeds, or None when `pdftotext` is missing or
/// cannot read it.
pub fn derive(bytes: &[u8]) -> Option<String> {
    let mut child = Command::new(PROGRAM)
        .args(["-enc", "UTF-8", "-eol", "unix", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let bytes = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// Whether an extracted text holds any text at all (a scan has none).
pub fn has_text_layer(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace())
}

/// The 1-based page code point `at` of an extracted text is on.
pub fn page_of(text: &str, at: usize) -> usize {
    1 + text.chars().take(at).filter(|&c| c == '\u{c}').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_count_form_feeds() {
        let text = "one\n\u{c}two\nthree\u{c}";
        assert_eq!(page_of(text, 0), 1);
        assert_eq!(page_of(text, 5), 2);
        assert!(has_text_layer(text));
        assert!(!has_text_layer("\u{c}\n\u{c}"));
    }
}
