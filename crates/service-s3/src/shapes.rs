//! Output shapes more than one S3 operation shares.

use serde::Serialize;

use crate::S3Service;

/// `Owner`: the emulated account.
#[derive(Debug, Serialize)]
pub(crate) struct Owner {
    #[serde(rename = "ID")]
    pub(crate) id: String,
}

impl Owner {
    /// The account that owns every bucket.
    pub(crate) fn of(state: &S3Service) -> Self {
        Owner { id: state.env.account_id.clone() }
    }
}
