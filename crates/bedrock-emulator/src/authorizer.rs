//! `--enforce-iam`: the account's authorizer. It verifies a request's SigV4 signature against
//! the secret of its key (`credentials.rs`), evaluates the call's [`Authorization`] (named by
//! the service) for the caller with iam-eval (the caller's identity policies, compiled once per
//! principal and recompiled when the IAM store changes; a bucket or trust policy beside them;
//! global condition keys), and answers services' own questions ([`Authorizer`]: may
//! `bedrock.amazonaws.com` use this role, write under this bucket policy). Every denial is
//! explained statement by statement and kept for `GET /_emulator/iam/denials`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use aws_protocol::sigv4::{self, SigV4Error, SignedRequest, SigningKeys, Verified};
use aws_protocol::{Detected, ServiceId};
use iam_eval::{CompiledPolicy, Context, Denial, Principal, Request};
use iam_policy::PolicyKind;
use iam_store::{IamStore, KeyOwner, OwnerKind};
use service_kit::{Authorization, Authorizer, Enforcement, RequestContext, ResourcePolicy, ResourcePolicyKind, RoleRefusal};

use crate::credentials::{RootCredentials, lookup};
use crate::denials::{DenialRecord, Denials};

/// Who signed a request, as authorization sees it.
#[derive(Debug, Clone)]
pub(crate) enum Signer {
    /// The account root (`test`/`test`): allowed everything.
    Root,
    /// An IAM user's key or STS credentials.
    Identity(KeyOwner),
    /// An unsigned S3 request.
    Anonymous,
}

/// A refused call: what to answer and what to keep.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) message: String,
    pub(crate) record: DenialRecord,
}

/// Compiled identity policies per principal, valid for one IAM store generation.
#[derive(Debug, Default)]
struct PolicyCache {
    generation: u64,
    by_owner: HashMap<String, Arc<Vec<CompiledPolicy>>>,
}

/// The account's authorizer.
#[derive(Debug)]
pub(crate) struct AccountAuthorizer {
    mode: Enforcement,
    iam: Arc<IamStore>,
    root: RootCredentials,
    account: String,
    keys: SigningKeys,
    cache: RwLock<PolicyCache>,
    pub(crate) denials: Denials,
}

impl AccountAuthorizer {
    pub(crate) fn new(mode: Enforcement, iam: Arc<IamStore>, root: RootCredentials, account: String) -> AccountAuthorizer {
        AccountAuthorizer {
            mode,
            iam,
            root,
            account,
            keys: SigningKeys::new(),
            cache: RwLock::new(PolicyCache::default()),
            denials: Denials::default(),
        }
    }

    /// The root's ARN.
    fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.account)
    }

    /// Verifies the request's signature; the signer, or why not.
    pub(crate) fn verify(
        &self,
        parts: &http::request::Parts,
        raw_body: &[u8],
        detected: &Detected,
        now_ms: i64,
    ) -> Result<Signer, SigV4Error> {
        let req = SignedRequest {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            raw_body,
            body: &detected.body,
            service: detected.service,
        };
        match sigv4::verify(&req, now_ms, &self.keys, |key| lookup(&self.root, &self.iam, key))? {
            Verified::Anonymous => Ok(Signer::Anonymous),
            Verified::Signed { access_key } => Ok(self.signer_of(&access_key).unwrap_or(Signer::Anonymous)),
        }
    }

    /// The signer an access key names (without checking a signature: soft enforcement goes on
    /// evaluating policies for a request whose signature failed).
    pub(crate) fn signer_of(&self, access_key: &str) -> Option<Signer> {
        if access_key == self.root.access_key {
            return Some(Signer::Root);
        }
        self.iam.read().owner_of_key(access_key).map(Signer::Identity)
    }

    /// The ARN denials and records name the signer by.
    pub(crate) fn signer_arn(&self, signer: &Signer) -> String {
        match signer {
            Signer::Root => self.root_arn(),
            Signer::Identity(owner) => owner.arn.clone(),
            Signer::Anonymous => "anonymous".to_owned(),
        }
    }

    /// The identity policies of `owner`, compiled (cached per principal and IAM generation).
    fn policies(&self, owner: &KeyOwner) -> Arc<Vec<CompiledPolicy>> {
        let id = match &owner.kind {
            OwnerKind::User { name } => format!("user:{name}"),
            OwnerKind::AssumedRole { role_name, .. } => format!("role:{role_name}"),
            OwnerKind::Session => format!("session:{}", owner.arn),
        };
        let generation = self.iam.generation();
        {
            let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
            if cache.generation == generation
                && let Some(hit) = cache.by_owner.get(&id)
            {
                return Arc::clone(hit);
            }
        }
        let state = self.iam.read();
        let compiled: Vec<CompiledPolicy> = state
            .identity_policies(owner)
            .into_iter()
            .filter_map(|p| CompiledPolicy::parse(p.source, p.document, PolicyKind::Identity).ok())
            .collect();
        let compiled = Arc::new(compiled);
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        if cache.generation != generation {
            cache.by_owner.clear();
            cache.generation = generation;
        }
        cache.by_owner.insert(id, Arc::clone(&compiled));
        compiled
    }

    /// A role's policies, as the principal of its sessions sees them.
    fn role_policies(&self, role_name: &str, role_arn: &str) -> Arc<Vec<CompiledPolicy>> {
        let owner = KeyOwner {
            arn: role_arn.to_owned(),
            user_id: String::new(),
            kind: OwnerKind::AssumedRole { role_name: role_name.to_owned(), session_name: String::new() },
            expires_ms: None,
            inactive: false,
        };
        self.policies(&owner)
    }

    /// The global condition keys of a request by `signer`.
    fn context(&self, signer: &Signer, ctx: &RequestContext, peer: Option<IpAddr>, now_ms: i64) -> Context {
        let mut c = Context::new();
        let (arn, kind) = match signer {
            Signer::Root => (self.root_arn(), "Account"),
            Signer::Identity(owner) => {
                let kind = match &owner.kind {
                    OwnerKind::User { name } => {
                        c.set("aws:username", name.clone());
                        "User"
                    }
                    OwnerKind::AssumedRole { .. } => "AssumedRole",
                    OwnerKind::Session => "FederatedUser",
                };
                c.set("aws:userid", owner.user_id.clone());
                (owner.arn.clone(), kind)
            }
            Signer::Anonymous => (String::new(), "Anonymous"),
        };
        if !arn.is_empty() {
            c.set("aws:PrincipalArn", principal_arn(&arn));
            c.set("aws:PrincipalAccount", self.account.clone());
        }
        c.set("aws:PrincipalType", kind);
        c.set("aws:RequestedRegion", ctx.region.clone());
        c.set("aws:SecureTransport", "false");
        c.set("aws:EpochTime", (now_ms / 1000).to_string());
        c.set("aws:CurrentTime", aws_protocol::Timestamp::from_epoch_millis(now_ms).to_iso8601().unwrap_or_default());
        if let Some(ip) = peer {
            c.set("aws:SourceIp", ip.to_string());
        }
        c
    }

    /// Evaluates a call's authorization for `signer`: `Ok` when every permission is allowed on
    /// every resource; else the first refused one, explained.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn authorize(
        &self,
        signer: &Signer,
        auth: &Authorization,
        ctx: &RequestContext,
        service: ServiceId,
        operation: &str,
        peer: Option<IpAddr>,
        now_ms: i64,
    ) -> Result<(), Box<Refusal>> {
        if matches!(signer, Signer::Root) || auth.permissions.is_empty() {
            return Ok(());
        }
        let principal = match signer {
            Signer::Identity(owner) => Principal::aws(&owner.arn),
            _ => Principal::Anonymous,
        };
        let policies = match signer {
            Signer::Identity(owner) => self.policies(owner),
            _ => Arc::new(Vec::new()),
        };
        let mut context = self.context(signer, ctx, peer, now_ms);
        for (key, values) in &auth.keys {
            context.set_all(key, values.clone());
        }
        let identity: Vec<&CompiledPolicy> = policies.iter().collect();
        for permission in &auth.permissions {
            let resource_policy = permission.resource_policy.as_ref().and_then(compile_resource_policy);
            for resource in &permission.resources {
                let req = Request { principal: &principal, action: &permission.action, resource, context: &context };
                let rp = resource_policy.as_ref().map(|(policy, owner, required)| iam_eval::ResourcePolicy {
                    policy,
                    owner_account: owner,
                    required: *required,
                });
                if let Err(denial) = iam_eval::authorize(&identity, rp, &req) {
                    let mut looked_at = identity.clone();
                    if let Some((policy, _, _)) = &resource_policy {
                        looked_at.push(policy);
                    }
                    let explanation = iam_eval::explain(&looked_at, &req);
                    let arn = self.signer_arn(signer);
                    let message = denial_message(service, &arn, &permission.action, resource, &denial, signer);
                    let record = DenialRecord {
                        time: aws_protocol::Timestamp::from_epoch_millis(now_ms).to_iso8601().unwrap_or_default(),
                        request_id: ctx.request_id.clone(),
                        service: service.model_stem().to_owned(),
                        operation: operation.to_owned(),
                        principal: arn,
                        action: Some(permission.action.clone()),
                        resource: Some(resource.clone()),
                        reason: reason_code(&denial).to_owned(),
                        message: message.clone(),
                        let_through: self.mode == Enforcement::Soft,
                        statements: explanation.statements,
                    };
                    return Err(Box::new(Refusal { message, record }));
                }
            }
        }
        Ok(())
    }

    /// Keeps and logs a signature failure.
    pub(crate) fn record_signature_failure(&self, err: &SigV4Error, detected: &Detected, ctx_request_id: &str, now_ms: i64) {
        let aws = err.to_aws_error(detected.service);
        self.denials.push(DenialRecord {
            time: aws_protocol::Timestamp::from_epoch_millis(now_ms).to_iso8601().unwrap_or_default(),
            request_id: ctx_request_id.to_owned(),
            service: detected.service.model_stem().to_owned(),
            operation: detected.operation.to_string(),
            principal: detected.caller.access_key.clone().unwrap_or_else(|| "anonymous".to_owned()),
            action: None,
            resource: None,
            reason: aws.code.to_string(),
            message: aws.message,
            let_through: self.mode == Enforcement::Soft,
            statements: Vec::new(),
        });
    }
}

/// A session ARN's `aws:PrincipalArn` is its role's ARN (as IAM documents for assumed roles).
fn principal_arn(arn: &str) -> String {
    match Principal::aws(arn) {
        Principal::Aws { role_arn: Some(role), .. } => role,
        _ => arn.to_owned(),
    }
}

/// A resource-based policy compiled, with its owner and whether it is required.
fn compile_resource_policy(p: &ResourcePolicy) -> Option<(CompiledPolicy, String, bool)> {
    let (kind, required) = match &p.kind {
        ResourcePolicyKind::Bucket(bucket) => (PolicyKind::Bucket(bucket), false),
        ResourcePolicyKind::Trust => (PolicyKind::Trust, true),
    };
    let compiled = CompiledPolicy::parse(p.source.clone(), &p.document, kind).ok()?;
    Some((compiled, p.owner_account.clone(), required))
}

fn reason_code(denial: &Denial) -> &'static str {
    match denial {
        Denial::ExplicitIdentityDeny { .. } => "ExplicitIdentityDeny",
        Denial::ExplicitResourceDeny { .. } => "ExplicitResourceDeny",
        Denial::NoIdentityAllow => "NoIdentityAllow",
        Denial::NoResourceAllow => "NoResourceAllow",
    }
}

/// AWS's sentence: `User: {arn} is not authorized to perform: {action} on resource: {resource}
/// because no identity-based policy allows the {action} action` (S3 quotes the resource; an
/// anonymous S3 request is "Access Denied").
fn denial_message(service: ServiceId, arn: &str, action: &str, resource: &str, denial: &Denial, signer: &Signer) -> String {
    if matches!(signer, Signer::Anonymous) {
        return "Access Denied".to_owned();
    }
    let resource = if service == ServiceId::S3 { format!("\"{resource}\"") } else { resource.to_owned() };
    format!("User: {arn} is not authorized to perform: {action} on resource: {resource} {}", denial.because(action))
}

impl Authorizer for AccountAuthorizer {
    fn enforcement(&self) -> Enforcement {
        self.mode
    }

    fn service_role(
        &self,
        role_arn: &str,
        service: &str,
        keys: &[(String, Vec<String>)],
        permissions: &[(&str, &str)],
    ) -> Result<(), RoleRefusal> {
        let name = role_arn.rsplit('/').next().unwrap_or_default();
        let (trust_text, stored_arn) = {
            let state = self.iam.read();
            let role =
                state.role(name).filter(|r| r.arn == role_arn).ok_or_else(|| RoleRefusal::NoSuchRole(role_arn.to_owned()))?;
            (role.assume_role_policy.clone(), role.arn.clone())
        };
        let mut context = Context::new();
        for (k, v) in keys {
            context.set_all(k, v.clone());
        }
        let not_trusted = || RoleRefusal::NotTrusted { role: role_arn.to_owned(), service: service.to_owned() };
        let trust = CompiledPolicy::parse(format!("trust:{name}"), &trust_text, PolicyKind::Trust).map_err(|_| not_trusted())?;
        let principal = Principal::Service(service.to_owned());
        let rp = iam_eval::ResourcePolicy { policy: &trust, owner_account: &self.account, required: true };
        let req = Request { principal: &principal, action: "sts:AssumeRole", resource: &stored_arn, context: &context };
        iam_eval::authorize(&[], Some(rp), &req).map_err(|_| not_trusted())?;
        let policies = self.role_policies(name, &stored_arn);
        let identity: Vec<&CompiledPolicy> = policies.iter().collect();
        let session = Principal::aws(&format!("arn:aws:sts::{}:assumed-role/{name}/{}", self.account, service));
        for (action, resource) in permissions {
            let req = Request { principal: &session, action, resource, context: &context };
            if iam_eval::authorize(&identity, None, &req).is_err() {
                return Err(RoleRefusal::NotAllowed {
                    role: role_arn.to_owned(),
                    action: (*action).to_owned(),
                    resource: (*resource).to_owned(),
                });
            }
        }
        Ok(())
    }

    fn resource_policy_allows(
        &self,
        policy: &ResourcePolicy,
        service: &str,
        action: &str,
        resource: &str,
        keys: &[(String, Vec<String>)],
    ) -> bool {
        let Some((compiled, owner, required)) = compile_resource_policy(policy) else { return false };
        let mut context = Context::new();
        for (k, v) in keys {
            context.set_all(k, v.clone());
        }
        let principal = Principal::Service(service.to_owned());
        let req = Request { principal: &principal, action, resource, context: &context };
        let rp = iam_eval::ResourcePolicy { policy: &compiled, owner_account: &owner, required };
        iam_eval::authorize(&[], Some(rp), &req).is_ok()
    }
}
