//! SigV4-signed load targets for an emulator under `--enforce-iam`: a [`Target`] signed with
//! aws-sigv4 (the SDK's signer) by a key pair at the current time, so the emulator verifies a
//! real signature on every request. A signed target stays valid for the 15 minutes SigV4 allows;
//! the benchmarks sign afresh for each run.

use std::time::SystemTime;

use anyhow::Context;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::load::Target;

/// A key pair the emulator knows (the root's `test`/`test`, or an IAM user's).
#[derive(Clone)]
pub(crate) struct KeyPair {
    pub(crate) access_key: String,
    pub(crate) secret: String,
}

impl KeyPair {
    /// The account root under enforcement.
    pub(crate) fn root() -> Self {
        Self { access_key: "test".to_owned(), secret: "test".to_owned() }
    }
}

/// `target` (its unsigned `authorization` header dropped) signed by `keys` for `service` in
/// us-east-1, as sent to `addr` (the `host` header the load generator adds is signed).
pub(crate) fn signed(target: &Target, addr: &str, service: &str, keys: &KeyPair) -> anyhow::Result<Target> {
    let mut headers: Vec<(&'static str, String)> =
        target.headers.iter().filter(|(name, _)| *name != "authorization").cloned().collect();
    let mut signable: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    signable.push(("host", addr));
    let identity = Credentials::new(&keys.access_key, &keys.secret, None, None, "bench").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .context("signing parameters")?
        .into();
    let uri = format!("http://{addr}{}", target.path);
    let request = SignableRequest::new(target.method, &uri, signable.into_iter(), SignableBody::Bytes(&target.body))
        .context("a signable request")?;
    let (instructions, _) = sign(request, &params).context("signing")?.into_parts();
    for (name, value) in instructions.headers() {
        let name: &'static str = match name {
            "authorization" => "authorization",
            "x-amz-date" => "x-amz-date",
            "x-amz-content-sha256" => "x-amz-content-sha256",
            "x-amz-security-token" => "x-amz-security-token",
            other => anyhow::bail!("the signer added an unexpected header {other}"),
        };
        headers.push((name, value.to_owned()));
    }
    Ok(Target { headers, ..target.clone() })
}
