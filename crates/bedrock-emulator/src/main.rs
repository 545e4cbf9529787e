//! `bedrock-emulator`: the command line. `serve` runs the emulator with embedded defaults
//! (127.0.0.1:4599, data in `./.bedrock-emulator`, logging on to `/aws/bedrock/modelinvocations`);
//! `query` runs a Logs Insights query over a data directory, a records file or delivered S3
//! objects (local or on any S3 endpoint); `import` loads records into a data directory's log group;
//! `cost` prices records per group of any record fields;
//! `dashboard init` puts the starter dashboards into a running emulator; `sql` runs Athena's SQL
//! over the data directory's buckets, local files or real S3.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

mod cost_cli;
mod import_command;
mod input_args;

use anyhow::Context;
use clap::{Parser, Subcommand};

use bedrock_emulator::catalog::Catalog;
use bedrock_emulator::clock::{ManualClock, StartedClock, parse_rfc3339_ms};
use bedrock_emulator::config::DEFAULT_PORT;
use bedrock_emulator::cost_metrics::{CostMetricKey, CostMetricsConfig};
use bedrock_emulator::responder::Responder;
use bedrock_emulator::s3::DeliveryDelay;
use bedrock_emulator::{EmulatorConfig, InitialLogging, PacingMode, Principals};

#[derive(Debug, Parser)]
#[command(
    name = "bedrock-emulator",
    version,
    about = "Local Amazon Bedrock runtime, invocation logging, CloudWatch Logs, CloudWatch metrics and alarms"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve Bedrock runtime, the logging control plane, CloudWatch Logs, CloudWatch, SNS and S3 reads on one port.
    Serve(ServeArgs),
    /// Run a Logs Insights query over a data directory, a file of records or delivered S3 objects (no server needed).
    Query(QueryArgs),
    /// Run Athena SQL (Hive DDL, Trino SELECT) over the data directory's buckets, local files or real S3.
    Sql(SqlArgs),
    /// Load records (a JSON lines file, a local or S3 delivery prefix) into a log group of a data directory.
    Import(import_command::ImportArgs),
    /// What the records cost, per group of any record fields (same inputs as query; no server needed).
    Cost(cost_cli::CostArgs),
    /// CloudWatch dashboards of a running emulator.
    #[command(subcommand)]
    Dashboard(DashboardCommand),
}

/// `--on-bad-record`: what a line that is not a record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum BadRecordArg {
    /// Stop with the file and line of the first one.
    Fail,
    /// Report each (file and line) on stderr and go on.
    Skip,
}

impl From<BadRecordArg> for record_source::OnBadRecord {
    fn from(a: BadRecordArg) -> Self {
        match a {
            BadRecordArg::Fail => record_source::OnBadRecord::Fail,
            BadRecordArg::Skip => record_source::OnBadRecord::Skip,
        }
    }
}

#[derive(Debug, Subcommand)]
enum DashboardCommand {
    /// Put the lab's GenAI-Monitoring dashboard and the seed's five recommended widgets
    /// (Bedrock-Token-Usage) into a running emulator, through PutDashboard.
    Init(DashboardInitArgs),
}

#[derive(Debug, clap::Args)]
struct DashboardInitArgs {
    /// The running emulator.
    #[arg(long, env = "AWS_ENDPOINT_URL", default_value = "http://127.0.0.1:4599")]
    endpoint: String,
    /// The log group the log widgets query (the lab configures /aws/bedrock/model-invocations).
    #[arg(long, default_value = bedrock_emulator::DEFAULT_LOG_GROUP)]
    log_group: String,
}

#[derive(Debug, clap::Args)]
struct SqlArgs {
    /// The statements, separated by `;` (or use --file).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    sql: Option<String>,
    /// Read the statements from this file.
    #[arg(long, short = 'f')]
    file: Option<PathBuf>,
    /// Data directory: its Athena catalog (read only) and its buckets for s3:// locations.
    #[arg(long, default_value = ".bedrock-emulator", env = "BEDROCK_EMULATOR_DATA_DIR")]
    data_dir: PathBuf,
    /// Create the seed's invocation-log table NAME over LOCATION (s3://bucket/prefix/ or a local path) first (repeatable).
    #[arg(long = "table", value_name = "NAME=LOCATION")]
    tables: Vec<String>,
    /// The database unqualified table names are looked up in.
    #[arg(long, default_value = "default")]
    database: String,
    /// Read s3:// locations from Amazon S3 (default credential chain and region; AWS_ENDPOINT_URL honoured).
    #[arg(long)]
    remote_s3: bool,
    /// Print a JSON array of rows.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV, as Athena writes its result files.
    #[arg(long)]
    csv: bool,
    /// Never print progress (it is printed on stderr when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
}

#[derive(Debug, clap::Args)]
struct QueryArgs {
    /// The query string (or use --file).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    query: Option<String>,
    /// Read the query from this file.
    #[arg(long, short = 'f')]
    file: Option<PathBuf>,
    #[command(flatten)]
    input: input_args::InputArgs,
    /// Account id shown in `@log`.
    #[arg(long, default_value = bedrock_emulator::config::DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// Print GetQueryResults-shaped JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV.
    #[arg(long)]
    csv: bool,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to bind. Binding beyond loopback exposes the emulator to the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to bind; 0 picks a free one (the bound address is printed).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Data directory (log groups, logging configuration).
    #[arg(long, default_value = ".bedrock-emulator", env = "BEDROCK_EMULATOR_DATA_DIR")]
    data_dir: PathBuf,
    /// Start the emulator's clock at this RFC 3339 instant (it then advances in real time).
    #[arg(long)]
    now: Option<String>,
    /// Start like a fresh AWS account: no invocation logging until it is configured.
    #[arg(long)]
    logging_off: bool,
    /// Account id written in records.
    #[arg(long, default_value = bedrock_emulator::config::DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// Region for unsigned requests (signed requests use their credential scope's region).
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Declared responses: JSON `{"responses": [{"modelId"?, "promptContains"?, "text", "usage"?, ...}]}`.
    #[arg(long)]
    declared_responses: Option<PathBuf>,
    /// Principal map for keys the account's IAM store did not issue: JSON
    /// `{"<access key id>": "<principal ARN>", "*": "<default ARN>"}`.
    #[arg(long)]
    principals: Option<PathBuf>,
    /// Model catalog replacing the embedded one (same format as crates/service-bedrock/data/catalog.json).
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Also fsync every append (survives power loss, not only a process kill; slower).
    #[arg(long)]
    fsync: bool,
    /// Do not publish Bedrock's AWS/Bedrock runtime metrics.
    #[arg(long)]
    no_bedrock_metrics: bool,
    /// Fault rules in force at start: JSON `{"rules": [{"operation"?, "modelId"?, "error"?, ...}]}`
    /// (the format of /_emulator/faults).
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
    /// Per-model quotas: JSON `{"quotas": [{"modelId", "requestsPerMinute"?, "tokensPerMinute"?}]}`.
    #[arg(long, value_name = "FILE")]
    quotas: Option<PathBuf>,
    /// `instant` (default) or `realistic`: answers take the time their model family would.
    #[arg(long, default_value = "instant")]
    pacing: PacingMode,
    /// Hold each invocation record this long before it is delivered: `2m`, or a range `1m..5m`.
    #[arg(long, value_name = "DURATION")]
    delivery_delay: Option<String>,
    /// Retention in days of log groups without a policy of their own (CloudWatch's values: 1, 3,
    /// 5, 7, 14, 30, ... 3653); expired segment files are deleted, so the data directory stays bounded.
    #[arg(long, value_parser = retention_days)]
    retention_days: Option<u32>,
    /// Publish each successful runtime call's estimated cost (USD, from the price table) as
    /// CustomMetrics/EstimatedCost, in total and with a dimension per KEY the call's request
    /// metadata carries: `requestMetadata.cost_center` (dimension `cost_center`). Repeatable.
    #[arg(long = "cost-metrics", value_name = "KEY", value_parser = parse_cost_key)]
    cost_metrics: Vec<CostMetricKey>,
    /// A price table laid over the embedded one for --cost-metrics, in its format
    /// (crates/service-bedrock/data/prices.json), as `cost --prices` takes it.
    #[arg(long, value_name = "FILE", requires = "cost_metrics")]
    prices: Option<PathBuf>,
    /// Keep the clock at --now instead of advancing it (reproducible records; tests).
    #[arg(long, requires = "now")]
    freeze_clock: bool,
    /// Enforce IAM: verify SigV4 signatures (root key pair `test`/`test`, IAM users' keys, STS
    /// credentials) and evaluate policies. `soft` logs and lists denials
    /// (`GET /_emulator/iam/denials`) but lets requests through.
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "strict", require_equals = true)]
    enforce_iam: Option<EnforceIam>,
}

/// `--enforce-iam` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EnforceIam {
    /// Denials are answered.
    Strict,
    /// Denials are logged and listed; requests go through.
    Soft,
}

/// `--cost-metrics`: `requestMetadata.<key>`.
fn parse_cost_key(text: &str) -> Result<CostMetricKey, String> {
    text.parse().map_err(|err: bedrock_emulator::cost_metrics::CostKeyError| err.to_string())
}

/// `--retention-days`: one of the values PutRetentionPolicy allows.
fn retention_days(text: &str) -> Result<u32, String> {
    let days: i64 = text.parse().map_err(|err| format!("{err}"))?;
    service_logs::retention::check_retention_days(days).map_err(|err| err.message)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Query(args) => query(args),
        Command::Sql(args) => sql_command(args),
        Command::Import(args) => import_command::run(args),
        Command::Cost(args) => cost_cli::run(args),
        Command::Dashboard(DashboardCommand::Init(args)) => dashboard_init(args),
    }
}

fn dashboard_init(args: DashboardInitArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("tokio runtime")?;
    let names = runtime.block_on(bedrock_emulator::dashboard_command::init(&args.endpoint, &args.log_group))?;
    let mut out = std::io::stdout().lock();
    for name in names {
        let _ = writeln!(out, "put dashboard {name}: {}/_emulator/dashboards/{name}", args.endpoint.trim_end_matches('/'));
    }
    let _ = out.flush();
    Ok(())
}

fn sql_command(args: SqlArgs) -> anyhow::Result<()> {
    use bedrock_emulator::sql_command::{SqlCommand, SqlFormat, stderr_is_terminal, to_csv, to_json, to_table};
    let sql = match (&args.sql, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(path)) => read(path)?,
        (None, None) => anyhow::bail!("give the statements or --file"),
    };
    let tables = args
        .tables
        .iter()
        .map(|t| t.split_once('=').map(|(n, l)| (n.to_owned(), l.to_owned())).context("--table takes NAME=LOCATION"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let format = if args.json {
        SqlFormat::Json
    } else if args.csv {
        SqlFormat::Csv
    } else {
        SqlFormat::Table
    };
    let command = SqlCommand {
        sql,
        data_dir: args.data_dir,
        tables,
        database: args.database,
        remote_s3: args.remote_s3,
        format,
        progress: !args.no_progress && stderr_is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    let out = runtime.block_on(command.run())?;
    let text = match format {
        SqlFormat::Table => to_table(&out),
        SqlFormat::Csv => to_csv(&out),
        SqlFormat::Json => to_json(&out),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(())
}

pub(crate) fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Before anything sizes itself from the descriptor limit (the store's handle cache, the scans).
    match fd_budget::raise_nofile_limit() {
        Ok(limit) => tracing::info!(?limit, budget = ?fd_budget::FdBudget::current(), "file descriptors"),
        Err(err) => tracing::warn!(%err, "keeping the file descriptor limit"),
    }
    let mut config = EmulatorConfig::new(&args.data_dir);
    config.listen = SocketAddr::new(args.host, args.port);
    if let Some(now) = &args.now {
        let start = parse_rfc3339_ms(now).map_err(anyhow::Error::msg).context("--now")?;
        config.clock =
            if args.freeze_clock { Arc::new(ManualClock::new(start)) } else { Arc::new(StartedClock::starting_at(start)) };
    }
    config.retention_days = args.retention_days;
    if args.logging_off {
        config.initial_logging = InitialLogging::Off;
    }
    config.account_id = args.account_id;
    config.default_region = args.region;
    config.fsync = args.fsync;
    config.bedrock_metrics = !args.no_bedrock_metrics;
    config.enforce_iam = match args.enforce_iam {
        None => bedrock_emulator::Enforcement::Off,
        Some(EnforceIam::Soft) => bedrock_emulator::Enforcement::Soft,
        Some(EnforceIam::Strict) => bedrock_emulator::Enforcement::Strict,
    };
    if let Some(path) = &args.declared_responses {
        config.responder = Responder::from_declared_json(&read(path)?)
            .with_context(|| format!("invalid declared responses in {}", path.display()))?;
    }
    if let Some(path) = &args.principals {
        config.principals =
            Principals::from_json(&read(path)?).with_context(|| format!("invalid principal map in {}", path.display()))?;
    }
    if let Some(path) = &args.faults {
        let text = read(path)?;
        faults::parse_rules(text.as_bytes()).with_context(|| format!("invalid fault rules in {}", path.display()))?;
        config.fault_rules = Some(text);
    }
    if let Some(path) = &args.quotas {
        config.quotas =
            faults::parse_quotas(read(path)?.as_bytes()).with_context(|| format!("invalid quotas in {}", path.display()))?;
    }
    config.pacing = args.pacing;
    if let Some(delay) = &args.delivery_delay {
        config.delivery_delay = Some(DeliveryDelay::parse(delay).map_err(anyhow::Error::msg).context("--delivery-delay")?);
    }
    if !args.cost_metrics.is_empty() {
        let keys = bedrock_emulator::cost_metrics::distinct(args.cost_metrics).context("--cost-metrics")?;
        config.cost_metrics = Some(CostMetricsConfig { keys, prices: cost_cli::price_table(args.prices.as_ref())? });
    }
    if let Some(path) = &args.catalog {
        config.catalog =
            Catalog::from_json(&read(path)?).with_context(|| format!("invalid model catalog in {}", path.display()))?;
    }
    let data_dir = args.data_dir.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    runtime.block_on(async move {
        let shutdown = shutdown_signal()?;
        bedrock_emulator::run_until(
            config,
            |addr| {
                // A closed stdout (a parent that read the first line and left) must not stop us.
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "bedrock-emulator listening on http://{addr} (data: {})", data_dir.display());
                let _ = writeln!(out, "  export AWS_ENDPOINT_URL=http://{addr}");
                let _ = out.flush();
            },
            shutdown,
        )
        .await
        .map_err(anyhow::Error::from)
    })?;
    eprintln!("bedrock-emulator stopped");
    Ok(())
}

fn query(args: QueryArgs) -> anyhow::Result<()> {
    use bedrock_emulator::query_command::{QueryCommand, QueryCommandError, to_csv, to_json};
    let query = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(path)) => read(path)?,
        (None, None) => anyhow::bail!("give a query string or --file"),
    };
    let (start_ms, end_ms) = args.input.time_range()?;
    // Without --log-group, a data directory is read in the query's own SOURCE, else the Bedrock group.
    let input = args.input.input(|| match query.to_ascii_lowercase().trim_start().starts_with("source") {
        true => Vec::new(),
        false => vec![bedrock_emulator::DEFAULT_LOG_GROUP.to_owned()],
    })?;
    let now_ms = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let command = QueryCommand {
        query: query.clone(),
        input,
        start_ms,
        end_ms,
        account_id: args.account_id,
        now_ms,
        threads: args.input.threads,
        on_bad_record: args.input.on_bad_record.into(),
    };
    let output = match command.run() {
        Ok(output) => output,
        Err(QueryCommandError::Compile(diagnostics)) => {
            eprint!("{}", logs_insights::render(&query, &diagnostics));
            anyhow::bail!("the query does not compile");
        }
        Err(err) => return Err(err.into()),
    };
    if !output.warnings.is_empty() {
        eprint!("{}", logs_insights::render(&query, &output.warnings));
    }
    if let Some(read) = &output.read {
        report_bad_records(read);
    }
    let text = if args.json {
        to_json(&output.result) + "\n"
    } else if args.csv {
        to_csv(&output.result)
    } else {
        output.result.to_table()
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}

/// `--start`/`--end` as an inclusive range of epoch ms (the end runs to the end of its second).
pub(crate) fn time_range(start: &Option<String>, end: &Option<String>) -> anyhow::Result<(i64, i64)> {
    use bedrock_emulator::query_command::parse_time_bound;
    let bound = |text: &Option<String>, name: &str| -> anyhow::Result<Option<i64>> {
        text.as_deref().map(parse_time_bound).transpose().map_err(anyhow::Error::msg).with_context(|| name.to_owned())
    };
    let start_ms = bound(start, "--start")?.unwrap_or(i64::MIN);
    let end_ms = bound(end, "--end")?.map_or(i64::MAX, |ms| ms.saturating_add(999));
    Ok((start_ms, end_ms))
}

/// Where `--s3` points: a bucket of the data directory, or `s3://` on an S3 endpoint.
pub(crate) enum S3Location {
    Local { bucket: String, prefix: String },
    Remote(record_source::remote::S3Url),
}

pub(crate) fn s3_location(text: &str) -> anyhow::Result<S3Location> {
    if text.starts_with("s3://") {
        let url =
            record_source::remote::S3Url::parse(text).with_context(|| format!("--s3 {text}: expected s3://BUCKET[/PREFIX]"))?;
        return Ok(S3Location::Remote(url));
    }
    let (bucket, prefix) = text.split_once('/').unwrap_or((text, ""));
    anyhow::ensure!(!bucket.is_empty(), "--s3 {text}: expected BUCKET[/PREFIX] or s3://BUCKET[/PREFIX]");
    Ok(S3Location::Local { bucket: bucket.to_owned(), prefix: prefix.to_owned() })
}

/// Prints skipped bad records (file and line) on stderr.
pub(crate) fn report_bad_records(read: &record_source::ReadReport) {
    for bad in &read.bad_records {
        eprintln!("skipped: {bad}");
    }
    let unlisted = read.bad_record_count.saturating_sub(read.bad_records.len() as u64);
    if unlisted > 0 {
        eprintln!("skipped: {unlisted} more lines that are not records");
    }
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called, before the
/// address is printed, so a signal sent as soon as the address appears is never missed (the
/// default action would kill the process without the clean stop).
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
        let mut int = signal(SignalKind::interrupt()).context("SIGINT handler")?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
