//! Integration tests: real AWS SDK clients (aws-sdk-rust) and raw HTTP against the emulator on a
//! real loopback socket (port 0), with an injected clock and sequential request ids.

mod support;

mod bedrock_metrics;
mod cloudwatch_alarms;
mod cloudwatch_metrics;
mod cloudwatch_query;
mod concurrency;
mod constraints;
mod converse;
mod durability;
mod http_fuzz;
mod invoke_model;
mod js_clients;
mod logging_config;
mod logs_api;
mod python_clients;
mod python_cloudwatch;
mod python_runtime;
mod streams;
mod s3_delivery;
mod sns;
mod s3_read_api;
mod unimplemented;
