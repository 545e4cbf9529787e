//! Condition operators: `String*`, `Numeric*`, `Date*`, `Bool`, `BinaryEquals`, `IpAddress` /
//! `NotIpAddress`, `Arn*`, `Null`, each with the `IfExists` suffix and the `ForAnyValue:` /
//! `ForAllValues:` set prefixes, over a request [`Context`]. Rules (IAM User Guide, condition
//! operators and multivalued keys): a key the request lacks fails a positive operator and passes
//! a negated one (`StringNotEquals`, `ArnNotLike`...), passes with `IfExists`, fails
//! `ForAnyValue` and passes `ForAllValues`; several values of one key are ORed, several keys and
//! operators ANDed. An operator the emulator does not know never matches.

use std::net::IpAddr;

use crate::context::Context;
use crate::pattern::{arn_like, glob};
use crate::variables::{has_variables, substitute};

/// What the base operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Order),
    Date(Order),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
    Unknown,
}

/// A numeric or date comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `ForAnyValue:` / `ForAllValues:` / neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    Single,
    Any,
    All,
}

/// One condition (operator, key, values), compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledCondition {
    /// As written (`ForAnyValue:StringLikeIfExists`).
    pub(crate) operator: String,
    /// As written.
    pub(crate) key: String,
    key_lower: String,
    values: Vec<String>,
    kind: Kind,
    negated: bool,
    if_exists: bool,
    set: Set,
    /// The values hold policy variables (`2012-10-17` documents only).
    variables: bool,
}

impl CompiledCondition {
    pub(crate) fn new(operator: &str, key: &str, values: &[String], allow_variables: bool) -> CompiledCondition {
        let (set, rest) = if let Some(r) = strip_prefix_ci(operator, "ForAnyValue:") {
            (Set::Any, r)
        } else if let Some(r) = strip_prefix_ci(operator, "ForAllValues:") {
            (Set::All, r)
        } else {
            (Set::Single, operator)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(b) if !b.eq_ignore_ascii_case("Null") => (true, b),
            _ => (false, rest),
        };
        let (kind, negated) = kind_of(base);
        CompiledCondition {
            operator: operator.to_owned(),
            key: key.to_owned(),
            key_lower: key.to_ascii_lowercase(),
            values: values.to_vec(),
            kind,
            negated,
            if_exists,
            set,
            variables: allow_variables && values.iter().any(|v| has_variables(v)),
        }
    }

    /// Whether the condition holds for `context`.
    pub(crate) fn holds(&self, context: &Context) -> bool {
        let present = context.get(&self.key_lower);
        if self.kind == Kind::Null {
            let absent = present.is_none_or(<[String]>::is_empty);
            return self.values.iter().any(|v| v.eq_ignore_ascii_case("true") == absent);
        }
        if self.kind == Kind::Unknown {
            return false;
        }
        let substituted;
        let values: &[String] = if self.variables {
            substituted = self.values.iter().filter_map(|v| substitute(v, context)).collect::<Vec<_>>();
            &substituted
        } else {
            &self.values
        };
        let matches_any = |ctx: &str| values.iter().any(|v| self.compare(ctx, v));
        match (self.set, present) {
            (Set::Single, None) => self.if_exists || self.negated,
            (Set::Any, None) => false,
            (Set::All, None) => true,
            (Set::Single, Some(ctx)) => {
                let any = ctx.iter().any(|c| matches_any(c));
                if self.negated { !any } else { any }
            }
            (Set::Any, Some(ctx)) => ctx.iter().any(|c| matches_any(c) != self.negated),
            (Set::All, Some(ctx)) => ctx.iter().all(|c| matches_any(c) != self.negated),
        }
    }

    /// The positive comparison of a request value with a policy value.
    fn compare(&self, ctx: &str, policy: &str) -> bool {
        match self.kind {
            Kind::StringEquals | Kind::Binary => ctx == policy,
            Kind::StringEqualsIgnoreCase => ctx.to_lowercase() == policy.to_lowercase(),
            Kind::StringLike => glob(policy, ctx),
            Kind::Arn => arn_like(policy, ctx),
            Kind::Bool => ctx.eq_ignore_ascii_case(policy),
            Kind::Numeric(order) => match (ctx.trim().parse::<f64>(), policy.trim().parse::<f64>()) {
                (Ok(a), Ok(b)) => order.holds(a.partial_cmp(&b)),
                _ => false,
            },
            Kind::Date(order) => match (date_ms(ctx), date_ms(policy)) {
                (Some(a), Some(b)) => order.holds(Some(a.cmp(&b))),
                _ => false,
            },
            Kind::Ip => ip_in(ctx, policy),
            Kind::Null | Kind::Unknown => false,
        }
    }
}

impl Order {
    fn holds(self, ord: Option<std::cmp::Ordering>) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        matches!(
            (self, ord),
            (Order::Eq, Some(Equal))
                | (Order::Lt, Some(Less))
                | (Order::Le, Some(Less | Equal))
                | (Order::Gt, Some(Greater))
                | (Order::Ge, Some(Greater | Equal))
        )
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    (text.len() >= prefix.len() && text.is_char_boundary(prefix.len()) && text[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &text[prefix.len()..])
}

/// The base operator's kind and whether it is negated.
fn kind_of(base: &str) -> (Kind, bool) {
    let order = |s: &str| match s {
        "Equals" => Some((Order::Eq, false)),
        "NotEquals" => Some((Order::Eq, true)),
        "LessThan" => Some((Order::Lt, false)),
        "LessThanEquals" => Some((Order::Le, false)),
        "GreaterThan" => Some((Order::Gt, false)),
        "GreaterThanEquals" => Some((Order::Ge, false)),
        _ => None,
    };
    match base {
        "StringEquals" => (Kind::StringEquals, false),
        "StringNotEquals" => (Kind::StringEquals, true),
        "StringEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, true),
        "StringLike" => (Kind::StringLike, false),
        "StringNotLike" => (Kind::StringLike, true),
        "Bool" => (Kind::Bool, false),
        "BinaryEquals" => (Kind::Binary, false),
        "IpAddress" => (Kind::Ip, false),
        "NotIpAddress" => (Kind::Ip, true),
        "ArnEquals" | "ArnLike" => (Kind::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Kind::Arn, true),
        "Null" => (Kind::Null, false),
        _ => {
            if let Some(o) = base.strip_prefix("Numeric").and_then(order) {
                (Kind::Numeric(o.0), o.1)
            } else if let Some(o) = base.strip_prefix("Date").and_then(order) {
                (Kind::Date(o.0), o.1)
            } else {
                (Kind::Unknown, false)
            }
        }
    }
}

/// A date as IAM reads it: ISO 8601 (`2025-12-03T10:00:00Z`, a bare date) or epoch seconds.
fn date_ms(text: &str) -> Option<i128> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Some(i128::from(secs) * 1000);
    }
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp_nanos() / 1_000_000);
    }
    let date = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(i128::from(date.midnight().assume_utc().unix_timestamp()) * 1000)
}

/// Whether `ip` is in `cidr` (`10.0.0.0/8`, `::1/128`, or one address).
fn ip_in(ip: &str, cidr: &str) -> bool {
    let Ok(ip) = ip.trim().parse::<IpAddr>() else { return false };
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else { return false };
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    let bits = bits.unwrap_or(width);
    if bits > width {
        return false;
    }
    if bits == 0 {
        return true;
    }
    let shift = width - bits;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(op: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
        let values: Vec<String> = values.iter().map(|s| (*s).to_owned()).collect();
        CompiledCondition::new(op, key, &values, true).holds(ctx)
    }

    #[test]
    fn operators() {
        let c = Context::new().with("aws:SourceAccount", "123").with("n", "5").with("ip", "10.1.2.3");
        assert!(holds("StringEquals", "aws:sourceaccount", &["1", "123"], &c));
        assert!(!holds("StringNotEquals", "aws:SourceAccount", &["123"], &c));
        assert!(holds("StringNotEquals", "missing", &["x"], &c));
        assert!(!holds("StringEquals", "missing", &["x"], &c));
        assert!(holds("StringEqualsIfExists", "missing", &["x"], &c));
        assert!(holds("NumericLessThan", "n", &["6"], &c));
        assert!(!holds("NumericLessThan", "n", &["five"], &c));
        assert!(holds("IpAddress", "ip", &["10.0.0.0/8"], &c));
        assert!(holds("NotIpAddress", "ip", &["192.168.0.0/16"], &c));
        assert!(holds("Null", "missing", &["true"], &c));
        assert!(holds("Null", "n", &["false"], &c));
        assert!(!holds("Bogus", "n", &["5"], &c));
        assert_eq!(date_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(date_ms("2"), Some(2000));
    }

    #[test]
    fn sets() {
        let mut c = Context::new();
        c.set_all("tags", vec!["a".into(), "b".into()]);
        assert!(holds("ForAnyValue:StringEquals", "tags", &["b", "z"], &c));
        assert!(!holds("ForAllValues:StringEquals", "tags", &["b", "z"], &c));
        assert!(holds("ForAllValues:StringEquals", "tags", &["a", "b"], &c));
        assert!(holds("ForAllValues:StringEquals", "missing", &["a"], &c));
        assert!(!holds("ForAnyValue:StringEquals", "missing", &["a"], &c));
        assert!(holds("ForAnyValue:StringNotEquals", "tags", &["a"], &c));
        assert!(!holds("ForAllValues:StringNotEquals", "tags", &["a"], &c));
    }
}
