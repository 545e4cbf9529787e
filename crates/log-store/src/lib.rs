//! CloudWatch Logs semantics on local disk: log groups, streams, events; durable append;
//! time-ranged scans.
