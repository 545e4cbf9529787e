//! The emulator's protocol layer: the only crate that knows AWS wire formats.

pub mod protocol;
pub mod service;
pub mod tables;
pub(crate) mod route;
