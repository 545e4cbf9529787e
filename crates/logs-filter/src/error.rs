//! [`FilterPatternError`]: a stable [`ErrorCode`], the message text and the byte position.

use crate::codes::ErrorCode;

/// Why a filter pattern (or a JSON path) does not compile.
///
/// `Display` is `"{message} (at character {position})"`, the text the CloudWatch Logs API puts
/// after `Invalid filter pattern: `; the code is not part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct FilterPatternError {
    /// The stable code (see `codes.rs`).
    pub code: ErrorCode,
    /// The message, [`ErrorCode::message`] (plus the regex engine's reason for `F301`).
    pub message: String,
    /// Byte offset into the pattern as given, leading whitespace included.
    pub position: usize,
}

impl FilterPatternError {
    /// The error of `code` at byte `position`, with the code's message.
    pub(crate) fn new(code: ErrorCode, position: usize) -> FilterPatternError {
        FilterPatternError { code, message: code.message().to_owned(), position }
    }

    /// The error of `code` with a reason appended to the code's message: `"{message}: {detail}"`.
    pub(crate) fn with_detail(code: ErrorCode, detail: impl std::fmt::Display, position: usize) -> FilterPatternError {
        FilterPatternError { code, message: format!("{}: {detail}", code.message()), position }
    }
}
