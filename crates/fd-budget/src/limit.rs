//! The process's `RLIMIT_NOFILE`: read it, and raise the soft limit to the hard one.
//!
//! macOS reports an unlimited hard limit but refuses a soft limit above `OPEN_MAX` (10,240)
//! with `EINVAL`; the raise then settles for that.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// `OPEN_MAX` on macOS: the highest soft limit `setrlimit` accepts there when the hard limit is
/// unlimited. Also the value an unlimited limit counts as in a budget.
const OPEN_MAX: u64 = 10_240;

/// The soft and hard descriptor limits (`None`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NofileLimit {
    /// What the process may open now.
    pub soft: Option<u64>,
    /// What the soft limit may be raised to without privileges.
    pub hard: Option<u64>,
}

impl NofileLimit {
    /// The process's limits now.
    pub fn current() -> NofileLimit {
        let Rlimit { current, maximum } = getrlimit(Resource::Nofile);
        NofileLimit { soft: current, hard: maximum }
    }

    /// The soft limit as a number of descriptors (unlimited counts as `OPEN_MAX`).
    pub fn usable(&self) -> u64 {
        self.soft.unwrap_or(OPEN_MAX)
    }
}

/// The soft limit could not be raised (the process keeps the limit it had).
#[derive(Debug, thiserror::Error)]
#[error("cannot raise the soft RLIMIT_NOFILE from {from:?} to {to}: {source}")]
pub struct RaiseError {
    /// The soft limit before.
    pub from: Option<u64>,
    /// The soft limit asked for.
    pub to: u64,
    /// What `setrlimit` said.
    #[source]
    pub source: std::io::Error,
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit (to `OPEN_MAX` where the hard limit is
/// unlimited and the system refuses more) and returns the limits in force afterwards. Never
/// lowers a limit. An error leaves the limits as they were.
pub fn raise_nofile_limit() -> Result<NofileLimit, RaiseError> {
    let before = NofileLimit::current();
    let wanted = before.hard.unwrap_or(u64::MAX);
    if before.soft.is_none() || before.soft >= Some(wanted) {
        return Ok(before);
    }
    let set = |to: u64| setrlimit(Resource::Nofile, Rlimit { current: Some(to), maximum: before.hard });
    match set(wanted) {
        Ok(()) => Ok(NofileLimit::current()),
        Err(first) => {
            let fallback = wanted.min(OPEN_MAX);
            if before.soft < Some(fallback) && set(fallback).is_ok() {
                return Ok(NofileLimit::current());
            }
            Err(RaiseError { from: before.soft, to: wanted, source: first.into() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_never_lowers_and_reaches_the_hard_limit() {
        let before = NofileLimit::current();
        let after = raise_nofile_limit().expect("raising to the hard limit is allowed");
        assert!(after.usable() >= before.usable());
        assert_eq!(after.hard, before.hard);
        match after.hard {
            Some(hard) => assert!(after.soft == Some(hard) || after.soft == Some(OPEN_MAX), "{after:?}"),
            None => assert!(after.soft.is_none() || after.soft >= Some(OPEN_MAX), "{after:?}"),
        }
        // A second raise changes nothing.
        assert_eq!(raise_nofile_limit().unwrap(), after);
    }
}
