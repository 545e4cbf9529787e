//! [`FdBudget`]: how one descriptor limit is shared. A fixed reserve covers what the process
//! always holds or opens briefly (stdio, the runtime's poller and wakers, the listener, the
//! store's lock, the S3 journal, metadata and objects being written, a file read by
//! FilterLogEvents on each worker); a quarter of the rest goes to the log store's cache of
//! append handles, a sixteenth to the query scanners (one file open per scan thread), and the
//! remainder to client connections.

use crate::NofileLimit;

/// Descriptors kept back for the process itself.
pub const RESERVED: u64 = 32;
/// The log store's append-handle cache never drops below this (appends still work with fewer
/// descriptors, opening and closing a file each time), nor grows past the cap.
const STORE_HANDLES: (u64, u64) = (4, 1024);
/// Files the query scanners may hold at once, between these bounds.
const SCAN_FILES: (u64, u64) = (1, 64);

/// One descriptor limit, split into shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdBudget {
    /// The soft limit the shares add up to.
    pub limit: u64,
    /// Append handles the log store keeps open (its cache).
    pub store_handles: usize,
    /// Segment files query scans may have open at once (all queries together).
    pub scan_files: usize,
    /// What is left for client connections.
    pub sockets: usize,
}

impl FdBudget {
    /// The budget of a process whose soft limit is `limit`.
    pub fn for_limit(limit: u64) -> FdBudget {
        let usable = limit.saturating_sub(RESERVED);
        let store = (usable / 4).clamp(STORE_HANDLES.0, STORE_HANDLES.1);
        let scan = (usable / 16).clamp(SCAN_FILES.0, SCAN_FILES.1);
        let sockets = usable.saturating_sub(store + scan);
        FdBudget { limit, store_handles: store as usize, scan_files: scan as usize, sockets: sockets as usize }
    }

    /// The budget of this process's soft limit now.
    pub fn current() -> FdBudget {
        FdBudget::for_limit(NofileLimit::current().usable())
    }

    /// Scan threads one query may use when `concurrent` queries run at once and the machine
    /// has `cores`: each thread holds one file, and all of them fit `scan_files`.
    pub fn scan_threads(&self, concurrent: usize, cores: usize) -> usize {
        (self.scan_files / concurrent.max(1)).clamp(1, cores.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macos_default_leaves_most_to_sockets() {
        let b = FdBudget::for_limit(256);
        assert_eq!((b.store_handles, b.scan_files, b.sockets), (56, 14, 154));
        assert_eq!(b.store_handles as u64 + b.scan_files as u64 + b.sockets as u64 + RESERVED, 256);
        assert_eq!(b.scan_threads(4, 2), 2);
        assert_eq!(b.scan_threads(4, 16), 3);
    }

    #[test]
    fn shares_are_bounded_at_both_ends() {
        let tiny = FdBudget::for_limit(16);
        assert_eq!((tiny.store_handles, tiny.scan_files, tiny.sockets), (4, 1, 0));
        assert_eq!(tiny.scan_threads(4, 8), 1);
        let huge = FdBudget::for_limit(1 << 20);
        assert_eq!((huge.store_handles, huge.scan_files), (1024, 64));
        assert_eq!(huge.sockets as u64, (1 << 20) - RESERVED - 1024 - 64);
    }
}
