//! `bedrock-emulator cost` on the command line (a module of the binary): its arguments, the
//! price table and budgets read from files, the report printed as a table, CSV or JSON. Calls
//! without a price are also listed on stderr with CSV and JSON, so they are never silent.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use bedrock_emulator::cost_command::{
    Budgets, CostCommand, CostReport, DEFAULT_BUDGET_WARN_PERCENT, GroupBy, to_csv, to_json, to_table,
};
use bedrock_emulator::query_command::QueryInput;
use service_bedrock::prices::{ON_DEMAND, PriceTable};

use crate::{BadRecordArg, S3Location};

#[derive(Debug, clap::Args)]
pub(crate) struct CostArgs {
    /// Group by a record field or a time bin (repeatable, in column order): `requestMetadata.tenant_id`,
    /// `requestMetadata.cost_center`, `modelId`, `identity.arn`, `bin(1d)`, `bin(1mo)`. None: one line.
    #[arg(long = "by", value_parser = parse_by)]
    by: Vec<GroupBy>,
    /// Data directory whose log groups to read (the emulator must not be running on it).
    #[arg(long, default_value = ".bedrock-emulator", env = "BEDROCK_EMULATOR_DATA_DIR")]
    data_dir: PathBuf,
    /// Log group to read (repeatable). Default: the Bedrock group.
    #[arg(long = "log-group")]
    log_groups: Vec<String>,
    /// Read a file of ModelInvocationLog records (one JSON object per line, plain or gzip) instead.
    #[arg(long, conflicts_with = "s3")]
    events: Option<PathBuf>,
    /// Read delivered records: `BUCKET[/PREFIX]` in the data directory's buckets, or
    /// `s3://BUCKET[/PREFIX]` on any S3 endpoint (AWS_ENDPOINT_URL, AWS credentials from the environment).
    #[arg(long, value_name = "[s3://]BUCKET[/PREFIX]")]
    s3: Option<String>,
    /// Start of the time range: RFC 3339 or epoch seconds (inclusive). Default: the beginning.
    #[arg(long)]
    start: Option<String>,
    /// End of the time range: RFC 3339 or epoch seconds (inclusive, to the end of that second).
    #[arg(long)]
    end: Option<String>,
    /// A price table laid over the embedded one, in its format (crates/service-bedrock/data/prices.json):
    /// a team's negotiated rates replace entries of the same model, Region, tier and date; other entries add.
    #[arg(long)]
    prices: Option<PathBuf>,
    /// The tier calls are priced at (the table's `tier`: `on-demand`, `batch`, ...).
    #[arg(long, default_value = ON_DEMAND)]
    tier: String,
    /// Monthly budgets: JSON `{"requestMetadata.cost_center": {"CS-123": 100.0}}` in the table's currency.
    #[arg(long)]
    budget: Option<PathBuf>,
    /// A month at this percentage of its budget or more is flagged NEAR.
    #[arg(long, default_value_t = DEFAULT_BUDGET_WARN_PERCENT, value_parser = clap::value_parser!(u32).range(0..=100))]
    budget_warn: u32,
    /// Scan threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// What a line of a file or object that is not a record does.
    #[arg(long, value_enum, default_value = "fail")]
    on_bad_record: BadRecordArg,
    /// Print JSON (every section).
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the groups as CSV.
    #[arg(long)]
    csv: bool,
}

fn parse_by(text: &str) -> Result<GroupBy, String> {
    text.parse().map_err(|e: bedrock_emulator::cost_command::GroupByError| e.why)
}

/// The price table: the embedded one, with `--prices FILE` over it.
pub(crate) fn price_table(path: Option<&PathBuf>) -> anyhow::Result<PriceTable> {
    let table = PriceTable::embedded();
    match path {
        None => Ok(table),
        Some(path) => {
            table.with_overrides(&crate::read(path)?).with_context(|| format!("invalid price table {}", path.display()))
        }
    }
}

pub(crate) fn run(args: CostArgs) -> anyhow::Result<()> {
    let (start_ms, end_ms) = crate::time_range(&args.start, &args.end)?;
    let shown = bedrock_emulator::DEFAULT_LOG_GROUP.to_owned();
    let input = match (&args.events, &args.s3) {
        (Some(file), _) => QueryInput::Events { file: file.clone(), log_group: shown },
        (None, Some(location)) => match crate::s3_location(location)? {
            S3Location::Remote(url) => QueryInput::RemoteS3 { url, log_group: shown },
            S3Location::Local { bucket, prefix } => {
                QueryInput::S3 { dir: args.data_dir.clone(), bucket, prefix, log_group: shown }
            }
        },
        (None, None) => QueryInput::DataDir { dir: args.data_dir.clone(), log_groups: args.log_groups.clone() },
    };
    let budgets = match &args.budget {
        Some(path) => {
            Budgets::from_json(&crate::read(path)?).with_context(|| format!("invalid budget file {}", path.display()))?
        }
        None => Budgets::default(),
    };
    let command = CostCommand {
        input,
        by: args.by,
        start_ms,
        end_ms,
        threads: args.threads,
        on_bad_record: args.on_bad_record.into(),
        prices: price_table(args.prices.as_ref())?,
        tier: args.tier,
        budgets,
        budget_warn_percent: args.budget_warn,
    };
    let output = command.run()?;
    crate::report_bad_records(&output.read);
    let text = if args.json {
        to_json(&output.report) + "\n"
    } else if args.csv {
        to_csv(&output.report)
    } else {
        to_table(&output.report)
    };
    if args.json || args.csv {
        warn_unpriced(&output.report);
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(())
}

/// Calls without a price, on stderr.
fn warn_unpriced(report: &CostReport) {
    for u in &report.unpriced {
        eprintln!("unpriced: {} requests of {} in {} ({}): {}", u.tally.requests, u.model_id, u.region, u.tier, u.reason);
    }
}
