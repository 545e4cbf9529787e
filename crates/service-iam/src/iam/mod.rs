//! IAM's operations, one file per resource kind.

pub(crate) mod attach;
pub(crate) mod inline;
pub(crate) mod keys;
pub(crate) mod managed;
pub(crate) mod roles;
pub(crate) mod users;
