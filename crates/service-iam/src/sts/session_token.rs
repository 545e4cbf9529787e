//! GetSessionToken: temporary credentials for the calling user itself (900 seconds to 36 hours,
//! 12 by default). Role sessions may not call it, as on AWS.

use iam_store::SessionPrincipal;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::error::{IamError, IamResult};
use crate::model::{STS, input};
use crate::sts::credentials::{Credentials, issue};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetSessionTokenRequest {
    duration_seconds: Option<i64>,
}

/// `GetSessionTokenResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetSessionTokenResponse {
    credentials: Credentials,
}

pub(crate) fn get_session_token(svc: &IamService, call: &Call<'_>) -> IamResult<GetSessionTokenResponse> {
    let req: GetSessionTokenRequest = input(&STS, "GetSessionTokenRequest", call)?;
    let caller = svc.env.caller(call.ctx);
    let temporary = call.ctx.access_key.as_deref().is_some_and(|k| svc.store.read().sessions.contains_key(k));
    if temporary || caller.arn.contains(":assumed-role/") {
        return Err(IamError::AccessDenied("Cannot call GetSessionToken with session credentials".to_owned()));
    }
    let principal = SessionPrincipal::Caller { arn: caller.arn.clone(), user_id: caller.user_id.clone() };
    let credentials = issue(svc, principal, &caller.arn, req.duration_seconds.unwrap_or(43_200))?;
    Ok(GetSessionTokenResponse { credentials })
}
