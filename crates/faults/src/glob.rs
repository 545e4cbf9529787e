//! Glob patterns of model ids and metadata values: `*` any run of characters (also none), `?`
//! one character, anything else itself. No character classes, so no pattern is malformed.

/// Whether `text` matches `pattern`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative match with one backtrack point (the last `*`): linear in practice, never
    // exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_questions_and_literals() {
        assert!(glob_match("anthropic.*", "anthropic.claude-3-haiku-20240307-v1:0"));
        assert!(glob_match("*claude-3-haiku*", "us.anthropic.claude-3-haiku-20240307-v1:0"));
        assert!(glob_match("tenant-?", "tenant-b"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(!glob_match("anthropic.*", "us.anthropic.claude"));
        assert!(!glob_match("tenant-?", "tenant-bb"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("", "x"));
    }
}
