//! [`EventPtr`]: a stable address of one stored event, printed as an opaque string (`@ptr`).

use std::fmt;
use std::str::FromStr;

use crate::error::StoreError;

/// Identifies one event: its stream, its segment file and its byte offset there.
/// Stable across restarts. Its string form is 56 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventPtr {
    pub(crate) stream_id: u64,
    pub(crate) window_start: i64,
    pub(crate) seq: u32,
    pub(crate) offset: u64,
}

impl fmt::Display for EventPtr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}{:08x}{:016x}", self.stream_id, self.window_start as u64, self.seq, self.offset)
    }
}

impl FromStr for EventPtr {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::InvalidPtr(s.chars().take(100).collect());
        if s.len() != 56 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad());
        }
        let hex = |r: std::ops::Range<usize>| u64::from_str_radix(&s[r], 16).map_err(|_| bad());
        Ok(EventPtr { stream_id: hex(0..16)?, window_start: hex(16..32)? as i64, seq: hex(32..40)? as u32, offset: hex(40..56)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ptr_round_trips(stream_id: u64, window_start: i64, seq: u32, offset: u64) {
            let p = EventPtr { stream_id, window_start, seq, offset };
            let s = p.to_string();
            prop_assert_eq!(s.len(), 56);
            prop_assert_eq!(s.parse::<EventPtr>().unwrap(), p);
        }

        /// Anything but 56 lower-case hex digits is refused; those parse and print back.
        #[test]
        fn junk_ptr_is_an_error(s in "\\PC{0,80}|[0-9a-f]{50,60}") {
            let well_formed = s.len() == 56 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            match s.parse::<EventPtr>() {
                Ok(p) => {
                    prop_assert!(well_formed, "{s:?} was accepted");
                    prop_assert_eq!(p.to_string(), s);
                }
                Err(e) => {
                    prop_assert!(!well_formed, "{s:?} was refused: {e}");
                    prop_assert!(matches!(e, StoreError::InvalidPtr(_)), "{e}");
                }
            }
        }
    }

    #[test]
    fn rejects_upper_case_and_signs() {
        assert!("A".repeat(56).parse::<EventPtr>().is_err());
        assert!(format!("+{}", "0".repeat(55)).parse::<EventPtr>().is_err());
    }
}
