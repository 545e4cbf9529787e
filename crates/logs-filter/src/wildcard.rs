//! The `*` wildcard of JSON pattern string values: `*` matches any run of characters
//! (including none), every other character matches itself.

/// Whether `text` matches `pattern` as a whole.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        // `split` yields at least one part; a pattern without `*` is one part.
        return pattern == text;
    };
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    // Both ends are matched prefix and suffix, so these offsets are character boundaries.
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("abc", "abc"));
        assert!(!wildcard_match("abc", "abcd"));
        assert!(wildcard_match("a*c", "abc"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("**", "x"));
        assert!(wildcard_match("a*b*c", "a-b-c"));
        assert!(!wildcard_match("a*c", "ab"));
        assert!(!wildcard_match("ab*ba", "aba"));
        assert!(wildcard_match("é*é", "éé"));
        assert!(!wildcard_match("é*é", "é"));
    }
}
