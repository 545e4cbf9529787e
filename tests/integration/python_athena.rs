//! Amazon Athena through boto3 (`tests/python/athena_boto3.py`): every operation the emulator
//! answers, botocore's paginator over GetQueryResults, and the modelled errors.

use serde_json::{Value, json};

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_drives_every_athena_operation_and_its_errors() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start().await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/athena_boto3.py");
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &[script.to_str().unwrap()])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(out["ddl"], json!(["SUCCEEDED", "DDL"]));
    assert_eq!(out["state"], "SUCCEEDED");
    assert_eq!(out["scanned"], true);
    assert_eq!(out["page1"], json!([["modelid", "tokens"], ["m1", "15"]]));
    assert_eq!(out["page2"], json!([["m2", "20"]]));
    assert_eq!(out["types"], json!(["varchar", "bigint"]));
    assert_eq!(out["paginated"], 3);
    assert_eq!(out["csv"], "\"modelid\",\"tokens\"\n\"m1\",\"15\"\n\"m2\",\"20\"\n");
    assert_eq!(out["failed"], json!(["FAILED", 2, "INVALID_FUNCTION_ARGUMENT: Invalid format: \"nope\""]));
    assert_eq!(
        out["errors"],
        json!({
            "noOutput": "InvalidRequestException:No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.",
            "resultsOfFailed": "InvalidRequestException",
            "unknownId": "InvalidRequestException:QueryExecution nope was not found",
            "unknownGroup": "InvalidRequestException:WorkGroup nope is not found.",
            "unknownTable": "MetadataException",
        })
    );
    assert_eq!(out["listed"], 4);
    assert_eq!(out["batch"], json!([1, "missing"]));
    assert_eq!(out["databases"], json!(["default", "logs_db"]));
    assert_eq!(out["tables"], json!(["calls"]));
    assert_eq!(out["columns"], json!([["modelid", "string"], ["input", "struct<inputtokencount:int>"]]));
    assert_eq!(out["workGroups"], json!(["primary"]));
    assert_eq!(out["primary"], "ENABLED");
}
