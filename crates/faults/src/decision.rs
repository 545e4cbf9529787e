//! What the engine decides for one call: wait `latency_ms`, then proceed, fail with an error, or
//! run a stream that ends early (an exception frame or a dropped connection after a number of
//! event frames). The server applies the first two; a streaming service the third.

use aws_protocol::AwsError;

/// One call's injection.
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    /// The index of the rule that fired (in the rule set at the time).
    pub rule: usize,
    /// Added before anything else happens (0: none).
    pub latency_ms: u64,
    pub outcome: Outcome,
}

/// What happens after the latency.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The call runs as usual.
    Proceed,
    /// The call is answered with this error (rendered in the operation's protocol); the service
    /// never runs, so nothing is recorded.
    Fail(AwsError),
    /// The call runs and its event stream ends early.
    Stream(StreamFault),
}

/// A mid-stream end.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFault {
    /// Event frames sent before the end (a stream sends at most all but its final frame).
    pub after_chunks: usize,
    pub end: StreamEnd,
}

/// How a stream ends early.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEnd {
    /// An exception frame of the stream's union (`:exception-type` = the error's member name).
    Exception(AwsError),
    /// The connection is dropped without a final frame.
    Disconnect,
}
