//! Helpers shared by the unit tests: requests with a SigV4 scope, and response bodies read
//! without a runtime (every body the encoders build is ready at once).

use std::future::Future;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use http_body_util::BodyExt;

use crate::response::HttpResponse;

/// An `Authorization` header value signed for `service`.
pub(crate) fn signed(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251203/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
    )
}

/// A header map from pairs.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
    }
    h
}

/// The whole body of a response whose body is ready.
pub(crate) fn body_bytes(response: HttpResponse) -> Bytes {
    let mut collect = std::pin::pin!(response.into_body().collect());
    let mut cx = Context::from_waker(Waker::noop());
    match collect.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(collected)) => collected.to_bytes(),
        Poll::Ready(Err(aborted)) => panic!("{aborted}"),
        Poll::Pending => panic!("the body is not ready"),
    }
}

/// A header of a response, as text.
pub(crate) fn header<'a>(response: &'a HttpResponse, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}
