//! CloudWatch dashboards through boto3, the aws CLI and aws-sdk-js v3: seed 000's dashboard JSON
//! put unmodified (the CLI reads it with `file://`), every operation, and each error with the
//! client's modelled exception and its validation messages.

use serde_json::Value;

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

/// The seed's dashboard file, as a path the clients read.
fn seed_file() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/dashboards/seed_000_dashboard.json").display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_drives_every_dashboard_operation_and_error() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start().await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/cloudwatch_dashboards.py");
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &[script.to_str().unwrap(), &seed_file()])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(out["putMessages"], serde_json::json!([]));
    assert_eq!(out["roundTrip"], true);
    assert_eq!(out["arn"], "arn:aws:cloudwatch::123456789012:dashboard/Seed-000");
    assert_eq!(out["listed"], serde_json::json!(["Other", "Seed-000"]));
    assert_eq!(out["prefixed"], serde_json::json!(["Seed-000"]));
    assert_eq!(out["paginated"], serde_json::json!(["Other", "Seed-000"]));
    let errors = &out["errors"];
    assert_eq!(errors["invalidBody"]["code"], "InvalidParameterInput");
    assert!(
        errors["invalidBody"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The dashboard body is invalid, there are 2 validation errors:"),
        "{errors}"
    );
    assert_eq!(
        errors["invalidBody"]["messages"],
        serde_json::json!([
            {"DataPath": "/widgets/0/properties/query", "Message": "Should be string"},
            {"DataPath": "/widgets/0/properties", "Message": "Should have required property 'region'"}
        ])
    );
    assert_eq!(errors["invalidName"], "InvalidParameterInput");
    assert_eq!(errors["notFound"], serde_json::json!(["ResourceNotFound", "Dashboard Other does not exist", 404]));
    assert_eq!(errors["deleteMissing"], "ResourceNotFound");
    assert_eq!(errors["badPrefix"], "InvalidParameterValue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_puts_the_seed_dashboard_file_unmodified() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let emu = TestEmulator::start().await;
    let url = emu.url();
    let cli = |args: Vec<String>| {
        let (aws, url) = (aws.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_py_tool(&aws, &url, &args)
        })
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let ok = |r: (i32, String, String)| -> Value {
        assert_eq!(r.0, 0, "aws failed: {}", r.2);
        if r.1.trim().is_empty() { Value::Null } else { serde_json::from_str(&r.1).unwrap() }
    };
    let body = format!("file://{}", seed_file());
    let put = ok(cli(args(&["cloudwatch", "put-dashboard", "--dashboard-name", "Bedrock-Usage", "--dashboard-body", &body]))
        .await
        .unwrap());
    assert_eq!(put["DashboardValidationMessages"], serde_json::json!([]));
    let got = ok(cli(args(&["cloudwatch", "get-dashboard", "--dashboard-name", "Bedrock-Usage"])).await.unwrap());
    assert_eq!(got["DashboardBody"].as_str(), Some(std::fs::read_to_string(seed_file()).unwrap().as_str()));
    let listed = ok(cli(args(&["cloudwatch", "list-dashboards", "--dashboard-name-prefix", "Bed"])).await.unwrap());
    assert_eq!(listed["DashboardEntries"][0]["DashboardName"], "Bedrock-Usage");
    ok(cli(args(&["cloudwatch", "delete-dashboards", "--dashboard-names", "Bedrock-Usage"])).await.unwrap());

    let (code, _, stderr) =
        cli(args(&["cloudwatch", "put-dashboard", "--dashboard-name", "x", "--dashboard-body", "{}"])).await.unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(InvalidParameterInput)"), "{stderr}");
    assert!(stderr.contains("The dashboard body is invalid, there are 1 validation errors:"), "{stderr}");
    assert!(stderr.contains("Should have required property 'widgets'"), "{stderr}");
    let (code, _, stderr) =
        cli(args(&["cloudwatch", "put-dashboard", "--dashboard-name", "a.b", "--dashboard-body", &body])).await.unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(InvalidParameterInput)") && stderr.contains("invalid characters"), "{stderr}");
    let (code, _, stderr) = cli(args(&["cloudwatch", "get-dashboard", "--dashboard-name", "Bedrock-Usage"])).await.unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(ResourceNotFound)") && stderr.contains("Dashboard Bedrock-Usage does not exist"), "{stderr}");
    let (code, _, stderr) = cli(args(&["cloudwatch", "delete-dashboards", "--dashboard-names", "Gone"])).await.unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(ResourceNotFound)"), "{stderr}");
    let (code, _, stderr) = cli(args(&["cloudwatch", "list-dashboards", "--dashboard-name-prefix", "a b"])).await.unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(InvalidParameterValue)"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_sdk_js_v3_dashboards() {
    let Some(node) = test_support::tools::js_tool() else { return };
    let emu = TestEmulator::start().await;
    let url = emu.url();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        test_support::tools::run_node_test_with(&node, "dashboards.test.mjs", &url, &[("SEED_DASHBOARD_FILE", &seed_file())])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "node --test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("pass 2"), "{stdout}");
}
