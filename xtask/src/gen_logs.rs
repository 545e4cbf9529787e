//! `cargo xtask gen-logs [--records N] [--seed S] [--out PATH]`: writes a deterministic
//! synthetic corpus of Bedrock `ModelInvocationLog` records for benchmarks.
//!
//! Format (one event per line, tab-separated): `timestamp_ms \t ingestion_time_ms \t message`,
//! where `message` is the compact record JSON exactly as CloudWatch stores it (no tabs or
//! newlines inside: JSON escapes them). Default: 200,000 records (~2 KB each, with prompt and
//! response bodies) in `target/insights-corpus/bedrock-200000.tsv`. Same seed, same bytes.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// SplitMix64: tiny, fast, deterministic.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const APPS: &[(&str, &str, &str, &str)] = &[
    ("CustomerServiceApp", "app-001", "CS-100", "support"),
    ("SalesAssistantApp", "app-002", "SALES-200", "sales"),
    ("DeveloperToolsApp", "app-003", "ENG-789", "engineering"),
    ("DocumentAnalysisApp", "app-004", "PROD-999", "product"),
    ("MarketingCopyApp", "app-005", "MKT-310", "marketing"),
    ("InternalSearchApp", "app-006", "IT-450", "platform"),
];
const MODELS: &[&str] = &[
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
];
const ENVS: &[&str] = &["production", "production", "production", "staging", "development"];
const WORDS: &[&str] = &[
    "the", "customer", "order", "invoice", "shipping", "please", "summarize", "report", "quarterly", "revenue", "database",
    "query", "latency", "error", "retry", "policy", "account", "refund", "product", "feature", "analysis", "document",
    "contract", "clause", "deadline", "meeting", "notes", "action", "items", "team", "python", "function", "validate", "email",
    "address", "SQL", "users", "created", "last", "days", "recommend", "improve", "onboarding", "flow", "pricing", "tier",
    "enterprise", "support", "ticket", "priority",
];

fn sentence(rng: &mut Rng, words: usize, out: &mut String) {
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        let word: &&str = rng.pick(WORDS);
        out.push_str(word);
    }
}

/// Text of about `bytes` bytes with JSON escapes (`\n`, `\"`) as real bodies have.
fn body(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 64);
    while s.len() < bytes {
        let n = 6 + rng.below(10) as usize;
        sentence(rng, n, &mut s);
        match rng.below(6) {
            0 => s.push_str(".\\n\\n"),
            1 => s.push_str(": \\\"quoted\\\" "),
            _ => s.push_str(". "),
        }
    }
    s
}

/// One record and its timestamp; `i` is the record index.
pub(crate) fn record(rng: &mut Rng, i: u64, start_ms: i64) -> (i64, String) {
    // Spread over 14 days, increasing with small jitter.
    let ts = start_ms + (i as i64) * 6_048 + rng.below(5_000) as i64;
    let (app, app_id, cost_center, team) = *rng.pick(APPS);
    let model = *rng.pick(MODELS);
    let tenant = rng.below(40);
    let user = rng.below(500);
    let input_tokens = 20 + rng.below(1_500);
    let output_tokens = 10 + rng.below(2_000);
    let prompt_len = 300 + rng.below(250) as usize;
    let prompt = body(rng, prompt_len);
    let answer_len = 450 + rng.below(350) as usize;
    let answer = body(rng, answer_len);
    let secs = ts / 1000;
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let tod = secs.rem_euclid(86_400);
    let iso = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", tod / 3600, tod / 60 % 60, tod % 60);
    let mut j = String::with_capacity(2_600);
    let _ = write!(
        j,
        r#"{{"timestamp":"{iso}","accountId":"123456789012","identity":{{"arn":"arn:aws:sts::123456789012:assumed-role/{}-role/session-{}"}},"region":"us-east-1","requestId":"{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}","operation":"Converse","modelId":"{model}","#,
        app_id,
        user % 17,
        rng.next() as u32,
        rng.below(0x10000),
        rng.below(0x1000),
        rng.below(0x1000),
        rng.next() & 0xFFFF_FFFF_FFFF,
    );
    let _ = write!(
        j,
        r#""input":{{"inputContentType":"application/json","inputBodyJson":{{"messages":[{{"role":"user","content":[{{"text":"{prompt}"}}]}}],"inferenceConfig":{{"maxTokens":2048,"temperature":0.7}}}},"inputTokenCount":{input_tokens}}},"#
    );
    if rng.chance(99) {
        let _ = write!(
            j,
            r#""output":{{"outputContentType":"application/json","outputBodyJson":{{"output":{{"message":{{"role":"assistant","content":[{{"text":"{answer}"}}]}}}},"stopReason":"end_turn","metrics":{{"latencyMs":{}}},"usage":{{"inputTokens":{input_tokens},"outputTokens":{output_tokens},"totalTokens":{}}}}},"outputTokenCount":{output_tokens}}},"#,
            300 + rng.below(9_000),
            input_tokens + output_tokens
        );
    }
    if rng.chance(95) {
        let _ = write!(j, r#""requestMetadata":{{"application_name":"{app}","application_id":"{app_id}","#);
        if rng.chance(90) {
            let _ = write!(j, r#""tenant_id":"tenant-{tenant:03}","#);
        }
        let _ = write!(
            j,
            r#""user_id":"user-{user:04}","cost_center":"{cost_center}","team":"{team}","environment":"{}""#,
            rng.pick(ENVS)
        );
        if rng.chance(20) {
            let _ = write!(
                j,
                r#","experiment_id":"prompt-test-00{}","variant":"{}""#,
                1 + rng.below(3),
                ["A", "B"][rng.below(2) as usize]
            );
        }
        j.push_str("},");
    }
    j.push_str(r#""schemaType":"ModelInvocationLog","schemaVersion":"1.0"}"#);
    (ts, j)
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Options shared with the benchmark.
pub(crate) struct Corpus {
    pub(crate) records: u64,
    pub(crate) seed: u64,
    pub(crate) out: PathBuf,
}

impl Corpus {
    pub(crate) fn from_args(args: &[String]) -> anyhow::Result<Corpus> {
        let mut c = Corpus { records: 200_000, seed: 42, out: PathBuf::new() };
        let mut out = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut val = || it.next().ok_or_else(|| anyhow::anyhow!("{a} needs a value"));
            match a.as_str() {
                "--records" => c.records = val()?.parse()?,
                "--seed" => c.seed = val()?.parse()?,
                "--out" => out = Some(PathBuf::from(val()?)),
                "--runs" | "--threads" => {
                    val()?;
                }
                // Flags of `bench insights`.
                "--paths" | "--install-peers" => {}
                other => anyhow::bail!("unknown option {other}"),
            }
        }
        c.out = out.unwrap_or_else(|| PathBuf::from(format!("target/insights-corpus/bedrock-{}-seed{}.tsv", c.records, c.seed)));
        Ok(c)
    }

    /// Writes the corpus file.
    pub(crate) fn write(&self) -> anyhow::Result<()> {
        if let Some(dir) = self.out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut w = std::io::BufWriter::new(std::fs::File::create(&self.out)?);
        let mut rng = Rng::new(self.seed);
        let start_ms = 1_733_011_200_000; // 2024-12-01 00:00:00 UTC
        for i in 0..self.records {
            let (ts, msg) = record(&mut rng, i, start_ms);
            let ingest = ts + 2_000 + rng.below(60_000) as i64;
            writeln!(w, "{ts}\t{ingest}\t{msg}")?;
        }
        w.flush()?;
        Ok(())
    }
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let corpus = Corpus::from_args(args)?;
    let t = std::time::Instant::now();
    corpus.write()?;
    let size = std::fs::metadata(&corpus.out)?.len();
    println!(
        "wrote {} records, {:.1} MB ({} bytes/record) to {} in {:.2?}",
        corpus.records,
        size as f64 / 1e6,
        size / corpus.records.max(1),
        corpus.out.display(),
        t.elapsed()
    );
    Ok(())
}
