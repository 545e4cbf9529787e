//! The process's file-descriptor budget. A long-running emulator must never run out of
//! descriptors: at start the server raises its soft `RLIMIT_NOFILE` to the hard limit (as
//! database servers do, [`raise_nofile_limit`]), then every part that keeps descriptors sizes
//! itself from the same [`FdBudget`] of what it got: the log store's cache of append handles,
//! the query scanners, and what is left for sockets. Should `EMFILE`/`ENFILE` still happen,
//! [`is_exhaustion`] recognises it so the store can release handles and the request get a 503.
//!
//! | file | job |
//! |---|---|
//! | `limit.rs` | [`NofileLimit`]: read the soft and hard limit; raise the soft one |
//! | `budget.rs` | [`FdBudget`]: the limit split into shares |
//! | `exhaustion.rs` | [`is_exhaustion`]: `EMFILE` / `ENFILE` |

mod budget;
mod exhaustion;
mod limit;

pub use budget::{FdBudget, RESERVED};
pub use exhaustion::is_exhaustion;
pub use limit::{NofileLimit, RaiseError, raise_nofile_limit};
