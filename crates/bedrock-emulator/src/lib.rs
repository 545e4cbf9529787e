//! The Bedrock emulator: an HTTP server answering Bedrock runtime, the Bedrock logging control
//! plane and the CloudWatch Logs API on one port, writing `ModelInvocationLog` records.
