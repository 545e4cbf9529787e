//! The account's operations through the other clients users run: boto3 (`tests/python/
//! account_clients.py`), aws-sdk-js v3 under node (`tests/js/account_clients.cjs`, S3
//! virtual-hosted) and the aws CLI (`aws sts`, `aws iam`, `aws s3`/`s3api` with a multipart
//! `cp`, `aws bedrock`). Each check a script makes must pass; under CI a missing client fails.

use std::io::Write;

use crate::support::{ACCESS_KEY, PyTool, SECRET_KEY, TestEmulator, py_tool, run_py_tool};

/// Every `{"check", "ok", "detail"}` line a script printed; panics naming the failed checks.
fn assert_checks(tool: &str, status: i32, stdout: &str, stderr: &str, at_least: usize) {
    assert_eq!(status, 0, "{tool} failed:\n{stderr}\n{stdout}");
    let checks: Vec<serde_json::Value> =
        stdout.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed: Vec<&serde_json::Value> = checks.iter().filter(|c| c["ok"] != true).collect();
    assert!(failed.is_empty(), "{tool}: {} of {} checks failed: {failed:#?}", failed.len(), checks.len());
    assert!(checks.len() >= at_least, "{tool}: only {} checks ran", checks.len());
    eprintln!("{tool}: {} checks passed", checks.len());
}

#[tokio::test]
async fn boto3_drives_sts_iam_s3_and_the_catalog() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let t = TestEmulator::start().await;
    let url = t.url();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/account_clients.py");
    let (status, out, err) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &[script, &url])).await.unwrap();
    assert_checks("boto3", status, &out, &err, 50);
}

#[tokio::test]
async fn aws_sdk_js_drives_sts_iam_and_s3() {
    let Some(js) = test_support::tools::js_tool() else { return };
    let t = TestEmulator::start().await;
    let url = t.url();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js/account_clients.cjs");
    let (status, out, err) =
        tokio::task::spawn_blocking(move || test_support::tools::run_js(&js, &script, &url, ACCESS_KEY, SECRET_KEY, &[]))
            .await
            .unwrap();
    assert_checks("aws-sdk-js", status, &out, &err, 28);
}

#[tokio::test]
async fn aws_cli_sets_up_an_account_and_copies_files_of_any_size() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start().await;
    let url = t.url();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().to_owned();
    let outcome = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| run_py_tool(&aws, &url, args);
        let ok = |args: &[&str]| {
            let (status, out, err) = run(args);
            assert_eq!(status, 0, "aws {args:?} failed: {err}");
            out
        };
        let fails_with = |args: &[&str], code: &str| {
            let (status, _, err) = run(args);
            assert_ne!(status, 0, "aws {args:?} succeeded");
            assert!(err.contains(&format!("({code})")), "aws {args:?}: wanted {code}, got {err}");
        };
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        std::fs::write(dir.join("trust.json"), trust).unwrap();
        let trust_arg = format!("file://{}", dir.join("trust.json").display());
        assert_eq!(ok(&["sts", "get-caller-identity", "--query", "Account", "--output", "text"]).trim(), "123456789012");
        ok(&["iam", "create-role", "--role-name", "CliRole", "--assume-role-policy-document", &trust_arg]);
        let role: serde_json::Value = serde_json::from_str(&ok(&["iam", "get-role", "--role-name", "CliRole"])).unwrap();
        assert_eq!(role["Role"]["AssumeRolePolicyDocument"], serde_json::from_str::<serde_json::Value>(trust).unwrap());
        fails_with(
            &["iam", "create-role", "--role-name", "CliRole", "--assume-role-policy-document", &trust_arg],
            "EntityAlreadyExists",
        );
        fails_with(&["iam", "get-role", "--role-name", "Nope"], "NoSuchEntity");
        fails_with(
            &["iam", "put-role-policy", "--role-name", "CliRole", "--policy-name", "p", "--policy-document", "{}"],
            "MalformedPolicyDocument",
        );
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}"#;
        ok(&["iam", "put-role-policy", "--role-name", "CliRole", "--policy-name", "p", "--policy-document", policy]);
        let arn = ok(&[
            "iam", "create-policy", "--policy-name", "CliPolicy", "--policy-document", policy, "--query", "Policy.Arn",
            "--output", "text",
        ]);
        ok(&["iam", "attach-role-policy", "--role-name", "CliRole", "--policy-arn", arn.trim()]);
        fails_with(&["iam", "delete-role", "--role-name", "CliRole"], "DeleteConflict");
        ok(&["iam", "create-user", "--user-name", "cli-user"]);
        let key =
            ok(&["iam", "create-access-key", "--user-name", "cli-user", "--query", "AccessKey.AccessKeyId", "--output", "text"]);
        assert!(key.trim().starts_with("AKIA"));
        fails_with(
            &["sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/CliRole", "--role-session-name", "cli"],
            "AccessDenied",
        );

        // S3: a bucket set up as the seed does, a 12 MiB file through multipart, and back.
        ok(&["s3", "mb", "s3://cli-bucket"]);
        fails_with(
            &["s3api", "create-bucket", "--bucket", "cli-other", "--create-bucket-configuration", "LocationConstraint=us-east-1"],
            "InvalidLocationConstraint",
        );
        fails_with(
            &["s3api", "create-bucket", "--bucket", "cli-other", "--region", "eu-west-1"],
            "IllegalLocationConstraintException",
        );
        ok(&[
            "s3api",
            "put-public-access-block",
            "--bucket",
            "cli-bucket",
            "--public-access-block-configuration",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ]);
        ok(&[
            "s3api",
            "put-bucket-ownership-controls",
            "--bucket",
            "cli-bucket",
            "--ownership-controls",
            "Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
        ]);
        fails_with(&["s3api", "get-bucket-policy", "--bucket", "cli-bucket"], "NoSuchBucketPolicy");
        fails_with(
            &["s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", "{\"Statement\": []}"],
            "MalformedPolicy",
        );
        let bucket_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::cli-bucket/*"}]}"#;
        ok(&["s3api", "put-bucket-policy", "--bucket", "cli-bucket", "--policy", bucket_policy]);
        assert!(ok(&["s3api", "get-bucket-policy", "--bucket", "cli-bucket"]).contains("bedrock.amazonaws.com"));
        let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        std::fs::File::create(dir.join("big.bin")).unwrap().write_all(&big).unwrap();
        let local = dir.join("big.bin").display().to_string();
        let back = dir.join("back.bin").display().to_string();
        ok(&["s3", "cp", &local, "s3://cli-bucket/data/big.bin", "--only-show-errors"]);
        ok(&["s3", "cp", "s3://cli-bucket/data/big.bin", &back, "--only-show-errors"]);
        assert!(std::fs::read(dir.join("back.bin")).unwrap() == big, "the copy differs");
        let etag = ok(&[
            "s3api", "head-object", "--bucket", "cli-bucket", "--key", "data/big.bin", "--query", "ETag", "--output", "text",
        ]);
        assert!(etag.trim().trim_matches('"').ends_with("-2"), "a multipart ETag: {etag}");
        fails_with(&["s3", "rb", "s3://cli-bucket"], "BucketNotEmpty");
        ok(&["s3", "rm", "s3://cli-bucket", "--recursive", "--only-show-errors"]);
        ok(&["s3", "rb", "s3://cli-bucket"]);

        // The catalog.
        let ids = ok(&[
            "bedrock",
            "list-foundation-models",
            "--by-provider",
            "anthropic",
            "--query",
            "modelSummaries[].modelId",
            "--output",
            "text",
        ]);
        assert!(ids.contains("anthropic.claude-3-haiku-20240307-v1:0"), "{ids}");
        let profiles = ok(&[
            "bedrock",
            "list-inference-profiles",
            "--query",
            "inferenceProfileSummaries[].inferenceProfileId",
            "--output",
            "text",
        ]);
        assert!(profiles.contains("us.anthropic.claude-sonnet-4-5-20250929-v1:0"), "{profiles}");
        let models = ok(&[
            "bedrock",
            "get-inference-profile",
            "--inference-profile-identifier",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "--query",
            "length(models)",
        ]);
        assert_eq!(models.trim(), "3");
    });
    outcome.await.unwrap();
}
