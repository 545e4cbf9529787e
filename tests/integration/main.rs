//! Integration tests: real AWS SDK clients (aws-sdk-rust) and raw HTTP against the emulator on a
//! real loopback socket (port 0), with an injected clock and sequential request ids.

mod support;

mod concurrency;
mod constraints;
mod converse;
mod durability;
mod http_fuzz;
mod invoke_model;
mod logging_config;
mod logs_api;
mod python_clients;
mod python_runtime;
mod retention;
mod streams;
mod s3_delivery;
mod s3_read_api;
