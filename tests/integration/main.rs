//! Integration tests: real AWS SDK clients (aws-sdk-rust), boto3, the aws CLI, aws-sdk-js v3 and
//! raw HTTP against the emulator on a real loopback socket (port 0), with an injected clock and
//! sequential request ids.

mod support;

mod account_clients;
mod account_fuzz;
mod athena_api;
mod athena_seed;
mod bedrock_catalog;
mod bedrock_metrics;
mod cloudwatch_alarms;
mod cloudwatch_dashboards;
mod cloudwatch_metrics;
mod cloudwatch_query;
mod concurrency;
mod constraints;
mod converse;
mod cost_metrics;
mod dashboard_clients;
mod durability;
mod faults;
mod faults_fuzz;
mod http_fuzz;
mod iam_api;
mod iam_enforcement;
mod identity;
mod invoke_model;
mod js_clients;
mod logging_config;
mod logs_api;
mod python_athena;
mod python_clients;
mod python_cloudwatch;
mod python_faults;
mod python_runtime;
mod realism;
mod retention;
mod s3_delivery;
mod s3_read_api;
mod s3_write_api;
mod seed_scripts;
mod sns;
mod streams;
mod sts_api;
mod unimplemented;
