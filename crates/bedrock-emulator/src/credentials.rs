//! The secrets SigV4 verification checks signatures against (`--enforce-iam`): the account
//! root's key pair (`test`/`test` by default: allowed everything), the IAM users' active access
//! keys, and STS temporary credentials (their session token required, expired ones refused).

use aws_protocol::sigv4::Credential;
use iam_store::IamStore;

/// The account root's access key and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCredentials {
    pub access_key: String,
    pub secret: String,
}

impl Default for RootCredentials {
    /// `test` / `test`, the key pair local AWS tools default to.
    fn default() -> Self {
        RootCredentials { access_key: "test".to_owned(), secret: "test".to_owned() }
    }
}

/// The credential of `access_key`: the root's, a user's active key, or an STS session's.
pub(crate) fn lookup(root: &RootCredentials, iam: &IamStore, access_key: &str) -> Option<Credential> {
    if access_key == root.access_key {
        return Some(Credential { secret: root.secret.clone(), session_token: None, expires_ms: None });
    }
    let state = iam.read();
    if let Some(key) = state.access_keys.get(access_key) {
        return (key.status == iam_store::KeyStatus::Active).then(|| Credential {
            secret: key.secret.clone(),
            session_token: None,
            expires_ms: None,
        });
    }
    let session = state.sessions.get(access_key)?;
    Some(Credential {
        secret: session.secret.clone(),
        session_token: Some(session.token.clone()),
        expires_ms: Some(session.expires_ms),
    })
}
