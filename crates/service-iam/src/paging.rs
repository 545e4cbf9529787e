//! IAM's paging: `MaxItems` (default 100) and an opaque `Marker` naming the last item returned;
//! `IsTruncated` and the next `Marker` in the result.

use service_kit::opaque;

use crate::error::{IamError, IamResult};

/// One page of a listing.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) is_truncated: bool,
    /// Where the next page starts (set when truncated).
    pub(crate) marker: Option<String>,
}

/// The page of `items` (sorted by key) after `marker`, at most `max_items` long.
pub(crate) fn page<T>(items: Vec<(String, T)>, marker: Option<&str>, max_items: Option<i64>) -> IamResult<Page<T>> {
    let after = match marker {
        None => None,
        Some(m) => Some(opaque::decode(m).ok_or_else(|| IamError::Validation("Invalid Marker.".to_owned()))?),
    };
    let max = max_items.unwrap_or(100).clamp(1, 1000) as usize;
    let mut rest = items.into_iter().filter(|(k, _)| after.as_deref().is_none_or(|a| k.as_str() > a)).peekable();
    let mut out = Vec::new();
    let mut last = None;
    while out.len() < max {
        let Some((key, item)) = rest.next() else { break };
        last = Some(key);
        out.push(item);
    }
    let is_truncated = rest.peek().is_some();
    Ok(Page { items: out, is_truncated, marker: last.filter(|_| is_truncated).map(|k| opaque::encode(&k)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_resume_after_the_marker() {
        let items = || (0..5).map(|i| (format!("k{i}"), i)).collect::<Vec<_>>();
        let first = page(items(), None, Some(2)).unwrap();
        assert_eq!((first.items.clone(), first.is_truncated), (vec![0, 1], true));
        let second = page(items(), first.marker.as_deref(), Some(3)).unwrap();
        assert_eq!((second.items, second.is_truncated, second.marker), (vec![2, 3, 4], false, None));
        assert!(page(items(), Some("zz"), None).is_err());
    }
}
