//! `bedrock-emulator sql`: Athena's SQL over delivered invocation logs with no server. The same
//! GROUP BY answers the sums this test computes from the records whether the table's LOCATION is
//! a bucket of the data directory (gzip batches in S3 delivery's key layout beside a plain
//! object), a local directory, or `s3://` read through object_store's S3 client from a running
//! emulator's S3 API (`--remote-s3`, `AWS_ENDPOINT_URL`, credentials from the SDK's chain); the
//! data directory's Athena catalog is read and never written; CSV, JSON and table output; a
//! refusal names what is not supported and fails the command.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use common::{serve, signal};

/// 2024-10-01T00:00:00Z.
const OCTOBER: i64 = 1_727_740_800_000;
const HOUR_MS: i64 = 3_600_000;

fn iso(ms: i64) -> String {
    logs_insights::time::format_timestamp(ms).replacen(' ', "T", 1).replace(".000", "") + "Z"
}

/// Three days of records, one every 20 minutes: (timestamp ms, model, tenant, input, output, line).
fn records() -> Vec<(i64, String, String, i64, i64, String)> {
    (0..3 * 72)
        .map(|i: i64| {
            let ts = OCTOBER + i * 20 * 60_000 + 7_000;
            let (model, tenant, input, output) = (format!("m{}", i % 3), format!("t{}", i % 4), 10 + i % 7, 20 + i % 5);
            let line = format!(
                r#"{{"timestamp":"{}","accountId":"123456789012","requestId":"req-{i:04}","operation":"Converse","modelId":"{model}","input":{{"inputTokenCount":{input}}},"output":{{"outputTokenCount":{output}}},"requestMetadata":{{"tenant_id":"{tenant}","application_name":"app-{}"}},"schemaType":"ModelInvocationLog","schemaVersion":"1.0"}}"#,
                iso(ts),
                i % 2
            );
            (ts, model, tenant, input, output, line)
        })
        .collect()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn cli(args: &[&str], data: Option<&Path>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"));
    cmd.arg("sql").args(args);
    if let Some(dir) = data {
        cmd.arg("--data-dir").arg(dir);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.env_remove("BEDROCK_EMULATOR_DATA_DIR").output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const BY_MODEL: &str = "SELECT modelId, count(*) AS calls, sum(input.inputTokenCount) AS input_tokens, \
     sum(output.outputTokenCount) AS output_tokens FROM logs \
     WHERE requestMetadata['tenant_id'] <> 't3' GROUP BY modelId ORDER BY output_tokens DESC, modelId";

/// The CSV `BY_MODEL` answers, computed from the records.
fn expected_by_model(records: &[(i64, String, String, i64, i64, String)]) -> String {
    let mut sums = BTreeMap::<&str, (i64, i64, i64)>::new();
    for (_, model, tenant, input, output, _) in records {
        if tenant != "t3" {
            let e = sums.entry(model).or_default();
            e.0 += 1;
            e.1 += input;
            e.2 += output;
        }
    }
    let mut rows: Vec<_> = sums.into_iter().collect();
    rows.sort_by(|a, b| b.1.2.cmp(&a.1.2).then(a.0.cmp(b.0)));
    let mut csv = "\"modelid\",\"calls\",\"input_tokens\",\"output_tokens\"\n".to_owned();
    for (model, (n, i, o)) in rows {
        csv.push_str(&format!("\"{model}\",\"{n}\",\"{i}\",\"{o}\"\n"));
    }
    csv
}

/// Writes the records into `bucket` of the data directory as S3 delivery does (one gzip batch
/// per hour under AWSLogs/...), but the first day's as one plain `.json` object.
fn deliver(data: &Path, bucket: &str, prefix: &str, records: &[(i64, String, String, i64, i64, String)]) {
    let store = object_store::bucket_store::BucketStore::new(data.join("s3"), false);
    store.ensure_bucket(bucket, 0).unwrap();
    let (first_day, rest): (Vec<_>, Vec<_>) = records.iter().partition(|r| r.0 < OCTOBER + 24 * HOUR_MS);
    let plain: String = first_day.iter().map(|r| format!("{}\n", r.5)).collect();
    store.put_object(bucket, &format!("{prefix}plain/day-one.json"), plain.as_bytes(), OCTOBER).unwrap();
    for hour in rest.chunk_by(|a, b| a.0 / HOUR_MS == b.0 / HOUR_MS) {
        let dir = service_bedrock::delivery::keys::hour_dir(prefix.trim_end_matches('/'), "123456789012", "us-east-1", hour[0].0);
        let key = format!("{dir}{}", service_bedrock::delivery::keys::batch_object_name(hour[0].0, hour[0].0 as u64));
        let body: String = hour.iter().map(|r| format!("{}\n", r.5)).collect();
        store.put_object(bucket, &key, &gzip(&body), hour[0].0).unwrap();
    }
}

#[test]
fn sql_answers_the_records_sums_over_data_dir_buckets_local_paths_and_remote_s3() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let records = records();
    deliver(&data, "team-logs", "bedrock-logs/", &records);
    let want = expected_by_model(&records);

    let local = ok(&cli(&["--table", "logs=s3://team-logs/bedrock-logs/", "--csv", BY_MODEL], Some(&data), &[]));
    assert_eq!(local, want, "the data directory's bucket (gzip batches and a plain object)");

    // A local directory holding the same objects.
    let copy = dir.path().join("copy");
    let bucket_dir = object_store::bucket_store::BucketStore::new(data.join("s3"), false);
    for info in bucket_dir.list_objects("team-logs", "").unwrap() {
        let (body, _) = bucket_dir.get_object("team-logs", &info.key).unwrap().unwrap();
        let path = copy.join(&info.key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let table = format!("logs={}", copy.join("bedrock-logs").display());
    assert_eq!(ok(&cli(&["--table", &table, "--csv", BY_MODEL], Some(&data), &[])), want, "a local path");

    // Real S3's client against the emulator's S3 API.
    let (mut child, _, addr) = serve(&data);
    let endpoint = format!("http://{addr}");
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let empty = dir.path().join("empty");
    let remote = cli(&["--remote-s3", "--table", "logs=s3://team-logs/bedrock-logs/", "--csv", BY_MODEL], Some(&empty), &env);
    let missing =
        cli(&["--remote-s3", "--table", "logs=s3://no-such-bucket/x/", "SELECT count(*) FROM logs"], Some(&empty), &env);
    signal(&mut child, "-TERM");
    assert_eq!(ok(&remote), want, "s3:// through object_store's S3 client");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-bucket"), "{}", String::from_utf8_lossy(&missing.stderr));
}

#[test]
fn sql_reads_the_data_directorys_catalog_without_writing_it_and_prints_json_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let records = records();
    deliver(&data, "bedrock-invocation-logs-123456789012", "bedrock-logs/", &records);
    // The catalog as the Athena API leaves it: a database and the seed's table.
    let catalog_dir = data.join("athena").join("catalog");
    {
        let catalog = std::sync::Arc::new(sql::Catalog::open(&catalog_dir).unwrap());
        let buckets = std::sync::Arc::new(object_store::bucket_store::BucketStore::new(data.join("s3"), false));
        let s3: std::sync::Arc<dyn sql::ObjectSource> = std::sync::Arc::new(sql::BucketSource { buckets });
        let engine = sql::Engine::new(catalog, sql::Storage { s3: Some(s3), allow_local: false });
        let ctx = sql::QueryContext { database: "default".into(), now_ms: OCTOBER };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for ddl in [
            "CREATE DATABASE IF NOT EXISTS bedrock_logs_db".to_owned(),
            bedrock_emulator::sql_command::invocation_log_ddl(
                "bedrock_logs_db.model_invocation_logs",
                "s3://bedrock-invocation-logs-123456789012/bedrock-logs/",
            ),
        ] {
            runtime.block_on(engine.execute(&ddl, &ctx, Default::default())).unwrap();
        }
    }
    let saved = std::fs::read(catalog_dir.join("catalog.json")).unwrap();

    let query = "SELECT requestMetadata['application_name'] AS app, count(*) AS calls \
                 FROM model_invocation_logs WHERE requestMetadata['tenant_id'] = 't1' GROUP BY 1 ORDER BY 1";
    let json = ok(&cli(&["--database", "bedrock_logs_db", "--json", query], Some(&data), &[]));
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    let t1: Vec<_> = records.iter().filter(|r| r.2 == "t1").collect();
    // t1 is i % 4 == 1: always odd, so always app-1.
    assert_eq!(got, serde_json::json!([{"app": "app-1", "calls": t1.len().to_string()}]));

    // DDL in the command stays in memory.
    let script = "CREATE DATABASE scratch; SHOW DATABASES";
    let table = ok(&cli(&[script], Some(&data), &[]));
    assert_eq!(table, "database_name\n---------------\nbedrock_logs_db\ndefault\nscratch\n(3 rows)\n", "{table}");
    assert_eq!(std::fs::read(catalog_dir.join("catalog.json")).unwrap(), saved, "the catalog file is not written");
    assert!(!ok(&cli(&["SHOW DATABASES"], Some(&data), &[])).contains("scratch"));

    // A refusal names what is not supported and fails.
    let refused = cli(&["--database", "bedrock_logs_db", "SELECT transform(ARRAY[1], x -> x + 1)"], Some(&data), &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.to_lowercase().contains("lambda"), "{stderr}");
}
