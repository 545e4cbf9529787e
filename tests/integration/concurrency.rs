//! Hundreds of parallel Converse calls, and a thousand concurrent keep-alive clients: every 200
//! response has exactly its record, and nothing is refused for lack of resources.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

use crate::support::{HAIKU, TestEmulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_calls_records_equal_responses() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..400 {
        let client = client.clone();
        tasks.spawn(async move {
            let msg = Message::builder()
                .role(ConversationRole::User)
                .content(ContentBlock::Text(format!("parallel question {i}")))
                .build()
                .unwrap();
            let tenant = format!("tenant-{}", i % 7);
            let out = client.converse().model_id(HAIKU).messages(msg).request_metadata("tenant_id", tenant).send().await;
            out.map(|o| o.request_id().unwrap().to_owned())
        });
    }
    let mut ok_ids = HashSet::new();
    while let Some(res) = tasks.join_next().await {
        ok_ids.insert(res.unwrap().unwrap());
    }
    let records = t.records("/aws/bedrock/modelinvocations");
    let record_ids: HashSet<String> = records.iter().map(|r| r["requestId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ok_ids.len(), 400);
    assert_eq!(records.len(), 400);
    assert_eq!(record_ids, ok_ids);
}

/// Clients connected at once, each making [`CALLS`] Converse calls on its keep-alive connection.
const CLIENTS: usize = 1000;
const CALLS: usize = 2;

/// One client: connects, waits until every client is connected, then makes its calls; returns
/// (request id, call) of each 200.
async fn keep_alive_client(url: String, client: usize, all_connected: Arc<tokio::sync::Barrier>) -> Vec<(String, String)> {
    let addr = url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.expect("connected");
    let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    all_connected.wait().await;
    let mut answered = Vec::new();
    for call in 0..CALLS {
        let name = format!("client {client} call {call}");
        let body = serde_json::json!({
            "messages": [{ "role": "user", "content": [{ "text": name }] }],
            "requestMetadata": { "client_call": name },
        });
        let req = http::Request::post("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse")
            .header("host", &addr)
            .header("content-type", "application/json")
            .header("authorization", crate::support::scope_authorization(crate::support::ACCESS_KEY, "us-east-1", "bedrock"))
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        sender.ready().await.expect("the connection stays open");
        let res = sender.send_request(req).await.expect("answered");
        let status = res.status();
        let id = res.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&body));
        answered.push((id, name));
    }
    answered
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_keep_alive_clients_each_get_exactly_their_record() {
    // Client and server sockets live in this one process: 2,000 descriptors and then some.
    let limit = fd_budget::raise_nofile_limit().expect("the soft limit rises to the hard one");
    assert!(limit.usable() > 2 * CLIENTS as u64 + 200, "this test needs a descriptor limit above 2,200: {limit:?}");
    let t = TestEmulator::start().await;
    let all_connected = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        tasks.spawn(keep_alive_client(t.url(), client, Arc::clone(&all_connected)));
    }
    let mut answered: HashMap<String, String> = HashMap::new();
    while let Some(res) = tasks.join_next().await {
        for (id, name) in res.unwrap() {
            assert!(answered.insert(id, name).is_none(), "request ids are unique");
        }
    }
    assert_eq!(answered.len(), CLIENTS * CALLS);
    let records = t.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), CLIENTS * CALLS, "one record per 200, no more");
    for record in &records {
        let id = record["requestId"].as_str().unwrap();
        let name = answered.get(id).unwrap_or_else(|| panic!("a record for {id}, which no client was answered"));
        assert_eq!(record["requestMetadata"]["client_call"], name.as_str(), "{id}");
        assert_eq!(record["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], name.as_str(), "{id}");
    }
}
