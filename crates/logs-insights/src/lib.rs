//! The CloudWatch Logs Insights query language: lexer, parser, checker, evaluator.
//! No I/O, no dependency on other workspace crates.
