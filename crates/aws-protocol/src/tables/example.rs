//! The request an SDK would send for an operation, built from its table row alone: labels
//! filled with `x` (greedy ones with `a/b`), its query markers, and `x` for every required query
//! parameter and header. The generator routes it to find shadowed operations; tests route it
//! through `detect`.

use http::Method;

use super::{Location, Operation, Segment};

/// A request built from a table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleRequest {
    pub method: Method,
    /// Path-style, starting with `/`.
    pub path: String,
    /// Decoded query pairs (markers first, then required parameters).
    pub query: Vec<(String, String)>,
    /// Required headers.
    pub headers: Vec<(String, String)>,
}

impl ExampleRequest {
    /// The query string (`a&b=2`), as the example sends it.
    pub fn query_string(&self) -> String {
        self.query.iter().map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}={v}") }).collect::<Vec<_>>().join("&")
    }
}

/// The example request of `op`.
pub fn example_request(op: &Operation) -> ExampleRequest {
    let path = op
        .path
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Label(_) => "x",
            Segment::Greedy(_) => "a/b",
        })
        .collect::<Vec<_>>()
        .join("/");
    let mut query: Vec<(String, String)> =
        op.markers.iter().map(|m| (m.key.clone(), m.value.clone().unwrap_or_default())).collect();
    let mut headers = Vec::new();
    for b in op.required_bindings() {
        match b.location {
            Location::Query => query.push((b.wire.clone(), "x".to_owned())),
            Location::Header => headers.push((b.wire.clone(), "x".to_owned())),
            Location::Uri => {}
        }
    }
    ExampleRequest { method: op.method.clone(), path: format!("/{path}"), query, headers }
}
