//! Proof documents (SPEC §8) and checking them with no ledger at all, as a reader would.
//!
//! Design decisions:
//!
//! - The two document kinds are exactly SPEC §8's JSON objects, hashes in lowercase hex:
//!   `{"kind":"inclusion","leaf_index","tree_size","leaf_hash","root","proof"}` and
//!   `{"kind":"consistency","size1","size2","root1","root2","proof"}`, checked per
//!   RFC 9162 §2.1.3-2.1.4 by [`crate::merkle`].
//! - Documents that `claimledger proof` writes also carry optional fields that bind them to
//!   what a reader cares about: `entry` (the journal entry's canonical bytes, as a string: its
//!   leaf hash must be `leaf_hash` and its `seq` must be `leaf_index`) and `checkpoint` (the
//!   checkpoint note the root comes from: its size and root must be the document's; with a
//!   public key its signature is checked too). A consistency document carries `checkpoint1`
//!   and `checkpoint2` the same way. Documents without them are still checked.
//! - Checking never panics: the input is read as untyped JSON, and anything missing, of the
//!   wrong type, not hex, or not 32 bytes makes the document invalid with a one-line reason.
//!   A file may hold one document or an array of them (what `proof CLAIM` prints).
//! - A malformed file is an invalid document (exit 3), not an error: bytes that are not
//!   UTF-8, text that is not JSON, and JSON with a key twice in one object (which parsers
//!   resolve differently, so two readers could check two different proofs) all give one
//!   invalid verdict.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::merkle::{self, Hash};
use crate::note::{Checkpoint, Note, VerifierKey};

/// A proof document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProofDoc {
    /// Leaf `leaf_index` is in the tree of `tree_size` leaves with root `root`.
    Inclusion {
        /// The leaf's index (the journal entry's seq).
        leaf_index: u64,
        /// The tree size.
        tree_size: u64,
        /// SHA-256(0x00 || entry), hex.
        leaf_hash: String,
        /// The tree's root, hex.
        root: String,
        /// The audit path, hex, from the leaf's sibling upwards.
        proof: Vec<String>,
        /// The entry's canonical bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry: Option<String>,
        /// The checkpoint note the root is from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkpoint: Option<String>,
    },
    /// The tree of `size1` leaves is a prefix of the tree of `size2` leaves.
    Consistency {
        /// The older size.
        size1: u64,
        /// The newer size.
        size2: u64,
        /// The older root, hex.
        root1: String,
        /// The newer root, hex.
        root2: String,
        /// The consistency proof, hex.
        proof: Vec<String>,
        /// The older checkpoint note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkpoint1: Option<String>,
        /// The newer checkpoint note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkpoint2: Option<String>,
    },
}

/// The verdict on one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// 1-based position in the file.
    pub document: usize,
    /// "inclusion", "consistency", or "unknown".
    pub kind: String,
    /// Whether it holds.
    pub valid: bool,
    /// What it proves, or why it does not hold (one line).
    pub detail: String,
}

/// Checks every document in a file's bytes: [`check_text`] when they are UTF-8, else one
/// invalid verdict.
pub fn check_bytes(bytes: &[u8], key: Option<&VerifierKey>) -> Vec<Verdict> {
    match std::str::from_utf8(bytes) {
        Ok(text) => check_text(text, key),
        Err(e) => vec![Verdict {
            document: 1,
            kind: "unknown".into(),
            valid: false,
            detail: format!(
                "not UTF-8 text (invalid byte at offset {}), so not a JSON document",
                e.valid_up_to()
            ),
        }],
    }
}

/// Checks every document in a file's text (one object or an array of them). A text that is
/// not JSON, or has a key twice in one object, gives one invalid verdict.
pub fn check_text(text: &str, key: Option<&VerifierKey>) -> Vec<Verdict> {
    if let Err(e) = serde_json::from_str::<NoDuplicateKeys>(text) {
        return vec![Verdict {
            document: 1,
            kind: "unknown".into(),
            valid: false,
            detail: format!("not a JSON document: {e}"),
        }];
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![Verdict {
                document: 1,
                kind: "unknown".into(),
                valid: false,
                detail: format!("not a JSON document: {e}"),
            }];
        }
    };
    let docs = match value {
        Value::Array(items) if !items.is_empty() => items,
        Value::Array(_) => {
            return vec![Verdict {
                document: 1,
                kind: "unknown".into(),
                valid: false,
                detail: "an empty list: there is no proof to check".into(),
            }];
        }
        other => vec![other],
    };
    docs.iter()
        .enumerate()
        .map(|(i, doc)| {
            let kind = doc
                .get("kind")
                .and_then(Value::as_str)
                .filter(|k| matches!(*k, "inclusion" | "consistency"))
                .unwrap_or("unknown")
                .to_string();
            let (valid, detail) = match check_value(doc, key) {
                Ok(what) => (true, what),
                Err(why) => (false, why),
            };
            Verdict {
                document: i + 1,
                kind,
                valid,
                detail,
            }
        })
        .collect()
}

/// Checks one document; Ok says what it proves, Err why it does not hold.
pub fn check_value(doc: &Value, key: Option<&VerifierKey>) -> Result<String, String> {
    let obj = doc.as_object().ok_or("the document is not a JSON object")?;
    match obj.get("kind").and_then(Value::as_str) {
        Some("inclusion") => check_inclusion(doc, key),
        Some("consistency") => check_consistency(doc, key),
        Some(other) => Err(format!(
            "unknown kind '{other}' (expected inclusion or consistency)"
        )),
        None => Err("no \"kind\" (expected \"inclusion\" or \"consistency\")".into()),
    }
}

fn check_inclusion(doc: &Value, key: Option<&VerifierKey>) -> Result<String, String> {
    let index = number(doc, "leaf_index")?;
    let size = number(doc, "tree_size")?;
    let leaf = hash(doc, "leaf_hash")?;
    let root = hash(doc, "root")?;
    let proof = hashes(doc, "proof")?;
    merkle::verify_inclusion(index, size, &leaf, &proof, &root).map_err(|e| e.to_string())?;
    let mut what = format!("leaf {index} is in the tree of {size} entries");
    if let Some(entry) = optional_str(doc, "entry")? {
        if merkle::leaf_hash(entry.as_bytes()) != leaf {
            return Err("the entry does not hash to leaf_hash".into());
        }
        let parsed: Value =
            serde_json::from_str(entry).map_err(|_| "the entry is not JSON".to_string())?;
        if parsed.get("seq").and_then(Value::as_u64) != Some(index) {
            return Err(format!("the entry's seq is not leaf_index {index}"));
        }
        if let Some(kind) = parsed.get("kind").and_then(Value::as_str) {
            what = format!("entry #{index} ({kind}) is in the tree of {size} entries");
        }
    }
    what += &checkpoint_binding(doc, "checkpoint", size, &root, key)?;
    Ok(what)
}

fn check_consistency(doc: &Value, key: Option<&VerifierKey>) -> Result<String, String> {
    let size1 = number(doc, "size1")?;
    let size2 = number(doc, "size2")?;
    let root1 = hash(doc, "root1")?;
    let root2 = hash(doc, "root2")?;
    let proof = hashes(doc, "proof")?;
    merkle::verify_consistency(size1, size2, &proof, &root1, &root2).map_err(|e| e.to_string())?;
    let mut what = format!("the tree of {size1} entries is a prefix of the tree of {size2}");
    let old = checkpoint_binding(doc, "checkpoint1", size1, &root1, key)?;
    let new = checkpoint_binding(doc, "checkpoint2", size2, &root2, key)?;
    if let (Some(a), Some(b)) = (
        optional_str(doc, "checkpoint1")?,
        optional_str(doc, "checkpoint2")?,
    ) {
        let origin = |t: &str| t.split('\n').next().unwrap_or_default().to_string();
        if origin(a) != origin(b) {
            return Err("checkpoint1 and checkpoint2 name different origins".into());
        }
    }
    what += &old;
    what += &new;
    Ok(what)
}

/// Checks an optional checkpoint note field against a size and root; returns a phrase for
/// the verdict ("" when there is none). With a key, the note must be signed by it.
fn checkpoint_binding(
    doc: &Value,
    field: &str,
    size: u64,
    root: &Hash,
    key: Option<&VerifierKey>,
) -> Result<String, String> {
    let Some(text) = optional_str(doc, field)? else {
        return match key {
            Some(_) => Err(format!(
                "a key was given but the document has no \"{field}\" note to check it on"
            )),
            None => Ok(String::new()),
        };
    };
    let note = Note::parse(text).map_err(|e| format!("\"{field}\" is not a note: {e}"))?;
    let c = Checkpoint::parse_body(&note.text)
        .map_err(|e| format!("\"{field}\" is not a checkpoint: {e}"))?;
    if c.size != size || c.root != *root {
        return Err(format!(
            "\"{field}\" is of size {} with another root than the document's",
            c.size
        ));
    }
    match key {
        Some(key) => {
            key.verify(&note).map_err(|e| format!("\"{field}\": {e}"))?;
            Ok(format!(
                "; {field} of {} signed by {}",
                c.origin,
                key.name()
            ))
        }
        None => Ok(format!("; {field} of {} (signature not checked)", c.origin)),
    }
}

fn field<'a>(doc: &'a Value, name: &str) -> Result<&'a Value, String> {
    doc.get(name).ok_or_else(|| format!("no \"{name}\""))
}

fn number(doc: &Value, name: &str) -> Result<u64, String> {
    field(doc, name)?
        .as_u64()
        .ok_or_else(|| format!("\"{name}\" is not a whole number from 0 up"))
}

fn optional_str<'a>(doc: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match doc.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("\"{name}\" is not a string")),
    }
}

/// A 64-digit lowercase hex hash.
fn parse_hex_hash(text: &str, what: &str) -> Result<Hash, String> {
    if text.len() != 64 {
        return Err(format!(
            "{what} is {} hex digits long, not 64 (a SHA-256 hash)",
            text.len()
        ));
    }
    if !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!("{what} is not lowercase hex"));
    }
    let bytes = hex::decode(text).map_err(|_| format!("{what} is not hex"))?;
    Ok(bytes.try_into().expect("64 hex digits are 32 bytes"))
}

fn hash(doc: &Value, name: &str) -> Result<Hash, String> {
    let text = field(doc, name)?
        .as_str()
        .ok_or_else(|| format!("\"{name}\" is not a string"))?;
    parse_hex_hash(text, &format!("\"{name}\""))
}

fn hashes(doc: &Value, name: &str) -> Result<Vec<Hash>, String> {
    let items = match field(doc, name)? {
        Value::Array(items) => items,
        Value::Null => return Ok(Vec::new()),
        _ => return Err(format!("\"{name}\" is not a list")),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item
                .as_str()
                .ok_or_else(|| format!("\"{name}\"[{i}] is not a string"))?;
            parse_hex_hash(text, &format!("\"{name}\"[{i}]"))
        })
        .collect()
}

/// Parses JSON only to refuse an object that has the same key twice.
struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{key}\" appears twice in one object"
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(NoDuplicateKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(NoDuplicateKeys)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(NoDuplicateKeys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemoryTree;

    fn tree(n: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(merkle::leaf_hash(&i.to_be_bytes()));
        }
        t
    }

    fn inclusion(t: &MemoryTree, index: u64) -> Value {
        let size = t.len();
        serde_json::to_value(ProofDoc::Inclusion {
            leaf_index: index,
            tree_size: size,
            leaf_hash: hex::encode(merkle::leaf_hash(&index.to_be_bytes())),
            root: hex::encode(t.root()),
            proof: merkle::inclusion_proof(t, index, size)
                .unwrap()
                .iter()
                .map(hex::encode)
                .collect(),
            entry: None,
            checkpoint: None,
        })
        .unwrap()
    }

    #[test]
    fn documents_check_and_damage_is_named() {
        let t = tree(11);
        let doc = inclusion(&t, 6);
        assert_eq!(doc["kind"], "inclusion");
        check_value(&doc, None).unwrap();

        let mut bad = doc.clone();
        bad["leaf_index"] = 7.into();
        assert!(
            check_value(&bad, None)
                .unwrap_err()
                .contains("root mismatch")
        );
        let mut short = doc.clone();
        short["root"] = "abcd".into();
        assert!(check_value(&short, None).unwrap_err().contains("not 64"));
        let mut upper = doc.clone();
        upper["root"] = doc["root"].as_str().unwrap().to_uppercase().into();
        assert!(check_value(&upper, None).is_err());
        let mut negative = doc.clone();
        negative["tree_size"] = (-3).into();
        assert!(check_value(&negative, None).is_err());
        let mut no_proof = doc.clone();
        no_proof.as_object_mut().unwrap().remove("proof");
        assert_eq!(check_value(&no_proof, None).unwrap_err(), "no \"proof\"");
        assert!(check_value(&Value::Null, None).is_err());
        assert!(check_value(&serde_json::json!({"kind": "other"}), None).is_err());

        let verdicts = check_text("[1, {\"kind\": \"inclusion\"}]", None);
        assert_eq!(verdicts.len(), 2);
        assert!(verdicts.iter().all(|v| !v.valid));
        assert!(!check_text("{not json", None)[0].valid);
        assert!(!check_text("[]", None)[0].valid);
        let twice = check_text(r#"{"kind": "inclusion", "kind": "consistency"}"#, None);
        assert!(!twice[0].valid && twice[0].detail.contains("\"kind\" appears twice"));
        let nested = check_text(r#"[{"a": {"b": 1, "b": 2}}]"#, None);
        assert!(nested[0].detail.contains("appears twice"), "{nested:?}");
        let bytes = check_bytes(b"{\"kind\": \"incl\xffusion\"}", None);
        assert!(!bytes[0].valid && bytes[0].detail.contains("not UTF-8"));
    }

    #[test]
    fn consistency_documents_check() {
        let t = tree(20);
        let doc = serde_json::to_value(ProofDoc::Consistency {
            size1: 7,
            size2: 20,
            root1: hex::encode(merkle::root(&t, 7).unwrap()),
            root2: hex::encode(t.root()),
            proof: merkle::consistency_proof(&t, 7, 20)
                .unwrap()
                .iter()
                .map(hex::encode)
                .collect(),
            checkpoint1: None,
            checkpoint2: None,
        })
        .unwrap();
        check_value(&doc, None).unwrap();
        let mut bad = doc.clone();
        bad["root1"] = hex::encode(merkle::root(&t, 8).unwrap()).into();
        assert!(check_value(&bad, None).is_err());
    }
}
