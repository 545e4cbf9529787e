//! The operation tables of the nine models: every operation's name, HTTP binding, deprecation
//! and the input members bound to URI labels, required query parameters and required headers.
//! Generated from the official models by [`generate`] into `data/operations.tsv`, committed,
//! embedded, and parsed once; each operation's modelled errors likewise (`errors.rs`,
//! `data/errors.tsv`).

mod errors;
mod example;

pub use example::{ExampleRequest, example_request};
mod generate;
mod template;
mod text;

use std::path::PathBuf;
use std::sync::LazyLock;

use http::Method;

use crate::service::ServiceId;

pub use errors::{
    ModelError, OperationErrors, StreamException, common_errors, errors_data_path, find_error, generate_errors, operation_errors,
};
pub use generate::{GenerateError, generate};
pub use template::{Marker, Segment};
pub use text::TableParseError;

/// The committed tables (see [`generate`]).
const OPERATIONS_TSV: &str = include_str!("../../data/operations.tsv");

/// Where an input member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A URI path label (`{modelId}`, greedy `{Key+}`).
    Uri,
    /// A query-string parameter.
    Query,
    /// A request header.
    Header,
}

impl Location {
    /// The word used in the data file (`uri`, `query`, `header`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Uri => "uri",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// An input member bound to the URI, the query string or a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub location: Location,
    /// The name on the wire: the label, the query parameter, the header (as in the model).
    pub wire: String,
    /// The input shape's member name.
    pub member: String,
}

/// One operation of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub service: ServiceId,
    /// The operation name, as in the model.
    pub name: String,
    /// `http.method` (`POST` for the RPC protocols).
    pub method: Method,
    /// `http.requestUri` as in the model (`/{Bucket}/{Key+}?uploads`).
    pub request_uri: String,
    /// The path of `request_uri`, split at `/`.
    pub path: Vec<Segment>,
    /// The query literals of `request_uri` (`?uploads`, `?list-type=2`).
    pub markers: Vec<Marker>,
    /// The model marks the operation `deprecated`.
    pub deprecated: bool,
    /// URI labels (all), required query parameters and required headers.
    pub bindings: Vec<Binding>,
    /// The operation a request built for this one routes to instead: the two are
    /// indistinguishable on the wire (`ListDirectoryBuckets` → `ListBuckets`).
    pub shadowed_by: Option<String>,
}

impl Operation {
    /// The member bound to URI label `wire`.
    pub fn label_member(&self, wire: &str) -> Option<&str> {
        self.bindings.iter().find(|b| b.location == Location::Uri && b.wire == wire).map(|b| b.member.as_str())
    }

    /// The required query and header bindings (the routing constraints beside the markers).
    pub fn required_bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.location != Location::Uri)
    }
}

/// All operations of all services, in table order.
#[derive(Debug)]
pub(crate) struct Tables {
    by_service: Vec<(ServiceId, Vec<Operation>)>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    // The committed data is parsed by a unit test; a failure here is a build defect, not input.
    let ops = text::parse(OPERATIONS_TSV).expect("data/operations.tsv parses (checked by tables tests)");
    Tables::from_operations(ops)
});

impl Tables {
    fn from_operations(ops: Vec<Operation>) -> Tables {
        let mut by_service: Vec<(ServiceId, Vec<Operation>)> = ServiceId::ALL.into_iter().map(|s| (s, Vec::new())).collect();
        for op in ops {
            if let Some((_, list)) = by_service.iter_mut().find(|(s, _)| *s == op.service) {
                list.push(op);
            }
        }
        Tables { by_service }
    }
}

/// The operations of `service`, sorted by name.
pub fn operations(service: ServiceId) -> &'static [Operation] {
    TABLES.by_service.iter().find(|(s, _)| *s == service).map_or(&[], |(_, ops)| ops.as_slice())
}

/// The operation `name` of `service`, if the model has it.
pub fn find(service: ServiceId, name: &str) -> Option<&'static Operation> {
    let ops = operations(service);
    ops.binary_search_by(|op| op.name.as_str().cmp(name)).ok().and_then(|i| ops.get(i))
}

/// `../shared/reference/aws-models` beside the workspace (where the tables are generated from).
pub fn models_dir() -> PathBuf {
    // The repository root is two levels up; the shared folder sits beside it.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join("..").join("shared").join("reference").join("aws-models")
}

/// The committed data file, for an xtask that rewrites it.
pub fn data_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/operations.tsv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_data_parses_and_is_sorted() {
        let ops = text::parse(OPERATIONS_TSV).expect("parses");
        assert!(ops.len() > 700, "{} operations", ops.len());
        for service in ServiceId::ALL {
            let ops = operations(service);
            assert!(!ops.is_empty(), "{service:?}");
            assert!(ops.windows(2).all(|w| w[0].name < w[1].name), "{service:?} sorted by name");
        }
        assert_eq!(
            find(ServiceId::BedrockRuntime, "Converse").map(|o| o.request_uri.as_str()),
            Some("/model/{modelId}/converse")
        );
        assert_eq!(find(ServiceId::Logs, "StartQuery").map(|o| o.method.as_str()), Some("POST"));
        assert!(find(ServiceId::Logs, "Converse").is_none());
        let lifecycle = find(ServiceId::S3, "GetBucketLifecycle").expect("in the model");
        assert!(lifecycle.deprecated);
        assert_eq!(lifecycle.shadowed_by.as_deref(), Some("GetBucketLifecycleConfiguration"));
    }

    /// Rewrites `data/operations.tsv` from the models: `cargo test -p aws-protocol -- --ignored regenerate_tables`.
    #[test]
    #[ignore = "rewrites the committed data file"]
    fn regenerate_tables() {
        let fresh = generate(&models_dir()).expect("the models generate");
        std::fs::write(data_path(), fresh).expect("data file writable");
    }

    /// The committed tables are what the generator makes from the models (when present).
    #[test]
    fn tables_are_fresh() {
        let dir = models_dir();
        if !dir.is_dir() {
            eprintln!("could not check data/operations.tsv: the models directory {} is absent", dir.display());
            return;
        }
        let fresh = generate(&dir).expect("the models generate");
        if fresh != OPERATIONS_TSV {
            let diff = fresh
                .lines()
                .zip(OPERATIONS_TSV.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("first difference:\n  generated: {a}\n  committed: {b}"))
                .unwrap_or_else(|| "the files differ in length".to_owned());
            panic!("data/operations.tsv is stale; regenerate it with aws_protocol::tables::generate. {diff}");
        }
    }
}
