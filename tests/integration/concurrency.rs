//! Hundreds of parallel Converse calls: every 200 response has exactly one record.

use std::collections::HashSet;

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
