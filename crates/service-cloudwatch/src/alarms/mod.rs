//! Alarms: metric, metric-math and composite alarms, their state and history (saved in the data
//! directory), evaluation on the emulator's clock and the actions of a transition.
//!
//! | file | job |
//! |---|---|
//! | `model.rs` | an alarm, its configuration and state; the `MetricAlarm` / `CompositeAlarm` shapes |
//! | `store.rs` | the alarms and their history, saved as `<data-dir>/cloudwatch/alarms.json` |
//! | `put.rs` | PutMetricAlarm, PutCompositeAlarm: CloudWatch's rules, create or update |
//! | `describe.rs` | DescribeAlarms, DescribeAlarmsForMetric, DescribeAlarmHistory |
//! | `manage.rs` | DeleteAlarms, SetAlarmState, Enable/DisableAlarmActions |
//! | `evaluate.rs` | the evaluation: periods, missing data, M of N, composite rules |
//! | `transition.rs` | a state change: history, actions (SNS publish) |
//! | `rule.rs` | composite alarm rules |
//! | `reason.rs`, `notify.rs` | `StateReason`/`StateReasonData` texts; the SNS notification |

pub(crate) mod describe;
pub(crate) mod evaluate;
pub(crate) mod manage;
pub(crate) mod model;
pub(crate) mod notify;
pub(crate) mod put;
pub(crate) mod reason;
pub(crate) mod rule;
pub(crate) mod store;
pub(crate) mod transition;
