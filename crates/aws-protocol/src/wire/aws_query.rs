//! awsQuery (STS, IAM, SNS, CloudWatch from older SDKs): `text/xml`
//! `<{Op}Response xmlns=…><{Op}Result>…</{Op}Result><ResponseMetadata><RequestId>…</RequestId>
//! </ResponseMetadata></{Op}Response>` (no Result element without output members); errors
//! `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`,
//! the code being the awsQuery code of a query-compatible error.

use bytes::Bytes;

use super::Encoded;
use crate::error::{AwsError, ErrorField};
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::ShapeValue;
use crate::response::{HttpResponse, full_body, response, set_header};
use crate::ser::SerializeError;
use crate::ser::document::to_document;
use crate::ser::xml::{ListStyle, XmlWriter};
use crate::service::ServiceId;

/// The body of `operation`'s response (`None`: no Result element).
pub(super) fn body(
    service: ServiceId,
    operation: &str,
    request_id: &str,
    value: Option<(&'static str, &ShapeValue)>,
) -> Result<Encoded, SerializeError> {
    let response_tag = format!("{operation}Response");
    let mut xml = XmlWriter::new(ListStyle::Member);
    match service.xml_namespace() {
        Some(ns) => xml.open_ns(&response_tag, ns),
        None => xml.open(&response_tag),
    };
    if let Some((_, value)) = value {
        let result_tag = format!("{operation}Result");
        let doc = to_document(&**value)?;
        xml.open(&result_tag);
        xml.children(&doc)?;
        xml.close(&result_tag);
    }
    xml.open("ResponseMetadata").elem("RequestId", request_id).close("ResponseMetadata");
    xml.close(&response_tag);
    Ok(Encoded { content_type: Some(Protocol::AwsQuery.content_type()), bytes: Bytes::from(xml.finish()) })
}

/// An error response (the request id header is added by the caller).
pub(super) fn error(service: Option<ServiceId>, request_id: &str, err: &AwsError) -> HttpResponse {
    let mut xml = XmlWriter::new(ListStyle::Member);
    match service.and_then(ServiceId::xml_namespace) {
        Some(ns) => xml.open_ns("ErrorResponse", ns),
        None => xml.open("ErrorResponse"),
    };
    xml.open("Error").elem("Type", err.fault.as_str()).elem("Code", err.wire_query_code()).elem("Message", &err.message);
    extra_fields(&mut xml, err);
    xml.close("Error").elem("RequestId", request_id).close("ErrorResponse");
    let mut response = response(err.status, full_body(xml.finish()));
    set_header(&mut response, headers::CONTENT_TYPE, Protocol::AwsQuery.content_type());
    response
}

/// An error's extra members as elements, JSON objects as structures (a JSON member that does
/// not serialize is left out).
pub(super) fn extra_fields(xml: &mut XmlWriter, err: &AwsError) {
    for (name, field) in &err.fields {
        match field {
            ErrorField::Text(t) => {
                xml.elem(name, t);
            }
            ErrorField::Json(v) => {
                // An error's JSON members are structures (`queryCompileError`,
                // `dashboardValidationMessages`): their keys are element names.
                if let Ok(doc) = to_document(v).map(|d| d.maps_as_structures()) {
                    let mut part = XmlWriter::new(ListStyle::Member);
                    if part.member(name, &doc).is_ok() {
                        xml.raw(&part.finish());
                    }
                }
            }
        }
    }
}
