//! The character encoding of a saved page, found as a browser finds it: a byte order
//! mark, else the charset its transport names (an MHTML part's `charset`), else the
//! `<meta>` declaration the HTML standard's prescan finds in its first 1024 bytes, else
//! UTF-8. Labels are the WHATWG Encoding Standard's (`encoding_rs`), so `iso-8859-1`
//! decodes as windows-1252, as in every browser.
//!
//! Chromium writes pages that are not UTF-8 into MHTML in their own encoding, with the
//! `<meta>` rewritten to name it and no `charset` on the part, so the prescan is needed to
//! read its archives. A page that does not decode cleanly in its encoding gives no text.

use encoding_rs::Encoding;

/// Decodes a page; None when a label is unknown or the bytes do not decode cleanly.
pub fn decode(bytes: &[u8], transport: Option<&str>) -> Option<String> {
    let encoding = match Encoding::for_bom(bytes) {
        Some((bom, _)) => bom,
        None => match transport {
            Some(label) => Encoding::for_label(label.trim().as_bytes())?,
            None => prescan(bytes).unwrap_or(encoding_rs::UTF_8),
        },
    };
    let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The encoding a `<meta>` in the first 1024 bytes declares ("prescan a byte stream to
/// determine its encoding", HTML §13.2.3.2), if any.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(head.len(), |at| at + 7);
        } else if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && matches!(rest[5], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        {
            let (attrs, used) = attributes(&rest[5..]);
            if let Some(found) = meta_charset(&attrs) {
                return Some(found);
            }
            i += 5 + used;
        } else if rest.len() > 1
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic() || rest[1] == b'/')
        {
            let name_end = rest
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>'))
                .unwrap_or(rest.len());
            let (_, used) = attributes(&rest[name_end..]);
            i += name_end + used;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i += find(rest, b">").map_or(head.len(), |at| at + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// What a `<meta>`'s attributes declare: `charset`, or `http-equiv=content-type` with a
/// `content` naming one. UTF-16 labels mean UTF-8 here, x-user-defined windows-1252.
fn meta_charset(attrs: &[(String, String)]) -> Option<&'static Encoding> {
    let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let label = match get("charset") {
        Some(c) => c.clone(),
        None => {
            let equiv = get("http-equiv")?;
            if !equiv.eq_ignore_ascii_case("content-type") {
                return None;
            }
            charset_in_content(get("content")?)?
        }
    };
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    Some(
        if encoding == encoding_rs::UTF_16BE || encoding == encoding_rs::UTF_16LE {
            encoding_rs::UTF_8
        } else if encoding == encoding_rs::X_USER_DEFINED {
            encoding_rs::WINDOWS_1252
        } else {
            encoding
        },
    )
}

/// The charset a `content="text/html; charset=…"` names.
fn charset_in_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start().strip_prefix('=')?.trim_start();
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest
            .split(|c: char| c.is_ascii_whitespace() || c == ';')
            .next()?,
    };
    (!value.is_empty()).then(|| value.to_string())
}

/// The attributes of a tag from just after its name, and how many bytes they took (to
/// just past the `>`).
fn attributes(bytes: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = 0;
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/');
    loop {
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < bytes.len() && !space(bytes[i]) && !matches!(bytes[i], b'=' | b'>') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&bytes[start..i]).to_ascii_lowercase();
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                i += 1;
            }
            if i < bytes.len() && matches!(bytes[i], b'"' | b'\'') {
                let quote = bytes[i];
                let from = i + 1;
                let to = bytes[from..]
                    .iter()
                    .position(|&b| b == quote)
                    .map_or(bytes.len(), |p| from + p);
                value = String::from_utf8_lossy(&bytes[from..to]).into_owned();
                i = (to + 1).min(bytes.len());
            } else {
                let from = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>')
                {
                    i += 1;
                }
                value = String::from_utf8_lossy(&bytes[from..i]).into_owned();
            }
        }
        if !name.is_empty() && !attrs.iter().any(|(n, _)| *n == name) {
            attrs.push((name, value));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_found_as_a_browser_finds_it() {
        let latin = b"<!DOCTYPE html><!-- <meta charset=koi8-r> --><html><head>\
            <META content=\"text/html; charset=iso-8859-1\" http-equiv=Content-Type>\
            </head><body>caf\xe9</body></html>";
        assert_eq!(prescan(latin), Some(encoding_rs::WINDOWS_1252));
        assert!(decode(latin, None).unwrap().contains("café"));
        // The transport's charset comes first, a byte order mark before it.
        assert_eq!(
            decode(b"\xe9", Some("iso-8859-7")).as_deref(),
            Some("\u{3b9}")
        );
        assert_eq!(
            decode(b"\xef\xbb\xbfa", Some("iso-8859-7")).as_deref(),
            Some("a")
        );
        assert_eq!(
            prescan(b"<meta charset='utf-16le'>"),
            Some(encoding_rs::UTF_8)
        );
        assert_eq!(prescan(b"<p>no declaration</p>"), None);
        // No declaration: UTF-8, and bytes that are not UTF-8 give no text.
        assert_eq!(decode(b"caf\xc3\xa9", None).as_deref(), Some("café"));
        assert_eq!(decode(b"caf\xe9", None), None);
        assert_eq!(decode(b"a", Some("x-no-such")), None);
    }
}
