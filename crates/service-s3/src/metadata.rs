//! An object's metadata from the headers of the request that writes it (`Content-Type`,
//! `Content-Encoding` once `aws-chunked` is removed, `Content-Disposition`, `Content-Language`,
//! `Cache-Control`, `Expires`, `x-amz-meta-*`, the checksum verified by the protocol layer), and
//! back into the headers of GetObject and HeadObject.

use aws_protocol::Detected;
use http::HeaderMap;
use object_store::ObjectMeta;

/// The metadata a PutObject or CreateMultipartUpload carries.
pub(crate) fn from_request(req: &Detected, headers: &HeaderMap) -> ObjectMeta {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut meta = ObjectMeta {
        content_type: header("content-type"),
        content_encoding: req.body.content_encoding.clone(),
        content_disposition: header("content-disposition"),
        content_language: header("content-language"),
        cache_control: header("cache-control"),
        expires: header("expires"),
        ..ObjectMeta::default()
    };
    for (name, value) in headers {
        if let Some(key) = name.as_str().strip_prefix("x-amz-meta-")
            && let Ok(value) = value.to_str()
        {
            meta.user.push((key.to_owned(), value.to_owned()));
        }
    }
    meta.checksum = req.body.checksum.as_ref().map(|c| (c.algorithm.name().to_owned(), c.value.clone()));
    meta
}

/// The response headers of a stored object's metadata (its `Content-Type`, default
/// `application/octet-stream`, is returned apart).
pub(crate) fn response_headers(meta: &ObjectMeta) -> Vec<(String, String)> {
    let stored = [
        ("content-disposition", &meta.content_disposition),
        ("content-encoding", &meta.content_encoding),
        ("content-language", &meta.content_language),
        ("cache-control", &meta.cache_control),
        ("expires", &meta.expires),
    ];
    let mut out: Vec<(String, String)> =
        stored.into_iter().filter_map(|(n, v)| v.as_ref().map(|v| (n.to_owned(), v.clone()))).collect();
    out.extend(meta.user.iter().map(|(k, v)| (format!("x-amz-meta-{k}"), v.clone())));
    out
}
