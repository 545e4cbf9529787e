//! The corpus in the three forms a user has it, built once beside the TSV corpus and reused:
//! one JSON lines file (the records only), gzip batch objects in S3 delivery's layout in a data
//! directory's bucket (`keys::hour_dir` + `keys::batch_object_name`, at most 1,000 records per
//! object per delivery hour, gzip by `object_store::gzip` as delivery writes them), and the
//! store of that data directory, loaded by `bedrock-emulator import`. Everything streams: the
//! bench process stays small, since a child's peak RSS as the kernel reports it can include the
//! parent's at the moment of `exec`.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use crate::gen_logs::Corpus;

/// Where each form lives.
pub(crate) struct Forms {
    /// The JSON lines file.
    pub(crate) jsonl: PathBuf,
    /// The data directory (its `s3/` bucket and its `logs/` store).
    pub(crate) data_dir: PathBuf,
    /// `--s3` argument: the bucket and key prefix of the batches.
    pub(crate) s3_location: String,
    /// A glob over the batch files, for DuckDB.
    pub(crate) gz_glob: String,
    /// Bytes of the JSON lines file and of the gzip objects.
    pub(crate) jsonl_bytes: u64,
    pub(crate) gz_bytes: u64,
    pub(crate) objects: usize,
}

const BUCKET: &str = "bench-logs";
const PREFIX: &str = "bench";
/// S3 delivery writes at most this many records per batch object.
const BATCH_RECORDS: usize = 1000;

fn gz_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            gz_files(&p, out)?;
        } else if p.to_string_lossy().ends_with(".json.gz") {
            out.push(p);
        }
    }
    Ok(())
}

/// The record's own `timestamp`, epoch ms (the bench's corpus writes `YYYY-MM-DDTHH:MM:SSZ` first).
fn record_time(line: &str) -> anyhow::Result<i64> {
    let ts = line.get(14..34).ok_or_else(|| anyhow::anyhow!("a record without a leading timestamp"))?;
    logs_insights::time::parse_iso8601(ts).ok_or_else(|| anyhow::anyhow!("bad timestamp {ts:?}"))
}

/// Builds whatever form is missing; `emulator` is the release binary (for `import`).
pub(crate) fn prepare(corpus: &Corpus, emulator: &Path) -> anyhow::Result<Forms> {
    if !corpus.out.exists() {
        println!("generating {} ...", corpus.out.display());
        corpus.write()?;
    }
    let jsonl = corpus.out.with_extension("jsonl");
    let data_dir = corpus.out.with_extension("paths");
    if !jsonl.exists() {
        println!("writing {} ...", jsonl.display());
        let tsv = std::io::BufReader::new(std::fs::File::open(&corpus.out)?);
        let mut w = std::io::BufWriter::new(std::fs::File::create(&jsonl)?);
        for line in tsv.split(b'\n') {
            let line = line?;
            if line.is_empty() {
                continue;
            }
            let msg = line.splitn(3, |&b| b == b'\t').nth(2).ok_or_else(|| anyhow::anyhow!("a corpus line without a message"))?;
            w.write_all(msg)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let ready = data_dir.join("READY");
    if !ready.exists() {
        if data_dir.exists() {
            std::fs::remove_dir_all(&data_dir)?;
        }
        println!("writing gzip batches and importing the store into {} ...", data_dir.display());
        let store = object_store::bucket_store::BucketStore::new(data_dir.join("s3"), false);
        store.ensure_bucket(BUCKET, 0)?;
        let mut batch: Vec<String> = Vec::new();
        let mut batch_dir = String::new();
        let mut n = 0u64;
        let mut flush = |batch: &mut Vec<String>, dir: &str| -> anyhow::Result<()> {
            let Some(first) = batch.first() else { return Ok(()) };
            let at = record_time(first)?;
            let body: String = batch.iter().map(|l| format!("{l}\n")).collect();
            n += 1;
            let key = format!("{dir}{}", service_bedrock::delivery::keys::batch_object_name(at, n));
            store.put_object(BUCKET, &key, &object_store::gzip::compress(body.as_bytes()), at)?;
            batch.clear();
            Ok(())
        };
        for line in std::io::BufReader::new(std::fs::File::open(&jsonl)?).lines() {
            let line = line?;
            let dir = service_bedrock::delivery::keys::hour_dir(PREFIX, "123456789012", "us-east-1", record_time(&line)?);
            if dir != batch_dir || batch.len() == BATCH_RECORDS {
                flush(&mut batch, &batch_dir)?;
                batch_dir = dir;
            }
            batch.push(line);
        }
        flush(&mut batch, &batch_dir)?;
        let status = std::process::Command::new(emulator)
            .args(["import", "--threads", "2", "--events"])
            .arg(&jsonl)
            .arg("--data-dir")
            .arg(&data_dir)
            .status()?;
        anyhow::ensure!(status.success(), "bedrock-emulator import failed: {status}");
        std::fs::write(&ready, "")?;
    }
    let mut files = Vec::new();
    gz_files(&data_dir.join("s3").join(BUCKET), &mut files)?;
    let gz_bytes = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum();
    Ok(Forms {
        jsonl_bytes: std::fs::metadata(&jsonl)?.len(),
        gz_glob: format!("{}/**/*.json.gz", data_dir.join("s3").join(BUCKET).display()),
        s3_location: format!("{BUCKET}/{PREFIX}/"),
        objects: files.len(),
        gz_bytes,
        jsonl,
        data_dir,
    })
}
