//! CloudWatch's statistics by name: `SampleCount`, `Sum`, `Average`, `Minimum`, `Maximum`, and
//! the extended ones: percentiles `p99`, `p99.9`; trimmed mean `tm90`, `tm(10%:90%)`,
//! `TM(100:500)`; winsorized mean `wm…`; trimmed count `tc…`; trimmed sum `ts…`; `IQM`
//! (= `tm(25%:75%)`); percentile rank `PR(100:2000)`. Percentage bounds select by rank, absolute
//! bounds by value; a lower bound is exclusive, an upper one inclusive.

use std::fmt;

use crate::aggregate::Aggregate;

/// A bound of a trimmed statistic or a percentile rank.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// A percentage of the ranks (0–100).
    Percent(f64),
    /// A value.
    Value(f64),
}

/// What a trimmed statistic computes over the values between its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimKind {
    /// `tm`: their mean.
    Mean,
    /// `wm`: the mean of all values, those outside the bounds clamped to them.
    Winsorized,
    /// `tc`: their number.
    Count,
    /// `ts`: their sum.
    Sum,
}

/// A statistic.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    SampleCount,
    Sum,
    Average,
    Minimum,
    Maximum,
    /// `pNN`: the value at that percentile (0–100).
    Percentile(f64),
    /// `tm`, `wm`, `tc`, `ts` with their bounds.
    Trimmed {
        kind: TrimKind,
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
    /// `PR(lo:hi)`: the percentage of values in `(lo, hi]`.
    PercentileRank {
        lower: Option<f64>,
        upper: Option<f64>,
    },
}

/// Why a statistic name is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid statistic {0:?}")]
pub struct StatisticError(pub String);

impl Statistic {
    /// Parses a statistic as CloudWatch spells it.
    pub fn parse(text: &str) -> Result<Statistic, StatisticError> {
        let bad = || StatisticError(text.to_owned());
        match text {
            "SampleCount" => return Ok(Statistic::SampleCount),
            "Sum" => return Ok(Statistic::Sum),
            "Average" => return Ok(Statistic::Average),
            "Minimum" => return Ok(Statistic::Minimum),
            "Maximum" => return Ok(Statistic::Maximum),
            _ => {}
        }
        if text.eq_ignore_ascii_case("IQM") {
            return Ok(Statistic::Trimmed {
                kind: TrimKind::Mean,
                lower: Some(Bound::Percent(25.0)),
                upper: Some(Bound::Percent(75.0)),
            });
        }
        let lower = text.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix('p')
            && !rest.starts_with('r')
        {
            let p = percent(rest).ok_or_else(bad)?;
            return Ok(Statistic::Percentile(p));
        }
        if let Some(rest) = lower.strip_prefix("pr") {
            let (lo, hi) = range(rest).ok_or_else(bad)?;
            let value = |b: Option<Bound>| match b {
                None => Ok(None),
                Some(Bound::Value(v)) => Ok(Some(v)),
                Some(Bound::Percent(_)) => Err(bad()),
            };
            let (lower, upper) = (value(lo)?, value(hi)?);
            if lower.is_none() && upper.is_none() {
                return Err(bad());
            }
            return Ok(Statistic::PercentileRank { lower, upper });
        }
        let kind = match lower.get(..2) {
            Some("tm") => TrimKind::Mean,
            Some("wm") => TrimKind::Winsorized,
            Some("tc") => TrimKind::Count,
            Some("ts") => TrimKind::Sum,
            _ => return Err(bad()),
        };
        let rest = &lower[2..];
        if rest.starts_with('(') {
            let (lo, hi) = range(rest).ok_or_else(bad)?;
            if lo.is_none() && hi.is_none() {
                return Err(bad());
            }
            if kind == TrimKind::Winsorized && (matches!(lo, Some(Bound::Value(_))) || matches!(hi, Some(Bound::Value(_)))) {
                return Err(bad());
            }
            return Ok(Statistic::Trimmed { kind, lower: lo, upper: hi });
        }
        let p = percent(rest).ok_or_else(bad)?;
        Ok(Statistic::Trimmed { kind, lower: None, upper: Some(Bound::Percent(p)) })
    }

    /// One of the five basic statistics.
    pub fn is_basic(&self) -> bool {
        matches!(self, Statistic::SampleCount | Statistic::Sum | Statistic::Average | Statistic::Minimum | Statistic::Maximum)
    }

    /// The percentile of `pNN` (for `EvaluateLowSampleCountPercentile`).
    pub fn percentile(&self) -> Option<f64> {
        match self {
            Statistic::Percentile(p) => Some(*p),
            _ => None,
        }
    }

    /// The statistic of `agg`; `None` when it has no value (no samples, or an extended
    /// statistic without the full distribution).
    pub fn compute(&self, agg: &Aggregate) -> Option<f64> {
        if agg.sample_count <= 0.0 {
            return None;
        }
        match self {
            Statistic::SampleCount => Some(agg.sample_count),
            Statistic::Sum => Some(agg.sum),
            Statistic::Average => agg.average(),
            Statistic::Minimum => Some(agg.min),
            Statistic::Maximum => Some(agg.max),
            Statistic::Percentile(p) => agg.full_distribution()?.quantile(p / 100.0),
            Statistic::Trimmed { kind, lower, upper } => trimmed(agg, *kind, *lower, *upper),
            Statistic::PercentileRank { lower, upper } => {
                let dist = agg.full_distribution()?;
                let total = dist.count();
                let inside: f64 = dist
                    .points()
                    .iter()
                    .filter(|(v, _)| lower.is_none_or(|lo| *v > lo) && upper.is_none_or(|hi| *v <= hi))
                    .map(|p| p.1)
                    .sum();
                Some(100.0 * inside / total)
            }
        }
    }
}

/// `99`, `99.9` → a percentage in `[0, 100]`.
fn percent(text: &str) -> Option<f64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    text.parse::<f64>().ok().filter(|p| (0.0..=100.0).contains(p))
}

/// `(10%:90%)`, `(:90%)`, `(100:)`, `(10%:500)` → the two bounds.
fn range(text: &str) -> Option<(Option<Bound>, Option<Bound>)> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let (lo, hi) = inner.split_once(':')?;
    let bound = |t: &str| -> Option<Option<Bound>> {
        let t = t.trim();
        if t.is_empty() {
            return Some(None);
        }
        match t.strip_suffix('%') {
            Some(p) => percent(p).map(|p| Some(Bound::Percent(p))),
            None => t.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| Some(Bound::Value(v))),
        }
    };
    Some((bound(lo)?, bound(hi)?))
}

/// A trimmed statistic over the distribution: each point's count occupies ranks
/// `(seen, seen + count]`; the part inside the bounds counts.
fn trimmed(agg: &Aggregate, kind: TrimKind, lower: Option<Bound>, upper: Option<Bound>) -> Option<f64> {
    let dist = agg.full_distribution()?;
    let total = dist.count();
    let rank_of = |b: Option<Bound>, default: f64| match b {
        Some(Bound::Percent(p)) => Some(p / 100.0 * total),
        None => Some(default),
        Some(Bound::Value(_)) => None,
    };
    let (lo_rank, hi_rank) = (rank_of(lower, 0.0), rank_of(upper, total));
    let (lo_value, hi_value) = (
        match lower {
            Some(Bound::Value(v)) => Some(v),
            _ => None,
        },
        match upper {
            Some(Bound::Value(v)) => Some(v),
            _ => None,
        },
    );
    let mut seen = 0.0;
    let (mut n, mut sum) = (0.0, 0.0);
    let mut clamped_sum = 0.0;
    let lo_clamp = lo_rank.and_then(|r| if lower.is_some() { dist.quantile((r / total).min(1.0)) } else { None });
    let hi_clamp = hi_rank.and_then(|r| if upper.is_some() { dist.quantile((r / total).min(1.0)) } else { None });
    for &(v, c) in dist.points() {
        let (from, to) = (seen, seen + c);
        seen = to;
        let mut inside = c;
        if let Some(lr) = lo_rank {
            inside -= (lr - from).clamp(0.0, c);
        }
        if let Some(hr) = hi_rank {
            inside -= (to - hr).clamp(0.0, c);
        }
        if lo_value.is_some_and(|lo| v <= lo) || hi_value.is_some_and(|hi| v > hi) {
            inside = 0.0;
        }
        let inside = inside.max(0.0);
        n += inside;
        sum += inside * v;
        let clamped = match (lo_clamp, hi_clamp) {
            (Some(lo), _) if v < lo => lo,
            (_, Some(hi)) if v > hi => hi,
            _ => v,
        };
        clamped_sum += clamped * c;
    }
    match kind {
        TrimKind::Mean => (n > 0.0).then(|| sum / n),
        TrimKind::Count => Some(n),
        TrimKind::Sum => Some(sum),
        TrimKind::Winsorized => Some(clamped_sum / total),
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = |b: &Option<Bound>| match b {
            None => String::new(),
            Some(Bound::Percent(p)) => format!("{p}%"),
            Some(Bound::Value(v)) => format!("{v}"),
        };
        match self {
            Statistic::SampleCount => f.write_str("SampleCount"),
            Statistic::Sum => f.write_str("Sum"),
            Statistic::Average => f.write_str("Average"),
            Statistic::Minimum => f.write_str("Minimum"),
            Statistic::Maximum => f.write_str("Maximum"),
            Statistic::Percentile(p) => write!(f, "p{p}"),
            Statistic::Trimmed { kind, lower, upper } => {
                let name = match kind {
                    TrimKind::Mean => "TM",
                    TrimKind::Winsorized => "WM",
                    TrimKind::Count => "TC",
                    TrimKind::Sum => "TS",
                };
                write!(f, "{name}({}:{})", bound(lower), bound(upper))
            }
            Statistic::PercentileRank { lower, upper } => {
                let v = |x: &Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
                write!(f, "PR({}:{})", v(lower), v(upper))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hundred() -> Aggregate {
        let mut a = Aggregate::default();
        for v in 1..=100 {
            a.add_value(f64::from(v), 1.0);
        }
        a
    }

    #[test]
    fn parses_cloudwatch_spellings() {
        assert_eq!(Statistic::parse("p99.9"), Ok(Statistic::Percentile(99.9)));
        assert!(Statistic::parse("tm90").is_ok());
        assert!(Statistic::parse("TM(10%:90%)").is_ok());
        assert!(Statistic::parse("tm(:500)").is_ok());
        assert!(Statistic::parse("PR(:300)").is_ok());
        assert!(Statistic::parse("IQM").is_ok());
        for bad in ["p101", "p", "avg", "sum", "tm(1:2", "PR(10%:)", "wm(1:2)", "tm()"] {
            assert!(Statistic::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn computes_over_the_distribution() {
        let a = hundred();
        let s = |t: &str| Statistic::parse(t).unwrap().compute(&a).unwrap();
        assert_eq!(s("Sum"), 5050.0);
        assert_eq!(s("p90"), 90.0);
        assert_eq!(s("tm90"), 45.5);
        assert_eq!(s("tc90"), 90.0);
        assert_eq!(s("ts(:10)"), 55.0);
        assert_eq!(s("IQM"), 50.5);
        assert_eq!(s("PR(:25)"), 25.0);
        assert_eq!(s("tm(10%:90%)"), 50.5);
        let wm = s("wm(10%:90%)");
        assert!((wm - 50.4).abs() < 1e-9, "{wm}");
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,24}", noise in "[pPtTwWmMcCsSrRiIqQ()%:.0-9-]{0,16}") {
            let a = hundred();
            for t in [&text, &noise] {
                if let Ok(s) = Statistic::parse(t) {
                    let _ = s.compute(&a);
                    let _ = s.to_string();
                }
            }
        }
    }

    #[test]
    fn no_percentile_without_the_values() {
        let mut a = Aggregate::default();
        a.add_set(3.0, 6.0, 1.0, 3.0);
        assert_eq!(Statistic::Maximum.compute(&a), Some(3.0));
        assert_eq!(Statistic::Percentile(50.0).compute(&a), None);
        assert_eq!(Statistic::Sum.compute(&a), Some(6.0));
    }
}
