//! The Bedrock control plane (restJson1): the model invocation logging configuration.

pub(crate) mod logging_config;
pub(crate) mod logging_state;
