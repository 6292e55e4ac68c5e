//! The text a reader sees in an MHTML archive (`.mhtml`, `.mht`: a `multipart/related`
//! MIME message, as Chromium's "Save as… Webpage, Single File" and DevTools'
//! `Page.captureSnapshot` write it).
//!
//! Design decisions:
//!
//! - The stored bytes stay the whole archive. The text is that of its root part, the
//!   `text/html` part a browser opens: the one the `start` parameter names, else the first
//!   part (RFC 2557). The MIME structure and the transfer encodings (quoted-printable,
//!   base64) are read by `mail-parser`; the encoding is found as [`super::charset`] says
//!   (the part's `charset` parameter, else the page's `<meta>`, as Chromium writes it). A
//!   part that does not decode cleanly gives no text (the archive is stored as evidence)
//!   rather than a text with replacement characters no reader saw.
//! - The page is then read as [`super::html`] reads a page, with the differences a
//!   browser has for an archive: no script runs, so `<noscript>` shows its content, and
//!   `<template shadowmode>` (Chromium's older name for `shadowrootmode`, which it still
//!   writes into MHTML) makes a shadow root.
//! - [`extractor`] names both sets of rules, so a change to either is a new name.

use mail_parser::{Encoding as Transfer, MessageParser, MimeHeaders, PartType};

use super::html::{self, Options};

/// The media type MHTML archives are stored as.
pub const MEDIA_TYPE: &str = "multipart/related";

/// The version of the archive-reading rules.
const RULES: &str = "claimledger-mhtml/1";

/// Name and version of the rules, recorded with every derived text:
/// `claimledger-mhtml/1+claimledger-html-innertext/2`.
pub fn extractor() -> String {
    format!("{RULES}+{}", html::EXTRACTOR)
}

/// The decoded HTML of an archive's root part (None: not an MHTML archive whose root part
/// is HTML in a charset that decodes cleanly).
pub fn root_html(bytes: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(bytes)?;
    let top = message.parts.first()?;
    if !top.is_content_type("multipart", "related") {
        return None;
    }
    let PartType::Multipart(children) = &top.body else {
        return None;
    };
    let parts = children.iter().filter_map(|&id| message.part(id));
    let start = top
        .content_type()
        .and_then(|ct| ct.attribute("start"))
        .map(bare_id);
    let root = match start {
        Some(start) => parts
            .clone()
            .find(|p| p.content_id().map(bare_id) == Some(start))?,
        None => parts.clone().next()?,
    };
    if !root.is_content_type("text", "html") {
        return None;
    }
    let raw = bytes.get(root.raw_body_offset() as usize..root.raw_end_offset() as usize)?;
    let decoded = match root.encoding {
        Transfer::QuotedPrintable => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(raw)?
        }
        Transfer::Base64 => mail_parser::decoders::base64::base64_decode(raw)?,
        Transfer::None => raw.to_vec(),
    };
    let charset = root.content_type().and_then(|ct| ct.attribute("charset"));
    super::charset::decode(&decoded, charset)
}

/// A Content-ID without its angle brackets.
fn bare_id(id: &str) -> &str {
    let id = id.trim();
    id.strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id)
}

/// Derives the text of an MHTML archive (None: see [`root_html`]).
pub fn derive(bytes: &[u8]) -> Option<String> {
    Some(html::derive_with(&root_html(bytes)?, Options::ARCHIVED).text)
}

/// Where code points `start..end` of an archive's derived text sit in the markup of its
/// root part.
pub fn markup_of(bytes: &[u8], start: i64, end: i64) -> Option<html::MarkupRange> {
    html::markup_in(&root_html(bytes)?, Options::ARCHIVED, start, end)
}

/// Whether the first bytes of a file are the headers of an MHTML archive: a header block
/// whose `Content-Type` is `multipart/related`.
pub fn sniff(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut lines = text.lines();
    let mut content_type = None;
    let mut any_header = false;
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue; // a folded header's continuation
        }
        let Some((name, value)) = line.split_once(':') else {
            return false; // not a header block
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return false;
        }
        any_header = true;
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_ascii_lowercase());
        }
    }
    any_header
        && content_type.is_some_and(|ct| {
            ct.strip_prefix("multipart/related")
                .map(str::trim_start)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(';'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(part_headers: &str, body: &str) -> Vec<u8> {
        format!(
            "From: <Saved by Blink>\r\nSubject: t\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"--b--\"\r\n\r\n\r\n\
             ----b--\r\n{part_headers}\r\n\r\n{body}\r\n----b--\r\n\
             Content-Type: text/css\r\nContent-Location: cid:css@x\r\n\r\np{{}}\r\n----b----\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn the_root_part_is_decoded_with_its_charset() {
        let qp = archive(
            "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable",
            "<p>caf=C3=A9 au =\r\nlait</p>",
        );
        assert!(sniff(&qp));
        assert_eq!(derive(&qp).as_deref(), Some("café au lait"));
        let latin = archive(
            "Content-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable",
            "<p>=93caf=E9=94</p>",
        );
        assert_eq!(derive(&latin).as_deref(), Some("\u{201c}café\u{201d}"));
        let b64 = archive(
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64",
            "PHA+b25lPC9wPjxub3NjcmlwdD50d288L25vc2NyaXB0Pg==",
        );
        // <p>one</p><noscript>two</noscript>: no script runs in an archive.
        assert_eq!(derive(&b64).as_deref(), Some("one\n\ntwo"));
    }

    #[test]
    fn what_is_not_a_readable_archive_gives_no_text() {
        // Bytes that are not UTF-8, with no charset named.
        let bad = archive(
            "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable",
            "<p>caf=E9</p>",
        );
        assert_eq!(derive(&bad), None);
        let unknown = archive("Content-Type: text/html; charset=x-no-such", "<p>a</p>");
        assert_eq!(derive(&unknown), None);
        let not_html = archive("Content-Type: image/png", "png");
        assert_eq!(derive(&not_html), None);
        assert!(!sniff(
            b"Subject: hi\r\nContent-Type: text/plain\r\n\r\nbody"
        ));
        assert!(!sniff(
            b"<!DOCTYPE html><p>Content-Type: multipart/related</p>"
        ));
        assert!(!sniff(b"Content-Type: multipart/relatedness\r\n\r\n"));
    }
}
