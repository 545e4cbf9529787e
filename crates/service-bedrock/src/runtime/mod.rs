//! Bedrock runtime (restJson1, `POST /model/{modelId}/...`): one file per operation, and the
//! stream plan that ConverseStream and InvokeModelWithResponseStream share.

pub(crate) mod converse;
pub(crate) mod converse_stream;
pub(crate) mod count_tokens;
pub(crate) mod invoke;
pub(crate) mod stream_plan;
