//! CloudWatch's `StandardUnit`: the unit a datapoint was published with. CloudWatch does not
//! convert units; a query naming a unit sees only the datapoints published with it.

/// A `StandardUnit` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Unit {
    Seconds,
    Microseconds,
    Milliseconds,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
    Bits,
    Kilobits,
    Megabits,
    Gigabits,
    Terabits,
    Percent,
    Count,
    BytesPerSecond,
    KilobytesPerSecond,
    MegabytesPerSecond,
    GigabytesPerSecond,
    TerabytesPerSecond,
    BitsPerSecond,
    KilobitsPerSecond,
    MegabitsPerSecond,
    GigabitsPerSecond,
    TerabitsPerSecond,
    CountPerSecond,
    /// `None`: what a datapoint published without a unit has.
    #[default]
    None,
}

/// Every unit with its wire name, in the model's order (the index is the journal's byte).
const ALL: [(Unit, &str); 27] = [
    (Unit::Seconds, "Seconds"),
    (Unit::Microseconds, "Microseconds"),
    (Unit::Milliseconds, "Milliseconds"),
    (Unit::Bytes, "Bytes"),
    (Unit::Kilobytes, "Kilobytes"),
    (Unit::Megabytes, "Megabytes"),
    (Unit::Gigabytes, "Gigabytes"),
    (Unit::Terabytes, "Terabytes"),
    (Unit::Bits, "Bits"),
    (Unit::Kilobits, "Kilobits"),
    (Unit::Megabits, "Megabits"),
    (Unit::Gigabits, "Gigabits"),
    (Unit::Terabits, "Terabits"),
    (Unit::Percent, "Percent"),
    (Unit::Count, "Count"),
    (Unit::BytesPerSecond, "Bytes/Second"),
    (Unit::KilobytesPerSecond, "Kilobytes/Second"),
    (Unit::MegabytesPerSecond, "Megabytes/Second"),
    (Unit::GigabytesPerSecond, "Gigabytes/Second"),
    (Unit::TerabytesPerSecond, "Terabytes/Second"),
    (Unit::BitsPerSecond, "Bits/Second"),
    (Unit::KilobitsPerSecond, "Kilobits/Second"),
    (Unit::MegabitsPerSecond, "Megabits/Second"),
    (Unit::GigabitsPerSecond, "Gigabits/Second"),
    (Unit::TerabitsPerSecond, "Terabits/Second"),
    (Unit::CountPerSecond, "Count/Second"),
    (Unit::None, "None"),
];

impl Unit {
    /// The wire name (`Count/Second`).
    pub fn as_str(self) -> &'static str {
        ALL[self.index()].1
    }

    /// The unit of a wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Unit> {
        ALL.iter().find(|(_, n)| *n == name).map(|(u, _)| *u)
    }

    pub(crate) fn index(self) -> usize {
        ALL.iter().position(|(u, _)| *u == self).unwrap_or(ALL.len() - 1)
    }

    pub(crate) fn from_index(i: u8) -> Option<Unit> {
        ALL.get(usize::from(i)).map(|(u, _)| *u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (unit, name) in ALL {
            assert_eq!(Unit::parse(name), Some(unit));
            assert_eq!(unit.as_str(), name);
            assert_eq!(Unit::from_index(unit.index() as u8), Some(unit));
        }
        assert_eq!(Unit::parse("count"), None);
    }
}
