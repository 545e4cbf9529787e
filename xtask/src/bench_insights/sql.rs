//! DuckDB twins of the catalog's `stats` queries, for `bench insights --paths`: the same
//! groups, aggregates and column names over `{src}` (a `read_json` of the same bytes), so the
//! benchmark can time DuckDB beside the emulator and check the emulator's answers against it.
//! Insights' null rules match SQL's here: `sum(a + b)` skips rows missing either side,
//! `count(*)` counts every row, a missing group key is one group. `@timestamp` is the record's
//! own `timestamp`; `bin()` is `date_trunc` rendered as Insights renders timestamps.

const TOKENS: &str = "input.inputTokenCount + output.outputTokenCount";

fn bin(unit: &str) -> String {
    format!("strftime(date_trunc('{unit}', CAST(\"timestamp\" AS TIMESTAMP)), '%Y-%m-%d %H:%M:%S.000')")
}

/// The SQL twin of the query file named `stem`, if it has one.
pub(crate) fn twin(stem: &str) -> Option<String> {
    let app = "requestMetadata.application_name";
    let tenant = "requestMetadata.tenant_id";
    let sql = match stem {
        "catalog_02_tokens_by_application" => format!(
            "SELECT {app} AS Application, sum(input.inputTokenCount) AS TotalInputTokens, sum(output.outputTokenCount) AS TotalOutputTokens, sum({TOKENS}) AS TotalTokens, count(*) AS TotalRequests, avg({TOKENS}) AS AvgTokensPerRequest FROM {{src}} GROUP BY 1"
        ),
        "catalog_04_application_by_environment" => format!(
            "SELECT {app} AS Application, requestMetadata.environment AS Environment, sum({TOKENS}) AS TokenUsage, count(*) AS Requests, avg({TOKENS}) AS AvgTokens FROM {{src}} GROUP BY 1, 2"
        ),
        "catalog_05_tenant_usage" => format!(
            "SELECT {tenant} AS Tenant, {app} AS Application, sum({TOKENS}) AS TotalTokens, count(*) AS Requests, avg({TOKENS}) AS AvgTokensPerRequest FROM {{src}} WHERE regexp_matches({tenant}, 'tenant-') GROUP BY 1, 2"
        ),
        "catalog_07_cost_center_by_team" => format!(
            "SELECT requestMetadata.cost_center AS CostCenter, requestMetadata.team AS Team, sum({TOKENS}) AS TotalTokens, count(*) AS Requests FROM {{src}} GROUP BY 1, 2"
        ),
        "catalog_08_hourly_trend_by_application" => format!(
            "SELECT {} AS Hour, {app} AS Application, sum({TOKENS}) AS TotalTokens, count(*) AS Requests FROM {{src}} GROUP BY 1, 2",
            bin("hour")
        ),
        "catalog_09_daily_trend_by_application" => format!(
            "SELECT {} AS Day, {app} AS Application, sum({TOKENS}) AS DailyTokens, count(*) AS DailyRequests FROM {{src}} GROUP BY 1, 2",
            bin("day")
        ),
        "catalog_10_combined_filters" => format!(
            "SELECT {tenant} AS Tenant, sum({TOKENS}) AS TotalTokens, count(*) AS HighUsageRequests, avg({TOKENS}) AS AvgTokens FROM {{src}} WHERE requestMetadata.environment = 'production' AND {app} = 'CustomerServiceApp' AND ({TOKENS}) > 100 GROUP BY 1"
        ),
        "catalog_13_iam_role_with_metadata.fixed" => format!(
            "SELECT identity.arn AS IAMRole, {app} AS App, {tenant} AS Tenant, sum({TOKENS}) AS TotalTokens, count(*) AS Requests FROM {{src}} GROUP BY 1, 2, 3"
        ),
        "lab_02_invocations_per_hour" => format!("SELECT {} AS \"bin(1h)\", count(*) AS invocations FROM {{src}} GROUP BY 1", bin("hour")),
        "lab_03_tokens_per_hour.fixed" => format!(
            "SELECT {} AS \"bin(1h)\", sum(input.inputTokenCount) AS totalInput, sum(output.outputTokenCount) AS totalOutput FROM {{src}} GROUP BY 1",
            bin("hour")
        ),
        "lab_04_latency_per_hour.fixed" => format!(
            "SELECT {} AS \"bin(1h)\", avg(output.outputBodyJson.metrics.latencyMs) AS avgLatency, max(output.outputBodyJson.metrics.latencyMs) AS maxLatency FROM {{src}} GROUP BY 1",
            bin("hour")
        ),
        "readme_01_tokens_by_application" => format!(
            "SELECT {app} AS Application, sum(input.inputTokenCount) AS TotalInput, sum(output.outputTokenCount) AS TotalOutput, sum({TOKENS}) AS TotalTokens, count(*) AS Requests FROM {{src}} GROUP BY 1"
        ),
        "readme_02_tenant_chargeback" => format!(
            "SELECT {tenant} AS Tenant, sum({TOKENS}) AS TotalTokens, count(*) AS Requests, avg({TOKENS}) AS AvgTokensPerRequest FROM {{src}} GROUP BY 1"
        ),
        "readme_03_cost_center_by_team" => format!(
            "SELECT requestMetadata.cost_center AS CostCenter, requestMetadata.team AS Team, sum({TOKENS}) AS TotalTokens FROM {{src}} GROUP BY 1, 2"
        ),
        "readme_04_monthly_billing_by_tenant.fixed" => format!(
            "SELECT {tenant} AS Tenant, sum({TOKENS}) AS MonthlyTokens FROM {{src}} WHERE CAST(\"timestamp\" AS TIMESTAMP) >= TIMESTAMP '2024-12-01' AND CAST(\"timestamp\" AS TIMESTAMP) < TIMESTAMP '2025-01-01' GROUP BY 1"
        ),
        "readme_05_ab_test_by_variant" => "SELECT requestMetadata.variant AS Variant, avg(output.outputTokenCount) AS AvgOutput, count(*) AS Samples FROM {src} WHERE requestMetadata.experiment_id = 'prompt-test-001' GROUP BY 1".to_owned(),
        "readme_06_dashboard_widget_tokens_by_application" => format!(
            "SELECT {app} AS \"requestMetadata.application_name\", sum({TOKENS}) AS \"sum(Tokens)\" FROM {{src}} GROUP BY 1"
        ),
        _ => return None,
    };
    Some(sql)
}
