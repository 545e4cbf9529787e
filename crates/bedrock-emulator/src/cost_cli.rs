//! `bedrock-emulator cost` on the command line (a module of the binary): its arguments, the
//! price table and budgets read from files, the report printed as a table, CSV or JSON. Calls
//! without a price are also listed on stderr with CSV and JSON, so they are never silent.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use bedrock_emulator::cost_command::{
    Budgets, CostCommand, CostReport, DEFAULT_BUDGET_WARN_PERCENT, GroupBy, to_csv, to_json, to_table,
};
use service_bedrock::prices::{ON_DEMAND, PriceTable};

use crate::input_args::InputArgs;

#[derive(Debug, clap::Args)]
pub(crate) struct CostArgs {
    /// Group by a record field or a time bin (repeatable, in column order): `requestMetadata.tenant_id`,
    /// `requestMetadata.cost_center`, `modelId`, `identity.arn`, `bin(1d)`, `bin(1mo)`. None: one line.
    #[arg(long = "by", value_parser = parse_by)]
    by: Vec<GroupBy>,
    #[command(flatten)]
    input: InputArgs,
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
    let (start_ms, end_ms) = args.input.time_range()?;
    // Without --log-group, `CostCommand` reads a data directory's Bedrock group.
    let input = args.input.input(Vec::new)?;
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
        threads: args.input.threads,
        on_bad_record: args.input.on_bad_record.into(),
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
