//! Descriptors: the cache of open append handles, and relief when the process runs out.
//!
//! Appending keeps a segment's file open (its `writer`) so the next append costs one `pwrite`.
//! [`HandleCache`] remembers which segments hold a handle, oldest first, and closes the oldest
//! idle ones past its capacity ([`crate::StoreOptions::max_open_files`], by default the store's
//! share of the process's descriptor budget). Every file the store opens goes through
//! [`open_file`]; when an operation fails for lack of descriptors (`EMFILE`/`ENFILE`),
//! [`relieved`] closes every idle cached handle and runs it once more. If it still fails the
//! caller gets [`StoreError::TooManyOpenFiles`] (the server answers 503), and the cache is
//! empty for the next request.

use std::collections::{HashSet, VecDeque};
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::{Arc, Mutex, TryLockError, Weak};

use crate::error::{IoContext, StoreError};
use crate::segment::Segment;
use crate::sync::lock;

/// The segments whose append handle is open, oldest first (a segment may appear more than
/// once; its last entry is the one that counts).
#[derive(Debug)]
pub(crate) struct HandleCache {
    queue: Mutex<VecDeque<Weak<Segment>>>,
    capacity: usize,
}

impl HandleCache {
    pub(crate) fn new(capacity: usize) -> HandleCache {
        HandleCache { queue: Mutex::new(VecDeque::new()), capacity: capacity.max(1) }
    }

    /// Remembers that `seg` just opened its append handle and closes the oldest idle handles
    /// past the capacity.
    pub(crate) fn track(&self, seg: &Arc<Segment>) {
        let mut queue = lock(&self.queue);
        queue.push_back(Arc::downgrade(seg));
        while queue.len() > self.capacity {
            let Some(victim) = queue.pop_front() else { break };
            let Some(v) = victim.upgrade() else { continue };
            if close_if_idle(&v).is_none() {
                // Busy right now, so not idle: keep it and stop for this round.
                queue.push_back(victim);
                break;
            }
        }
    }

    /// Closes every idle append handle (one in use right now stays open). Returns how many
    /// were closed.
    pub(crate) fn release_idle(&self) -> usize {
        let mut queue = lock(&self.queue);
        let mut kept = VecDeque::new();
        let mut closed = 0;
        for entry in queue.drain(..) {
            let Some(seg) = entry.upgrade() else { continue };
            match close_if_idle(&seg) {
                Some(was_open) => closed += usize::from(was_open),
                None => kept.push_back(entry),
            }
        }
        *queue = kept;
        closed
    }

    /// Append handles open now.
    pub(crate) fn open_handles(&self) -> usize {
        let queue = lock(&self.queue);
        let mut seen = HashSet::new();
        queue
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|seg| seen.insert(Arc::as_ptr(seg)))
            .filter(|seg| match seg.writer.try_lock() {
                Ok(w) => w.is_some(),
                Err(TryLockError::Poisoned(p)) => p.into_inner().is_some(),
                Err(TryLockError::WouldBlock) => true,
            })
            .count()
    }
}

/// Closes `seg`'s append handle unless another thread holds it: `Some(true)` closed,
/// `Some(false)` had none, `None` busy.
fn close_if_idle(seg: &Segment) -> Option<bool> {
    match seg.writer.try_lock() {
        Ok(mut w) => Some(w.take().is_some()),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner().take().is_some()),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// Runs `op`; when it fails for lack of descriptors, closes the idle cached handles and runs it
/// once more. `op` must leave nothing behind when it fails (every caller's does).
pub(crate) fn relieved<T>(cache: &HandleCache, mut op: impl FnMut() -> Result<T, StoreError>) -> Result<T, StoreError> {
    match op() {
        Err(StoreError::TooManyOpenFiles { .. }) => {
            cache.release_idle();
            op()
        }
        other => other,
    }
}

/// Opens `path`; the one place the store opens segment files (tests inject `EMFILE` here).
pub(crate) fn open_file(options: &OpenOptions, path: &Path) -> Result<File, StoreError> {
    #[cfg(test)]
    if fault::take() {
        return Err(StoreError::io(path, std::io::Error::from_raw_os_error(fault::EMFILE)));
    }
    options.open(path).at(path)
}

/// Test-only fault injection: the next `n` [`open_file`] calls of the current thread fail with
/// `EMFILE`.
#[cfg(test)]
pub(crate) mod fault {
    use std::cell::Cell;

    /// `EMFILE` on every platform the store supports.
    pub(crate) const EMFILE: i32 = 24;

    thread_local! {
        static FAIL_NEXT: Cell<usize> = const { Cell::new(0) };
    }

    pub(crate) fn fail_next_opens(n: usize) {
        FAIL_NEXT.with(|c| c.set(n));
    }

    pub(crate) fn take() -> bool {
        FAIL_NEXT.with(|c| {
            let n = c.get();
            c.set(n.saturating_sub(1));
            n > 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fault::fail_next_opens;
    use crate::{InputLogEvent, LogStore, StoreError, StoreOptions};

    const T0: i64 = 1_740_531_600_000;

    fn store_with_handles(dir: &std::path::Path, streams: usize) -> LogStore {
        let options = StoreOptions { max_open_files: 8, ..StoreOptions::default() };
        let store = LogStore::open(dir, options).unwrap();
        for s in 0..streams {
            let name = format!("s{s}");
            store.ensure_log_stream("g", &name, 0).unwrap();
            store.put_log_events("g", &name, &[InputLogEvent::new(T0, "warm")], T0).unwrap();
        }
        store
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_handles(dir.path(), 20);
        assert_eq!(store.open_append_handles(), 8);
        assert_eq!(store.release_idle_handles(), 8);
        assert_eq!(store.open_append_handles(), 0);
    }

    #[test]
    fn a_full_file_closes_its_handle_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let options = StoreOptions { max_open_files: 8, max_segment_bytes: 100, ..StoreOptions::default() };
        let store = LogStore::open(dir.path(), options).unwrap();
        store.ensure_log_stream("g", "s", 0).unwrap();
        for i in 0..20 {
            store.put_log_events("g", "s", &[InputLogEvent::new(T0 + i, "forty bytes of message, give or take")], T0).unwrap();
            assert_eq!(store.open_append_handles(), 1, "only the file taking appends is open ({i})");
        }
        assert!(store.segments("g", None, T0, T0 + 20).unwrap().len() >= 10);
    }

    #[test]
    fn an_append_out_of_descriptors_releases_the_cache_and_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_handles(dir.path(), 5);
        store.ensure_log_stream("g", "new", 0).unwrap();
        assert_eq!(store.open_append_handles(), 5);
        fail_next_opens(1);
        store.put_log_events("g", "new", &[InputLogEvent::new(T0, "x")], T0).unwrap();
        // The five idle handles were closed to make room; only the new one is open.
        assert_eq!(store.open_append_handles(), 1);
    }

    #[test]
    fn still_out_of_descriptors_is_a_transient_error_and_the_next_call_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_handles(dir.path(), 3);
        store.ensure_log_stream("g", "new", 0).unwrap();
        fail_next_opens(2);
        let err = store.put_log_events("g", "new", &[InputLogEvent::new(T0, "lost")], T0).unwrap_err();
        assert!(matches!(err, StoreError::TooManyOpenFiles { .. }), "{err}");
        assert_eq!(store.open_append_handles(), 0, "the cache was emptied");
        store.put_log_events("g", "new", &[InputLogEvent::new(T0, "kept")], T0).unwrap();
        let segs = store.segments("g", Some(&["new"]), T0, T0).unwrap();
        let data = segs[0].read().unwrap();
        let messages: Vec<&[u8]> = data.events().map(|e| e.message).collect();
        assert_eq!(messages, [b"kept".as_slice()], "the failed append wrote nothing");
    }

    #[test]
    fn reads_and_pointer_lookups_get_the_same_relief() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_handles(dir.path(), 2);
        let seg = store.segments("g", Some(&["s0"]), T0, T0).unwrap().remove(0);
        fail_next_opens(1);
        let data = seg.read().unwrap();
        let ptr = data.events().next().unwrap().ptr;
        assert_eq!(store.open_append_handles(), 0);
        fail_next_opens(1);
        assert_eq!(store.get_event(&ptr).unwrap().unwrap().message, b"warm");
        fail_next_opens(2);
        assert!(matches!(seg.read(), Err(StoreError::TooManyOpenFiles { .. })));
    }
}
