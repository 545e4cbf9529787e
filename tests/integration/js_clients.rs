//! aws-sdk-js v3 under node (`tests/js`, installed by `npm ci`) against the emulator:
//! CloudWatch (awsJson1.0), SNS (awsQuery) and Athena (awsJson1.1) through `node --test`.

use crate::support::TestEmulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_sdk_js_v3_cloudwatch_and_sns() {
    let Some(node) = test_support::tools::js_tool() else { return };
    let emu = TestEmulator::start().await;
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || test_support::tools::run_node_test(&node, "cloudwatch.test.mjs", &url))
            .await
            .unwrap();
    assert_eq!(code, 0, "node --test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("pass 4") || stdout.contains("✔ sns"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_sdk_js_v3_drives_every_athena_operation() {
    let Some(node) = test_support::tools::js_tool() else { return };
    let emu = TestEmulator::start().await;
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || test_support::tools::run_node_test(&node, "athena.test.mjs", &url)).await.unwrap();
    assert_eq!(code, 0, "node --test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("pass 3"), "{stdout}");
}
