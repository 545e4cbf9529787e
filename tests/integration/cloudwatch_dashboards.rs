//! CloudWatch dashboards through aws-sdk-rust (Smithy RPC v2 CBOR) and raw awsQuery: seed 000's
//! dashboard JSON put unmodified and read back, listing by prefix and in pages of 1,000,
//! deletion, each validation error with its `DashboardValidationMessages`, a missing dashboard,
//! and dashboards surviving a restart.

use aws_sdk_cloudwatch::operation::get_dashboard::GetDashboardError;
use aws_sdk_cloudwatch::operation::put_dashboard::PutDashboardError;

use crate::support::{ACCESS_KEY, TestEmulator, raw, scope_authorization};

/// Seed 000's dashboard JSON, verbatim.
pub(crate) const SEED_DASHBOARD: &str = include_str!("../../fixtures/dashboards/seed_000_dashboard.json");

fn cloudwatch(t: &TestEmulator) -> aws_sdk_cloudwatch::Client {
    t.clients("us-east-1").cloudwatch
}

/// The validation messages of a refused PutDashboard, as (DataPath, Message).
async fn refused(cw: &aws_sdk_cloudwatch::Client, name: &str, body: &str) -> (String, Vec<(String, String)>) {
    let err = cw.put_dashboard().dashboard_name(name).dashboard_body(body).send().await.unwrap_err().into_service_error();
    let PutDashboardError::DashboardInvalidInputError(e) = err else { panic!("not DashboardInvalidInputError: {err:?}") };
    let messages = e
        .dashboard_validation_messages()
        .iter()
        .map(|m| (m.data_path().unwrap_or_default().to_owned(), m.message().unwrap_or_default().to_owned()))
        .collect();
    (e.message().unwrap_or_default().to_owned(), messages)
}

#[tokio::test]
async fn seed_dashboard_goes_in_unmodified_and_every_operation_answers() {
    let t = TestEmulator::start().await;
    let cw = cloudwatch(&t);
    let put = cw.put_dashboard().dashboard_name("Bedrock-Usage").dashboard_body(SEED_DASHBOARD).send().await.unwrap();
    assert!(put.dashboard_validation_messages().is_empty());
    let got = cw.get_dashboard().dashboard_name("Bedrock-Usage").send().await.unwrap();
    assert_eq!(got.dashboard_body(), Some(SEED_DASHBOARD));
    assert_eq!(got.dashboard_name(), Some("Bedrock-Usage"));
    assert_eq!(got.dashboard_arn(), Some("arn:aws:cloudwatch::123456789012:dashboard/Bedrock-Usage"));

    // A put replaces; the region does not matter (dashboards are global).
    let other_region = t.clients("eu-west-1").cloudwatch;
    other_region.put_dashboard().dashboard_name("Other").dashboard_body(r#"{"widgets":[]}"#).send().await.unwrap();
    let listed = cw.list_dashboards().send().await.unwrap();
    let entries: Vec<(&str, i64)> =
        listed.dashboard_entries().iter().map(|e| (e.dashboard_name().unwrap(), e.size().unwrap())).collect();
    assert_eq!(entries, vec![("Bedrock-Usage", SEED_DASHBOARD.len() as i64), ("Other", 14)]);
    let modified = listed.dashboard_entries()[0].last_modified().unwrap();
    assert_eq!(modified.to_millis().unwrap() / 1000, crate::support::T0_MS / 1000);
    let prefixed = cw.list_dashboards().dashboard_name_prefix("Oth").send().await.unwrap();
    assert_eq!(prefixed.dashboard_entries().len(), 1);
    assert!(prefixed.next_token().is_none());

    cw.delete_dashboards().dashboard_names("Other").send().await.unwrap();
    let err = cw.get_dashboard().dashboard_name("Other").send().await.unwrap_err().into_service_error();
    assert!(matches!(err, GetDashboardError::DashboardNotFoundError(_)), "{err:?}");
    assert_eq!(aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err), Some("ResourceNotFound"));
    assert_eq!(aws_sdk_cloudwatch::error::ProvideErrorMetadata::message(&err), Some("Dashboard Other does not exist"));
    let err = cw.delete_dashboards().dashboard_names("Bedrock-Usage").dashboard_names("Gone").send().await.unwrap_err();
    // The current models list no DashboardNotFoundError for DeleteDashboards: the SDK sees the code.
    let err = err.into_service_error();
    assert_eq!(aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err), Some("ResourceNotFound"), "{err:?}");
    assert_eq!(aws_sdk_cloudwatch::error::ProvideErrorMetadata::message(&err), Some("Dashboard(s) [Gone] do not exist"));
    // The dashboard that existed was deleted all the same.
    assert!(cw.list_dashboards().send().await.unwrap().dashboard_entries().is_empty());
}

#[tokio::test]
async fn list_dashboards_pages_by_a_thousand() {
    let t = TestEmulator::start().await;
    let cw = cloudwatch(&t);
    for i in 0..1003 {
        cw.put_dashboard().dashboard_name(format!("d-{i:04}")).dashboard_body(r#"{"widgets":[]}"#).send().await.unwrap();
    }
    let first = cw.list_dashboards().send().await.unwrap();
    assert_eq!(first.dashboard_entries().len(), 1000);
    let token = first.next_token().expect("a second page");
    let second = cw.list_dashboards().next_token(token).send().await.unwrap();
    let names: Vec<&str> = second.dashboard_entries().iter().filter_map(|e| e.dashboard_name()).collect();
    assert_eq!(names, vec!["d-1000", "d-1001", "d-1002"]);
    assert!(second.next_token().is_none());
    let pages = cw.list_dashboards().into_paginator().items().send().collect::<Vec<_>>().await;
    assert_eq!(pages.len(), 1003);
    let err = cw.list_dashboards().next_token("nonsense").send().await.unwrap_err().into_service_error();
    assert_eq!(aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn each_validation_error_carries_its_messages() {
    let t = TestEmulator::start().await;
    let cw = cloudwatch(&t);
    let (message, messages) = refused(&cw, "d", "{}").await;
    assert_eq!(
        message,
        "The dashboard body is invalid, there are 1 validation errors:\n[\n  {\n    \"dataPath\": \"\",\n    \"message\": \"Should have required property 'widgets'\"\n  }\n]"
    );
    assert_eq!(messages, vec![(String::new(), "Should have required property 'widgets'".to_owned())]);

    let (_, messages) = refused(&cw, "d", "not json").await;
    assert!(messages[0].1.starts_with("The dashboard body is not valid JSON"), "{messages:?}");
    let (_, messages) = refused(&cw, "d", r#"{"widgets": {}}"#).await;
    assert_eq!(messages, vec![("/widgets".to_owned(), "Should be array".to_owned())]);

    let body = r#"{"widgets": [
        {"type": "metric", "properties": {"metrics": [["AWS/Bedrock", "Invocations", {"ModelId": "m"}, {"stat": "Sum"}]], "region": "us-east-1"}},
        {"type": "metric", "properties": {"title": "PromQL moved to chart"}},
        {"type": "log", "properties": {"query": "SOURCE 'g' | stats count(*)"}},
        {"type": "sparkline", "properties": {}},
        {"type": "text", "width": 25, "properties": {"markdown": 7}},
        {"type": "alarm", "properties": {"alarms": []}}
    ]}"#;
    let (message, messages) = refused(&cw, "d", body).await;
    assert!(message.starts_with("The dashboard body is invalid, there are 9 validation errors:\n[\n  {\n    \"dataPath\": \"/widgets/0/properties/metrics/0/2\""), "{message}");
    let expected = [
        ("/widgets/0/properties/metrics/0/2", "Invalid metric field type, only 'String' type is allowed"),
        ("/widgets/1/properties", "Should have required property 'metrics'"),
        ("/widgets/1/properties", "The metric widget should have specified a region and a data source or an alarm annotation"),
        ("/widgets/1/properties", "Should have required property 'annotations'"),
        ("/widgets/2/properties", "Should have required property 'region'"),
        ("/widgets/3/type", "Should be equal to one of the allowed values"),
        ("/widgets/4/width", "Should be <= 24"),
        ("/widgets/4/properties/markdown", "Should be string"),
        ("/widgets/5/properties/alarms", "Should NOT have fewer than 1 items"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(p, m)| ((*p).to_owned(), (*m).to_owned())).collect();
    assert_eq!(messages, expected);

    // A name CloudWatch refuses: the same error, without messages.
    let (message, messages) = refused(&cw, "has space", SEED_DASHBOARD).await;
    assert_eq!(
        message,
        "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_)."
    );
    assert!(messages.is_empty());
    // Nothing refused was kept.
    assert!(cw.list_dashboards().send().await.unwrap().dashboard_entries().is_empty());
}

#[tokio::test]
async fn aws_query_carries_the_validation_messages_and_dashboards_survive_a_restart() {
    let t = TestEmulator::start().await;
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "monitoring");
    let headers = [("authorization", auth.as_str()), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
    let form = |body: &str| {
        format!(
            "Action=PutDashboard&Version=2010-08-01&DashboardName=q&DashboardBody={}",
            percent_encoding::utf8_percent_encode(body, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    let res = raw(&t.url(), "POST", "/", &headers, form(r#"{"widgets":[{"properties":{}}]}"#)).await;
    assert_eq!(res.status, 400, "{}", res.text());
    let xml = res.text();
    assert!(xml.contains("<Code>InvalidParameterInput</Code>"), "{xml}");
    assert!(
        xml.contains("<dashboardValidationMessages><member><DataPath>/widgets/0</DataPath><Message>Should have required property &apos;type&apos;</Message></member></dashboardValidationMessages>"),
        "{xml}"
    );
    let res = raw(&t.url(), "POST", "/", &headers, form(SEED_DASHBOARD)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.text().contains("<PutDashboardResult>"), "{}", res.text());

    let t = t.restart().await;
    let got = cloudwatch(&t).get_dashboard().dashboard_name("q").send().await.unwrap();
    assert_eq!(got.dashboard_body(), Some(SEED_DASHBOARD));
}
