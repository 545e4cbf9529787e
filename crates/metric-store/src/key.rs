//! What identifies a metric: its namespace, its name and its dimension set. Two datapoints belong
//! to the same metric only when all three are equal; the dimensions are kept sorted by name so
//! the order a client sent them in does not make a new metric.

use std::fmt;

/// One `Dimension`: a name and a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

impl Dimension {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into() }
    }
}

/// A metric: namespace, name, dimensions (sorted by name, then value).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricKey {
    pub namespace: String,
    pub name: String,
    dimensions: Vec<Dimension>,
}

impl MetricKey {
    /// The metric `name` of `namespace` with `dimensions` in any order.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>, mut dimensions: Vec<Dimension>) -> Self {
        dimensions.sort();
        Self { namespace: namespace.into(), name: name.into(), dimensions }
    }

    /// The dimensions, sorted by name.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// The value of dimension `name`.
    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions.iter().find(|d| d.name == name).map(|d| d.value.as_str())
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)?;
        for d in &self.dimensions {
            write!(f, " {}={}", d.name, d.value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_order_does_not_matter() {
        let a = MetricKey::new("N", "m", vec![Dimension::new("b", "2"), Dimension::new("a", "1")]);
        let b = MetricKey::new("N", "m", vec![Dimension::new("a", "1"), Dimension::new("b", "2")]);
        assert_eq!(a, b);
        assert_eq!(a.dimension("b"), Some("2"));
        assert_eq!(a.to_string(), "N/m a=1 b=2");
    }
}
