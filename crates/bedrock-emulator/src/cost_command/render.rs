//! A cost report as a table (for people: costs to 6 decimals, the prices used, the calls
//! without a price and the budgets below the groups), CSV (the groups and a total line, costs
//! exact) or JSON (everything; costs as numbers).

use std::fmt::Write as _;

use serde_json::{Value, json};
use service_bedrock::prices::{Money, Rate, TokenRates};

use super::tally::{CostReport, Tally};

/// Decimals of a cost in the table.
const TABLE_DIGITS: usize = 6;

/// A cost as the table shows it: 6 decimals, and never `0.000000` for a positive amount.
fn table_cost(m: Money) -> String {
    let shown = m.rounded(TABLE_DIGITS);
    if !m.is_zero() && shown.trim_start_matches(['0', '.']).is_empty() { "<0.000001".to_owned() } else { shown }
}

fn rate(r: Option<Rate>) -> String {
    r.map_or_else(|| "unknown".to_owned(), |r| r.to_string())
}

fn rates_text(r: &TokenRates) -> String {
    format!(
        "input {} · output {} · cache read {} · cache write {}",
        rate(r.input),
        rate(r.output),
        rate(r.cache_read),
        rate(r.cache_write)
    )
}

fn tally_cells(t: &Tally, cost: String) -> Vec<String> {
    vec![
        t.requests.to_string(),
        t.tokens.input.to_string(),
        t.tokens.output.to_string(),
        t.tokens.cache_read.to_string(),
        t.tokens.cache_write.to_string(),
        cost,
        t.unpriced_requests.to_string(),
    ]
}

const TALLY_COLUMNS: [&str; 7] =
    ["requests", "input tokens", "output tokens", "cache read tokens", "cache write tokens", "cost", "unpriced requests"];

/// Columns aligned with two spaces; the first `left` columns left-aligned, the rest right.
fn aligned(rows: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| if c < left { format!("{s:<w$}", w = widths[c]) } else { format!("{s:>w$}", w = widths[c]) })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

/// The report as text.
pub fn to_table(r: &CostReport) -> String {
    let keys = r.by.len().max(1);
    let mut header: Vec<String> = if r.by.is_empty() { vec!["".to_owned()] } else { r.by.clone() };
    header.extend(TALLY_COLUMNS.iter().map(|c| if *c == "cost" { format!("cost ({})", r.currency) } else { (*c).to_owned() }));
    let mut lines = vec![header];
    for row in &r.rows {
        let mut cells: Vec<String> = row.keys.iter().map(|k| k.shown().unwrap_or_else(|| "-".to_owned())).collect();
        if cells.is_empty() {
            cells.push("all".to_owned());
        }
        cells.extend(tally_cells(&row.tally, table_cost(row.tally.cost)));
        lines.push(cells);
    }
    let mut total = vec!["TOTAL".to_owned()];
    total.extend((1..keys).map(|_| String::new()));
    total.extend(tally_cells(&r.total, table_cost(r.total.cost)));
    lines.push(total);
    let mut out = aligned(&lines, keys);
    if !r.prices.is_empty() {
        let _ = writeln!(out, "\nprices used ({} per 1,000 tokens):", r.currency);
        for p in &r.prices {
            let via = if p.multiplier == 1.0 {
                p.route.as_str().to_owned()
            } else {
                format!("{} × {:.6}", p.route.as_str(), p.multiplier)
            };
            let _ = writeln!(
                out,
                "  {} in {} from {} ({}, {via}): {}; requests {}, cost {}\n    source: {}",
                p.model_id,
                p.region,
                p.entry.effective_from,
                p.entry.tier,
                rates_text(&p.rates),
                p.tally.requests,
                table_cost(p.tally.cost),
                first_source(&p.entry.source)
            );
        }
    }
    if !r.unpriced.is_empty() {
        let _ = writeln!(out, "\nunpriced (no cost counted; add a price with --prices FILE):");
        for u in &r.unpriced {
            let _ = writeln!(
                out,
                "  {} in {} ({}): {}; requests {}, tokens {} input / {} output / {} cache read / {} cache write",
                u.model_id,
                if u.region.is_empty() { "no region" } else { &u.region },
                u.tier,
                u.reason,
                u.tally.requests,
                u.tally.tokens.input,
                u.tally.tokens.output,
                u.tally.tokens.cache_read,
                u.tally.tokens.cache_write
            );
        }
    }
    if !r.budgets.is_empty() {
        let _ = writeln!(out, "\nbudgets (monthly, {}):", r.currency);
        let mut lines =
            vec![["key", "value", "month", "spend", "budget", "used", "status", "unpriced requests"].map(String::from).to_vec()];
        for b in &r.budgets {
            lines.push(vec![
                b.key.clone(),
                b.value.clone(),
                b.month.clone(),
                table_cost(b.spend.cost),
                b.budget.to_string(),
                format!("{:.1}%", b.used_percent()),
                b.status.as_str().to_owned(),
                b.spend.unpriced_requests.to_string(),
            ]);
        }
        out.push_str(&aligned(&lines, 3).lines().map(|l| format!("  {l}\n")).collect::<String>());
    }
    if r.not_records > 0 {
        let _ = writeln!(out, "\n{} events were not invocation records (no modelId) and were skipped", r.not_records);
    }
    if r.bad_token_counts > 0 {
        let _ = writeln!(out, "{} records had a token count that is not a whole number ≥ 0 (counted as 0)", r.bad_token_counts);
    }
    out
}

/// A source's first part (up to its first `; `), and how many more `--json` shows.
fn first_source(source: &str) -> String {
    let mut parts = source.split("; ");
    let first = parts.next().unwrap_or_default();
    match parts.count() {
        0 => first.to_owned(),
        n => format!("{first} (+{n} more in --json)"),
    }
}

fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
}

/// The groups as CSV (RFC 4180): `row` (`group` or `total`), the keys (absent: empty), the
/// tallies, the cost exact in the table's currency.
pub fn to_csv(r: &CostReport) -> String {
    let mut header = vec!["row".to_owned()];
    header.extend(r.by.iter().cloned());
    header.extend(["requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"].map(String::from));
    header.push(format!("cost_{}", r.currency.to_ascii_lowercase()));
    header.push("unpriced_requests".to_owned());
    let mut out = header.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    let mut line = |kind: &str, keys: Vec<String>, t: &Tally| {
        let mut cells = vec![kind.to_owned()];
        cells.extend(keys);
        cells.extend(tally_cells(t, t.cost.to_string()));
        out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    };
    for row in &r.rows {
        line("group", row.keys.iter().map(|k| k.shown().unwrap_or_default()).collect(), &row.tally);
    }
    line("total", vec![String::new(); r.by.len()], &r.total);
    out
}

fn tally_json(t: &Tally) -> Value {
    json!({
        "requests": t.requests,
        "tokens": {"input": t.tokens.input, "output": t.tokens.output, "cacheRead": t.tokens.cache_read, "cacheWrite": t.tokens.cache_write},
        "cost": t.cost.as_f64(),
        "unpricedRequests": t.unpriced_requests,
    })
}

fn rates_json(r: &TokenRates) -> Value {
    let f = |r: Option<Rate>| r.map_or(Value::Null, |r| json!(r.as_f64()));
    json!({"inputPer1k": f(r.input), "outputPer1k": f(r.output), "cacheReadPer1k": f(r.cache_read), "cacheWritePer1k": f(r.cache_write)})
}

/// Everything, as JSON.
pub fn to_json(r: &CostReport) -> String {
    let rows: Vec<Value> = r
        .rows
        .iter()
        .map(|row| {
            let keys: serde_json::Map<String, Value> =
                r.by.iter()
                    .zip(&row.keys)
                    .map(|(name, k)| (name.clone(), k.shown().map_or(Value::Null, Value::String)))
                    .collect();
            let mut v = tally_json(&row.tally);
            v["keys"] = Value::Object(keys);
            v
        })
        .collect();
    let prices: Vec<Value> = r
        .prices
        .iter()
        .map(|p| {
            json!({
                "modelId": p.model_id, "region": p.region, "route": p.route.as_str(), "multiplier": p.multiplier,
                "effectiveFrom": p.entry.effective_from, "tier": p.entry.tier, "prices": rates_json(&p.rates),
                "source": p.entry.source, "usage": tally_json(&p.tally),
            })
        })
        .collect();
    let unpriced: Vec<Value> = r
        .unpriced
        .iter()
        .map(|u| json!({"modelId": u.model_id, "region": u.region, "tier": u.tier, "reason": u.reason.to_string(), "usage": tally_json(&u.tally)}))
        .collect();
    let budgets: Vec<Value> = r
        .budgets
        .iter()
        .map(|b| {
            json!({
                "key": b.key, "value": b.value, "month": b.month, "budget": b.budget.as_f64(),
                "usedPercent": if b.used_percent().is_finite() { json!(b.used_percent()) } else { Value::Null },
                "status": b.status.as_str().to_ascii_lowercase(), "spend": tally_json(&b.spend),
            })
        })
        .collect();
    let doc = json!({
        "currency": r.currency,
        "by": r.by,
        "rows": rows,
        "total": tally_json(&r.total),
        "prices": prices,
        "unpriced": unpriced,
        "budgets": budgets,
        "notRecords": r.not_records,
        "badTokenCounts": r.bad_token_counts,
    });
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}
