//! Whether a role's trust policy lets a caller assume it: a statement allowing `sts:AssumeRole`
//! (or a wildcard of it) to a principal that names the caller, and no statement denying it.
//! A principal names the caller when it is `*`, the caller's account (`123456789012` or
//! `arn:aws:iam::123456789012:root`), the caller's user or role ARN, or its assumed-role session
//! ARN. Conditions are not evaluated here (policy evaluation is a later step): a statement with a
//! `Condition` block counts as if its conditions held.

use iam_policy::{Effect, Negatable, PolicyDocument, PrincipalType, Principals, Statement};

/// The caller as a trust policy sees it.
#[derive(Debug, Clone)]
pub(crate) struct TrustCaller {
    pub(crate) account: String,
    /// The ARNs a principal may name the caller by: its own ARN and, for a role session, the role's.
    pub(crate) arns: Vec<String>,
}

impl TrustCaller {
    /// The caller whose ARN is `arn`.
    pub(crate) fn new(arn: &str, account: &str) -> TrustCaller {
        let mut arns = vec![arn.to_owned()];
        if let Some(rest) = arn.strip_prefix(&format!("arn:aws:sts::{account}:assumed-role/"))
            && let Some((role, _session)) = rest.rsplit_once('/')
        {
            arns.push(format!("arn:aws:iam::{account}:role/{role}"));
        }
        TrustCaller { account: account.to_owned(), arns }
    }

    fn named_by(&self, principal: &str) -> bool {
        principal == "*"
            || principal == self.account
            || principal == format!("arn:aws:iam::{}:root", self.account)
            || self.arns.iter().any(|a| a == principal || role_without_path(a).is_some_and(|r| r == principal))
    }
}

/// `arn:aws:iam::1:role/a/b/Name` → `arn:aws:iam::1:role/Name` (a trust policy may name a role
/// without its path only when the role has none; a session ARN carries no path).
fn role_without_path(arn: &str) -> Option<String> {
    let (head, resource) = arn.split_once(":role/")?;
    let name = resource.rsplit('/').next()?;
    Some(format!("{head}:role/{name}"))
}

fn action_matches(pattern: &str) -> bool {
    let action = "sts:assumerole";
    let pattern = pattern.to_ascii_lowercase();
    match pattern.find('*') {
        None => pattern == action,
        Some(_) => wildcard(&pattern, action),
    }
}

/// `*` and `?` wildcards.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn statement_applies(s: &Statement, caller: &TrustCaller) -> bool {
    let action = match &s.action {
        Negatable::Is(actions) => actions.iter().any(|a| action_matches(a)),
        Negatable::Not(actions) => !actions.iter().any(|a| action_matches(a)),
    };
    let names = |p: &Principals| match p {
        Principals::Any => true,
        Principals::Typed(typed) => {
            typed.iter().filter(|(t, _)| *t == PrincipalType::Aws).any(|(_, values)| values.iter().any(|v| caller.named_by(v)))
        }
    };
    let principal = match &s.principal {
        Some(Negatable::Is(p)) => names(p),
        Some(Negatable::Not(p)) => !names(p),
        None => false,
    };
    action && principal
}

/// Whether `policy` lets `caller` assume the role.
pub(crate) fn allows(policy: &PolicyDocument, caller: &TrustCaller) -> bool {
    let applying: Vec<&Statement> = policy.statements.iter().filter(|s| statement_applies(s, caller)).collect();
    applying.iter().any(|s| s.effect == Effect::Allow) && !applying.iter().any(|s| s.effect == Effect::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(principal: &str) -> PolicyDocument {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        );
        iam_policy::parse(&text, iam_policy::PolicyKind::Trust).unwrap()
    }

    #[test]
    fn principals_that_name_the_caller() {
        let user = TrustCaller::new("arn:aws:iam::123456789012:user/alice", "123456789012");
        let session = TrustCaller::new("arn:aws:sts::123456789012:assumed-role/Team/s1", "123456789012");
        assert!(allows(&trust(r#""*""#), &user));
        assert!(allows(&trust(r#"{"AWS":"123456789012"}"#), &user));
        assert!(allows(&trust(r#"{"AWS":"arn:aws:iam::123456789012:root"}"#), &session));
        assert!(allows(&trust(r#"{"AWS":["arn:aws:iam::123456789012:user/alice"]}"#), &user));
        assert!(!allows(&trust(r#"{"AWS":"arn:aws:iam::123456789012:user/bob"}"#), &user));
        assert!(allows(&trust(r#"{"AWS":"arn:aws:iam::123456789012:role/Team"}"#), &session));
        assert!(!allows(&trust(r#"{"Service":"bedrock.amazonaws.com"}"#), &user));
        assert!(!allows(&trust(r#"{"AWS":"111122223333"}"#), &user));
        assert!(wildcard("sts:*", "sts:assumerole") && wildcard("*", "x") && !wildcard("sts:get*", "sts:assumerole"));
    }

    #[test]
    fn deny_wins() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}"#;
        let doc = iam_policy::parse(text, iam_policy::PolicyKind::Trust).unwrap();
        assert!(!allows(&doc, &TrustCaller::new("arn:aws:iam::123456789012:user/alice", "123456789012")));
        assert!(allows(&doc, &TrustCaller::new("arn:aws:iam::123456789012:user/bob", "123456789012")));
    }
}
