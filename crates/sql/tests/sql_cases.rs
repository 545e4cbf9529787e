//! The SQL cases of `fixtures/sql/cases.sql` over `fixtures/sql/records.jsonl`, each run
//! against the same records as plain `.jsonl` objects and as `.json.gz` objects in the
//! emulator's buckets (split in two objects, beside a zero-byte marker and a `_SUCCESS` file
//! that yield nothing): both answers must be the same, and it is snapshotted
//! (`fixtures/sql/snapshots/`).

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use object_store::BucketStore;
use sql::{BucketSource, Catalog, Engine, QueryContext, Storage};

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sql")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The cases: (name, sql).
fn cases() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixtures().join("cases.sql")).unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- case: ") {
            out.push((name.trim().to_owned(), String::new()));
        } else if let Some((_, sql)) = out.last_mut() {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    out
}

async fn setup() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let buckets = Arc::new(BucketStore::new(dir.path().join("s3"), false));
    buckets.create_bucket("logs-bucket", None, 0).unwrap();
    let records = std::fs::read(fixtures().join("records.jsonl")).unwrap();
    let lines: Vec<&[u8]> = records.split_inclusive(|b| *b == b'\n').collect();
    let (a, b) = lines.split_at(7);
    let (a, b) = (a.concat(), b.concat());
    buckets.put_object("logs-bucket", "plain/2025/11/30/10/part-0.jsonl", &a, 0).unwrap();
    buckets.put_object("logs-bucket", "plain/2025/11/30/12/part-1.jsonl", &b, 0).unwrap();
    buckets.put_object("logs-bucket", "gzip/2025/11/30/10/part-0.json.gz", &gzip(&a), 0).unwrap();
    buckets.put_object("logs-bucket", "gzip/2025/11/30/12/part-1.json.gz", &gzip(&b), 0).unwrap();
    for prefix in ["plain", "gzip"] {
        buckets.put_object("logs-bucket", &format!("{prefix}/amazon-bedrock-logs-permission-check"), b"", 0).unwrap();
        buckets.put_object("logs-bucket", &format!("{prefix}/_SUCCESS"), b"not json", 0).unwrap();
    }
    let catalog = Arc::new(Catalog::open(&dir.path().join("athena")).unwrap());
    let storage = Storage { s3: Some(Arc::new(BucketSource { buckets })), allow_local: false };
    let engine = Engine::new(catalog, storage).with_threads(2);
    let setup = std::fs::read_to_string(fixtures().join("setup.sql")).unwrap();
    for db in ["plain", "gzip"] {
        run(&engine, &format!("CREATE DATABASE {db}"), "default").await.unwrap();
        for statement in setup.split("\n;\n") {
            let sql = statement.replace("{location}", &format!("s3://logs-bucket/{db}/"));
            run(&engine, &sql, db).await.unwrap_or_else(|e| panic!("{e}\n{sql}"));
        }
    }
    (dir, engine)
}

async fn run(engine: &Engine, sql: &str, db: &str) -> Result<String, String> {
    let ctx = QueryContext { database: db.to_owned(), now_ms: 0 };
    let out = engine.execute(sql, &ctx, Arc::new(AtomicU64::new(0))).await.map_err(|e| e.to_string())?;
    let mut text = format!("{} ", out.statement_type.as_str());
    let cols: Vec<String> = out.columns.iter().map(|c| format!("{}: {}", c.name, c.type_name)).collect();
    text.push_str(&format!("({})\n", cols.join(", ")));
    for row in &out.rows {
        let cells: Vec<String> = row.iter().map(|v| v.clone().unwrap_or_else(|| "NULL".to_owned())).collect();
        text.push_str(&cells.join(" | "));
        text.push('\n');
    }
    Ok(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_cases_answer_alike_over_plain_and_gzip_objects() {
    let (_dir, engine) = setup().await;
    if let Ok(sql) = std::env::var("SQL_DEBUG") {
        println!("{:?}", run(&engine, &sql, "plain").await);
        return;
    }
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixtures().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let _guard = settings.bind_to_scope();
    for (name, sql) in cases {
        let plain = run(&engine, &sql.replace("{database}", "plain"), "plain").await;
        let gzip = run(&engine, &sql.replace("{database}", "gzip"), "gzip").await;
        let gzip = gzip.map(|t| t.replace("gzip", "plain")).map_err(|e| e.replace("gzip", "plain"));
        assert_eq!(plain, gzip, "{name}: the plain and gzip objects answer differently");
        let shown = match plain {
            Ok(text) => text,
            Err(e) => format!("error: {e}\n"),
        };
        insta::assert_snapshot!(name.as_str(), format!("{}\n---\n{shown}", sql.trim()));
    }
}
