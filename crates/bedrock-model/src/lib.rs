//! Wire shapes of Amazon Bedrock (runtime and logging control plane), their constraint
//! validation, AWS error codes, and the `ModelInvocationLog` record. Pure data: no I/O.
