//! Source versions: exact bytes named by their SHA-256.
//!
//! A source is read once, as a stream: the same pass hashes it, checks whether it is valid
//! UTF-8 (only text can hold an anchored quote), sniffs its media type from the first
//! bytes, and hands each chunk to storage. Memory stays flat in the size of the file.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Size of the chunks a source is read and stored in.
pub const CHUNK_SIZE: usize = 1 << 20;

/// Hex digits of a SHA-256 that a prefix must give at least.
pub const MIN_PREFIX: usize = 6;

/// Descriptive metadata a user gives when adding a source.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceMeta {
    /// The headline or title.
    pub title: Option<String>,
    /// Where it was captured from.
    pub url: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// When it was published, as given (a day or an RFC 3339 time).
    pub published: Option<String>,
}

/// What one streaming pass over a source found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// Number of bytes.
    pub size: u64,
    /// Whether the bytes are valid UTF-8 (and so quotes can be anchored in them).
    pub is_text: bool,
    /// The sniffed media type.
    pub media_type: String,
}

/// Reads `input` to its end in [`CHUNK_SIZE`] chunks, giving each chunk and its index to
/// `sink`, and returns the fingerprint of everything read. `path` names the input in error
/// messages, and its extension helps to name the media type of text.
pub fn stream<R: Read>(
    mut input: R,
    path: &Path,
    mut sink: impl FnMut(usize, &[u8]) -> Result<()>,
) -> Result<Fingerprint> {
    let mut hasher = Sha256::new();
    let mut utf8 = Utf8Stream::default();
    let mut head: Vec<u8> = Vec::new();
    let mut size: u64 = 0;
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut index = 0;
    loop {
        let filled = fill(&mut input, &mut buf).map_err(|source| Error::ReadFile {
            path: path.to_path_buf(),
            source,
        })?;
        if filled == 0 {
            break;
        }
        let chunk = &buf[..filled];
        hasher.update(chunk);
        utf8.feed(chunk);
        if head.len() < 8192 {
            let take = (8192 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        size += filled as u64;
        sink(index, chunk)?;
        index += 1;
    }
    let is_text = utf8.finish();
    let name = path.file_name().and_then(|n| n.to_str());
    Ok(Fingerprint {
        sha256: hex::encode(hasher.finalize()),
        size,
        is_text,
        media_type: media_type(&head, is_text, name).to_string(),
    })
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn fill<R: Read>(input: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Validates UTF-8 across chunk boundaries.
#[derive(Default)]
struct Utf8Stream {
    valid: bool,
    started: bool,
    carry: Vec<u8>,
}

impl Utf8Stream {
    fn feed(&mut self, chunk: &[u8]) {
        if !self.started {
            self.started = true;
            self.valid = true;
        }
        if !self.valid {
            return;
        }
        let owned;
        let bytes: &[u8] = if self.carry.is_empty() {
            chunk
        } else {
            owned = [std::mem::take(&mut self.carry).as_slice(), chunk].concat();
            &owned
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                // An incomplete sequence at the end: it may finish in the next chunk.
                self.carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.valid = false,
        }
    }

    fn finish(self) -> bool {
        self.started && self.valid && self.carry.is_empty()
    }
}

/// Names the media type of a source from its first bytes.
pub fn media_type(head: &[u8], is_text: bool, name: Option<&str>) -> &'static str {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type();
    }
    let lower = name.map(|n| n.to_ascii_lowercase()).unwrap_or_default();
    if lower.ends_with(".mhtml") || lower.ends_with(".mht") || crate::extract::mhtml::sniff(head) {
        return crate::extract::mhtml::MEDIA_TYPE;
    }
    if !is_text && (lower.ends_with(".html") || lower.ends_with(".htm")) {
        return "text/html"; // a page in another encoding than UTF-8
    }
    if is_text {
        let start = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
        let start = start.trim_start_matches('\u{feff}').trim_start();
        if lower.ends_with(".html")
            || lower.ends_with(".htm")
            || start.starts_with("<!doctype html")
            || start.starts_with("<html")
        {
            return "text/html";
        }
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return "text/markdown";
        }
        if lower.ends_with(".json") {
            return "application/json";
        }
        return "text/plain";
    }
    "application/octet-stream"
}

/// How a user refers to a source version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRef {
    /// A lowercase hex prefix of the SHA-256 (at least [`MIN_PREFIX`] digits).
    Prefix(String),
    /// A version of a named document.
    Document {
        /// The document name.
        name: String,
        /// Which version.
        version: VersionPick,
    },
}

/// Which version of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionPick {
    /// The most recently captured.
    Latest,
    /// The N-th, 1-based, in capture order.
    Number(i64),
}

impl SourceRef {
    /// Parses a reference: hex digits are a hash prefix; `NAME@latest`, `NAME@N` or a bare
    /// name that is not all hex digits name a document.
    pub fn parse(text: &str) -> Result<SourceRef> {
        let text = text.trim();
        if let Some((name, version)) = text.rsplit_once('@') {
            let version = if version.eq_ignore_ascii_case("latest") {
                VersionPick::Latest
            } else {
                match version.parse::<i64>() {
                    Ok(n) if n >= 1 => VersionPick::Number(n),
                    _ => {
                        return Err(Error::InvalidValue {
                            what: "source version",
                            value: text.to_string(),
                            expected: "expected DOC@latest or DOC@N with N = 1, 2, ...",
                        });
                    }
                }
            };
            return Ok(SourceRef::Document {
                name: name.to_string(),
                version,
            });
        }
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit()) {
            if text.len() < MIN_PREFIX {
                return Err(Error::ShortPrefix(text.to_string()));
            }
            return Ok(SourceRef::Prefix(text.to_ascii_lowercase()));
        }
        if text.is_empty() {
            return Err(Error::UnknownSource(String::new()));
        }
        Ok(SourceRef::Document {
            name: text.to_string(),
            version: VersionPick::Latest,
        })
    }
}

/// The short form of a hash that messages show.
pub fn short(sha256: &str) -> &str {
    &sha256[..sha256.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(bytes: &[u8], chunk: usize) -> Fingerprint {
        // Feed through a reader that returns at most `chunk` bytes a read.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        stream(Trickle(bytes, chunk), Path::new("t"), |_, _| Ok(())).unwrap()
    }

    #[test]
    fn sha256_of_abc_is_the_fips_answer() {
        assert_eq!(
            fingerprint(b"abc", 1).sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn utf8_split_across_reads_is_still_text() {
        let text = "a👩‍💻b".repeat(1000);
        for chunk in [1, 2, 3, 7] {
            assert!(fingerprint(text.as_bytes(), chunk).is_text);
        }
        assert!(!fingerprint(b"caf\xe9", 2).is_text);
        assert!(!fingerprint(b"cut \xf0\x9f", 2).is_text);
    }

    #[test]
    fn references_parse() {
        assert_eq!(
            SourceRef::parse("ABCDEF12").unwrap(),
            SourceRef::Prefix("abcdef12".into())
        );
        assert!(matches!(
            SourceRef::parse("abc"),
            Err(Error::ShortPrefix(_))
        ));
        assert_eq!(
            SourceRef::parse("raid@2").unwrap(),
            SourceRef::Document {
                name: "raid".into(),
                version: VersionPick::Number(2)
            }
        );
        assert!(SourceRef::parse("raid@0").is_err());
    }

    #[test]
    fn media_types_are_sniffed() {
        assert_eq!(media_type(b"%PDF-1.7\n", false, None), "application/pdf");
        assert_eq!(media_type(b"hello", true, Some("a.txt")), "text/plain");
        assert_eq!(media_type(b"<!DOCTYPE html><p>", true, None), "text/html");
        assert_eq!(
            media_type(
                b"<!-- saved from url=(0020)https://a.example/ -->\n<html>",
                true,
                None
            ),
            "text/html"
        );
        assert_eq!(
            media_type(b"\xff\xfe\x00", false, None),
            "application/octet-stream"
        );
    }
}
