//! Trino syntax DataFusion reads differently, rewritten in the parsed query before planning,
//! and Trino syntax the emulator does not run, refused naming it (never answered wrongly):
//!
//! - `t CROSS JOIN UNNEST(expr) AS u(x)` (and `t, UNNEST(...)`) becomes
//!   `(SELECT t.*, unnest(expr) AS x FROM t WHERE expr IS NOT NULL) AS t`, and `u.x` becomes `x`;
//! - a field of a function's or a subscript's result (`element_at(a, 1).role`,
//!   `messages[1].content`) becomes `get_field(...)`;
//! - the outermost SELECT's unnamed columns are named as Trino names them: a field access by
//!   its field (`requestmetadata.team` → `team`), any other expression `_col<i>`;
//! - refused: lambda expressions, `TRY(...)`, `TABLESAMPLE`, UNNEST with several arrays,
//!   `WITH ORDINALITY`/`WITH OFFSET`, without a column alias, or in an outer join.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    AccessExpr, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, JoinOperator, Query, SelectItem,
    SetExpr, Statement, TableFactor, TableWithJoins, Value, ValueWithSpan, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

use crate::error::SqlError;

/// Rewrites `statement` in place, or refuses it.
pub(crate) fn rewrite(statement: &mut Statement) -> Result<(), SqlError> {
    let mut v = Rewriter { unnest_aliases: Vec::new() };
    if let ControlFlow::Break(e) = statement.visit(&mut v) {
        return Err(e);
    }
    if !v.unnest_aliases.is_empty() {
        let mut s = StripAliases { aliases: v.unnest_aliases };
        let _ = statement.visit(&mut s);
    }
    if let Statement::Query(q) = statement {
        name_columns(&mut q.body);
    }
    Ok(())
}

struct Rewriter {
    /// (UNNEST's table alias, its column) pairs: `u.x` is written `x` once rewritten.
    unnest_aliases: Vec<(String, String)>,
}

impl VisitorMut for Rewriter {
    type Break = SqlError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<SqlError> {
        match unnest_in(&mut query.body, &mut self.unnest_aliases) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        match expr {
            Expr::BinaryOp { op: BinaryOperator::Arrow, .. } | Expr::Lambda(_) => {
                return ControlFlow::Break(SqlError::NotSupported("lambda expressions (x -> ...)".to_owned()));
            }
            Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("try") => {
                return ControlFlow::Break(SqlError::NotSupported("the TRY function".to_owned()));
            }
            Expr::CompoundFieldAccess { root, access_chain } if needs_get_field(root, access_chain) => {
                let root = std::mem::replace(root.as_mut(), Expr::Value(Value::Null.into()));
                let chain = std::mem::take(access_chain);
                match field_calls(root, chain) {
                    Ok(e) => *expr = e,
                    Err(e) => return ControlFlow::Break(e),
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<SqlError> {
        if let TableFactor::Table { sample: Some(_), .. } = factor {
            return ControlFlow::Break(SqlError::NotSupported("TABLESAMPLE".to_owned()));
        }
        ControlFlow::Continue(())
    }
}

fn needs_get_field(root: &Expr, chain: &[AccessExpr]) -> bool {
    let plain_root = matches!(root, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
    let dot_after_subscript =
        chain.iter().skip_while(|a| !matches!(a, AccessExpr::Subscript(_))).any(|a| matches!(a, AccessExpr::Dot(_)));
    chain.iter().any(|a| matches!(a, AccessExpr::Dot(_))) && (!plain_root || dot_after_subscript)
}

fn parse_expr(text: &str) -> Result<Expr, SqlError> {
    Parser::new(&GenericDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| SqlError::Internal(format!("a rewrite did not parse: {e}")))
}

/// `root` then the chain, each `.field` after something that is not a name as `get_field`.
fn field_calls(root: Expr, chain: Vec<AccessExpr>) -> Result<Expr, SqlError> {
    let mut e = root;
    let mut pending: Vec<AccessExpr> = Vec::new();
    let flush = |e: Expr, pending: &mut Vec<AccessExpr>| {
        if pending.is_empty() {
            e
        } else {
            Expr::CompoundFieldAccess { root: Box::new(e), access_chain: std::mem::take(pending) }
        }
    };
    for access in chain {
        match access {
            AccessExpr::Dot(Expr::Identifier(id)) => {
                let base = flush(e, &mut pending);
                let mut call = parse_expr("get_field(x, 'f')")?;
                if let Expr::Function(f) = &mut call
                    && let FunctionArguments::List(list) = &mut f.args
                {
                    list.args[0] = FunctionArg::Unnamed(FunctionArgExpr::Expr(base));
                    let name = Value::SingleQuotedString(id.value.to_ascii_lowercase());
                    list.args[1] = FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(ValueWithSpan::from(name))));
                }
                e = call;
            }
            other => pending.push(other),
        }
    }
    Ok(flush(e, &mut pending))
}

/// Folds every `CROSS JOIN UNNEST` of the query's SELECTs into a derived table.
fn unnest_in(body: &mut SetExpr, aliases: &mut Vec<(String, String)>) -> Result<(), SqlError> {
    match body {
        SetExpr::Select(select) => {
            // `FROM t, UNNEST(...)`: the UNNEST joins the item before it.
            let mut i = 1;
            while i < select.from.len() {
                if matches!(select.from[i].relation, TableFactor::UNNEST { .. }) && select.from[i].joins.is_empty() {
                    let item = select.from.remove(i);
                    select.from[i - 1].joins.push(datafusion::sql::sqlparser::ast::Join {
                        relation: item.relation,
                        global: false,
                        join_operator: JoinOperator::CrossJoin(datafusion::sql::sqlparser::ast::JoinConstraint::None),
                    });
                } else {
                    i += 1;
                }
            }
            for twj in &mut select.from {
                fold_unnests(twj, aliases)?;
            }
            Ok(())
        }
        SetExpr::SetOperation { left, right, .. } => {
            unnest_in(left, aliases)?;
            unnest_in(right, aliases)
        }
        _ => Ok(()),
    }
}

fn fold_unnests(twj: &mut TableWithJoins, aliases: &mut Vec<(String, String)>) -> Result<(), SqlError> {
    if matches!(twj.relation, TableFactor::UNNEST { .. }) {
        return Err(SqlError::NotSupported("UNNEST that is not joined to a table".to_owned()));
    }
    let mut i = 0;
    while i < twj.joins.len() {
        let TableFactor::UNNEST { alias, array_exprs, with_offset, with_ordinality, .. } = &twj.joins[i].relation else {
            i += 1;
            continue;
        };
        if !matches!(twj.joins[i].join_operator, JoinOperator::CrossJoin(_)) {
            return Err(SqlError::NotSupported("UNNEST in an outer join (CROSS JOIN UNNEST is)".to_owned()));
        }
        if *with_offset || *with_ordinality {
            return Err(SqlError::NotSupported("UNNEST ... WITH ORDINALITY".to_owned()));
        }
        let [array] = array_exprs.as_slice() else {
            return Err(SqlError::NotSupported("UNNEST of several arrays at once".to_owned()));
        };
        let Some(alias) = alias else {
            return Err(SqlError::NotSupported("UNNEST without a column alias (write UNNEST(x) AS t(col))".to_owned()));
        };
        let [column] = alias.columns.as_slice() else {
            return Err(SqlError::NotSupported("UNNEST of a map or with several column aliases".to_owned()));
        };
        let base = &twj.relation;
        let base_name = match base {
            TableFactor::Table { alias: Some(a), .. } | TableFactor::Derived { alias: Some(a), .. } => a.name.value.clone(),
            TableFactor::Table { name, .. } => name.0.last().map(|p| p.to_string()).unwrap_or_default(),
            _ => return Err(SqlError::NotSupported("UNNEST joined to this kind of FROM item".to_owned())),
        };
        let col = column.name.value.to_ascii_lowercase();
        let text = format!(
            "SELECT * FROM (SELECT {base_name}.*, unnest({array}) AS {col} FROM {base} WHERE {array} IS NOT NULL) AS {base_name}"
        );
        let parsed = Parser::new(&GenericDialect {})
            .try_with_sql(&text)
            .and_then(|mut p| p.parse_statement())
            .map_err(|e| SqlError::Internal(format!("the UNNEST rewrite did not parse: {e}")))?;
        let Statement::Query(q) = parsed else { return Err(SqlError::Internal("the UNNEST rewrite".to_owned())) };
        let SetExpr::Select(mut s) = *q.body else { return Err(SqlError::Internal("the UNNEST rewrite".to_owned())) };
        aliases.push((alias.name.value.to_ascii_lowercase(), col));
        twj.relation = s.from.remove(0).relation;
        twj.joins.remove(i);
    }
    Ok(())
}

/// Rewrites `u.x...` into `x...` for UNNEST aliases.
struct StripAliases {
    aliases: Vec<(String, String)>,
}

impl VisitorMut for StripAliases {
    type Break = ();
    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() >= 2
            && self.aliases.iter().any(|(t, c)| parts[0].value.eq_ignore_ascii_case(t) && parts[1].value.eq_ignore_ascii_case(c))
        {
            let rest: Vec<Ident> = parts[1..].to_vec();
            *expr = if rest.len() == 1 { Expr::Identifier(rest[0].clone()) } else { Expr::CompoundIdentifier(rest) };
        }
        ControlFlow::Continue(())
    }
}

/// Names the unnamed columns of the leftmost SELECT as Trino does.
fn name_columns(body: &mut SetExpr) {
    match body {
        SetExpr::Select(select) => {
            for (i, item) in select.projection.iter_mut().enumerate() {
                let SelectItem::UnnamedExpr(e) = item else { continue };
                let name = match e {
                    Expr::Identifier(_) => continue,
                    Expr::CompoundIdentifier(parts) => parts.last().map(|p| p.value.to_ascii_lowercase()),
                    Expr::CompoundFieldAccess { access_chain, .. } => match access_chain.last() {
                        Some(AccessExpr::Dot(Expr::Identifier(id))) => Some(id.value.to_ascii_lowercase()),
                        _ => None,
                    },
                    Expr::Nested(_) => None,
                    _ => None,
                };
                let alias = Ident::new(name.unwrap_or_else(|| format!("_col{i}")));
                *item = SelectItem::ExprWithAlias { expr: e.clone(), alias };
            }
        }
        SetExpr::SetOperation { left, .. } => name_columns(left),
        SetExpr::Query(q) => name_columns(&mut q.body),
        _ => {}
    }
}
