//! The load generator shared by `bench converse` and `soak`: request targets (Converse, the
//! health route, CloudWatch Logs and IAM operations, the logging configuration), single requests, and
//! closed-loop keep-alive connections that record each answer's latency.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

/// The credential scope the load signs with (the emulator reads it, checks no signature).
fn authorization(service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential=AKIDBENCH/20251203/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0")
}

/// One kind of request.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Bytes,
}

/// Converse on Claude 3 Haiku with request metadata (a ~2 KB record with text delivery on).
pub(crate) fn converse_target() -> Target {
    let body = r#"{"messages":[{"role":"user","content":[{"text":"Summarise our refund policy for a customer who bought a laptop 20 days ago."}]}],"inferenceConfig":{"maxTokens":256},"requestMetadata":{"application_name":"CustomerServiceApp","tenant_id":"tenant-001","cost_center":"CS-100","environment":"production"}}"#;
    Target {
        method: "POST",
        path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse".into(),
        headers: vec![("content-type", "application/json".into()), ("authorization", authorization("bedrock"))],
        body: Bytes::from_static(body.as_bytes()),
    }
}

/// `GET /_emulator/health`: the ceiling of the HTTP stack.
pub(crate) fn health_target() -> Target {
    Target { method: "GET", path: "/_emulator/health".into(), headers: Vec::new(), body: Bytes::new() }
}

/// A CloudWatch Logs operation (awsJson1.1).
pub(crate) fn logs_target(operation: &str, body: &serde_json::Value) -> Target {
    Target {
        method: "POST",
        path: "/".into(),
        headers: vec![
            ("content-type", "application/x-amz-json-1.1".into()),
            ("x-amz-target", format!("Logs_20140328.{operation}")),
            ("authorization", authorization("logs")),
        ],
        body: Bytes::from(body.to_string()),
    }
}

/// An IAM operation (awsQuery: a form of `Action`, `Version` and `params`).
pub(crate) fn iam_target(action: &str, params: &[(&str, &str)]) -> Target {
    let mut body = format!("Action={action}&Version=2010-05-08");
    for (name, value) in params {
        body.push_str(&format!("&{name}={}", form_encode(value)));
    }
    Target {
        method: "POST",
        path: "/".into(),
        headers: vec![
            ("content-type", "application/x-www-form-urlencoded; charset=utf-8".into()),
            ("authorization", authorization("iam")),
        ],
        body: Bytes::from(body),
    }
}

/// A form value percent-encoded (every byte but the unreserved ones).
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// PutModelInvocationLoggingConfiguration: text delivery to the default log group, and to
/// `s3_bucket` as well when given.
pub(crate) fn logging_target(s3_bucket: Option<&str>) -> Target {
    let mut config = serde_json::json!({
        "cloudWatchConfig": {
            "logGroupName": "/aws/bedrock/modelinvocations",
            "roleArn": "arn:aws:iam::123456789012:role/BedrockLogging"
        },
        "textDataDeliveryEnabled": true,
        "imageDataDeliveryEnabled": true,
        "embeddingDataDeliveryEnabled": true
    });
    if let Some(bucket) = s3_bucket {
        config["s3Config"] = serde_json::json!({ "bucketName": bucket, "keyPrefix": "bench" });
    }
    Target {
        method: "PUT",
        path: "/logging/modelinvocations".into(),
        headers: vec![("content-type", "application/json".into()), ("authorization", authorization("bedrock"))],
        body: Bytes::from(serde_json::json!({ "loggingConfig": config }).to_string()),
    }
}

fn request(addr: &str, target: &Target) -> anyhow::Result<http::Request<Full<Bytes>>> {
    let mut req = http::Request::builder().method(target.method).uri(&target.path).header("host", addr);
    for (name, value) in &target.headers {
        req = req.header(*name, value);
    }
    Ok(req.body(Full::new(target.body.clone()))?)
}

/// One request on its own connection: the status and the body.
pub(crate) async fn send(addr: &str, target: &Target) -> anyhow::Result<(u16, Bytes)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let res = sender.send_request(request(addr, target)?).await?;
    let status = res.status().as_u16();
    Ok((status, res.into_body().collect().await?.to_bytes()))
}

/// [`send`], requiring a 2xx answer, whose body it returns as JSON (`null` when empty).
pub(crate) async fn call(addr: &str, target: &Target) -> anyhow::Result<serde_json::Value> {
    let (status, body) = send(addr, target).await?;
    anyhow::ensure!(
        (200..300).contains(&status),
        "{} {} answered {status}: {}",
        target.method,
        target.path,
        String::from_utf8_lossy(&body)
    );
    if body.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    Ok(serde_json::from_slice(&body)?)
}

/// Latencies and non-2xx answers, shared by the connections of one load.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) latencies: Vec<Duration>,
    pub(crate) errors: usize,
}

impl Tally {
    /// Takes what was recorded so far, leaving the tally empty.
    pub(crate) fn take(&mut self) -> Tally {
        std::mem::take(self)
    }

    /// The `p` quantile (0..=1) of the latencies, ms (NaN without any).
    pub(crate) fn percentile_ms(&mut self, p: f64) -> f64 {
        self.latencies.sort_unstable();
        let n = self.latencies.len();
        let i = ((n as f64 * p) as usize).min(n.saturating_sub(1));
        self.latencies.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    }
}

/// Drives one keep-alive connection until `until`: each request is sent when the previous
/// answer arrived (and, with `pace`, no sooner than `pace` after the previous one was sent).
pub(crate) async fn closed_loop(
    addr: String,
    target: Target,
    until: Instant,
    pace: Option<Duration>,
    tally: Arc<Mutex<Tally>>,
) -> anyhow::Result<()> {
    let stream = tokio::net::TcpStream::connect(&addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut ticks = pace.map(|p| {
        let mut t = tokio::time::interval(p);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    while Instant::now() < until {
        if let Some(t) = ticks.as_mut() {
            t.tick().await;
        }
        let req = request(&addr, &target)?;
        let start = Instant::now();
        sender.ready().await?;
        let res = sender.send_request(req).await?;
        let ok = res.status().is_success();
        res.into_body().collect().await?;
        let took = start.elapsed();
        let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
        tally.latencies.push(took);
        tally.errors += usize::from(!ok);
    }
    Ok(())
}
