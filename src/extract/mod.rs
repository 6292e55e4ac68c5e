//! Text derived from formats a reader does not read as bytes: web pages (and later PDFs).
//!
//! The stored bytes stay the record. For a format listed here the ledger derives, when the
//! source is added, the text a reader sees, records it with the extractor's name and
//! version ([`Extracted::extractor`]), and anchors quotes in that text. These modules map
//! bytes to text and know nothing of the store.

pub mod html;

/// A derived text and what derived it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Name/version of the rules that derived it.
    pub extractor: &'static str,
    /// The text.
    pub text: String,
}

/// Whether quotes in sources of this media type anchor in a derived text.
pub fn derives(media_type: &str) -> bool {
    media_type == "text/html"
}

/// Derives the text of a source of `media_type`, when there is a derivation for it.
pub fn derive(media_type: &str, bytes: &[u8]) -> Option<Extracted> {
    if !derives(media_type) {
        return None;
    }
    let html = std::str::from_utf8(bytes).ok()?;
    Some(Extracted {
        extractor: html::EXTRACTOR,
        text: html::derive(html).text,
    })
}

/// The extractor a text of `media_type` is derived by today.
pub fn current_extractor(media_type: &str) -> Option<&'static str> {
    derives(media_type).then_some(html::EXTRACTOR)
}
