//! What each S3 operation is authorized against under `--enforce-iam`, with the bucket's policy
//! as the resource-based policy: the actions S3 checks (ListObjects and HeadBucket as
//! `s3:ListBucket`, HeadObject as `s3:GetObject`, multipart parts as `s3:PutObject`,
//! ListBuckets as `s3:ListAllMyBuckets`, the public access block as
//! `s3:PutBucketPublicAccessBlock` / `s3:GetBucketPublicAccessBlock`, CopyObject as
//! `s3:GetObject` on the source and `s3:PutObject` on the target, DeleteObjects as
//! `s3:DeleteObject` on each key) on `arn:aws:s3:::{bucket}` or `arn:aws:s3:::{bucket}/{key}`,
//! and the `s3:prefix`, `s3:delimiter`, `s3:max-keys` keys of a listing.

use percent_encoding::percent_decode_str;
use service_kit::{Authorization, Call, ResourcePolicy, ResourcePolicyKind};

use crate::S3Service;

/// The authorization of one call.
pub(crate) fn authorization(state: &S3Service, call: &Call<'_>) -> Authorization {
    let label = |name: &str| call.request.labels.get(name).map(|v| v.unwrap_or_else(|raw| raw).to_owned());
    let bucket = label("Bucket").unwrap_or_default();
    let key = label("Key").unwrap_or_default();
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let object_arn = format!("arn:aws:s3:::{bucket}/{key}");
    let policy = |b: &str| bucket_policy(state, b);
    let on_bucket = |action: &str| Authorization::default().and(action, vec![bucket_arn.clone()]).under(policy(&bucket));
    let on_object = |action: &str| Authorization::default().and(action, vec![object_arn.clone()]).under(policy(&bucket));
    match call.operation() {
        "ListBuckets" => Authorization::action("s3:ListAllMyBuckets", "*"),
        "HeadBucket" => on_bucket("s3:ListBucket"),
        "ListObjects" | "ListObjectsV2" => {
            let mut auth = on_bucket("s3:ListBucket");
            for (param, key) in [("prefix", "s3:prefix"), ("delimiter", "s3:delimiter"), ("max-keys", "s3:max-keys")] {
                if let Some(v) = call.request.query_param(param) {
                    auth = auth.key(key, v);
                }
            }
            auth
        }
        "HeadObject" | "GetObject" => on_object("s3:GetObject"),
        "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" => on_object("s3:PutObject"),
        "AbortMultipartUpload" => on_object("s3:AbortMultipartUpload"),
        "ListParts" => on_object("s3:ListMultipartUploadParts"),
        "DeleteObject" => on_object("s3:DeleteObject"),
        "CopyObject" => {
            let source = call.headers.get("x-amz-copy-source").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let source = percent_decode_str(source.split('?').next().unwrap_or_default()).decode_utf8_lossy().into_owned();
            let source = source.trim_start_matches('/');
            let source_bucket = source.split('/').next().unwrap_or_default().to_owned();
            on_object("s3:PutObject").and("s3:GetObject", vec![format!("arn:aws:s3:::{source}")]).under(policy(&source_bucket))
        }
        "DeleteObjects" => {
            let keys = xml_keys(&call.request.body.bytes);
            let resources = if keys.is_empty() {
                vec![format!("{bucket_arn}/*")]
            } else {
                keys.iter().map(|k| format!("{bucket_arn}/{k}")).collect()
            };
            Authorization::default().and("s3:DeleteObject", resources).under(policy(&bucket))
        }
        "PutPublicAccessBlock" | "DeletePublicAccessBlock" => on_bucket("s3:PutBucketPublicAccessBlock"),
        "GetPublicAccessBlock" => on_bucket("s3:GetBucketPublicAccessBlock"),
        "DeleteBucketOwnershipControls" => on_bucket("s3:PutBucketOwnershipControls"),
        other => on_bucket(&format!("s3:{other}")),
    }
}

/// The bucket's policy, when it has one.
fn bucket_policy(state: &S3Service, bucket: &str) -> Option<ResourcePolicy> {
    if bucket.is_empty() {
        return None;
    }
    let bytes = state.store.bucket_config(bucket, object_store::BUCKET_POLICY).ok().flatten()?;
    Some(ResourcePolicy {
        source: format!("bucket-policy:{bucket}"),
        kind: ResourcePolicyKind::Bucket(bucket.to_owned()),
        document: String::from_utf8(bytes).ok()?,
        owner_account: state.env.account_id.clone(),
    })
}

/// The `<Key>` values of a DeleteObjects body (XML entities of keys decoded).
fn xml_keys(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let mut keys = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("<Key>") {
        let after = &rest[start + 5..];
        let Some(end) = after.find("</Key>") else { break };
        let key = after[..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        keys.push(key);
        rest = &after[end + 6..];
    }
    keys
}

#[cfg(test)]
mod tests {
    #[test]
    fn delete_objects_keys() {
        let body = b"<Delete><Object><Key>a&amp;b</Key></Object><Object><Key>c/d</Key></Object></Delete>";
        assert_eq!(super::xml_keys(body), ["a&b", "c/d"]);
    }
}
