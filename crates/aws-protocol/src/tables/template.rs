//! A model's `requestUri` (`/{Bucket}/{Key+}?select&select-type=2`): path segments (literals,
//! labels, a greedy label) and query literals ("markers").

/// One path segment of a `requestUri`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Matched as is.
    Literal(String),
    /// `{name}`: one segment.
    Label(String),
    /// `{name+}`: the rest of the path, slashes included.
    Greedy(String),
}

/// A query literal of a `requestUri`: `?uploads` (any value) or `?list-type=2` (this value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub key: String,
    pub value: Option<String>,
}

/// Splits a `requestUri` into its path segments and query markers. `/` has no segments.
pub(crate) fn parse(request_uri: &str) -> (Vec<Segment>, Vec<Marker>) {
    let (path, query) = request_uri.split_once('?').unwrap_or((request_uri, ""));
    let path = path.strip_prefix('/').unwrap_or(path);
    let segments = if path.is_empty() {
        Vec::new()
    } else {
        path.split('/')
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(greedy) => Segment::Greedy(greedy.to_owned()),
                    None => Segment::Label(name.to_owned()),
                },
                None => Segment::Literal(s.to_owned()),
            })
            .collect()
    };
    let markers = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => Marker { key: k.to_owned(), value: Some(v.to_owned()) },
            None => Marker { key: p.to_owned(), value: None },
        })
        .collect();
    (segments, markers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths_and_markers() {
        let (segs, marks) = parse("/{Bucket}/{Key+}?select&select-type=2");
        assert_eq!(segs, vec![Segment::Label("Bucket".into()), Segment::Greedy("Key".into())]);
        assert_eq!(
            marks,
            vec![Marker { key: "select".into(), value: None }, Marker { key: "select-type".into(), value: Some("2".into()) }]
        );
        assert_eq!(parse("/"), (vec![], vec![]));
        let (segs, _) = parse("/model/{modelId}/converse");
        assert_eq!(segs[0], Segment::Literal("model".into()));
        assert_eq!(segs[1], Segment::Label("modelId".into()));
    }
}
