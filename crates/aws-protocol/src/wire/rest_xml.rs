//! restXml (S3): `application/xml` documents `<?xml …?>` + the root element named by the output
//! shape in S3's namespace, lists flattened (repeated elements; wrapped lists are wrapper
//! structs); no body for no output; errors S3's `<Error><Code/><Message/>…<RequestId/></Error>`
//! (no namespace), without a body for HEAD.

use bytes::Bytes;

use super::Encoded;
use super::aws_query::extra_fields;
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::ShapeValue;
use crate::response::{HttpResponse, full_body, response, set_header};
use crate::ser::SerializeError;
use crate::ser::document::to_document;
use crate::ser::xml::{ListStyle, XmlWriter};
use crate::service::S3_XML_NAMESPACE;

/// The XML declaration S3 starts its documents with.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The document of an output whose root element is `name` (`None`: no body, no content type).
pub(super) fn body(value: Option<(&'static str, &ShapeValue)>) -> Result<Encoded, SerializeError> {
    let Some((name, value)) = value else {
        return Ok(Encoded { content_type: None, bytes: Bytes::new() });
    };
    let doc = to_document(&**value)?;
    let mut xml = XmlWriter::new(ListStyle::Flattened);
    xml.raw(DECLARATION);
    xml.root(name, Some(S3_XML_NAMESPACE), &doc)?;
    Ok(Encoded { content_type: Some(Protocol::RestXml.content_type()), bytes: Bytes::from(xml.finish()) })
}

/// S3's error document (the request id headers are added by the caller).
pub(super) fn error(request_id: &str, err: &AwsError, is_head: bool) -> HttpResponse {
    let body = if is_head {
        Bytes::new()
    } else {
        let mut xml = XmlWriter::new(ListStyle::Flattened);
        xml.raw(DECLARATION).open("Error").elem("Code", &err.code).elem("Message", &err.message);
        extra_fields(&mut xml, err);
        xml.elem("RequestId", request_id).close("Error");
        Bytes::from(xml.finish())
    };
    let mut response = response(err.status, full_body(body));
    set_header(&mut response, headers::CONTENT_TYPE, Protocol::RestXml.content_type());
    response
}
