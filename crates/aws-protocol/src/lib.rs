//! The emulator's protocol layer: the only crate that knows AWS wire formats.
//!
//! A request goes through [`detect`] (service, protocol, operation, labels, parameters, the
//! decoded body; or a [`Rejection`] to answer as is), the service computes a [`Reply`] or an
//! [`AwsError`], and [`encode`] / [`render_error`] write it in the protocol the caller spoke.
//! The operation tables of the nine models are generated data ([`tables`]).

pub mod body;
pub mod client;
pub mod detect;
pub mod document;
pub mod error;
pub mod eventstream;
pub(crate) mod headers;
pub mod protocol;
pub mod reply;
pub mod response;
pub(crate) mod route;
pub mod ser;
pub mod service;
pub mod shape;
pub mod sigv4;
pub mod tables;
pub mod wire;

pub use body::{BodyError, BodyKind, BodyLimits, DecodedBody, decode_body};
pub use detect::{Detected, Labels, Rejection, detect, detect_route};
pub use document::{DecodeError, cbor_to_json, form_to_json, parse_form, parse_query, xml_to_json};
pub use error::{AwsError, ErrorField, Fault};
pub use protocol::Protocol;
pub use reply::{Reply, ReplyBody};
pub use response::{HttpResponse, ResponseBody, full_body};
pub use service::ServiceId;
pub use shape::{Blob, Timestamp};
pub use sigv4::Caller;
pub use wire::{encode, render_error};
#[cfg(test)]
pub(crate) mod test_support;
