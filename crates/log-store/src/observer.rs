//! [`AppendObserver`]: who is told of every append, after it is written (CloudWatch Logs'
//! metric filters, which turn matching events into metric datapoints). The store knows nothing
//! of what the observer does; it calls it once per successful `put_log_events`, on the
//! appending thread, with the events as appended.

use std::sync::Arc;

use crate::store::LogStore;
use crate::types::InputLogEvent;

/// Told of every successful append.
pub trait AppendObserver: Send + Sync + std::fmt::Debug {
    /// `events` were appended to `stream` of `group`. Must not call back into the store's
    /// appends (it runs inside one).
    fn appended(&self, group: &str, stream: &str, events: &[InputLogEvent<'_>]);
}

impl LogStore {
    /// Sets the store's observer; `false` (and nothing changes) when one is already set.
    pub fn set_append_observer(&self, observer: Arc<dyn AppendObserver>) -> bool {
        self.inner.observer.set(observer).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::StoreOptions;

    #[derive(Debug, Default)]
    struct Seen(Mutex<Vec<(String, String, i64)>>);

    impl AppendObserver for Seen {
        fn appended(&self, group: &str, stream: &str, events: &[InputLogEvent<'_>]) {
            let mut seen = self.0.lock().unwrap();
            for e in events {
                seen.push((group.to_owned(), stream.to_owned(), e.timestamp));
            }
        }
    }

    #[test]
    fn observer_sees_successful_appends_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path(), StoreOptions::default()).unwrap();
        let seen = Arc::new(Seen::default());
        assert!(store.set_append_observer(seen.clone()));
        assert!(!store.set_append_observer(seen.clone()));
        store.ensure_log_stream("g", "s", 0).unwrap();
        store.put_log_events("g", "s", &[InputLogEvent::new(5, "x")], 10).unwrap();
        assert!(store.put_log_events("g", "nope", &[InputLogEvent::new(6, "y")], 10).is_err());
        assert_eq!(*seen.0.lock().unwrap(), vec![("g".to_owned(), "s".to_owned(), 5)]);
    }
}
