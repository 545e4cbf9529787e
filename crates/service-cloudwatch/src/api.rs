//! The service's entry point: the CloudWatch and SNS operations it answers and, for one call,
//! the input read (JSON, CBOR or awsQuery), the handler, and a typed output or error.

use std::sync::Arc;

use aws_protocol::{AwsError, Reply, ServiceId};
use service_kit::{Call, CallFuture, Service};

use crate::CloudWatchService;
use crate::alarms::{describe, manage, put};
use crate::dashboards::api as dashboards;
use crate::error::{CloudWatchError, SnsError};
use crate::input::{cloudwatch_input, sns_input};
use crate::metrics::{get_metric_data, get_metric_statistics, list_metrics, put_metric_data};

/// The operations answered, per model.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::CloudWatch, "PutMetricData"),
    (ServiceId::CloudWatch, "GetMetricStatistics"),
    (ServiceId::CloudWatch, "GetMetricData"),
    (ServiceId::CloudWatch, "ListMetrics"),
    (ServiceId::CloudWatch, "PutMetricAlarm"),
    (ServiceId::CloudWatch, "PutCompositeAlarm"),
    (ServiceId::CloudWatch, "DescribeAlarms"),
    (ServiceId::CloudWatch, "DescribeAlarmsForMetric"),
    (ServiceId::CloudWatch, "DescribeAlarmHistory"),
    (ServiceId::CloudWatch, "DeleteAlarms"),
    (ServiceId::CloudWatch, "SetAlarmState"),
    (ServiceId::CloudWatch, "EnableAlarmActions"),
    (ServiceId::CloudWatch, "DisableAlarmActions"),
    (ServiceId::CloudWatch, "PutDashboard"),
    (ServiceId::CloudWatch, "GetDashboard"),
    (ServiceId::CloudWatch, "ListDashboards"),
    (ServiceId::CloudWatch, "DeleteDashboards"),
    (ServiceId::Sns, "CreateTopic"),
    (ServiceId::Sns, "DeleteTopic"),
    (ServiceId::Sns, "ListTopics"),
    (ServiceId::Sns, "GetTopicAttributes"),
    (ServiceId::Sns, "Subscribe"),
    (ServiceId::Sns, "ConfirmSubscription"),
    (ServiceId::Sns, "Unsubscribe"),
    (ServiceId::Sns, "ListSubscriptions"),
    (ServiceId::Sns, "ListSubscriptionsByTopic"),
    (ServiceId::Sns, "Publish"),
];

impl Service for CloudWatchService {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        OPERATIONS
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move {
            match call.request.service {
                ServiceId::Sns => sns(&self, call).map_err(|e| e.to_aws()),
                _ => cloudwatch(&self, call).map_err(|e| e.to_aws()),
            }
        })
    }

    /// CloudWatch refuses an oversize body as `InvalidParameterValue`, SNS as `InvalidParameter`.
    fn body_too_large(&self, service: ServiceId, size: Option<u64>, limit: usize) -> AwsError {
        let size = size.map_or_else(|| format!("more than {limit}"), |n| n.to_string());
        let message = format!("Request body of {size} bytes exceeds the maximum of {limit} bytes.");
        match service {
            ServiceId::Sns => SnsError::InvalidParameter(message).to_aws(),
            _ => CloudWatchError::InvalidParameterValue(message).to_aws(),
        }
    }
}

fn cloudwatch(state: &CloudWatchService, call: Call<'_>) -> Result<Reply, CloudWatchError> {
    let ctx = call.ctx;
    Ok(match call.operation() {
        "PutMetricData" => {
            put_metric_data::put_metric_data(state, cloudwatch_input(call)?)?;
            Reply::empty()
        }
        "GetMetricStatistics" => Reply::shape(
            "GetMetricStatisticsOutput",
            get_metric_statistics::get_metric_statistics(state, cloudwatch_input(call)?)?,
        ),
        "GetMetricData" => Reply::shape("GetMetricDataOutput", get_metric_data::get_metric_data(state, cloudwatch_input(call)?)?),
        "ListMetrics" => Reply::shape("ListMetricsOutput", list_metrics::list_metrics(state, cloudwatch_input(call)?)?),
        "PutMetricAlarm" => {
            put::put_metric_alarm(state, ctx, cloudwatch_input(call)?)?;
            Reply::empty()
        }
        "PutCompositeAlarm" => {
            put::put_composite_alarm(state, ctx, cloudwatch_input(call)?)?;
            Reply::empty()
        }
        "DescribeAlarms" => Reply::shape("DescribeAlarmsOutput", describe::describe_alarms(state, cloudwatch_input(call)?)?),
        "DescribeAlarmsForMetric" => {
            Reply::shape("DescribeAlarmsForMetricOutput", describe::describe_alarms_for_metric(state, cloudwatch_input(call)?)?)
        }
        "DescribeAlarmHistory" => {
            Reply::shape("DescribeAlarmHistoryOutput", describe::describe_alarm_history(state, cloudwatch_input(call)?)?)
        }
        "DeleteAlarms" => {
            manage::delete_alarms(state, cloudwatch_input(call)?)?;
            Reply::empty()
        }
        "SetAlarmState" => {
            manage::set_alarm_state(state, cloudwatch_input(call)?)?;
            Reply::empty()
        }
        "EnableAlarmActions" => {
            manage::set_actions_enabled(state, cloudwatch_input(call)?, true)?;
            Reply::empty()
        }
        "DisableAlarmActions" => {
            manage::set_actions_enabled(state, cloudwatch_input(call)?, false)?;
            Reply::empty()
        }
        "PutDashboard" => Reply::shape("PutDashboardOutput", dashboards::put_dashboard(state, cloudwatch_input(call)?)?),
        "GetDashboard" => Reply::shape("GetDashboardOutput", dashboards::get_dashboard(state, cloudwatch_input(call)?)?),
        "ListDashboards" => Reply::shape("ListDashboardsOutput", dashboards::list_dashboards(state, cloudwatch_input(call)?)?),
        "DeleteDashboards" => {
            Reply::shape("DeleteDashboardsOutput", dashboards::delete_dashboards(state, cloudwatch_input(call)?)?)
        }
        other => return Err(CloudWatchError::Internal(format!("The operation {other} is not implemented by this emulator"))),
    })
}

fn sns(state: &CloudWatchService, call: Call<'_>) -> Result<Reply, SnsError> {
    let sns = &state.sns;
    Ok(match call.operation() {
        "CreateTopic" => Reply::shape("CreateTopicResponse", sns.create_topic(&call.ctx.region, sns_input(call)?)?),
        "DeleteTopic" => {
            sns.delete_topic(sns_input(call)?)?;
            Reply::empty()
        }
        "ListTopics" => Reply::shape("ListTopicsResponse", sns.list_topics(sns_input(call)?)?),
        "GetTopicAttributes" => Reply::shape("GetTopicAttributesResponse", sns.get_topic_attributes(sns_input(call)?)?),
        "Subscribe" => {
            let host = call.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
            Reply::shape("SubscribeResponse", sns.subscribe(sns_input(call)?, &format!("http://{host}"))?)
        }
        "ConfirmSubscription" => Reply::shape("ConfirmSubscriptionResponse", sns.confirm_subscription(sns_input(call)?)?),
        "Unsubscribe" => {
            sns.unsubscribe(sns_input(call)?)?;
            Reply::empty()
        }
        "ListSubscriptions" => {
            let input: crate::sns::api::NextTokenInput = sns_input(call)?;
            Reply::shape("ListSubscriptionsResponse", sns.list_subscriptions(None, input.next_token.as_deref())?)
        }
        "ListSubscriptionsByTopic" => {
            let input: crate::sns::api::TopicArnInput = sns_input(call)?;
            Reply::shape(
                "ListSubscriptionsByTopicResponse",
                sns.list_subscriptions(Some(&input.topic_arn), input.next_token.as_deref())?,
            )
        }
        "Publish" => Reply::shape("PublishResponse", sns.publish_api(sns_input(call)?)?),
        other => return Err(SnsError::Internal(format!("The operation {other} is not implemented by this emulator"))),
    })
}
