//! What the binary tests share: this package's `bedrock-emulator` binary started through
//! test-support's process helpers, and a Converse call over a raw socket.

#![allow(dead_code)] // each test binary uses its own part

use std::path::Path;
use std::process::Child;

pub(crate) use test_support::process::signal;
pub(crate) use test_support::raw_http::tcp_request as request;

/// Starts this package's binary: `serve --port 0 --now 2024-12-15T09:30:00Z` on `dir`; returns
/// the child, the first line it printed, and the bound address.
pub(crate) fn serve(dir: &Path) -> (Child, String, String) {
    serve_with(dir, &[])
}

/// [`serve`] with extra `serve` arguments.
pub(crate) fn serve_with(dir: &Path, extra: &[&str]) -> (Child, String, String) {
    test_support::process::serve(Path::new(env!("CARGO_BIN_EXE_bedrock-emulator")), dir, extra)
}

/// A Converse call on Claude 3 Haiku with `body`; returns the raw response.
pub(crate) fn converse(addr: &str, body: &str) -> String {
    request(addr, "POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", body)
}
