//! STS's operations and what they share: the credentials issued, the trust-policy check.

pub(crate) mod assume_role;
pub(crate) mod caller;
pub(crate) mod credentials;
pub(crate) mod session_token;
pub(crate) mod trust;
