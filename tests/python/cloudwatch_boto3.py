"""CloudWatch, SNS and Logs metric filters through boto3 against the emulator (AWS_ENDPOINT_URL):
every CloudWatch operation the emulator serves, botocore's modelled exceptions (matched by the
awsQuery code of `x-amzn-query-error`), SNS, and metric filters. Prints one JSON object the Rust
test checks; any unexpected answer raises."""

import datetime
import json
import os
import urllib.request

import boto3
import botocore

cw = boto3.client("cloudwatch")
sns = boto3.client("sns")
logs = boto3.client("logs")
out = {"botocore": botocore.__version__}


def emulator(path, body):
    req = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + path, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read())


def code_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("no error")


now = datetime.datetime.fromisoformat(emulator("/_emulator/clock", {"advance": "PT0S"})["now"].replace("Z", "+00:00"))
minute = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
dims = [{"Name": "ModelId", "Value": "m"}]
cw.put_metric_data(
    Namespace="Py",
    MetricData=[
        {"MetricName": "Tokens", "Dimensions": dims, "Timestamp": minute, "Value": 10.0, "Unit": "Count"},
        {"MetricName": "Tokens", "Dimensions": dims, "Timestamp": minute, "Values": [1.0, 2.0], "Counts": [2.0, 1.0], "Unit": "Count"},
        {"MetricName": "Tokens", "Dimensions": dims, "Timestamp": minute + datetime.timedelta(minutes=1),
         "StatisticValues": {"SampleCount": 2, "Sum": 6, "Minimum": 3, "Maximum": 3}, "Unit": "Count"},
        {"MetricName": "Fast", "Timestamp": now - datetime.timedelta(seconds=30), "Value": 1.0, "StorageResolution": 1},
    ],
)
stats = cw.get_metric_statistics(Namespace="Py", MetricName="Tokens", Dimensions=dims, StartTime=minute,
                                 EndTime=minute + datetime.timedelta(minutes=5), Period=60, Statistics=["Sum", "SampleCount"])
out["stats"] = sorted([[p["Timestamp"].isoformat(), p["Sum"], p["SampleCount"], p["Unit"]] for p in stats["Datapoints"]])
pct = cw.get_metric_statistics(Namespace="Py", MetricName="Tokens", Dimensions=dims, StartTime=minute,
                               EndTime=minute + datetime.timedelta(minutes=5), Period=300, ExtendedStatistics=["p50", "p100"])
out["percentiles"] = pct["Datapoints"][0]["ExtendedStatistics"]
fast = cw.get_metric_statistics(Namespace="Py", MetricName="Fast", StartTime=now - datetime.timedelta(minutes=1),
                                EndTime=now, Period=1, Statistics=["Sum"])
out["highResolutionPoints"] = len(fast["Datapoints"])
data = cw.get_metric_data(
    MetricDataQueries=[
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "Py", "MetricName": "Tokens", "Dimensions": dims}, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "e1", "Expression": "m1 * 10", "Label": "times ten"},
        {"Id": "s1", "Expression": "SEARCH('{Py,ModelId} Tokens', 'SampleCount', 60)"},
    ],
    StartTime=minute, EndTime=minute + datetime.timedelta(minutes=5), ScanBy="TimestampAscending",
)
out["metricData"] = {r["Id"]: [r["Label"], r["Values"]] for r in data["MetricDataResults"]}
out["listed"] = sorted(m["MetricName"] for m in cw.list_metrics(Namespace="Py", RecentlyActive="PT3H")["Metrics"])

cw.put_metric_alarm(AlarmName="py-alarm", MetricName="Tokens", Namespace="Py", Dimensions=dims, Statistic="Sum", Period=60,
                    EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore")
cw.put_composite_alarm(AlarmName="py-composite", AlarmRule='ALARM("py-alarm")')
alarm = cw.describe_alarms(AlarmNames=["py-alarm"])["MetricAlarms"][0]
out["created"] = [alarm["StateValue"], alarm["StateReason"], alarm["TreatMissingData"], alarm["DatapointsToAlarm"]]
cw.set_alarm_state(AlarmName="py-alarm", StateValue="ALARM", StateReason="by hand", StateReasonData='{"why": "test"}')
emulator("/_emulator/alarms/evaluate", {})
composite = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]
out["composite"] = composite["StateValue"]
out["forMetric"] = [a["AlarmName"] for a in cw.describe_alarms_for_metric(MetricName="Tokens", Namespace="Py", Dimensions=dims)["MetricAlarms"]]
cw.disable_alarm_actions(AlarmNames=["py-alarm"])
out["actionsEnabled"] = cw.describe_alarms(AlarmNames=["py-alarm"])["MetricAlarms"][0]["ActionsEnabled"]
cw.enable_alarm_actions(AlarmNames=["py-alarm"])
history = cw.describe_alarm_history(AlarmName="py-alarm", HistoryItemType="StateUpdate", ScanBy="TimestampAscending")
out["history"] = [h["HistorySummary"] for h in history["AlarmHistoryItems"]]
cw.delete_alarms(AlarmNames=["py-composite", "py-alarm"])

old = now - datetime.timedelta(days=20)
out["errors"] = {
    "old": code_of(lambda: cw.put_metric_data(Namespace="Py", MetricData=[{"MetricName": "x", "Value": 1, "Timestamp": old}])),
    "missing": code_of(lambda: cw.put_metric_data(Namespace="Py", MetricData=[{"MetricName": "x"}])),
    "combination": code_of(lambda: cw.get_metric_statistics(Namespace="Py", MetricName="x", StartTime=minute, EndTime=now, Period=60,
                                                             Statistics=["Sum"], ExtendedStatistics=["p99"])),
    "period": code_of(lambda: cw.put_metric_alarm(AlarmName="bad", MetricName="x", Namespace="Py", Statistic="Sum", Period=45,
                                                  EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")),
    "notFound": code_of(lambda: cw.delete_alarms(AlarmNames=["nope"])),
    "nextToken": code_of(lambda: cw.describe_alarms(NextToken="nope")),
}
try:
    cw.put_metric_data(Namespace="Py", MetricData=[{"MetricName": "x", "Value": 1, "Timestamp": old}])
except cw.exceptions.InvalidParameterValueException:
    out["modelledException"] = "InvalidParameterValueException"

topic = sns.create_topic(Name="py-topic")["TopicArn"]
sub = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/unreachable")
out["sns"] = {
    "topic": topic,
    "subscription": sub["SubscriptionArn"],
    "published": bool(sns.publish(TopicArn=topic, Message="hello", Subject="s")["MessageId"]),
    "topics": [t["TopicArn"] for t in sns.list_topics()["Topics"]],
    "subscriptions": [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]],
    "notFound": code_of(lambda: sns.publish(TopicArn=topic + "-missing", Message="x")),
}

group = "/aws/bedrock/modelinvocations"
logs.put_metric_filter(logGroupName=group, filterName="py-filter", filterPattern="{ $.input.inputTokenCount > 0 }",
                       metricTransformations=[{"metricName": "PyTokens", "metricNamespace": "PyUsage", "metricValue": "$.input.inputTokenCount",
                                               "dimensions": {"ModelId": "$.modelId"}, "unit": "Count"}])
out["filters"] = [f["filterName"] for f in logs.describe_metric_filters(logGroupName=group)["metricFilters"]]
out["test"] = logs.test_metric_filter(filterPattern="{ $.a = 1 }", logEventMessages=['{"a": 1}', '{"a": 2}'])["matches"][0]["extractedValues"]
runtime = boto3.client("bedrock-runtime")
usage = runtime.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0",
                         messages=[{"role": "user", "content": [{"text": "What is Amazon Bedrock?"}]}])["usage"]
hour = now.replace(minute=0, second=0, microsecond=0)
tokens = cw.get_metric_statistics(Namespace="PyUsage", MetricName="PyTokens", StartTime=hour, EndTime=hour + datetime.timedelta(hours=1),
                                  Period=3600, Statistics=["Sum"],
                                  Dimensions=[{"Name": "ModelId", "Value": "anthropic.claude-3-haiku-20240307-v1:0"}])
out["filterSum"] = [tokens["Datapoints"][0]["Sum"], usage["inputTokens"]]
invocations = cw.get_metric_statistics(Namespace="AWS/Bedrock", MetricName="Invocations", StartTime=hour, EndTime=hour + datetime.timedelta(hours=1),
                                       Period=3600, Statistics=["Sum"],
                                       Dimensions=[{"Name": "ModelId", "Value": "anthropic.claude-3-haiku-20240307-v1:0"}])
out["invocations"] = invocations["Datapoints"][0]["Sum"]
logs.delete_metric_filter(logGroupName=group, filterName="py-filter")
print(json.dumps(out))
