//! Routing a REST request (restJson1, restXml) to an operation of a table: method, path
//! template, query markers, and the required query parameters and headers.
//!
//! A candidate has the request's method, a matching path, and all of its markers. The best
//! candidate, in this order:
//! 1. literal segments beat labels, labels beat a greedy label (position by position);
//! 2. the operation named by an `x-id` query parameter (aws-sdk-rust and JS v3 send
//!    `?x-id=GetObject`; it tells `ListDirectoryBuckets` from `ListBuckets`);
//! 3. not deprecated;
//! 4. more markers;
//! 5. every required query parameter and header present;
//! 6. more of them present;
//! 7. earlier in the table (by name).
//!
//! Required bindings rank rather than filter: a request missing one still reaches the operation
//! its markers name (`DELETE /b?analytics` is DeleteBucketAnalyticsConfiguration without `id`, a
//! validation error, never DeleteBucket), and Bedrock's required query members are validated by
//! the service, as AWS does.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use http::Method;

use crate::service::ServiceId;
use crate::tables::{Location, Operation, Segment};

/// S3, routed alone (restXml).
pub(crate) const S3_GROUP: &[ServiceId] = &[ServiceId::S3];

/// Bedrock's runtime and control plane: restJson1, both signed as `bedrock`, one path space.
pub(crate) const BEDROCK_GROUP: &[ServiceId] = &[ServiceId::BedrockRuntime, ServiceId::Bedrock];

/// The services routed together by method and path.
pub(crate) const ROUTING_GROUPS: [&[ServiceId]; 2] = [S3_GROUP, BEDROCK_GROUP];

/// The parts of a request routing looks at.
pub(crate) struct RestRequest<'a> {
    pub(crate) method: &'a Method,
    /// Raw (still percent-encoded) path segments; `/` has none.
    pub(crate) segments: &'a [&'a str],
    /// Decoded query pairs.
    pub(crate) query: &'a [(String, String)],
    /// Whether the request has a header (case-insensitive name).
    pub(crate) has_header: &'a dyn Fn(&str) -> bool,
}

impl RestRequest<'_> {
    fn query_value(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Where a request goes.
#[derive(Debug)]
pub(crate) enum RouteOutcome<'t, 'a> {
    /// The operation, and its URI labels by wire name, raw.
    Found { op: &'t Operation, labels: Vec<(&'t str, Cow<'a, str>)> },
    /// The path is known, but with other methods only.
    MethodNotAllowed,
    /// No operation has this path (or this method there lacks the query markers).
    NoMatch,
}

/// Splits a raw path into segments: `/` and the empty path have none.
pub(crate) fn split_path(path: &str) -> Vec<&str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() { Vec::new() } else { path.split('/').collect() }
}

/// An operation with its position in the routing group (the last tie-break).
type Indexed<'t> = (usize, &'t Operation);

/// The operations of a routing group by their first path segment, so a request is compared
/// with the few operations that can match it (table order is kept within each list).
#[derive(Debug, Default)]
pub(crate) struct RouteIndex<'t> {
    /// Operations whose path starts with a literal, by that literal.
    by_literal: HashMap<&'t str, Vec<Indexed<'t>>>,
    /// Operations whose path starts with a label (or a greedy label).
    by_label: Vec<Indexed<'t>>,
    /// Operations whose path is `/`.
    root: Vec<Indexed<'t>>,
}

impl<'t> RouteIndex<'t> {
    /// Indexes `ops`, numbering them in iteration order.
    pub(crate) fn new(ops: impl IntoIterator<Item = &'t Operation>) -> RouteIndex<'t> {
        let mut index = RouteIndex::default();
        for (order, op) in ops.into_iter().enumerate() {
            match op.path.first() {
                None => index.root.push((order, op)),
                Some(Segment::Literal(l)) => index.by_literal.entry(l.as_str()).or_default().push((order, op)),
                Some(_) => index.by_label.push((order, op)),
            }
        }
        index
    }

    /// The operations whose path may match `segments`.
    pub(crate) fn candidates<'s>(&'s self, segments: &[&str]) -> impl Iterator<Item = Indexed<'t>> + 's {
        let (literal, label): (&[Indexed<'t>], &[Indexed<'t>]) = match segments.first() {
            None => (&self.root, &[]),
            Some(first) => (self.by_literal.get(*first).map_or(&[][..], Vec::as_slice), &self.by_label),
        };
        literal.iter().chain(label).copied()
    }
}

/// Routes `req` among `ops` (each with its table order, the last tie-break).
pub(crate) fn select<'t, 'a, I>(ops: I, req: &RestRequest<'a>) -> RouteOutcome<'t, 'a>
where
    I: IntoIterator<Item = Indexed<'t>>,
{
    let mut best: Option<Candidate<'t>> = None;
    let mut path_known = false;
    let mut method_on_path = false;
    for (order, op) in ops {
        if !path_matches(&op.path, req.segments) {
            continue;
        }
        path_known = true;
        if op.method != *req.method {
            continue;
        }
        method_on_path = true;
        if !markers_present(op, req) {
            continue;
        }
        let candidate = Candidate::new(op, order, req);
        if best.as_ref().is_none_or(|b| candidate.cmp_rank(b) == Ordering::Less) {
            best = Some(candidate);
        }
    }
    match best {
        Some(c) => RouteOutcome::Found { op: c.op, labels: labels(&c.op.path, req.segments) },
        None if path_known && !method_on_path => RouteOutcome::MethodNotAllowed,
        None => RouteOutcome::NoMatch,
    }
}

struct Candidate<'t> {
    op: &'t Operation,
    order: usize,
    named_by_x_id: bool,
    markers: usize,
    complete: bool,
    present: usize,
}

impl<'t> Candidate<'t> {
    fn new(op: &'t Operation, order: usize, req: &RestRequest<'_>) -> Self {
        let mut complete = true;
        let mut present = 0;
        for b in op.required_bindings() {
            let here = match b.location {
                Location::Query => req.query_value(&b.wire).is_some(),
                Location::Header => (req.has_header)(&b.wire),
                Location::Uri => true,
            };
            if here {
                present += 1;
            } else {
                complete = false;
            }
        }
        Candidate {
            op,
            order,
            named_by_x_id: req.query_value("x-id") == Some(op.name.as_str()),
            markers: op.markers.len(),
            complete,
            present,
        }
    }

    /// `Less` when `self` is the better route.
    fn cmp_rank(&self, other: &Candidate<'_>) -> Ordering {
        path_specificity(&self.op.path, &other.op.path)
            .then(other.named_by_x_id.cmp(&self.named_by_x_id))
            .then(self.op.deprecated.cmp(&other.op.deprecated))
            .then(other.markers.cmp(&self.markers))
            .then(other.complete.cmp(&self.complete))
            .then(other.present.cmp(&self.present))
            .then(self.order.cmp(&other.order))
    }
}

fn kind(s: &Segment) -> u8 {
    match s {
        Segment::Literal(_) => 0,
        Segment::Label(_) => 1,
        Segment::Greedy(_) => 2,
    }
}

/// Literal before label before greedy, at the first position where two templates differ.
fn path_specificity(a: &[Segment], b: &[Segment]) -> Ordering {
    a.iter().map(kind).cmp(b.iter().map(kind))
}

fn path_matches(template: &[Segment], segments: &[&str]) -> bool {
    let mut i = 0;
    for t in template {
        match t {
            Segment::Literal(l) => {
                if segments.get(i) != Some(&l.as_str()) {
                    return false;
                }
            }
            // An empty label matches: the service answers its validation error, as for any value.
            Segment::Label(_) => {
                if i >= segments.len() {
                    return false;
                }
            }
            // A greedy label takes the rest of the path, which must not be empty.
            Segment::Greedy(_) => {
                let rest = segments.get(i..).unwrap_or(&[]);
                return match rest {
                    [] => false,
                    [only] => !only.is_empty(),
                    _ => true,
                };
            }
        }
        i += 1;
    }
    i == segments.len()
}

fn markers_present(op: &Operation, req: &RestRequest<'_>) -> bool {
    op.markers.iter().all(|m| match (&m.value, req.query_value(&m.key)) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(want), Some(got)) => want == got,
    })
}

fn labels<'t, 'a>(template: &'t [Segment], segments: &[&'a str]) -> Vec<(&'t str, Cow<'a, str>)> {
    let mut out = Vec::new();
    for (i, t) in template.iter().enumerate() {
        match t {
            Segment::Literal(_) => {}
            Segment::Label(name) => {
                if let Some(s) = segments.get(i) {
                    out.push((name.as_str(), Cow::Borrowed(*s)));
                }
            }
            Segment::Greedy(name) => {
                let rest = segments.get(i..).unwrap_or(&[]);
                let value = match rest {
                    [one] => Cow::Borrowed(*one),
                    many => Cow::Owned(many.join("/")),
                };
                out.push((name.as_str(), value));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables;

    fn route(ops: &[Operation], method: Method, path: &str, query: &[(&str, &str)], headers: &[&str]) -> Option<String> {
        let segments = split_path(path);
        let query: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let has = |h: &str| headers.iter().any(|x| x.eq_ignore_ascii_case(h));
        let req = RestRequest { method: &method, segments: &segments, query: &query, has_header: &has };
        match select(ops.iter().enumerate(), &req) {
            RouteOutcome::Found { op, .. } => Some(op.name.clone()),
            RouteOutcome::MethodNotAllowed => Some("405".into()),
            RouteOutcome::NoMatch => None,
        }
    }

    #[test]
    fn s3_disambiguation() {
        let s3 = tables::operations(ServiceId::S3);
        assert_eq!(route(s3, Method::GET, "/", &[], &[]).as_deref(), Some("ListBuckets"));
        assert_eq!(
            route(s3, Method::GET, "/", &[("x-id", "ListDirectoryBuckets")], &[]).as_deref(),
            Some("ListDirectoryBuckets")
        );
        assert_eq!(route(s3, Method::GET, "/b", &[], &[]).as_deref(), Some("ListObjects"));
        assert_eq!(route(s3, Method::GET, "/b", &[("list-type", "2")], &[]).as_deref(), Some("ListObjectsV2"));
        assert_eq!(route(s3, Method::GET, "/b", &[("list-type", "3")], &[]).as_deref(), Some("ListObjects"));
        assert_eq!(route(s3, Method::GET, "/b/k/l", &[], &[]).as_deref(), Some("GetObject"));
        assert_eq!(route(s3, Method::GET, "/b/k", &[("uploadId", "u")], &[]).as_deref(), Some("ListParts"));
        assert_eq!(route(s3, Method::PUT, "/b/k", &[], &[]).as_deref(), Some("PutObject"));
        assert_eq!(route(s3, Method::PUT, "/b/k", &[], &["x-amz-copy-source"]).as_deref(), Some("CopyObject"));
        assert_eq!(
            route(s3, Method::PUT, "/b/k", &[("partNumber", "1"), ("uploadId", "u")], &["X-Amz-Copy-Source"]).as_deref(),
            Some("UploadPartCopy")
        );
        assert_eq!(route(s3, Method::PUT, "/b/k", &[("partNumber", "1"), ("uploadId", "u")], &[]).as_deref(), Some("UploadPart"));
        assert_eq!(route(s3, Method::GET, "/b", &[("analytics", "")], &[]).as_deref(), Some("ListBucketAnalyticsConfigurations"));
        assert_eq!(
            route(s3, Method::GET, "/b", &[("analytics", ""), ("id", "i")], &[]).as_deref(),
            Some("GetBucketAnalyticsConfiguration")
        );
        // A marker names the operation even when a required parameter is missing.
        assert_eq!(
            route(s3, Method::DELETE, "/b", &[("analytics", "")], &[]).as_deref(),
            Some("DeleteBucketAnalyticsConfiguration")
        );
        assert_eq!(route(s3, Method::GET, "/b", &[("lifecycle", "")], &[]).as_deref(), Some("GetBucketLifecycleConfiguration"));
        assert_eq!(route(s3, Method::POST, "/WriteGetObjectResponse", &[], &[]).as_deref(), Some("WriteGetObjectResponse"));
        assert_eq!(route(s3, Method::PATCH, "/b", &[], &[]).as_deref(), Some("405"));
        assert_eq!(route(s3, Method::POST, "/b", &[], &[]), None);
    }

    #[test]
    fn bedrock_paths() {
        let ops: Vec<Operation> =
            tables::operations(ServiceId::BedrockRuntime).iter().chain(tables::operations(ServiceId::Bedrock)).cloned().collect();
        assert_eq!(route(&ops, Method::POST, "/model/a%3A0/converse", &[], &[]).as_deref(), Some("Converse"));
        assert_eq!(route(&ops, Method::POST, "/model//converse", &[], &[]).as_deref(), Some("Converse"));
        assert_eq!(route(&ops, Method::GET, "/model/x/converse", &[], &[]).as_deref(), Some("405"));
        assert_eq!(route(&ops, Method::GET, "/model/x/converse/", &[], &[]), None);
        assert_eq!(
            route(&ops, Method::GET, "/automated-reasoning-policies/p/build-workflows/w/test-results", &[], &[]).as_deref(),
            Some("ListAutomatedReasoningPolicyTestResults")
        );
        assert_eq!(
            route(&ops, Method::DELETE, "/automated-reasoning-policies/p/build-workflows/w", &[], &[]).as_deref(),
            Some("DeleteAutomatedReasoningPolicyBuildWorkflow"),
            "a missing required query member is the service's validation error"
        );
    }

    #[test]
    fn the_index_offers_every_operation_that_can_match() {
        let s3 = tables::operations(ServiceId::S3);
        let index = RouteIndex::new(s3);
        assert_eq!(index.candidates(&[]).count(), 2, "ListBuckets, ListDirectoryBuckets");
        assert_eq!(index.candidates(&["WriteGetObjectResponse"]).count(), s3.len() - 2);
        assert_eq!(index.candidates(&["bkt"]).count(), s3.len() - 3);
    }

    #[test]
    fn greedy_labels_join_segments() {
        let template = vec![Segment::Label("Bucket".into()), Segment::Greedy("Key".into())];
        let segs = ["b", "a", "", "c"];
        assert!(path_matches(&template, &segs));
        let l = labels(&template, &segs);
        assert_eq!(l[1].1, "a//c");
        assert!(!path_matches(&template, &["b"]));
        assert!(!path_matches(&template, &["b", ""]));
    }
}
