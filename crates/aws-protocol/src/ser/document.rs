//! A serde `Serializer` that builds a [`Document`]: the intermediate tree the CBOR and XML
//! writers walk (JSON is written by serde_json directly). It keeps what those formats need and
//! serde's data model blurs: struct fields versus map entries, and the [`Timestamp`] and
//! [`Blob`] newtypes.
//!
//! [`Timestamp`]: crate::shape::Timestamp
//! [`Blob`]: crate::shape::Blob

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::shape::{BLOB_TOKEN, TIMESTAMP_TOKEN};

/// A serialized value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Document {
    /// `None`, `()`: omitted from structures.
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
    /// `serialize_bytes`.
    Bytes(Vec<u8>),
    /// A [`crate::shape::Timestamp`], in epoch milliseconds.
    Timestamp(i64),
    /// A [`crate::shape::Blob`].
    Blob(Vec<u8>),
    List(Vec<Document>),
    /// A map: keys are data.
    Map(Vec<(String, Document)>),
    /// A structure: keys are member names.
    Struct(Vec<(String, Document)>),
}

impl Document {
    /// The same document with every map read as a structure (JSON objects whose keys are
    /// member names, as an error's structured members are).
    pub(crate) fn maps_as_structures(self) -> Document {
        match self {
            Document::Map(entries) | Document::Struct(entries) => {
                Document::Struct(entries.into_iter().map(|(k, v)| (k, v.maps_as_structures())).collect())
            }
            Document::List(items) => Document::List(items.into_iter().map(Document::maps_as_structures).collect()),
            other => other,
        }
    }
}

/// Why a value could not be serialized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SerializeError(pub(crate) String);

impl ser::Error for SerializeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerializeError(msg.to_string())
    }
}

/// Serializes `value` into a [`Document`].
pub(crate) fn to_document<T: Serialize + ?Sized>(value: &T) -> Result<Document, SerializeError> {
    value.serialize(DocumentSerializer)
}

struct DocumentSerializer;

type Result<T, E = SerializeError> = std::result::Result<T, E>;

impl ser::Serializer for DocumentSerializer {
    type Ok = Document;
    type Error = SerializeError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = StructBuilder;
    type SerializeStructVariant = VariantBuilder<StructBuilder>;

    fn serialize_bool(self, v: bool) -> Result<Document> {
        Ok(Document::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_i128(self, v: i128) -> Result<Document> {
        Ok(Document::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Document> {
        Ok(Document::Int(v.into()))
    }
    fn serialize_u128(self, v: u128) -> Result<Document> {
        i128::try_from(v).map(Document::Int).map_err(|_| SerializeError(format!("integer {v} is too large")))
    }
    fn serialize_f32(self, v: f32) -> Result<Document> {
        Ok(Document::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Document> {
        Ok(Document::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Document> {
        Ok(Document::Text(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Document> {
        Ok(Document::Text(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Document> {
        Ok(Document::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Document> {
        Ok(Document::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Document> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Document> {
        Ok(Document::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Document> {
        Ok(Document::Struct(Vec::new()))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Document> {
        Ok(Document::Text(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<Document> {
        let inner = value.serialize(self)?;
        match name {
            TIMESTAMP_TOKEN => match inner {
                Document::Int(secs) => i64::try_from(secs)
                    .ok()
                    .and_then(|s| s.checked_mul(1000))
                    .map(Document::Timestamp)
                    .ok_or_else(|| SerializeError("timestamp out of range".into())),
                Document::Float(secs) => crate::shape::Timestamp::from_epoch_seconds(secs)
                    .map(|t| Document::Timestamp(t.epoch_millis()))
                    .ok_or_else(|| SerializeError("timestamp out of range".into())),
                other => Err(SerializeError(format!("a timestamp serialized as {other:?}"))),
            },
            BLOB_TOKEN => match inner {
                Document::Text(b64) => {
                    BASE64.decode(b64).map(Document::Blob).map_err(|e| SerializeError(format!("a blob is not base64: {e}")))
                }
                other => Err(SerializeError(format!("a blob serialized as {other:?}"))),
            },
            _ => Ok(inner),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Document> {
        Ok(Document::Struct(vec![(variant.to_owned(), value.serialize(self)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0).min(1024))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder>> {
        Ok(VariantBuilder { variant, inner: self.serialize_seq(Some(len))? })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder> {
        Ok(MapBuilder { entries: Vec::with_capacity(len.unwrap_or(0).min(1024)), key: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<StructBuilder> {
        Ok(StructBuilder(Vec::with_capacity(len.min(1024))))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<StructBuilder>> {
        Ok(VariantBuilder { variant, inner: self.serialize_struct(variant, len)? })
    }
}

pub(crate) struct SeqBuilder(Vec<Document>);

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.push(value.serialize(DocumentSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Document> {
        Ok(Document::List(self.0))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Document> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Document> {
        ser::SerializeSeq::end(self)
    }
}

pub(crate) struct MapBuilder {
    entries: Vec<(String, Document)>,
    key: Option<String>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| SerializeError("a map value without its key".into()))?;
        self.entries.push((key, value.serialize(DocumentSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Document> {
        Ok(Document::Map(self.entries))
    }
}

pub(crate) struct StructBuilder(Vec<(String, Document)>);

impl ser::SerializeStruct for StructBuilder {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.0.push((key.to_owned(), value.serialize(DocumentSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Document> {
        Ok(Document::Struct(self.0))
    }
}

/// A tuple or struct variant: `{variant: inner}`, as serde_json writes it.
pub(crate) struct VariantBuilder<B> {
    variant: &'static str,
    inner: B,
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder> {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Result<Document> {
        Ok(Document::Struct(vec![(self.variant.to_owned(), ser::SerializeSeq::end(self.inner)?)]))
    }
}

impl ser::SerializeStructVariant for VariantBuilder<StructBuilder> {
    type Ok = Document;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<Document> {
        Ok(Document::Struct(vec![(self.variant.to_owned(), ser::SerializeStruct::end(self.inner)?)]))
    }
}

/// Map keys: strings, and scalars written as text (as serde_json does).
struct KeySerializer;

fn key_error() -> SerializeError {
    SerializeError("map keys must be strings or scalars".into())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = SerializeError;
    type SerializeSeq = Impossible<String, SerializeError>;
    type SerializeTuple = Impossible<String, SerializeError>;
    type SerializeTupleStruct = Impossible<String, SerializeError>;
    type SerializeTupleVariant = Impossible<String, SerializeError>;
    type SerializeMap = Impossible<String, SerializeError>;
    type SerializeStruct = Impossible<String, SerializeError>;
    type SerializeStructVariant = Impossible<String, SerializeError>;

    fn serialize_bool(self, v: bool) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<String> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<String> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::shape::{Blob, Timestamp};

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Out {
        name: String,
        count: u32,
        missing: Option<u8>,
        at: Timestamp,
        data: Blob,
        tags: BTreeMap<String, String>,
        kind: Kind,
    }

    #[derive(Serialize)]
    enum Kind {
        Alpha,
    }

    #[test]
    fn structs_maps_timestamps_and_blobs() {
        let out = Out {
            name: "n".into(),
            count: 2,
            missing: None,
            at: Timestamp::from_epoch_millis(1500),
            data: Blob::from(vec![0, 1]),
            tags: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
            kind: Kind::Alpha,
        };
        let doc = to_document(&out).unwrap();
        assert_eq!(
            doc,
            Document::Struct(vec![
                ("Name".into(), Document::Text("n".into())),
                ("Count".into(), Document::Int(2)),
                ("Missing".into(), Document::Null),
                ("At".into(), Document::Timestamp(1500)),
                ("Data".into(), Document::Blob(vec![0, 1])),
                ("Tags".into(), Document::Map(vec![("k".into(), Document::Text("v".into()))])),
                ("Kind".into(), Document::Text("Alpha".into())),
            ])
        );
    }

    #[test]
    fn non_scalar_map_keys_are_errors() {
        let m = BTreeMap::from([(vec![1u8], 1u8)]);
        assert!(to_document(&m).is_err());
        let m = BTreeMap::from([(3u8, 1u8)]);
        assert_eq!(to_document(&m).unwrap(), Document::Map(vec![("3".into(), Document::Int(1))]));
    }
}
