//! Benchmark drivers (placeholder).
