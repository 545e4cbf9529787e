//! What the harness prints: the plan and cost estimate before a live run, one progress line per
//! scenario, call, record check and query, and the summary table at the end, with each
//! scenario's estimated cost on AWS (`cost.rs`) and the run's total.

use std::fmt::Write as _;
use std::time::Duration;

use super::compare::Actual;
use super::cost::ScenarioCost;
use super::scenario::Scenario;
use super::snapshot::SnapshotVerdict;

/// How a scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    Passed,
    Failed,
    /// Discovered at run time from the target's answer (never hard-coded).
    Skipped(String),
}

/// One query's result.
#[derive(Debug, Clone)]
pub(crate) struct QueryOutcome {
    pub(crate) file: String,
    /// `rows: N` or `error: Code`.
    pub(crate) shape: String,
    /// The comparison with the harness's expectation.
    pub(crate) verdict: Result<(), String>,
    pub(crate) snapshot: SnapshotVerdict,
}

impl QueryOutcome {
    pub(crate) fn new(file: &str, actual: &Actual, verdict: Result<(), String>, snapshot: SnapshotVerdict) -> Self {
        let shape = match actual {
            Actual::Rows(rows) => format!("{} row(s)", rows.len()),
            Actual::Error { code, .. } => format!("error {code}"),
        };
        Self { file: file.to_owned(), shape, verdict, snapshot }
    }

    /// The query could not run at all (transport or unexpected service error).
    pub(crate) fn broken(file: &str, message: String) -> Self {
        Self { file: file.to_owned(), shape: "not run".to_owned(), verdict: Err(message), snapshot: SnapshotVerdict::NotChecked }
    }

    pub(crate) fn passed(&self) -> bool {
        self.verdict.is_ok() && self.snapshot.passed()
    }

    pub(crate) fn summary(&self) -> String {
        let verdict = if self.verdict.is_ok() { "matches the harness" } else { "MISMATCH" };
        format!("→ {}; {verdict}; snapshot {}", self.shape, self.snapshot.label())
    }

    pub(crate) fn detail(&self) -> Option<String> {
        let mut out = String::new();
        if let Err(msg) = &self.verdict {
            out.push_str(msg);
        }
        if let SnapshotVerdict::Mismatch(msg) = &self.snapshot {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(msg);
        }
        (!out.is_empty()).then_some(out)
    }
}

/// One scenario's results.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioReport {
    pub(crate) name: String,
    pub(crate) status: Status,
    pub(crate) calls: usize,
    pub(crate) failures: Vec<String>,
    pub(crate) queries: Vec<QueryOutcome>,
    pub(crate) elapsed: Duration,
    /// End of the scenario's query time range (the next scenario starts after it).
    pub(crate) window_end_ms: i64,
    /// What its successful calls cost on AWS, from the usage they returned.
    pub(crate) cost: ScenarioCost,
}

impl ScenarioReport {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            status: Status::Passed,
            calls: 0,
            failures: Vec::new(),
            queries: Vec::new(),
            elapsed: Duration::ZERO,
            window_end_ms: 0,
            cost: ScenarioCost::default(),
        }
    }

    pub(crate) fn fail(&mut self, why: String) {
        self.status = Status::Failed;
        self.failures.push(why);
    }

    /// Failed, counting failed queries.
    pub(crate) fn finish(&mut self) {
        if self.status == Status::Passed && self.queries.iter().any(|q| !q.passed()) {
            self.status = Status::Failed;
        }
    }
}

pub(crate) fn scenario_header(s: &Scenario) {
    println!("\n== scenario {} ({} call(s), {} query(ies))", s.name, s.calls.len(), s.queries.len());
    if let Some(first) = s.doc.first() {
        println!("   {first}");
    }
}

pub(crate) fn step(kind: &str, text: &str, ok: bool) {
    println!("  {} {kind:<8} {text}", if ok { "ok  " } else { "FAIL" });
}

pub(crate) fn skip(kind: &str, text: &str) {
    println!("  skip {kind:<8} {text}");
}

pub(crate) fn detail(text: &str) {
    for line in text.lines() {
        println!("         | {line}");
    }
}

/// Prints the summary table; returns whether everything passed (see [`render_summary`]).
pub(crate) fn summary(reports: &[ScenarioReport], total: Duration, allow_skip: bool, region: &str) -> bool {
    let (out, all_ok) = render_summary(reports, total, allow_skip, region);
    print!("{out}");
    all_ok
}

/// The summary table, each scenario's estimated cost on AWS (its calls' usage priced in
/// `region`) and the total, the calls without a price by name; and whether everything passed.
/// A skipped scenario fails the run unless `allow_skip` (`--allow-skip`): a routing regression
/// that makes the target answer `UnknownOperationException` must not turn a run green.
pub(crate) fn render_summary(reports: &[ScenarioReport], total: Duration, allow_skip: bool, region: &str) -> (String, bool) {
    let mut out = String::new();
    let _ = writeln!(out, "\n== summary");
    let _ = writeln!(out, "| scenario | calls | queries passed | status | est. cost on AWS | time |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    let mut all_ok = true;
    let mut cost = ScenarioCost::default();
    for r in reports {
        let passed = r.queries.iter().filter(|q| q.passed()).count();
        let status = match &r.status {
            Status::Passed => "PASS".to_owned(),
            Status::Failed => {
                all_ok = false;
                "FAIL".to_owned()
            }
            Status::Skipped(why) => {
                all_ok &= allow_skip;
                format!("{}: {why}", if allow_skip { "skipped (allowed)" } else { "SKIPPED" })
            }
        };
        let _ = writeln!(
            out,
            "| {} | {} | {passed}/{} | {status} | {} | {:.2}s |",
            r.name,
            r.calls,
            r.queries.len(),
            r.cost.cell(),
            r.elapsed.as_secs_f64()
        );
        cost.add(&r.cost);
    }
    let calls: usize = reports.iter().map(|r| r.calls).sum();
    let _ = writeln!(out, "| total | {calls} | | | {} | |", cost.cell());
    let _ = writeln!(
        out,
        "\nest. cost on AWS: the usage each successful call returned (input, output, cache read and write tokens) \
         priced from the emulator's price table (`bedrock-emulator cost`'s), {region}, on demand, at the call's day; \
         USD, model usage only"
    );
    if !cost.unpriced.is_empty() {
        let _ = writeln!(out, "calls without a price (not counted; add their price to crates/service-bedrock/data/prices.json):");
        for r in reports {
            for u in &r.cost.unpriced {
                let _ = writeln!(out, "  - {} call #{} {}: {}", r.name, u.call, u.model_id, u.reason);
            }
        }
    }
    if !allow_skip && reports.iter().any(|r| matches!(r.status, Status::Skipped(_))) {
        let _ =
            writeln!(out, "\na skipped scenario fails the run; pass --allow-skip where the target lacks an operation on purpose");
    }
    for r in reports.iter().filter(|r| r.status == Status::Failed) {
        let _ = writeln!(out, "\n{} failed:", r.name);
        for f in &r.failures {
            let _ = writeln!(out, "  - {f}");
        }
        for q in r.queries.iter().filter(|q| !q.passed()) {
            let _ = writeln!(out, "  - query {}: {}", q.file, q.summary());
        }
    }
    let _ = writeln!(out, "\n{} in {:.2}s", if all_ok { "e2e passed" } else { "e2e FAILED" }, total.as_secs_f64());
    (out, all_ok)
}

/// The price a live run's calls pay per 1,000 input and output tokens (USD), from the
/// emulator's own dated price table (service-bedrock's `prices`, the table `bedrock-emulator
/// cost` uses) in us-east-1, on demand, today; a model the table cannot price is estimated at
/// the dearest price of the table's Claude Sonnet 4.5 (an upper bound), and named.
fn price_per_1k(table: &service_bedrock::prices::PriceTable, model_id: &str, now_ms: i64) -> Result<(f64, f64), String> {
    let price = table.timeline(model_id, "us-east-1", service_bedrock::prices::ON_DEMAND).and_then(|t| t.at(now_ms));
    match price {
        Ok(p) => Ok((p.rates.input.map_or(0.0, |r| r.as_f64()), p.rates.output.map_or(0.0, |r| r.as_f64()))),
        Err(why) => Err(why.to_string()),
    }
}

/// The upper bound for a model the table cannot price (Claude Sonnet 4.5 in-Region, USD per 1,000).
const DEAREST_PER_1K: (f64, f64) = (0.0033, 0.0165);

/// Prints what a live run will call and an upper bound of what it costs.
pub(crate) fn print_plan(scenarios: &[Scenario], description: &str) {
    println!("== e2e --aws plan: {description}");
    let mut calls = 0;
    let mut queries = 0;
    let mut cost = 0.0;
    let table = service_bedrock::prices::PriceTable::embedded();
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    for s in scenarios {
        let mut scenario_cost = 0.0;
        for c in &s.calls {
            let (pin, pout) = price_per_1k(&table, &c.model_id, now_ms).unwrap_or_else(|why| {
                println!("  ({}: no price in the table, {why}; estimated at Claude Sonnet 4.5's)", c.model_id);
                DEAREST_PER_1K
            });
            // A generous input estimate (4 characters a token, plus the chat template), and the
            // whole output budget. Rejected calls are free; counted anyway.
            let input = c.prompt_text().chars().count() as f64 / 3.0 + 50.0;
            scenario_cost += (input * pin + c.max_output_tokens() as f64 * pout) / 1e3;
        }
        println!(
            "  {}: CreateLogGroup + PutModelInvocationLoggingConfiguration ({}), {} runtime call(s), FilterLogEvents polling, {} StartQuery/GetQueryResults; at most ${scenario_cost:.4}",
            s.name,
            s.logging.log_group_name,
            s.calls.len(),
            s.queries.len()
        );
        calls += s.calls.len();
        queries += s.queries.len();
        cost += scenario_cost;
    }
    println!(
        "  total: {calls} Bedrock runtime call(s), {queries} Logs Insights quer(ies); estimated at most ${cost:.4} of model usage \
         (the emulator's price table, us-east-1 on demand), plus CloudWatch Logs ingestion and Insights scans of a few KB (well under $0.01)."
    );
    println!(
        "  the logging configuration is put per scenario and the one found at start is restored at the end; \
         run in a region where nothing else logs to these groups."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str, status: Status) -> ScenarioReport {
        ScenarioReport { status, ..ScenarioReport::new(name) }
    }

    #[test]
    fn a_skip_fails_the_run_unless_allowed() {
        let ok = |reports: &[ScenarioReport], allow_skip| render_summary(reports, Duration::ZERO, allow_skip, "us-east-1").1;
        let reports = [report("a", Status::Passed), report("b", Status::Skipped("requires X".into()))];
        assert!(!ok(&reports, false));
        assert!(ok(&reports, true));
        assert!(ok(&reports[..1], false));
        assert!(!ok(&[report("c", Status::Failed)], true));
    }

    #[test]
    fn the_summary_shows_each_scenarios_cost_the_total_and_names_unpriced_calls() {
        use crate::cost::UnpricedCall;
        use service_bedrock::prices::Money;
        let cost = |amount: f64, priced_calls: usize, unpriced: Vec<UnpricedCall>| ScenarioCost {
            priced: Money::from_decimal(amount).unwrap(),
            priced_calls,
            unpriced,
        };
        let reports = [
            ScenarioReport {
                calls: 3,
                cost: cost(0.0153, 3, Vec::new()),
                elapsed: Duration::from_millis(120),
                ..report("four_applications", Status::Passed)
            },
            ScenarioReport {
                calls: 2,
                cost: cost(
                    0.00042,
                    1,
                    vec![UnpricedCall {
                        call: 2,
                        model_id: "acme.private-model-v1:0".into(),
                        reason: "no price for this model".into(),
                    }],
                ),
                elapsed: Duration::from_millis(80),
                ..report("rag_embeddings", Status::Passed)
            },
            ScenarioReport { calls: 1, elapsed: Duration::from_millis(5), ..report("metadata_validation", Status::Passed) },
        ];
        let (text, ok) = render_summary(&reports, Duration::from_millis(210), false, "us-east-1");
        assert!(ok);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_live_run_is_estimated_from_the_emulators_price_table() {
        let table = service_bedrock::prices::PriceTable::embedded();
        let dec_2025 = 1_764_547_200_000;
        let haiku = price_per_1k(&table, "anthropic.claude-3-haiku-20240307-v1:0", dec_2025).unwrap();
        assert!((haiku.0 - 0.00025).abs() < 1e-15 && (haiku.1 - 0.00125).abs() < 1e-15, "{haiku:?}");
        let profile = price_per_1k(&table, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", dec_2025).unwrap();
        assert!((profile.0 - 0.0033).abs() < 1e-15, "a geographic profile pays us-east-1's price: {profile:?}");
        assert!(price_per_1k(&table, "acme.unknown-model-v1:0", dec_2025).is_err());
    }
}
