//! `NextToken`s: an opaque encoding of the next position; a token we did not issue is
//! `InvalidRequestException`.

use crate::error::AthenaError;

pub(crate) fn token(position: usize) -> String {
    service_kit::opaque::encode(&position.to_string())
}

pub(crate) fn start(token: Option<&str>) -> Result<usize, AthenaError> {
    match token {
        None => Ok(0),
        Some(t) => service_kit::opaque::decode(t)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| AthenaError::InvalidRequest("The NextToken is not valid.".to_owned())),
    }
}
