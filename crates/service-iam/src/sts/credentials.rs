//! Temporary credentials: `ASIA…` keys with a secret, a session token and an expiry, stored as
//! an iam-store session so that the key names its principal on every later request.

use aws_protocol::Timestamp;
use iam_store::{Session, SessionPrincipal};
use serde::Serialize;

use crate::IamService;
use crate::error::IamResult;

/// `Credentials`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: Timestamp,
}

/// Issues credentials for `principal`, valid `duration_s` seconds from now, asked for by
/// `source_arn`. Expired sessions are forgotten at the same time (a day after they expire).
pub(crate) fn issue(svc: &IamService, principal: SessionPrincipal, source_arn: &str, duration_s: i64) -> IamResult<Credentials> {
    let seed = svc.seed();
    let now = svc.env.now_ms();
    let session = Session {
        access_key_id: iam_store::ids::access_key_id("ASIA", &seed),
        secret: iam_store::ids::secret(&seed),
        token: iam_store::ids::session_token(&seed),
        created_ms: now,
        expires_ms: now + duration_s * 1000,
        principal,
        source_arn: source_arn.to_owned(),
    };
    let out = Credentials {
        access_key_id: session.access_key_id.clone(),
        secret_access_key: session.secret.clone(),
        session_token: session.token.clone(),
        expiration: Timestamp::from_epoch_millis(session.expires_ms),
    };
    svc.store.update(|state| {
        state.sessions.retain(|_, s| s.expires_ms + 86_400_000 > now);
        state.sessions.insert(session.access_key_id.clone(), session);
        Ok::<_, crate::error::IamError>(())
    })?;
    Ok(out)
}
