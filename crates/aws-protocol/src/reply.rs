//! `Reply`: what a service returns for a successful call, before any wire format: a status
//! (200 unless set), extra headers, and a body that is nothing, a typed output shape (serialized
//! once, by the protocol's encoder), raw bytes, or a stream.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use crate::response::ResponseBody;

/// A typed output, serialized by the protocol's encoder.
pub type ShapeValue = Box<dyn erased_serde::Serialize + Send + Sync>;

/// The body of a [`Reply`].
pub enum ReplyBody {
    /// No output members: an empty body (JSON protocols), `0xA0` (CBOR), no `<{Op}Result>`
    /// (awsQuery), no document (restXml).
    Empty,
    /// An output structure. `name` is the root element of a restXml document (S3's
    /// `ListBucketResult`); JSON, CBOR and awsQuery do not use it.
    Shape { name: &'static str, value: ShapeValue },
    /// Raw bytes with their content type (InvokeModel bodies, S3 objects).
    Payload { content_type: Cow<'static, str>, bytes: Bytes },
    /// A streamed body (event streams, large objects) with its content type.
    Stream { content_type: Cow<'static, str>, body: ResponseBody },
}

impl fmt::Debug for ReplyBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyBody::Empty => f.write_str("Empty"),
            ReplyBody::Shape { name, .. } => f.debug_struct("Shape").field("name", name).finish_non_exhaustive(),
            ReplyBody::Payload { content_type, bytes } => {
                f.debug_struct("Payload").field("content_type", content_type).field("len", &bytes.len()).finish()
            }
            ReplyBody::Stream { content_type, .. } => {
                f.debug_struct("Stream").field("content_type", content_type).finish_non_exhaustive()
            }
        }
    }
}

/// A service's successful answer.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status (200 unless the operation says otherwise, e.g. S3's 204).
    pub status: u16,
    /// Headers beside the protocol's own, in order; invalid values are skipped at encoding.
    pub headers: Vec<(Cow<'static, str>, String)>,
    pub body: ReplyBody,
}

impl Reply {
    fn with_body(body: ReplyBody) -> Reply {
        Reply { status: 200, headers: Vec::new(), body }
    }

    /// A reply without output members.
    pub fn empty() -> Reply {
        Reply::with_body(ReplyBody::Empty)
    }

    /// A reply carrying the output shape `name`.
    pub fn shape<T>(name: &'static str, value: T) -> Reply
    where
        T: serde::Serialize + Send + Sync + 'static,
    {
        Reply::with_body(ReplyBody::Shape { name, value: Box::new(value) })
    }

    /// A reply whose body is `bytes` as they are.
    pub fn payload(content_type: impl Into<Cow<'static, str>>, bytes: impl Into<Bytes>) -> Reply {
        Reply::with_body(ReplyBody::Payload { content_type: content_type.into(), bytes: bytes.into() })
    }

    /// A reply whose body is streamed.
    pub fn stream(content_type: impl Into<Cow<'static, str>>, body: ResponseBody) -> Reply {
        Reply::with_body(ReplyBody::Stream { content_type: content_type.into(), body })
    }

    /// Sets the status.
    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}
