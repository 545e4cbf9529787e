//! Records survive a restart of the emulator, and a torn tail left by a crash is tolerated.

use std::io::Write;

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

use crate::support::{HAIKU, TestEmulator};

async fn converse_n(t: &TestEmulator, n: usize) {
    let client = t.runtime("us-east-1");
    for i in 0..n {
        let msg =
            Message::builder().role(ConversationRole::User).content(ContentBlock::Text(format!("question {i}"))).build().unwrap();
        client.converse().model_id(HAIKU).messages(msg).send().await.unwrap();
    }
}

fn segment_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "seg") {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test]
async fn records_survive_restart_and_a_torn_tail() {
    let t = TestEmulator::start().await;
    converse_n(&t, 5).await;
    let before = t.records("/aws/bedrock/modelinvocations");
    assert_eq!(before.len(), 5);

    let stopped = t.stop().await;
    let dir = &stopped.dir;

    // A crash in the middle of an append leaves a partial record at the end of the segment.
    let segments = segment_files(&dir.path().join("logs"));
    assert_eq!(segments.len(), 1, "{segments:?}");
    let mut file = std::fs::OpenOptions::new().append(true).open(&segments[0]).unwrap();
    file.write_all(&[0x7f, 0x00, 0x10, b'{', b'"', b't']).unwrap();
    drop(file);

    let t = stopped.start().await;
    assert_eq!(t.records("/aws/bedrock/modelinvocations"), before);
    converse_n(&t, 2).await;
    let after = t.records("/aws/bedrock/modelinvocations");
    assert_eq!(after.len(), 7);
    assert_eq!(after[..5], before[..]);
}
