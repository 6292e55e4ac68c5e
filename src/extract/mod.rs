//! Text derived from formats a reader does not read as bytes: web pages and PDFs.
//!
//! The stored bytes stay the record. For a format listed here the ledger derives, when the
//! source is added, the text a reader sees, records it with the extractor's name and
//! version ([`Extracted::extractor`]), and anchors quotes in that text. These modules map
//! bytes to text and know nothing of the store.

pub mod charset;
pub mod html;
pub mod mhtml;
pub mod pdf;

/// A derived text and what derived it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Name/version of the rules or program that derived it.
    pub extractor: String,
    /// The text.
    pub text: String,
}

/// Whether quotes in sources of this media type anchor in a derived text.
pub fn derives(media_type: &str) -> bool {
    matches!(
        media_type,
        "text/html" | "application/pdf" | mhtml::MEDIA_TYPE
    )
}

/// Derives the text of a source of `media_type`, when there is a derivation for it (and,
/// for a PDF, `pdftotext` is installed and reads it).
pub fn derive(media_type: &str, bytes: &[u8]) -> Option<Extracted> {
    match media_type {
        "text/html" => Some(Extracted {
            extractor: html::EXTRACTOR.to_string(),
            text: html::derive(&charset::decode(bytes, None)?).text,
        }),
        "application/pdf" => Some(Extracted {
            extractor: pdf::extractor()?,
            text: pdf::derive(bytes)?,
        }),
        mhtml::MEDIA_TYPE => Some(Extracted {
            extractor: mhtml::extractor(),
            text: mhtml::derive(bytes)?,
        }),
        _ => None,
    }
}

/// Where code points `start..end` of a web page's derived text sit in its markup (None
/// for a PDF, or when the span has no place there).
pub fn markup_of(
    media_type: &str,
    bytes: &[u8],
    start: i64,
    end: i64,
) -> Option<html::MarkupRange> {
    match media_type {
        "text/html" => html::markup_of(bytes, start, end),
        mhtml::MEDIA_TYPE => mhtml::markup_of(bytes, start, end),
        _ => None,
    }
}

/// The extractor a text of `media_type` is derived by today (None: none, or not installed).
pub fn current_extractor(media_type: &str) -> Option<String> {
    match media_type {
        "text/html" => Some(html::EXTRACTOR.to_string()),
        "application/pdf" => pdf::extractor(),
        mhtml::MEDIA_TYPE => Some(mhtml::extractor()),
        _ => None,
    }
}
