//! Pretty-printed JSON written a piece at a time: the same bytes as
//! `serde_json::to_string_pretty` of the whole document (two-space indents, `"key": value`,
//! `[]` and `{}` when empty), without building the document in memory.
//!
//! The caller writes an object's keys in sorted order, as serde_json's map (a `BTreeMap`
//! without its `preserve_order` feature) would print them; the tests compare with
//! serde_json's own output.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `value` pretty-printed as if nested `depth` levels deep: every line after the
/// first is indented by `depth` more levels. (JSON strings hold no raw line breaks, so
/// every line break in serde_json's output is one of its own.)
pub fn value(out: &mut dyn Write, depth: usize, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.write_all(first.as_bytes())?;
    }
    for line in lines {
        out.write_all(b"\n")?;
        indent(out, depth)?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn indent(out: &mut dyn Write, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// A JSON array or object being written, `depth` levels deep.
pub struct Open {
    depth: usize,
    items: usize,
    close: u8,
}

impl Open {
    /// Starts an array at `depth` (its `[` is written with the first element).
    pub fn array(depth: usize) -> Self {
        Open {
            depth,
            items: 0,
            close: b']',
        }
    }

    /// Starts an object at `depth`.
    pub fn object(depth: usize) -> Self {
        Open {
            depth,
            items: 0,
            close: b'}',
        }
    }

    /// How many elements (or fields) were written.
    pub fn len(&self) -> usize {
        self.items
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    fn next(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let open = if self.close == b']' { b'[' } else { b'{' };
        if self.items == 0 {
            out.write_all(&[open])?;
        } else {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        indent(out, self.depth + 1)?;
        self.items += 1;
        Ok(())
    }

    /// Writes the next element of an array.
    pub fn element(&mut self, out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
        self.next(out)?;
        value(out, self.depth + 1, v)
    }

    /// Writes the next field of an object.
    pub fn field(&mut self, out: &mut dyn Write, key: &str, v: &impl Serialize) -> io::Result<()> {
        self.key(out, key)?;
        value(out, self.depth + 1, v)
    }

    /// Writes the next field's key; its value follows (an [`Open`] one level deeper, whose
    /// `[` or `{` goes right after the key).
    pub fn key(&mut self, out: &mut dyn Write, key: &str) -> io::Result<()> {
        self.next(out)?;
        serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
        out.write_all(b": ")
    }

    /// Ends the array or object.
    pub fn close(self, out: &mut dyn Write) -> io::Result<()> {
        if self.items == 0 {
            let open = if self.close == b']' { b'[' } else { b'{' };
            return out.write_all(&[open, self.close]);
        }
        out.write_all(b"\n")?;
        indent(out, self.depth)?;
        out.write_all(&[self.close])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Writes `doc` (an object of scalars, arrays of values and objects) through [`Open`]
    /// the way the exports do, key by key and element by element.
    fn stream(out: &mut Vec<u8>, depth: usize, doc: &serde_json::Value) {
        match doc {
            serde_json::Value::Object(map) => {
                let mut o = Open::object(depth);
                for (k, v) in map {
                    if v.is_array() || v.is_object() {
                        o.key(out, k).unwrap();
                        stream(out, depth + 1, v);
                    } else {
                        o.field(out, k, v).unwrap();
                    }
                }
                o.close(out).unwrap();
            }
            serde_json::Value::Array(items) => {
                let mut a = Open::array(depth);
                for v in items {
                    a.element(out, v).unwrap();
                }
                a.close(out).unwrap();
            }
            other => value(out, depth, other).unwrap(),
        }
    }

    #[test]
    fn streamed_bytes_are_serde_jsons() {
        let docs = [
            json!([]),
            json!({}),
            json!([{"a": 1, "b": [1, 2, {"c": "x\ny \"q\" \u{1b}"}]}, {"z": {}}]),
            json!({
                "@context": "https://schema.org",
                "first": {"id": "p1", "items": [{"k": [1]}, {"k": []}], "startIndex": 0},
                "label": "Claims “quoted”",
                "total": 2,
                "empty": [],
            }),
        ];
        for doc in docs {
            let mut out = Vec::new();
            stream(&mut out, 0, &doc);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string_pretty(&doc).unwrap()
            );
        }
    }
}
