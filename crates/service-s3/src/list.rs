//! One page of a bucket listing, shared by ListObjects and ListObjectsV2: keys after a start
//! point, rolled up into `CommonPrefixes` at the first `delimiter` after `prefix`, at most
//! `max_keys` entries (keys plus common prefixes), and where the next page starts.

use object_store::ObjectInfo;

/// What to list.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub(crate) prefix: String,
    pub(crate) delimiter: Option<String>,
    pub(crate) max_keys: usize,
    /// Entries up to and including this one are skipped (`StartAfter`, `Marker`, or the entry a
    /// continuation token names).
    pub(crate) after: Option<String>,
}

/// One page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ListPage {
    pub(crate) contents: Vec<ObjectInfo>,
    pub(crate) common_prefixes: Vec<String>,
    pub(crate) is_truncated: bool,
    /// The last entry of the page (a key or a common prefix): where the next page starts.
    pub(crate) last: Option<String>,
}

/// Pages through `objects` (sorted by key, all starting with `params.prefix`).
pub(crate) fn page(objects: &[ObjectInfo], params: &ListParams) -> ListPage {
    let mut out = ListPage::default();
    if params.max_keys == 0 {
        // S3 answers an empty, untruncated page (there is no entry to continue after).
        return out;
    }
    let mut count = 0usize;
    for obj in objects {
        if !obj.key.starts_with(&params.prefix) {
            continue;
        }
        let rolled = params.delimiter.as_deref().filter(|d| !d.is_empty()).and_then(|d| {
            let rest = &obj.key[params.prefix.len()..];
            rest.find(d).map(|i| obj.key[..params.prefix.len() + i + d.len()].to_owned())
        });
        if let Some(after) = &params.after {
            let skip = obj.key.as_str() <= after.as_str()
                || rolled.as_deref().is_some_and(|cp| cp <= after.as_str() && after.starts_with(cp));
            if skip {
                continue;
            }
        }
        if let Some(cp) = &rolled
            && out.common_prefixes.last() == Some(cp)
        {
            continue;
        }
        if count == params.max_keys {
            out.is_truncated = true;
            break;
        }
        count += 1;
        match rolled {
            Some(cp) => {
                out.last = Some(cp.clone());
                out.common_prefixes.push(cp);
            }
            None => {
                out.last = Some(obj.key.clone());
                out.contents.push(obj.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objs(keys: &[&str]) -> Vec<ObjectInfo> {
        keys.iter().map(|k| ObjectInfo { key: (*k).to_owned(), size: 1, last_modified_ms: 0 }).collect()
    }

    fn keys(page: &ListPage) -> (Vec<&str>, Vec<&str>) {
        (page.contents.iter().map(|o| o.key.as_str()).collect(), page.common_prefixes.iter().map(String::as_str).collect())
    }

    #[test]
    fn delimiter_rolls_up_and_pages_resume() {
        let all = objs(&["a/1", "a/2", "b", "c/x/1", "c/y", "d"]);
        let p = ListParams { delimiter: Some("/".into()), max_keys: 2, ..Default::default() };
        let first = page(&all, &p);
        assert_eq!(keys(&first), (vec!["b"], vec!["a/"]));
        assert!(first.is_truncated);
        let second = page(&all, &ListParams { after: first.last.clone(), ..p.clone() });
        assert_eq!(keys(&second), (vec!["d"], vec!["c/"]));
        assert!(!second.is_truncated);
        let deeper = page(&all, &ListParams { prefix: "c/".into(), delimiter: Some("/".into()), max_keys: 1000, after: None });
        assert_eq!(keys(&deeper), (vec!["c/y"], vec!["c/x/"]));
    }

    #[test]
    fn max_keys_zero_and_exact_fit() {
        let all = objs(&["a", "b"]);
        let zero = page(&all, &ListParams { max_keys: 0, ..Default::default() });
        assert!(zero.contents.is_empty() && !zero.is_truncated);
        let exact = page(&all, &ListParams { max_keys: 2, ..Default::default() });
        assert_eq!(exact.contents.len(), 2);
        assert!(!exact.is_truncated);
        let after = page(&all, &ListParams { max_keys: 5, after: Some("a".into()), ..Default::default() });
        assert_eq!(keys(&after).0, ["b"]);
    }
}
