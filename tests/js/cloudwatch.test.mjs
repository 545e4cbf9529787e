// CloudWatch and SNS through aws-sdk-js v3 (awsJson1.0 with x-amzn-query-mode for CloudWatch,
// awsQuery for SNS) against the emulator at AWS_ENDPOINT_URL: every CloudWatch operation the
// emulator serves, the SDK's modelled exceptions (matched by x-amzn-query-error), and SNS.
// Run by tests/integration/js_clients.rs with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricStatisticsCommand, GetMetricDataCommand, ListMetricsCommand,
  PutMetricAlarmCommand, PutCompositeAlarmCommand, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand,
  DescribeAlarmHistoryCommand, SetAlarmStateCommand, EnableAlarmActionsCommand, DisableAlarmActionsCommand,
  DeleteAlarmsCommand, InvalidParameterValueException, MissingRequiredParameterException, ResourceNotFound,
} from "@aws-sdk/client-cloudwatch";
import {
  SNSClient, CreateTopicCommand, ListTopicsCommand, SubscribeCommand, ListSubscriptionsCommand, PublishCommand, NotFoundException,
} from "@aws-sdk/client-sns";

const endpoint = process.env.AWS_ENDPOINT_URL;
const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDJSTEST", secretAccessKey: "secret" } };
const cw = new CloudWatchClient(config);
const sns = new SNSClient(config);

async function emulator(path, body) {
  const res = await fetch(`${endpoint}${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  return res.json();
}

const now = new Date((await emulator("/_emulator/clock", { advance: "PT0S" })).nowMs);
const minute = new Date(Math.floor(now.getTime() / 60000) * 60000 - 10 * 60000);
const dims = [{ Name: "ModelId", Value: "js-model" }];

test("metrics: put, statistics, metric data, list", async () => {
  await cw.send(new PutMetricDataCommand({
    Namespace: "Js",
    MetricData: [
      { MetricName: "Tokens", Dimensions: dims, Timestamp: minute, Value: 100, Unit: "Count" },
      { MetricName: "Tokens", Dimensions: dims, Timestamp: new Date(minute.getTime() + 60000), Values: [1, 2], Counts: [1, 3], Unit: "Count" },
    ],
  }));
  const stats = await cw.send(new GetMetricStatisticsCommand({
    Namespace: "Js", MetricName: "Tokens", Dimensions: dims, StartTime: minute,
    EndTime: new Date(minute.getTime() + 120000), Period: 60, Statistics: ["Sum", "Maximum"],
  }));
  const points = stats.Datapoints.map((d) => [d.Timestamp.getTime(), d.Sum, d.Maximum]).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(points, [[minute.getTime(), 100, 100], [minute.getTime() + 60000, 7, 2]]);
  const data = await cw.send(new GetMetricDataCommand({
    StartTime: minute, EndTime: new Date(minute.getTime() + 120000), ScanBy: "TimestampAscending",
    MetricDataQueries: [
      { Id: "m1", MetricStat: { Metric: { Namespace: "Js", MetricName: "Tokens", Dimensions: dims }, Period: 60, Stat: "Sum" }, ReturnData: false },
      { Id: "e1", Expression: "m1 / 2", Label: "half" },
    ],
  }));
  assert.deepEqual(data.MetricDataResults.map((r) => [r.Id, r.Label, r.Values]), [["e1", "half", [50, 3.5]]]);
  const listed = await cw.send(new ListMetricsCommand({ Namespace: "Js" }));
  assert.deepEqual(listed.Metrics.map((m) => m.MetricName), ["Tokens"]);
});

test("alarms: create, evaluate, describe, history, state, actions, delete", async () => {
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: "js-alarm", MetricName: "Tokens", Namespace: "Js", Dimensions: dims, Statistic: "Sum", Period: 60,
    EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching",
  }));
  await cw.send(new PutCompositeAlarmCommand({ AlarmName: "js-composite", AlarmRule: "OK(js-alarm)" }));
  const report = await emulator("/_emulator/alarms/evaluate", {});
  assert.ok(report.evaluated >= 2);
  const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
  assert.equal(alarms.MetricAlarms[0].StateValue, "OK");
  assert.equal(alarms.MetricAlarms[0].TreatMissingData, "notBreaching");
  assert.equal(alarms.CompositeAlarms[0].StateValue, "ALARM");
  const forMetric = await cw.send(new DescribeAlarmsForMetricCommand({ MetricName: "Tokens", Namespace: "Js", Dimensions: dims }));
  assert.deepEqual(forMetric.MetricAlarms.map((a) => a.AlarmName), ["js-alarm"]);
  await cw.send(new SetAlarmStateCommand({ AlarmName: "js-alarm", StateValue: "ALARM", StateReason: "from js" }));
  await cw.send(new DisableAlarmActionsCommand({ AlarmNames: ["js-alarm"] }));
  await cw.send(new EnableAlarmActionsCommand({ AlarmNames: ["js-alarm"] }));
  const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "js-alarm", HistoryItemType: "StateUpdate" }));
  assert.equal(history.AlarmHistoryItems[0].HistorySummary, "Alarm updated from OK to ALARM");
  await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["js-composite", "js-alarm"] }));
});

test("errors are the modelled exceptions", async () => {
  const old = new Date(now.getTime() - 20 * 86400000);
  await assert.rejects(
    cw.send(new PutMetricDataCommand({ Namespace: "Js", MetricData: [{ MetricName: "x", Value: 1, Timestamp: old }] })),
    (e) => e instanceof InvalidParameterValueException && e.name === "InvalidParameterValueException",
  );
  await assert.rejects(
    cw.send(new GetMetricStatisticsCommand({ Namespace: "Js", MetricName: "x", StartTime: minute, EndTime: now, Period: 60 })),
    (e) => e instanceof MissingRequiredParameterException,
  );
  await assert.rejects(cw.send(new DeleteAlarmsCommand({ AlarmNames: ["nope"] })), (e) => e instanceof ResourceNotFound);
  await assert.rejects(
    cw.send(new PutMetricAlarmCommand({
      AlarmName: "bad", MetricName: "x", Namespace: "Js", Statistic: "Sum", Period: 45, EvaluationPeriods: 1, Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold",
    })),
    (e) => e.name === "ValidationError" || e.Code === "ValidationError" || e.name === "ValidationException",
  );
});

test("sns: topics, subscriptions, publish", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "js-topic" }));
  assert.equal(TopicArn, "arn:aws:sns:us-east-1:123456789012:js-topic");
  const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: "http://127.0.0.1:9/none" }));
  assert.equal(sub.SubscriptionArn, "pending confirmation");
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: "hi", Subject: "js" }));
  assert.ok(MessageId);
  const topics = await sns.send(new ListTopicsCommand({}));
  assert.ok(topics.Topics.some((t) => t.TopicArn === TopicArn));
  const subs = await sns.send(new ListSubscriptionsCommand({}));
  assert.equal(subs.Subscriptions[0].SubscriptionArn, "PendingConfirmation");
  await assert.rejects(sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: "x" })), (e) => e instanceof NotFoundException);
});
