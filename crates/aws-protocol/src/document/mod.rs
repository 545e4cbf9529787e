//! Request documents the services read as data: URL-encoded pairs (awsQuery forms, query
//! strings) and CBOR bodies turned into the JSON value the JSON protocols would have sent, and
//! awsQuery parameters read against the input shape (`query.rs`), and restXml request bodies
//! read against their shape (`xml.rs`). A malformed document is a [`DecodeError`], answered as
//! Coral's `SerializationException` (S3 answers its own `MalformedXML`).

mod cbor;
mod form;
mod query;
mod xml;

pub use cbor::cbor_to_json;
pub use form::{parse_form, parse_query};
pub use query::form_to_json;
pub use xml::xml_to_json;

use crate::error::AwsError;

/// Why a request document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("The {0} is not valid UTF-8 once percent-decoded.")]
    NotUtf8(&'static str),
    #[error("The CBOR body is malformed: {0}.")]
    Cbor(String),
    #[error("The CBOR body has {0} bytes after its value.")]
    TrailingBytes(usize),
    #[error("The CBOR body has a map key that is not text.")]
    NonTextKey,
    #[error("The CBOR body has an integer out of range: {0}.")]
    IntegerRange(String),
}

impl DecodeError {
    /// The error the caller gets: `SerializationException` (400).
    pub fn to_aws_error(&self) -> AwsError {
        AwsError::serialization(self.to_string())
    }
}
