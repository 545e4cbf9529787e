//! One model's sliding minute: the admissions of the last 60 s of the emulator's clock, each with
//! the tokens it holds (its reservation, then what it settled at).

use std::collections::VecDeque;

/// The window's length.
pub const MINUTE_MS: i64 = 60_000;

/// One admitted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    id: u64,
    at_ms: i64,
    tokens: u64,
}

/// The admissions of the last minute, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Window {
    entries: VecDeque<Entry>,
}

impl Window {
    /// Drops what left the minute before `now_ms` (an admission at `t` counts while `now < t + 60 s`).
    /// A clock read earlier than the newest entry (concurrent calls) drops nothing extra.
    pub(crate) fn slide(&mut self, now_ms: i64) {
        while self.entries.front().is_some_and(|e| e.at_ms.saturating_add(MINUTE_MS) <= now_ms) {
            self.entries.pop_front();
        }
    }

    pub(crate) fn requests(&self) -> u64 {
        self.entries.len() as u64
    }

    pub(crate) fn tokens(&self) -> u64 {
        self.entries.iter().map(|e| e.tokens).fold(0, u64::saturating_add)
    }

    pub(crate) fn admit(&mut self, id: u64, at_ms: i64, tokens: u64) {
        self.entries.push_back(Entry { id, at_ms, tokens });
    }

    /// Sets what admission `id` holds (no effect once it left the minute).
    pub(crate) fn settle(&mut self, id: u64, tokens: u64) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.tokens = tokens;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_leave_after_a_minute_and_settle_in_place() {
        let mut w = Window::default();
        w.admit(1, 0, 100);
        w.admit(2, 30_000, 50);
        w.settle(1, 10);
        w.slide(59_999);
        assert_eq!((w.requests(), w.tokens()), (2, 60));
        w.slide(60_000);
        assert_eq!((w.requests(), w.tokens()), (1, 50));
        w.slide(90_000);
        assert!(w.is_empty());
    }
}
