//! GetCallerIdentity: the account, user id and ARN of the credentials that signed the request.

use serde::Serialize;
use service_kit::Call;

use crate::IamService;
use crate::error::IamResult;

/// `GetCallerIdentityResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetCallerIdentityResponse {
    user_id: String,
    account: String,
    arn: String,
}

pub(crate) fn get_caller_identity(svc: &IamService, call: &Call<'_>) -> IamResult<GetCallerIdentityResponse> {
    let caller = svc.env.caller(call.ctx);
    Ok(GetCallerIdentityResponse { user_id: caller.user_id, account: caller.account, arn: caller.arn })
}
