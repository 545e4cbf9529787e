//! Wildcard matching as IAM does it: `*` (any run of characters, none included) and `?` (one
//! character) in actions (case-insensitive), resources and `StringLike` values (case-sensitive),
//! and ARN matching component by component (`ArnLike`, `Resource`): the first five colons split
//! an ARN into partition, service, region and account, and a wildcard never crosses them.

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `*`.
    Any,
    /// No wildcard.
    Exact(String),
    /// `text*` with no other wildcard.
    Prefix(String),
    /// Anything else.
    Glob(String),
}

impl Pattern {
    /// Compiles `text`; `fold` lower-cases it (actions).
    pub(crate) fn new(text: &str, fold: bool) -> Pattern {
        let text = if fold { text.to_ascii_lowercase() } else { text.to_owned() };
        if text == "*" {
            return Pattern::Any;
        }
        let wild = |c: char| c == '*' || c == '?';
        match text.find(wild) {
            None => Pattern::Exact(text),
            Some(i) if i == text.len() - 1 && text.ends_with('*') => Pattern::Prefix(text[..i].to_owned()),
            Some(_) => Pattern::Glob(text),
        }
    }

    /// Whether `text` matches (already lower-cased when the pattern folds).
    pub(crate) fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Exact(p) => p == text,
            Pattern::Prefix(p) => text.starts_with(p.as_str()),
            Pattern::Glob(p) => glob(p, text),
        }
    }
}

/// `*` and `?` over characters, with backtracking to the last `*` only (linear in practice,
/// never exponential).
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// ARN matching: `pattern` and `arn` split at their first five colons; each of the first five
/// components matched on its own, the resource part (colons included) as a whole. A pattern
/// with fewer components (`arn:*`) matches its last component against the rest of the ARN; a
/// pattern or text that is not an ARN is matched as one string.
pub(crate) fn arn_like(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.starts_with("arn:") || !arn.starts_with("arn:") {
        return glob(pattern, arn);
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(p.len(), ':').collect();
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| glob(p, a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(glob("a*c", "abbbc"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*", ""));
        assert!(glob("é?", "éü"));
        assert!(!glob("abc", "abcd"));
        assert!(glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaab"));
        assert!(!glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaa"));
        assert_eq!(Pattern::new("s3:Get*", true), Pattern::Prefix("s3:get".into()));
        assert!(Pattern::new("bedrock:Invoke?odel", true).matches("bedrock:invokemodel"));
    }

    #[test]
    fn arns_match_component_by_component() {
        let fm = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
        assert!(arn_like("arn:aws:bedrock:*::foundation-model/*", fm));
        assert!(!arn_like("arn:aws:bedrock:*:*:inference-profile/*", fm));
        // A wildcard in the region does not reach into the account.
        assert!(!arn_like(
            "arn:aws:bedrock:*::inference-profile/x",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x"
        ));
        assert!(arn_like("arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b/c"));
        assert!(arn_like("arn:*", fm));
    }
}
