//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix, 'home'}`) in
//! `Resource` and condition values of `2012-10-17` policies: replaced by the request's value of
//! the key; `${*}`, `${?}` and `${$}` are the literal characters. A variable whose key the
//! request lacks, with no default, makes the element match nothing (IAM's rule).

use crate::context::Context;

/// `true` when `text` has a `${` that substitution would look at.
pub(crate) fn has_variables(text: &str) -> bool {
    text.contains("${")
}

/// `text` with its variables replaced; `None` when a variable has no value. The `*` and `?`
/// that `${*}` and `${?}` give then match as wildcards (IAM matches them literally; a
/// simplification noted in ARCHITECTURE.md).
pub(crate) fn substitute(text: &str, context: &Context) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let inner = after[..end].trim();
        match inner {
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            _ => {
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_owned())),
                    None => (inner, None),
                };
                let value = context.get(key).and_then(|v| v.first().cloned()).or(default)?;
                out.push_str(&value);
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_known_keys_and_defaults() {
        let c = Context::new().with("aws:username", "alice");
        assert_eq!(substitute("arn:aws:s3:::b/${aws:username}/*", &c).as_deref(), Some("arn:aws:s3:::b/alice/*"));
        assert_eq!(substitute("${aws:userid}", &c), None);
        assert_eq!(substitute("${aws:userid, 'x'}", &c).as_deref(), Some("x"));
        assert_eq!(substitute("a${*}b${$}", &c).as_deref(), Some("a*b$"));
        assert_eq!(substitute("open ${", &c).as_deref(), Some("open ${"));
    }
}
