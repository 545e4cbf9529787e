//! Serializers for the two formats serde_json does not write: CBOR and XML, through a
//! [`document::Document`] tree built by a serde `Serializer`.

pub(crate) mod cbor;
pub(crate) mod document;
pub(crate) mod xml;

pub use document::SerializeError;
