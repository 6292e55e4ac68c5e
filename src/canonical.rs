//! Canonical JSON: the same value always becomes the same bytes.
//!
//! Journal entries are hashed, and later become the leaves of a Merkle tree, so their bytes
//! must not depend on field order, whitespace or the features another crate switches on in
//! serde_json (its `preserve_order` would change key order). This writer produces the
//! RFC 8785 (JCS) form for the values the journal holds: object keys sorted, no
//! insignificant whitespace, strings escaped as serde_json escapes them (which is what JCS
//! prescribes: `"` `\` and control characters only, everything else as UTF-8), and integers
//! only. Floats are refused, so no number formatting question ever arises. Keys are sorted
//! by their UTF-8 bytes; for the ASCII keys used here that is the JCS UTF-16 order.

use serde::Serialize;
#[cfg(test)]
use serde_json::Value;

mod ser;

/// Serializes `value` to canonical JSON bytes (written directly, with no JSON tree between).
///
/// # Panics
/// Panics if the value contains a float: journal payloads are built from integers and
/// strings only, so a float is a programming error, not bad input.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write(value, &mut out);
    out
}

/// Appends the canonical JSON of `value` to `out` (panics on a float, like [`to_vec`]).
pub fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    if let Err(e) = ser::write(value, out) {
        panic!("journal values serialize to canonical JSON: {e}");
    }
}

/// [`to_vec`] for values that may hold what canonical JSON cannot (a float, a map with
/// non-string keys: say, a payload read back from an edited ledger): an error, never a
/// panic. The same bytes as [`to_vec`] otherwise.
pub fn try_to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, SerError> {
    let mut out = Vec::with_capacity(256);
    ser::write(value, &mut out)?;
    Ok(out)
}

pub use ser::SerError;

/// [`to_vec`] the slow way, through a `serde_json::Value`: the reference the tests check the
/// direct writer against.
#[cfg(test)]
pub fn to_vec_via_value<T: Serialize>(value: &T) -> Vec<u8> {
    let value = serde_json::to_value(value).expect("journal values serialize to JSON");
    let mut out = Vec::with_capacity(256);
    write_value(&value, &mut out);
    out
}

/// Canonical JSON as a string (it is always valid UTF-8).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    String::from_utf8(to_vec(value)).expect("canonical JSON is UTF-8")
}

#[cfg(test)]
fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            assert!(
                n.is_i64() || n.is_u64(),
                "canonical JSON holds integers only, got {n}"
            );
            out.extend_from_slice(n.to_string().as_bytes());
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(&map[key], out);
            }
            out.push(b'}');
        }
    }
}

#[cfg(test)]
fn write_string(s: &str, out: &mut Vec<u8>) {
    // serde_json's string escaping is exactly JCS's: \" \\ \b \f \n \r \t, other controls
    // as \u00xx in lowercase hex, and nothing else escaped.
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_is_dropped() {
        let v = json!({"seq": 3, "actor": "ana", "payload": {"z": [1, 2], "a": null}});
        assert_eq!(
            to_string(&v),
            r#"{"actor":"ana","payload":{"a":null,"z":[1,2]},"seq":3}"#
        );
    }

    #[test]
    fn strings_escape_as_jcs_says() {
        let v = json!({"s": "q\"\\\u{8}\u{c}\n\r\t\u{1}/é👩‍💻"});
        assert_eq!(
            to_string(&v),
            "{\"s\":\"q\\\"\\\\\\b\\f\\n\\r\\t\\u0001/é👩‍💻\"}"
        );
    }

    #[test]
    fn what_canonical_json_cannot_hold_is_an_error_with_try_to_vec() {
        let err = try_to_vec(&json!({"a": [1, {"x": 1.5}]})).unwrap_err();
        assert!(err.to_string().contains("integers only"), "{err}");
        let mut bad_key = std::collections::BTreeMap::new();
        bad_key.insert(vec![1u8], 1);
        assert!(try_to_vec(&bad_key).is_err());
        assert_eq!(
            try_to_vec(&json!({"b": 1, "a": 2})).unwrap(),
            br#"{"a":2,"b":1}"#
        );
    }

    #[test]
    #[should_panic(expected = "integers only")]
    fn floats_are_refused() {
        to_vec(&json!({"x": 1.5}));
    }
}
