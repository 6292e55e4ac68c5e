//! A serde serializer that writes canonical JSON directly, with no `serde_json::Value`
//! between (issue 12: building a tree per journal entry, then walking it, was a sixth of
//! bulk-append time).
//!
//! Fields are written as they come; an object whose keys did not come in sorted order has
//! its entries reordered in place when it ends. The output is byte for byte what the
//! `serde_json::Value` path gives (`to_vec_via_value`, kept for the tests, which check it
//! on every kind of journal entry).

use serde::ser::{self, Serialize};
use std::fmt;

/// An error while serializing (only a value canonical JSON cannot hold: the caller panics).
#[derive(Debug)]
pub struct SerError(String);

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

type R = std::result::Result<(), SerError>;

/// Writes canonical JSON of `value` to the end of `out`.
pub fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> R {
    value.serialize(&mut Writer { out })
}

struct Writer<'o> {
    out: &'o mut Vec<u8>,
}

fn string(out: &mut Vec<u8>, s: &str) {
    // serde_json's string escaping is exactly JCS's (see the module above).
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

fn int(out: &mut Vec<u8>, v: impl itoa_like::Int) {
    v.write(out);
}

mod itoa_like {
    use std::io::Write;
    pub trait Int {
        fn write(self, out: &mut Vec<u8>);
    }
    macro_rules! ints {
        ($($t:ty),*) => {$(
            impl Int for $t {
                fn write(self, out: &mut Vec<u8>) {
                    write!(out, "{self}").expect("writing to a Vec cannot fail");
                }
            }
        )*};
    }
    ints!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);
}

/// An object being written: where its entries start, and each entry's key and start.
struct Object<'w, 'o> {
    w: &'w mut Writer<'o>,
    start: usize,
    entries: Vec<(std::borrow::Cow<'static, str>, usize)>,
    sorted: bool,
}

impl<'w, 'o> Object<'w, 'o> {
    fn new(w: &'w mut Writer<'o>) -> Self {
        w.out.push(b'{');
        let start = w.out.len();
        Object {
            w,
            start,
            entries: Vec::new(),
            sorted: true,
        }
    }

    /// Starts an entry: writes the key (and the comma before it).
    fn key(&mut self, key: std::borrow::Cow<'static, str>) {
        if let Some((last, _)) = self.entries.last() {
            if key.as_bytes() <= last.as_bytes() {
                self.sorted = false;
            }
            self.w.out.push(b',');
        }
        let at = self.w.out.len();
        string(self.w.out, &key);
        self.w.out.push(b':');
        self.entries.push((key, at));
    }

    fn end(self) -> R {
        let out = &mut *self.w.out;
        if !self.sorted {
            // Reorder the entries (each `"key":value`, commas between) by key.
            let base = self.start;
            let region = out.split_off(base);
            let mut spans: Vec<(&str, usize, usize)> = Vec::with_capacity(self.entries.len());
            for (i, (key, at)) in self.entries.iter().enumerate() {
                let end = match self.entries.get(i + 1) {
                    Some((_, next)) => next - 1, // the comma before the next entry
                    None => base + region.len(),
                };
                spans.push((key, at - base, end - base));
            }
            spans.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            for (i, (_, s, e)) in spans.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&region[*s..*e]);
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// An array being written.
struct Array<'w, 'o> {
    w: &'w mut Writer<'o>,
    first: bool,
}

impl<'w, 'o> Array<'w, 'o> {
    fn new(w: &'w mut Writer<'o>) -> Self {
        w.out.push(b'[');
        Array { w, first: true }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
        value.serialize(&mut *self.w)
    }

    fn end(self) -> R {
        self.w.out.push(b']');
        Ok(())
    }
}

fn float() -> SerError {
    SerError("canonical JSON holds integers only, got a float".into())
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Array<'a, 'o>;
    type SerializeTuple = Array<'a, 'o>;
    type SerializeTupleStruct = Array<'a, 'o>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = MapState<'a, 'o>;
    type SerializeStruct = Object<'a, 'o>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;

    fn serialize_bool(self, v: bool) -> R {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        int(self.out, v);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> R {
        Err(float())
    }
    fn serialize_f64(self, _: f64) -> R {
        Err(float())
    }
    fn serialize_char(self, v: char) -> R {
        string(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        let mut a = Array::new(self);
        for b in v {
            a.item(b)?;
        }
        a.end()
    }
    fn serialize_none(self) -> R {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        string(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        let mut o = Object::new(self);
        o.key(variant.into());
        value.serialize(&mut *o.w)?;
        o.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, SerError> {
        Ok(Array::new(self))
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, SerError> {
        Ok(Array::new(self))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, SerError> {
        Ok(Array::new(self))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, SerError> {
        Err(unused_variant())
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, SerError> {
        Ok(MapState {
            object: Object::new(self),
        })
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStruct, SerError> {
        Ok(Object::new(self))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, SerError> {
        Err(unused_variant())
    }
}

/// Externally tagged tuple and struct variants: no journal value has one.
fn unused_variant() -> SerError {
    SerError("canonical JSON: tuple and struct variants are not used in the journal".into())
}

impl ser::SerializeSeq for Array<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.item(value)
    }
    fn end(self) -> R {
        Array::end(self)
    }
}

impl ser::SerializeTuple for Array<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.item(value)
    }
    fn end(self) -> R {
        Array::end(self)
    }
}

impl ser::SerializeTupleStruct for Array<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.item(value)
    }
    fn end(self) -> R {
        Array::end(self)
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.key(key.into());
        value.serialize(&mut *self.w)
    }
    fn end(self) -> R {
        Object::end(self)
    }
}

/// A map being written: its keys must serialize as strings (or integers, as JSON writes
/// them: `"1"`).
pub struct MapState<'w, 'o> {
    object: Object<'w, 'o>,
}

impl ser::SerializeMap for MapState<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        let key = key.serialize(KeyName)?;
        self.object.key(key.into());
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(&mut *self.object.w)
    }
    fn end(self) -> R {
        self.object.end()
    }
}

/// Turns a map key into its JSON name.
struct KeyName;

fn bad_key() -> SerError {
    SerError("a JSON object key must be a string".into())
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = SerError;
    type SerializeSeq = ser::Impossible<String, SerError>;
    type SerializeTuple = ser::Impossible<String, SerError>;
    type SerializeTupleStruct = ser::Impossible<String, SerError>;
    type SerializeTupleVariant = ser::Impossible<String, SerError>;
    type SerializeMap = ser::Impossible<String, SerError>;
    type SerializeStruct = ser::Impossible<String, SerError>;
    type SerializeStructVariant = ser::Impossible<String, SerError>;

    fn serialize_str(self, v: &str) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, _: bool) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_i8(self, v: i8) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> std::result::Result<String, SerError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_f64(self, _: f64) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_bytes(self, _: &[u8]) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_none(self) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_unit(self) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> std::result::Result<String, SerError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<String, SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<String, SerError> {
        Err(bad_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, SerError> {
        Err(bad_key())
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, SerError> {
        Err(bad_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, SerError> {
        Err(bad_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, SerError> {
        Err(bad_key())
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, SerError> {
        Err(bad_key())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStruct, SerError> {
        Err(bad_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, SerError> {
        Err(bad_key())
    }
}

#[cfg(test)]
mod tests {
    use crate::anchor::{Anchor, Span, State};
    use crate::journal::*;
    use crate::party::PartyKind;
    use crate::source::SourceMeta;
    use serde_json::json;

    fn p(id: i64, typed: &str) -> PartyRef {
        PartyRef {
            id,
            typed: typed.into(),
        }
    }

    fn anchor(fragments: bool) -> Anchor {
        Anchor {
            start: 3,
            end: 9,
            exact: "q\"\\\u{1}é👩‍💻\u{202e}".into(),
            prefix: "before\n".into(),
            suffix: "\tafter".into(),
            normalized: fragments,
            fragments: fragments
                .then(|| vec![Span { start: 3, end: 4 }, Span { start: 6, end: 9 }]),
        }
    }

    fn appearance(fragments: bool) -> AppearanceRecord {
        AppearanceRecord {
            id: 7,
            source: "ab".repeat(32),
            quote: "the quote".into(),
            anchor: anchor(fragments),
        }
    }

    /// One or two events of every kind, with optional fields both given and not.
    fn events() -> Vec<Event> {
        vec![
            Event::LedgerInit {
                origin: "o".into(),
                software: "s 1".into(),
            },
            Event::SourceAdd {
                sha256: "cd".repeat(32),
                size: u64::MAX,
                media_type: "text/plain".into(),
                is_text: true,
                captured_at: "2026".into(),
                origin: None,
                document: 1,
                document_name: "doc".into(),
                version: 2,
                meta: SourceMeta {
                    title: Some("T".into()),
                    url: None,
                    publisher: Some("P".into()),
                    author: None,
                    published: None,
                },
                text_extractor: Some("x/1".into()),
            },
            Event::PartyAdd {
                id: -1,
                name: "N".into(),
                kind: PartyKind::Person,
                description: None,
                aliases: vec!["a".into(), "b".into()],
            },
            Event::PartyAlias {
                party: p(1, "x"),
                alias: "y".into(),
            },
            Event::PartyUpdate {
                party: p(1, "x"),
                kind: Some(PartyKind::Person),
                description: Some("d".into()),
            },
            Event::PartyMerge {
                into: p(1, "x"),
                merged: p(2, "y"),
            },
            Event::StatusDefine {
                name: "n".into(),
                label: "l".into(),
                takes_party: false,
                rating: None,
            },
            Event::ClaimAdd {
                id: "C1".into(),
                statement: "s".into(),
                claimant: p(1, "x"),
                via: vec![p(2, "y"), p(3, "z")],
                said: None,
                appearance: appearance(false),
                imported: None,
            },
            Event::ClaimAdd {
                id: "C2".into(),
                statement: "s\u{0}".into(),
                claimant: p(1, "x"),
                via: vec![],
                said: Some("2025".into()),
                appearance: appearance(true),
                imported: Some(Imported {
                    format: "csv".into(),
                    row: 3,
                    column: "statement".into(),
                    id: Some("e1".into()),
                    url: None,
                    record: Some(
                        json!({"z": [1, -2, {"b": null, "a": true}], "a": "x", "é": "", "B": {}}),
                    ),
                }),
            },
            Event::ClaimCite {
                claim: "C1".into(),
                appearance: appearance(true),
            },
            Event::AppearanceTrack {
                results: vec![Tracked {
                    appearance: 1,
                    source: "s".into(),
                    state: State::Changed,
                    start: Some(1),
                    end: None,
                    exact: None,
                    score: Some(900),
                }],
            },
            Event::StatusSet {
                claim: "C1".into(),
                status: "denied".into(),
                by: Some(p(1, "x")),
                evidence: Some(Evidence {
                    source: "s".into(),
                    anchor: Some(anchor(false)),
                }),
                note: None,
            },
            Event::ClaimWithdraw {
                claim: "C1".into(),
                reason: "r".into(),
            },
            Event::ClaimRestore {
                claim: "C1".into(),
                reason: "r".into(),
            },
            Event::ClaimAmend {
                claim: "C1".into(),
                statement: None,
                claimant: Some(p(1, "x")),
                via: Some(vec![]),
                said: None,
                reason: "r".into(),
            },
            Event::ClaimUncite {
                claim: "C1".into(),
                appearance: 1,
                source: "s".into(),
                start: 0,
                end: 1,
                reason: "r".into(),
            },
            Event::PartyUnmerge {
                party: p(1, "x"),
                from: p(2, "y"),
                merge: 5,
                reason: "r".into(),
            },
            Event::SourceUpdate {
                sha256: "s".into(),
                meta: MetaUpdate {
                    title: Some("t".into()),
                    ..MetaUpdate::default()
                },
            },
            Event::SourceAttach {
                sha256: "s".into(),
                document: 1,
                document_name: "d".into(),
                version: 1,
                from_document: 2,
            },
            Event::Checkpoint {
                size: 3,
                root: "r".into(),
                note: "n\n".into(),
                key: None,
                upgraded: true,
            },
        ]
    }

    #[test]
    fn writes_what_the_value_path_writes_for_every_kind_of_entry() {
        for event in events() {
            let direct = super::super::to_vec(&event);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(super::super::to_vec_via_value(&event)).unwrap()
            );
            let via_value = serde_json::to_value(&event).unwrap();
            assert_eq!(
                event.payload_json(),
                super::super::to_string(&via_value["payload"]),
                "{}",
                event.kind()
            );
            assert_eq!(
                Event::from_parts(event.kind(), &event.payload_json()).unwrap(),
                event
            );
        }
    }

    #[test]
    fn sorts_nested_objects_and_map_keys() {
        let v = json!({"b": {"d": 1, "c": [{"y": 2, "x": 3}]}, "a": 0});
        assert_eq!(
            super::super::to_string(&v),
            r#"{"a":0,"b":{"c":[{"x":3,"y":2}],"d":1}}"#
        );
        let mut m = std::collections::HashMap::new();
        m.insert(10u32, "ten");
        m.insert(2u32, "two");
        assert_eq!(super::super::to_string(&m), r#"{"10":"ten","2":"two"}"#);
    }
}
