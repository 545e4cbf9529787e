//! CloudWatch as older SDKs and Terraform speak it (awsQuery form POSTs, XML answers) and as
//! botocore speaks it on the wire (awsJson1.0 with `x-amzn-query-mode`), with raw HTTP: the
//! parameter encodings (`member.N`, ISO 8601 timestamps), the XML result wrappers, and errors
//! carrying the awsQuery code (`<Code>`, `x-amzn-query-error`).

use crate::support::{ACCESS_KEY, RawResponse, TestEmulator, raw, scope_authorization};

async fn query(t: &TestEmulator, form: &str) -> RawResponse {
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "monitoring");
    let headers = [("authorization", auth.as_str()), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
    raw(&t.url(), "POST", "/", &headers, format!("{form}&Version=2010-08-01")).await
}

async fn json(t: &TestEmulator, op: &str, body: &str) -> RawResponse {
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "monitoring");
    let target = format!("GraniteServiceVersion20100801.{op}");
    let headers = [
        ("authorization", auth.as_str()),
        ("x-amz-target", target.as_str()),
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amzn-query-mode", "true"),
    ];
    raw(&t.url(), "POST", "/", &headers, body.to_owned()).await
}

/// The text of the first `<tag>` of an XML body.
fn between<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + end])
}

#[tokio::test]
async fn aws_query_forms_publish_query_and_alarm() {
    let t = TestEmulator::start().await;
    let put = query(
        &t,
        "Action=PutMetricData&Namespace=Legacy&MetricData.member.1.MetricName=Tokens&MetricData.member.1.Value=120\
         &MetricData.member.1.Unit=Count&MetricData.member.1.Timestamp=2025-12-03T10%3A50%3A00Z\
         &MetricData.member.1.Dimensions.member.1.Name=ModelId&MetricData.member.1.Dimensions.member.1.Value=m\
         &MetricData.member.2.MetricName=Tokens&MetricData.member.2.StatisticValues.SampleCount=2&MetricData.member.2.StatisticValues.Sum=30\
         &MetricData.member.2.StatisticValues.Minimum=10&MetricData.member.2.StatisticValues.Maximum=20&MetricData.member.2.Unit=Count\
         &MetricData.member.2.Timestamp=2025-12-03T10%3A50%3A30Z\
         &MetricData.member.2.Dimensions.member.1.Name=ModelId&MetricData.member.2.Dimensions.member.1.Value=m",
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert!(
        put.text()
            .starts_with("<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><ResponseMetadata>"),
        "{}",
        put.text()
    );

    let stats = query(
        &t,
        "Action=GetMetricStatistics&Namespace=Legacy&MetricName=Tokens&Dimensions.member.1.Name=ModelId&Dimensions.member.1.Value=m\
         &StartTime=2025-12-03T10%3A00%3A00Z&EndTime=2025-12-03T11%3A00%3A00Z&Period=3600&Statistics.member.1=Sum&Statistics.member.2=SampleCount",
    )
    .await;
    let xml = stats.text();
    assert_eq!(stats.status, 200, "{xml}");
    assert!(xml.contains("<GetMetricStatisticsResult><Label>Tokens</Label><Datapoints><member>"), "{xml}");
    assert_eq!(between(&xml, "Sum"), Some("150.0"));
    assert_eq!(between(&xml, "SampleCount"), Some("3.0"));
    assert_eq!(between(&xml, "Timestamp"), Some("2025-12-03T10:00:00.000Z"));
    assert_eq!(between(&xml, "Unit"), Some("Count"));

    let data = query(
        &t,
        "Action=GetMetricData&StartTime=2025-12-03T10%3A00%3A00Z&EndTime=2025-12-03T11%3A00%3A00Z\
         &MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=Legacy\
         &MetricDataQueries.member.1.MetricStat.Metric.MetricName=Tokens\
         &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=ModelId\
         &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=m\
         &MetricDataQueries.member.1.MetricStat.Period=3600&MetricDataQueries.member.1.MetricStat.Stat=Sum\
         &MetricDataQueries.member.1.ReturnData=false\
         &MetricDataQueries.member.2.Id=e1&MetricDataQueries.member.2.Expression=m1%20%2F%2010",
    )
    .await;
    let xml = data.text();
    assert!(xml.contains("<Id>e1</Id>"), "{xml}");
    assert!(xml.contains("<Values><member>15.0</member></Values>"), "{xml}");

    let alarm = query(
        &t,
        "Action=PutMetricAlarm&AlarmName=legacy&MetricName=Tokens&Namespace=Legacy&Statistic=Sum&Period=60&EvaluationPeriods=1\
         &Threshold=100&ComparisonOperator=GreaterThanThreshold&Dimensions.member.1.Name=ModelId&Dimensions.member.1.Value=m",
    )
    .await;
    assert_eq!(alarm.status, 200, "{}", alarm.text());
    let described = query(&t, "Action=DescribeAlarms&AlarmNames.member.1=legacy").await.text();
    assert!(described.contains("<MetricAlarms><member><AlarmName>legacy</AlarmName>"), "{described}");
    assert_eq!(between(&described, "StateValue"), Some("INSUFFICIENT_DATA"));
    assert_eq!(between(&described, "TreatMissingData"), Some("missing"));
    assert_eq!(between(&described, "DatapointsToAlarm"), Some("1"));
    let listed = query(&t, "Action=ListMetrics&Namespace=Legacy").await.text();
    assert!(listed.contains("<Metrics><member><Namespace>Legacy</Namespace><MetricName>Tokens</MetricName><Dimensions><member><Name>ModelId</Name><Value>m</Value></member></Dimensions></member></Metrics>"), "{listed}");
}

#[tokio::test]
async fn errors_in_query_and_json_carry_the_query_code() {
    let t = TestEmulator::start().await;
    let bad = query(&t, "Action=PutMetricAlarm&AlarmName=x&MetricName=m&Namespace=n&Statistic=Sum&Period=45&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold").await;
    let xml = bad.text();
    assert_eq!(bad.status, 400);
    assert_eq!(between(&xml, "Code"), Some("ValidationError"), "{xml}");
    assert_eq!(between(&xml, "Type"), Some("Sender"));

    let old = query(&t, "Action=PutMetricData&Namespace=N&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1&MetricData.member.1.Timestamp=2020-01-01T00%3A00%3A00Z").await;
    assert_eq!(between(&old.text(), "Code"), Some("InvalidParameterValue"));

    let res = json(&t, "PutMetricData", r#"{"Namespace": "N", "MetricData": [{"MetricName": "m", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]}"#).await;
    assert_eq!(res.status, 400);
    assert_eq!(res.header("x-amzn-query-error"), Some("InvalidParameterCombination;Sender"));
    assert_eq!(res.json()["__type"], "InvalidParameterCombinationException");

    let res = json(&t, "DeleteAlarms", r#"{"AlarmNames": ["nope"]}"#).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("x-amzn-query-error"), Some("ResourceNotFound;Sender"));

    // A JSON PutMetricData body gzipped, as botocore sends bodies of 10 KiB and more.
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"Namespace": "Z", "MetricData": [{"MetricName": "zipped", "Value": 3}]}"#).unwrap();
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "monitoring");
    let headers = [
        ("authorization", auth.as_str()),
        ("x-amz-target", "GraniteServiceVersion20100801.PutMetricData"),
        ("content-type", "application/x-amz-json-1.0"),
        ("content-encoding", "gzip"),
    ];
    let res = raw(&t.url(), "POST", "/", &headers, gz.finish().unwrap()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let listed = json(&t, "ListMetrics", r#"{"Namespace": "Z"}"#).await.json();
    assert_eq!(listed["Metrics"][0]["MetricName"], "zipped");
}

#[tokio::test]
async fn aws_query_forms_for_the_other_alarm_operations() {
    let t = TestEmulator::start().await;
    let ok = |res: RawResponse| {
        assert_eq!(res.status, 200, "{}", res.text());
        res.text()
    };
    ok(query(&t, "Action=PutMetricAlarm&AlarmName=q1&MetricName=Tokens&Namespace=Legacy&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold&AlarmActions.member.1=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Anone").await);
    ok(query(&t, "Action=PutCompositeAlarm&AlarmName=q2&AlarmRule=ALARM(q1)").await);
    ok(query(&t, "Action=SetAlarmState&AlarmName=q1&StateValue=ALARM&StateReason=manual").await);
    let history = ok(query(&t, "Action=DescribeAlarmHistory&AlarmName=q1&HistoryItemType=StateUpdate").await);
    assert!(history.contains("<AlarmHistoryItems><member><AlarmName>q1</AlarmName>"), "{history}");
    assert_eq!(between(&history, "HistorySummary"), Some("Alarm updated from INSUFFICIENT_DATA to ALARM"));
    let for_metric = ok(query(&t, "Action=DescribeAlarmsForMetric&MetricName=Tokens&Namespace=Legacy").await);
    assert_eq!(between(&for_metric, "AlarmName"), Some("q1"));
    ok(query(&t, "Action=DisableAlarmActions&AlarmNames.member.1=q1").await);
    let described = ok(query(&t, "Action=DescribeAlarms&AlarmNames.member.1=q1").await);
    assert_eq!(between(&described, "ActionsEnabled"), Some("false"));
    ok(query(&t, "Action=EnableAlarmActions&AlarmNames.member.1=q1").await);
    let composite = ok(query(&t, "Action=DescribeAlarms&AlarmTypes.member.1=CompositeAlarm").await);
    assert!(composite.contains("<CompositeAlarms><member>"), "{composite}");
    assert_eq!(between(&composite, "AlarmRule"), Some("ALARM(q1)"));
    ok(query(&t, "Action=DeleteAlarms&AlarmNames.member.1=q2&AlarmNames.member.2=q1").await);
    let missing = query(&t, "Action=DeleteAlarms&AlarmNames.member.1=q1").await;
    assert_eq!(missing.status, 404);
    assert_eq!(between(&missing.text(), "Code"), Some("ResourceNotFound"));
    let bad_state = query(&t, "Action=SetAlarmState&AlarmName=x&StateValue=MAYBE&StateReason=r").await;
    assert_eq!(between(&bad_state.text(), "Code"), Some("ValidationError"), "{}", bad_state.text());
}
