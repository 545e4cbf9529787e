//! The Bedrock control plane (restJson1): the model invocation logging configuration, and the
//! model catalog's listings (foundation models, inference profiles).

pub(crate) mod logging_config;
pub(crate) mod logging_state;
pub(crate) mod models;
pub(crate) mod params;
pub(crate) mod permissions;
pub(crate) mod profiles;
