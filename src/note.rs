//! Checkpoints as text: C2SP tlog-checkpoint bodies, C2SP signed-note signatures, and the
//! Ed25519 keys that make and check them.
//!
//! Design decisions:
//!
//! - A checkpoint body is exactly `<origin>\n<size>\n<base64 root>\n` (c2sp.org/tlog-checkpoint).
//!   Reading one, extension lines after the root are tolerated and ignored, as the spec allows.
//! - A signed note is the body, a blank line, then one signature line per key:
//!   `— <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>\n` (U+2014 em dash),
//!   the signature being over the body bytes (c2sp.org/signed-note). The key id is the first
//!   four bytes of SHA-256(name || 0x0A || 0x01 || public key).
//! - Keys are stored as the text encodings of golang.org/x/mod/sumdb/note, so they work with
//!   the Go tooling and every other implementation of the format:
//!   `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` and `<name>+<hex id>+<base64(0x01 ||
//!   public key)>`. Parsing checks that the id matches the key.
//! - Verifying with a key follows the spec: signatures from other keys (other name or other
//!   id) are ignored; a matching signature that fails rejects the note; no matching
//!   signature rejects it too.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

/// Signature type byte of Ed25519 in C2SP signed-note.
const ED25519: u8 = 0x01;
/// The em dash that starts a signature line.
const DASH: &str = "\u{2014} ";
/// Most signature lines a note may carry before it is refused.
const MAX_SIGNATURES: usize = 100;

/// A checkpoint: the journal's origin, size and Merkle root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The origin line naming the ledger.
    pub origin: String,
    /// The number of journal entries.
    pub size: u64,
    /// The RFC 6962 root of those entries.
    pub root: Hash,
}

impl Checkpoint {
    /// The C2SP tlog-checkpoint body (the note text).
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        )
    }

    /// Reads a checkpoint body (a note's text).
    pub fn parse_body(text: &str) -> Result<Checkpoint, String> {
        let mut lines = text.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err("the first line (the origin) is empty".into());
        }
        let size_line = lines
            .next()
            .ok_or("there is no second line (the tree size)")?;
        let size = parse_decimal(size_line)
            .ok_or_else(|| format!("the second line '{size_line}' is not a tree size"))?;
        let root_line = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or("there is no third line (the base64 root hash)")?;
        let root = BASE64
            .decode(root_line)
            .ok()
            .and_then(|b| Hash::try_from(b).ok())
            .ok_or_else(|| format!("the third line '{root_line}' is not a base64 32-byte hash"))?;
        if !text.ends_with('\n') {
            return Err("the text does not end with a newline".into());
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

/// A decimal number with no sign, no leading zeros (but "0") and no spaces.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id (big-endian first four bytes).
    pub key_id: u32,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line as it appears in a note, with its newline.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, BASE64.encode(bytes))
    }
}

/// A note: its text and its signature lines (none when unsigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in a newline.
    pub text: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a note. Text with no blank line is an unsigned note (a bare checkpoint);
    /// otherwise the text ends at the last blank line and signature lines follow.
    pub fn parse(message: &str) -> Result<Note, String> {
        if let Some(c) = message.chars().find(|&c| c < ' ' && c != '\n') {
            return Err(format!(
                "it contains the control character U+{:04X}",
                c as u32
            ));
        }
        if !message.ends_with('\n') {
            return Err("it does not end with a newline".into());
        }
        let Some(split) = message.rfind("\n\n") else {
            return Ok(Note {
                text: message.to_string(),
                signatures: Vec::new(),
            });
        };
        let text = &message[..split + 1];
        let mut signatures = Vec::new();
        for line in message[split + 2..].split_terminator('\n') {
            let rest = line
                .strip_prefix(DASH)
                .ok_or_else(|| format!("'{line}' is not a signature line (— name signature)"))?;
            let (name, sig) = rest
                .split_once(' ')
                .ok_or_else(|| format!("signature line '{line}' has no signature"))?;
            check_key_name(name)?;
            let bytes = BASE64
                .decode(sig)
                .map_err(|_| format!("the signature of {name} is not base64"))?;
            if bytes.len() < 5 {
                return Err(format!("the signature of {name} is too short"));
            }
            signatures.push(NoteSignature {
                name: name.to_string(),
                key_id: u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes")),
                signature: bytes[4..].to_vec(),
            });
            if signatures.len() > MAX_SIGNATURES {
                return Err(format!("it has more than {MAX_SIGNATURES} signatures"));
            }
        }
        if signatures.is_empty() {
            return Err("it has a blank line but no signature lines after it".into());
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// The note as text: the text, then (if signed) a blank line and the signature lines.
    pub fn render(&self) -> String {
        if self.signatures.is_empty() {
            return self.text.clone();
        }
        let mut out = format!("{}\n", self.text);
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }
}

/// Key names must be non-empty, with no spaces and no `+`.
pub fn check_key_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the key name is empty".into());
    }
    if name.chars().any(|c| c.is_whitespace() || c == '+') {
        return Err(format!(
            "the key name '{name}' contains a space or '+'; key names may not"
        ));
    }
    Ok(())
}

/// The C2SP key id of an Ed25519 key: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || key), big-endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', ED25519])
        .chain_update(public_key)
        .finalize();
    u32::from_be_bytes(digest[..4].try_into().expect("4 bytes"))
}

/// A private key that signs notes.
pub struct SignerKey {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SignerKey {
    /// A new random key named `name`.
    pub fn generate(name: &str) -> Result<SignerKey, String> {
        check_key_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no random bytes: {e}"))?;
        Ok(SignerKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    pub fn parse(text: &str) -> Result<SignerKey, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or("it does not start with PRIVATE+KEY+ (is it the public key?)")?;
        let (name, id, key) = split_key(rest)?;
        let seed: [u8; 32] = key
            .try_into()
            .map_err(|_| "the key is not 32 bytes".to_string())?;
        let signer = SignerKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        };
        if signer.key_id() != id {
            return Err(format!(
                "its key id {id:08x} does not match the key ({:08x})",
                signer.key_id()
            ));
        }
        Ok(signer)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        key_id(&self.name, &self.key.verifying_key().to_bytes())
    }

    /// The private key text (keep it secret).
    pub fn encode(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id(),
            BASE64.encode(bytes)
        )
    }

    /// The matching public key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs a note's text.
    pub fn sign(&self, text: &str) -> NoteSignature {
        NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id(),
            signature: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        }
    }
}

/// A public key that checks notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Reads `<name>+<hex id>+<base64(0x01 || public key)>`.
    pub fn parse(text: &str) -> Result<VerifierKey, String> {
        let text = text.trim();
        if text.starts_with("PRIVATE+KEY+") {
            return Err("it is a private key; give the public key (the .pub file)".into());
        }
        let (name, id, key) = split_key(text)?;
        let bytes: [u8; 32] = key
            .try_into()
            .map_err(|_| "the key is not 32 bytes".to_string())?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| "the key is not a valid Ed25519 public key".to_string())?;
        let verifier = VerifierKey {
            name: name.to_string(),
            key,
        };
        if verifier.key_id() != id {
            return Err(format!(
                "its key id {id:08x} does not match the key ({:08x})",
                verifier.key_id()
            ));
        }
        Ok(verifier)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        key_id(&self.name, &self.key.to_bytes())
    }

    /// The public key text.
    pub fn encode(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(&self.key.to_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id(),
            BASE64.encode(bytes)
        )
    }

    /// Checks that this key signed the note: its signature line (same name and id) must be
    /// there and must verify. Signature lines of other keys are ignored.
    pub fn verify(&self, note: &Note) -> Result<(), String> {
        let id = self.key_id();
        let mine: Vec<&NoteSignature> = note
            .signatures
            .iter()
            .filter(|s| s.name == self.name && s.key_id == id)
            .collect();
        if mine.is_empty() {
            return Err(format!(
                "it carries no signature by key {} ({id:08x})",
                self.name
            ));
        }
        for s in mine {
            let signature = Signature::from_slice(&s.signature)
                .map_err(|_| format!("the signature by {} is not 64 bytes", self.name))?;
            self.key
                .verify(note.text.as_bytes(), &signature)
                .map_err(|_| format!("the signature by {} does not verify", self.name))?;
        }
        Ok(())
    }
}

/// Splits `<name>+<hex id>+<base64(0x01 || key)>` (the base64 may itself contain '+').
fn split_key(text: &str) -> Result<(&str, u32, Vec<u8>), String> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("it is not of the form <name>+<key id>+<key>".into());
    };
    check_key_name(name)?;
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("its key id '{id}' is not 8 hex digits"));
    }
    let id = u32::from_str_radix(id, 16).map_err(|e| e.to_string())?;
    let bytes = BASE64
        .decode(key)
        .map_err(|_| "its key is not base64".to_string())?;
    match bytes.split_first() {
        Some((&ED25519, key)) => Ok((name, id, key.to_vec())),
        Some((other, _)) => Err(format!(
            "its signature type is {other:#04x}; only Ed25519 (0x01) is supported"
        )),
        None => Err("its key is empty".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example key pair and signed note of golang.org/x/mod/sumdb/note, the reference
    // implementation of C2SP signed-note (whose spec shows the same format).
    const SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const SIGNED: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n\
                          \n\
                          \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn the_reference_example_key_signs_byte_for_byte() {
        let signer = SignerKey::parse(SKEY).unwrap();
        assert_eq!(signer.name(), "PeterNeumann");
        assert_eq!(signer.key_id(), 0xc74f20a3);
        assert_eq!(signer.encode(), SKEY);
        assert_eq!(signer.verifier().encode(), VKEY);
        // Ed25519 is deterministic: the same key and text give the published signature.
        let note = Note {
            text: TEXT.into(),
            signatures: vec![signer.sign(TEXT)],
        };
        assert_eq!(note.render(), SIGNED);
        let parsed = Note::parse(SIGNED).unwrap();
        assert_eq!(parsed, note);
        VerifierKey::parse(VKEY).unwrap().verify(&parsed).unwrap();
    }

    #[test]
    fn a_changed_text_or_signature_or_key_fails() {
        let verifier = VerifierKey::parse(VKEY).unwrap();
        let bad_text = SIGNED.replace("problem,", "problems,");
        let err = verifier
            .verify(&Note::parse(&bad_text).unwrap())
            .unwrap_err();
        assert!(err.contains("does not verify"), "{err}");
        // Another key of the same name: its signature is not ours, so the note is unsigned for it.
        let other = SignerKey::generate("PeterNeumann").unwrap().verifier();
        let err = other.verify(&Note::parse(SIGNED).unwrap()).unwrap_err();
        assert!(err.contains("no signature"), "{err}");
        // Mangled keys are refused.
        assert!(VerifierKey::parse(&VKEY.replace("c74f20a3", "c74f20a4")).is_err());
        assert!(VerifierKey::parse(SKEY).is_err());
        assert!(SignerKey::parse(VKEY).is_err());
        assert!(
            VerifierKey::parse(
                "PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
            )
            .is_err()
        );
        assert!(VerifierKey::parse("PeterNeumann+c74f20a3").is_err());
    }

    #[test]
    fn the_c2sp_spec_example_key_and_signature_verify() {
        // The example of the C2SP signed-note spec (github.com/C2SP/C2SP, signed-note.md
        // at commit d4c16da5, section "Example"): a verifier key and a note it signed. The
        // spec publishes no private key, so this is a verifying known answer.
        const SPEC_VKEY: &str =
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo \
            Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        let key = VerifierKey::parse(SPEC_VKEY).unwrap();
        assert_eq!(key.name(), "example.com/foo");
        assert_eq!(key.key_id(), 0x530d903a);
        assert_eq!(key.encode(), SPEC_VKEY);
        let note = Note::parse(SPEC_NOTE).unwrap();
        assert_eq!(note.text, "This is an example message.\n");
        assert_eq!(note.render(), SPEC_NOTE);
        key.verify(&note).unwrap();
        let forged = Note {
            text: "This is an exemplary message.\n".into(),
            ..note
        };
        assert!(key.verify(&forged).is_err());
    }

    #[test]
    fn the_c2sp_spec_example_note_parses() {
        // c2sp.org/signed-note's own example: the text itself contains a blank line, so it
        // ends at the *last* blank line. (The spec does not publish the key, so only the
        // structure is checked here.)
        let msg = "Ognuno sta solo sul cuor della terra\n\
                   trafitto da un raggio di sole:\n\
                   \n\
                   ed \u{e8} subito sera.\n\
                   \n\
                   \u{2014} quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
        let note = Note::parse(msg).unwrap();
        assert!(note.text.ends_with("subito sera.\n"));
        assert!(note.text.contains("sole:\n\ned"));
        assert_eq!(note.signatures.len(), 1);
        assert_eq!(note.signatures[0].name, "quasimodo.example/salvatore");
        assert_eq!(note.signatures[0].signature.len(), 64);
        assert_eq!(note.render(), msg);
    }

    #[test]
    fn checkpoint_bodies_round_trip_and_bad_ones_are_named() {
        let c = Checkpoint {
            origin: "example.org/desk".into(),
            size: 12,
            root: [7; 32],
        };
        let body = c.body();
        assert_eq!(
            body,
            "example.org/desk\n12\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
        );
        assert_eq!(Checkpoint::parse_body(&body).unwrap(), c);
        // Extension lines are ignored.
        assert_eq!(
            Checkpoint::parse_body(&format!("{body}extension\n")).unwrap(),
            c
        );
        for bad in [
            "",
            "\n12\nBwcH\n",
            "o\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "o\n012\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "o\n12\nBwcH\n",
            "o\n12\n",
            "o\n12\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
        ] {
            assert!(Checkpoint::parse_body(bad).is_err(), "{bad:?}");
        }
        assert!(Note::parse("a\n\nnot a signature\n").is_err());
        assert!(Note::parse("a\u{7}b\n").is_err());
    }
}
