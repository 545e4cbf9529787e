//! The grammar past syntax, per kind of policy: which elements each kind must and must not
//! have, action and resource formats, unique `Sid`s, policy variables and the version, and for
//! bucket policies the `s3:` actions, the bucket's ARNs and the principals S3 accepts.

use crate::PolicyKind;
use crate::document::{Negatable, PolicyDocument, PolicyVersion, PrincipalType, Principals, Statement};
use crate::error::Problem;

/// Checks a parsed document against the rules of `kind`.
pub(crate) fn check(doc: &PolicyDocument, kind: PolicyKind<'_>) -> Result<(), Problem> {
    for s in &doc.statements {
        presence(s, kind)?;
    }
    let mut sids = std::collections::BTreeSet::new();
    for sid in doc.statements.iter().filter_map(|s| s.sid.as_deref()).filter(|s| !s.is_empty()) {
        if !sids.insert(sid) {
            return Err(Problem::DuplicateSid(sid.to_owned()));
        }
    }
    for s in &doc.statements {
        if s.action.values().is_empty() {
            return Err(Problem::NoActions);
        }
        if kind != PolicyKind::Trust && s.resource.as_ref().is_none_or(|r| r.values().is_empty()) {
            return Err(Problem::NoResources);
        }
    }
    for s in &doc.statements {
        for resource in s.resource.iter().flat_map(|r| r.values()) {
            if resource != "*" && !resource.starts_with("arn:") {
                return Err(Problem::ResourceNotArn(resource.clone()));
            }
        }
        for action in s.action.values() {
            action_format(action)?;
        }
        match kind {
            PolicyKind::Bucket(bucket) => bucket_statement(s, bucket)?,
            PolicyKind::Trust => trust_principals(s)?,
            PolicyKind::Identity => {}
        }
    }
    if doc.version != PolicyVersion::V2012_10_17 && uses_variables(doc) {
        return Err(Problem::VariablesNeedVersion);
    }
    Ok(())
}

/// The elements each kind requires or forbids.
fn presence(s: &Statement, kind: PolicyKind<'_>) -> Result<(), Problem> {
    match kind {
        PolicyKind::Identity if s.principal.is_some() => Err(Problem::Prohibited("Principal")),
        PolicyKind::Trust if s.resource.is_some() => Err(Problem::Prohibited("Resource")),
        PolicyKind::Trust | PolicyKind::Bucket(_) if s.principal.is_none() => Err(Problem::MissingField("Principal")),
        _ => Ok(()),
    }
}

/// A trust policy's principals: AWS accounts and ARNs, and AWS service principals.
fn trust_principals(s: &Statement) -> Result<(), Problem> {
    let Some(Negatable::Is(Principals::Typed(typed)) | Negatable::Not(Principals::Typed(typed))) = &s.principal else {
        return Ok(());
    };
    for (kind, values) in typed {
        for v in values {
            let ok = match kind {
                PrincipalType::Aws => {
                    v == "*" || is_account(v) || v.starts_with("arn:aws:iam::") || v.starts_with("arn:aws:sts::")
                }
                PrincipalType::Service => v.contains('.'),
                PrincipalType::Federated | PrincipalType::CanonicalUser => !v.is_empty(),
            };
            if !ok {
                return Err(Problem::InvalidPrincipal(format!("\"{}\":\"{v}\"", kind.key())));
            }
        }
    }
    Ok(())
}

/// `*`, or `vendor:action` with one colon and a vendor of letters, digits, `-` and `.`.
fn action_format(action: &str) -> Result<(), Problem> {
    if action == "*" {
        return Ok(());
    }
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (None, _) => Err(Problem::ActionWithoutVendor(action.to_owned())),
        (Some(_), Some(_)) => Err(Problem::ActionColons(action.to_owned())),
        (Some(_), None) if vendor.is_empty() || !vendor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') => {
            Err(Problem::InvalidVendor(vendor.to_owned()))
        }
        (Some(_), None) => Ok(()),
    }
}

/// `${...}` anywhere in the statements' strings.
fn uses_variables(doc: &PolicyDocument) -> bool {
    let has = |s: &String| s.contains("${");
    doc.statements.iter().any(|s| {
        s.action.values().iter().any(has)
            || s.resource.iter().any(|r| r.values().iter().any(has))
            || s.conditions.iter().any(|c| c.values.iter().any(has))
    })
}

/// A bucket policy statement: principals S3 accepts, `s3:` actions, resources of this bucket,
/// and at least one resource each action applies to (bucket actions to the bucket ARN, object
/// actions to `bucket/...`).
fn bucket_statement(s: &Statement, bucket: &str) -> Result<(), Problem> {
    if let Some(Negatable::Is(Principals::Typed(typed)) | Negatable::Not(Principals::Typed(typed))) = &s.principal {
        for (kind, values) in typed {
            for v in values {
                let ok = match kind {
                    PrincipalType::Aws => {
                        v == "*" || is_account(v) || v.starts_with("arn:aws:iam::") || v.starts_with("arn:aws:sts::")
                    }
                    PrincipalType::Service => v.ends_with(".amazonaws.com") || v.ends_with(".amazonaws.com.cn"),
                    PrincipalType::CanonicalUser => v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()),
                    PrincipalType::Federated => false,
                };
                if !ok {
                    return Err(Problem::InvalidPrincipal(v.clone()));
                }
            }
        }
    }
    for action in s.action.values() {
        let lower = action.to_ascii_lowercase();
        if lower != "*" && !lower.starts_with("s3:") {
            return Err(Problem::InvalidAction(action.clone()));
        }
    }
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let Some(resources) = &s.resource else { return Ok(()) };
    let mut targets_bucket = false;
    let mut targets_objects = false;
    for r in resources.values() {
        if r == "*" || r == "arn:aws:s3:::*" {
            (targets_bucket, targets_objects) = (true, true);
        } else if r == &bucket_arn {
            targets_bucket = true;
        } else if r.strip_prefix(&bucket_arn).is_some_and(|rest| rest.starts_with('/')) {
            targets_objects = true;
        } else if r.len() > bucket_arn.len() && r.starts_with(&bucket_arn) && r[bucket_arn.len()..].starts_with('*') {
            (targets_bucket, targets_objects) = (true, true);
        } else {
            return Err(Problem::InvalidResource(r.clone()));
        }
    }
    if resources.is_not() || s.action.is_not() {
        return Ok(());
    }
    let applies = s.action.values().iter().any(|a| {
        let name = a.split_once(':').map_or(a.as_str(), |(_, n)| n);
        if name.contains('*') {
            return true;
        }
        if is_object_action(name) { targets_objects } else { targets_bucket }
    });
    if applies { Ok(()) } else { Err(Problem::ActionResourceMismatch) }
}

fn is_account(v: &str) -> bool {
    v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
}

/// S3 actions on objects (the rest are on buckets), by their name after `s3:`.
fn is_object_action(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["getobject", "putobject", "deleteobject", "abortmultipartupload", "listmultipartuploadparts", "restoreobject"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.starts_with("replicate")
        || lower == "bypassgovernanceretention"
}

#[cfg(test)]
mod tests {
    use crate::{PolicyKind, parse};

    fn iam(text: &str) -> String {
        parse(text, PolicyKind::Identity).err().map(|e| e.message).unwrap_or_default()
    }

    fn trust(text: &str) -> String {
        parse(text, PolicyKind::Trust).err().map(|e| e.message).unwrap_or_default()
    }

    fn s3(text: &str) -> String {
        parse(text, PolicyKind::Bucket("logs")).err().map(|e| e.message).unwrap_or_default()
    }

    const OK: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/bedrock/modelinvocations:*"}]}"#;

    #[test]
    fn identity_policies() {
        let doc = parse(OK, PolicyKind::Identity).unwrap();
        assert_eq!(doc.statements[0].action.values().len(), 2);
        // One statement object, no Version (2008-10-17), conditions with booleans.
        let doc = parse(r#"{"Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#, PolicyKind::Identity).unwrap();
        assert_eq!(doc.statements[0].conditions[0].values, ["false"]);
        let cases = [
            ("{\"Version\":", "This policy contains invalid Json"),
            ("not json", "This policy contains invalid Json"),
            ("[1]", "Syntax errors in policy."),
            (r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}"#, "Missing required field Effect"),
            (
                r#"{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                "Syntax errors in policy.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#,
                "The policy failed legacy parsing",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}"#,
                "Syntax errors in policy.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
                "Policy document should not specify a principal.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "Policy statement must contain actions.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
                "Policy statement must contain resources.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}]}"#,
                "Actions/Condition can contain only one colon.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s_3:x","Resource":"*"}]}"#,
                "Vendor s_3 is not valid",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:x","Resource":"bucket"}]}"#,
                "Resource bucket must be in ARN format or \"*\".",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:x","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:x","Resource":"*"}]}"#,
                "Statement IDs (SID) in a single policy must be unique.",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:x","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#,
                "Policy document must be version 2012-10-17 or greater.",
            ),
            (r#"{"Version":"2012-10-17","Statement":[]}"#, "Syntax errors in policy."),
            (r#"{"Version":"2012-10-17"}"#, "Syntax errors in policy."),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":3,"Resource":"*"}]}"#,
                "Syntax errors in policy.",
            ),
            (r#"{"Version":"2012-10-17","Extra":1,"Statement":[]}"#, "Syntax errors in policy."),
        ];
        for (text, want) in cases {
            assert_eq!(iam(text), want, "{text}");
        }
    }

    #[test]
    fn trust_policies() {
        let bedrock = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:bedrock:us-east-1:123456789012:*"}}}]}"#;
        let doc = parse(bedrock, PolicyKind::Trust).unwrap();
        assert_eq!(doc.statements[0].conditions.len(), 2);
        assert_eq!(
            trust(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#),
            "Missing required field Principal"
        );
        assert_eq!(
            trust(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}"#
            ),
            "Has prohibited field Resource"
        );
        assert_eq!(
            trust(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Who":"x"},"Action":"sts:AssumeRole"}]}"#
            ),
            "Invalid principal in policy: \"Who\":\"x\""
        );
        assert_eq!(
            trust(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"someone"},"Action":"sts:AssumeRole"}]}"#
            ),
            "Invalid principal in policy: \"AWS\":\"someone\""
        );
    }

    #[test]
    fn bucket_policies() {
        let seed = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AmazonBedrockLogsWrite","Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
        assert_eq!(s3(seed), "");
        let cases = [
            ("nope", "Policies must be valid JSON and the first byte must be '{'"),
            ("{nope", "This policy contains invalid Json"),
            (r#"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
            (r#"{"Version":"2012-10-17","Statement":[]}"#, "Could not parse the policy: Statement is empty!"),
            (
                r#"{"Statement":[{"Effect":"hello","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}"#,
                "Invalid effect: hello",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}"#,
                "Missing required field Principal",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"logs:*","Resource":"arn:aws:s3:::logs"}]}"#,
                "Policy has invalid action",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}"#,
                "Policy has invalid resource",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"someone"},"Action":"s3:*","Resource":"arn:aws:s3:::logs"}]}"#,
                "Invalid principal in policy",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs"}]}"#,
                "Action does not apply to any resource(s) in statement",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(s3(text), want, "{text}");
        }
    }
}
