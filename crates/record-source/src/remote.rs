//! Delivered invocation logs on any S3 endpoint, through the `object_store` crate:
//! `s3://bucket/prefix` is listed once, objects whose key hour cannot hold the time range are
//! skipped without being read ([`crate::layout`]), and the rest are fetched ahead of the scan
//! threads, several at a time, at most a fixed number waiting.
//!
//! Configuration is `object_store`'s from the environment: `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, web identity, container and instance
//! credentials; `AWS_REGION`/`AWS_DEFAULT_REGION` (default `us-east-1`); `AWS_ENDPOINT_URL`
//! (or `AWS_ENDPOINT_URL_S3`) for another endpoint, such as the emulator's own S3 API, with
//! path-style requests and plain HTTP allowed when the endpoint is `http://`.

use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::error::SourceError;
use crate::layout;
use crate::objects::ObjectFeed;

/// Objects fetched at once.
const CONCURRENT_FETCHES: usize = 8;

/// `s3://bucket/prefix`, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    /// Parses `s3://bucket[/prefix]`; `None` for anything else.
    pub fn parse(url: &str) -> Option<S3Url> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        (!bucket.is_empty()).then(|| S3Url { bucket: bucket.to_owned(), prefix: prefix.to_owned() })
    }
}

/// Fetches objects of one bucket on the read's own small tokio runtime.
pub(crate) struct RemoteFetch {
    store: Arc<dyn ObjectStore>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl RemoteFetch {
    /// Fetches `keys` in order, several at a time, into `tx` until done or `stop`.
    pub(crate) fn feed(&self, keys: &[String], tx: SyncSender<crate::objects::Fetched>, stop: &dyn Fn() -> bool) {
        let store = self.store.clone();
        self.runtime.block_on(async move {
            let mut fetches = futures::stream::iter(keys.iter().enumerate())
                .map(|(i, key)| {
                    let store = store.clone();
                    async move {
                        let got = async { store.get(&StorePath::from(key.as_str())).await?.bytes().await }.await;
                        (i as u64, got.map(|b| b.to_vec()).map_err(|e| e.to_string()))
                    }
                })
                .buffered(CONCURRENT_FETCHES);
            while let Some(item) = fetches.next().await {
                if stop() || tx.send(item).is_err() {
                    return;
                }
            }
        });
    }
}

/// Connects to the bucket of `url` with the environment's configuration.
fn connect(url: &S3Url) -> Result<(Arc<dyn ObjectStore>, Arc<tokio::runtime::Runtime>), SourceError> {
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(&url.bucket);
    let endpoint = std::env::var("AWS_ENDPOINT_URL_S3").or_else(|_| std::env::var("AWS_ENDPOINT_URL")).ok();
    if let Some(endpoint) = &endpoint {
        builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
    }
    if std::env::var_os("AWS_REGION").is_none() && std::env::var_os("AWS_DEFAULT_REGION").is_none() {
        builder = builder.with_region("us-east-1");
    }
    let store = builder.build().map_err(|e| SourceError::Remote(format!("s3://{}: {e}", url.bucket)))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("s3-fetch")
        .enable_all()
        .build()
        .map_err(|e| SourceError::Remote(format!("cannot start the S3 client's runtime: {e}")))?;
    Ok((Arc::new(store), Arc::new(runtime)))
}

/// Lists the record objects under `url` whose key hour may hold `[start_ms, end_ms]` (keys
/// without an hour are always read), in key order, ready for [`crate::read_objects`].
pub fn list(url: &S3Url, start_ms: i64, end_ms: i64) -> Result<ObjectFeed, SourceError> {
    let (store, runtime) = connect(url)?;
    // object_store lists by whole path segments: list the prefix's directory, then filter.
    let dir = url.prefix.rsplit_once('/').map_or("", |(d, _)| d);
    let listed: Vec<String> = runtime
        .block_on(async {
            let prefix = (!dir.is_empty()).then(|| StorePath::from(dir));
            store.list(prefix.as_ref()).map_ok(|meta| meta.location.as_ref().to_owned()).try_collect::<Vec<String>>().await
        })
        .map_err(|e| SourceError::Remote(format!("cannot list s3://{}/{}: {e}", url.bucket, url.prefix)))?;
    let mut keys = Vec::new();
    let mut skipped = 0;
    for key in listed {
        if !key.starts_with(&url.prefix) || !layout::is_record_object(&key) {
            continue;
        }
        match layout::delivery_hour(&key) {
            Some(hour) if !layout::may_hold(hour, start_ms, end_ms) => skipped += 1,
            _ => keys.push(key),
        }
    }
    keys.sort();
    let base = format!("s3://{}/", url.bucket);
    Ok(ObjectFeed::remote(base, keys, skipped, RemoteFetch { store, runtime }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_bucket_and_prefix() {
        assert_eq!(S3Url::parse("s3://b/logs/AWSLogs/"), Some(S3Url { bucket: "b".into(), prefix: "logs/AWSLogs/".into() }));
        assert_eq!(S3Url::parse("s3://b"), Some(S3Url { bucket: "b".into(), prefix: String::new() }));
        assert_eq!(S3Url::parse("b/p"), None);
        assert_eq!(S3Url::parse("s3:///p"), None);
    }
}
