//! Printing: the canonical query text of an AST (`Display`, which re-parses to the same
//! AST) and a compact S-expression dump with spans for snapshots.
//!
//! The canonical text of an expression is also the column name of an unaliased
//! `fields`/`stats` item (see CHOICES.md, "unaliased column names").

use crate::ast::*;
use crate::lexer::is_raw_ident;
use std::fmt::{self, Write as _};

/// Writes a field name with backticks or `@` quoting as needed.
pub(crate) fn field_text(name: &str) -> String {
    let (prefix, rest) = if let Some(rest) = name.strip_prefix("@@") {
        ("@@", rest)
    } else if let Some(rest) = name.strip_prefix('@') {
        ("@", rest)
    } else {
        ("", name)
    };
    if is_raw_ident(rest) { format!("{prefix}{rest}") } else { format!("{prefix}`{rest}`") }
}

pub(crate) fn string_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn regex_text(s: &str) -> String {
    let mut out = String::from("/");
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '/' => out.push_str("\\/"),
            c => out.push(c),
        }
    }
    out.push('/');
    out
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Field(name) => f.write_str(&field_text(name)),
            ExprKind::Number(text) => f.write_str(text),
            ExprKind::Str(s) => f.write_str(&string_text(s)),
            ExprKind::Regex(r) => f.write_str(&regex_text(r)),
            ExprKind::Period(p) => write!(f, "{}{}", p.amount, p.unit.short()),
            ExprKind::Star => f.write_str("*"),
            ExprKind::Unary(op, e) => {
                let sym = match op {
                    UnaryOp::Not => "not ",
                    UnaryOp::Neg => "-",
                    UnaryOp::Plus => "+",
                };
                f.write_str(sym)?;
                // Operands of unary operators bind at least as tight as the unary level;
                // a nested sign is parenthesized so `--` never appears.
                let nested_sign = matches!(e.kind, ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, _));
                if e.prec() < prec::UNARY || (nested_sign && *op != UnaryOp::Not) { write!(f, "({e})") } else { write!(f, "{e}") }
            }
            ExprKind::Binary(op, a, b) => {
                let p = op.prec();
                let right_assoc = *op == BinaryOp::Pow;
                let left_paren = a.prec() < p || (right_assoc && a.prec() == p);
                // `a ^ -b`: the right side of `^` is parsed at the unary level.
                let right_min = if right_assoc { prec::UNARY } else { p + 1 };
                let right_paren = b.prec() < right_min;
                if left_paren {
                    write!(f, "({a})")?
                } else {
                    write!(f, "{a}")?
                }
                write!(f, " {} ", op.symbol())?;
                if right_paren { write!(f, "({b})") } else { write!(f, "{b}") }
            }
            ExprKind::In { expr, list, negated } => {
                if expr.prec() <= prec::IN {
                    write!(f, "({expr})")?
                } else {
                    write!(f, "{expr}")?
                }
                f.write_str(if *negated { " not in [" } else { " in [" })?;
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    // List items are parsed above the `in` level.
                    if e.prec() <= prec::IN { write!(f, "({e})")? } else { write!(f, "{e}")? }
                }
                f.write_str("]")
            }
            ExprKind::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, e) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str(")")
            }
            ExprKind::Index(base, idx) => {
                if base.prec() < prec::ATOM {
                    write!(f, "({base})[{idx}]")
                } else {
                    write!(f, "{base}[{idx}]")
                }
            }
        }
    }
}

fn items_text(items: &[Item]) -> String {
    items
        .iter()
        .map(|it| match &it.alias {
            Some(a) => format!("{} as {}", it.expr, field_text(&a.name)),
            None => it.expr.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_text(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| string_text(s)).collect::<Vec<_>>().join(", "))
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Names { names, start, end, .. } => {
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "SOURCE {}", string_text(n))?;
                }
                if let Some(s) = start {
                    write!(f, " START={s}")?;
                }
                if let Some(e) = end {
                    write!(f, " END={e}")?;
                }
                Ok(())
            }
            Source::LogGroups { name_prefix, account_identifiers, class, .. } => {
                let mut parts = Vec::new();
                if !name_prefix.is_empty() {
                    parts.push(format!("namePrefix: {}", list_text(name_prefix)));
                }
                if !account_identifiers.is_empty() {
                    parts.push(format!("accountIdentifiers: {}", list_text(account_identifiers)));
                }
                if !class.is_empty() {
                    parts.push(format!("class: {}", list_text(class)));
                }
                write!(f, "SOURCE logGroups({})", parts.join(", "))
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Fields { items, .. } => write!(f, "fields {}", items_text(items)),
            Command::Display { items, .. } => write!(f, "display {}", items_text(items)),
            Command::Filter { expr, .. } => write!(f, "filter {expr}"),
            Command::Stats(s) => {
                write!(f, "stats {}", items_text(&s.items))?;
                if !s.by.is_empty() {
                    write!(f, " by {}", items_text(&s.by))?;
                }
                Ok(())
            }
            Command::Sort { keys, .. } => {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| match k.order {
                        None => k.expr.to_string(),
                        Some(Order::Asc) => format!("{} asc", k.expr),
                        Some(Order::Desc) => format!("{} desc", k.expr),
                    })
                    .collect();
                write!(f, "sort {}", keys.join(", "))
            }
            Command::Limit { n, .. } => write!(f, "limit {n}"),
            Command::Dedup { fields, .. } => {
                write!(f, "dedup {}", fields.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", "))
            }
            Command::Parse(p) => {
                f.write_str("parse ")?;
                if let Some(field) = &p.field {
                    write!(f, "{field} ")?;
                }
                match &p.pattern {
                    ParsePattern::Glob { glob, aliases, .. } => {
                        let names: Vec<String> = aliases.iter().map(|a| field_text(&a.name)).collect();
                        write!(f, "{} as {}", string_text(glob), names.join(", "))
                    }
                    ParsePattern::Regex { regex, .. } => f.write_str(&regex_text(regex)),
                }
            }
            Command::Shape(shape) => write!(f, "{}", shape.kind),
        }
    }
}

/// A `filldown`/`addtotals` name: a field, or a pattern ending in `*`.
fn name_pattern_text(name: &str) -> String {
    match name.strip_suffix('*') {
        Some("") => "*".into(),
        Some(stem) => format!("{}*", field_text(stem)),
        None => field_text(name),
    }
}

impl fmt::Display for ShapeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeKind::Unnest { field, into } => write!(f, "unnest {field} into {}", field_text(&into.name)),
            ShapeKind::Expand { field } => write!(f, "expand {field}"),
            ShapeKind::FillDown { fields } => {
                f.write_str("filldown")?;
                for n in fields {
                    write!(f, " {}", name_pattern_text(&n.name))?;
                }
                Ok(())
            }
            ShapeKind::FillMissing { fills } => {
                f.write_str("fillmissing")?;
                for (i, (v, n)) in fills.iter().enumerate() {
                    write!(f, "{} {v} for {}", if i == 0 { " with" } else { "," }, field_text(&n.name))?;
                }
                Ok(())
            }
            ShapeKind::Accum { field, alias } => match alias {
                Some(a) => write!(f, "accum {field} as {}", field_text(&a.name)),
                None => write!(f, "accum {field}"),
            },
            ShapeKind::AddTotals { fieldname, row, col, fields } => {
                f.write_str("addtotals")?;
                if let Some(n) = fieldname {
                    write!(f, " fieldname={}", field_text(&n.name))?;
                }
                if !row {
                    f.write_str(" row=false")?;
                }
                if *col {
                    f.write_str(" col=true")?;
                }
                let names: Vec<String> = fields.iter().map(|n| name_pattern_text(&n.name)).collect();
                if !names.is_empty() {
                    write!(f, " {}", names.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        if let Some(s) = &self.source {
            write!(f, "{s}")?;
            first = false;
        }
        for c in &self.commands {
            if !first {
                f.write_str("\n| ")?;
            }
            write!(f, "{c}")?;
            first = false;
        }
        Ok(())
    }
}

/// A compact S-expression dump of an expression with its span, for snapshots.
pub fn dump_expr(e: &Expr) -> String {
    let mut out = String::new();
    dump_into(e, &mut out);
    out
}

fn dump_into(e: &Expr, out: &mut String) {
    let _ = match &e.kind {
        ExprKind::Field(n) => write!(out, "{}@{:?}", field_text(n), e.span),
        ExprKind::Number(t) => write!(out, "{t}"),
        ExprKind::Str(s) => write!(out, "{}", string_text(s)),
        ExprKind::Regex(r) => write!(out, "{}", regex_text(r)),
        ExprKind::Period(p) => write!(out, "{}{}", p.amount, p.unit.short()),
        ExprKind::Star => write!(out, "*"),
        ExprKind::Unary(op, x) => {
            let _ = write!(
                out,
                "({} ",
                match op {
                    UnaryOp::Not => "not",
                    UnaryOp::Neg => "neg",
                    UnaryOp::Plus => "pos",
                }
            );
            dump_into(x, out);
            write!(out, ")")
        }
        ExprKind::Binary(op, a, b) => {
            let _ = write!(out, "({} ", op.symbol());
            dump_into(a, out);
            out.push(' ');
            dump_into(b, out);
            write!(out, ")")
        }
        ExprKind::In { expr, list, negated } => {
            let _ = write!(out, "({} ", if *negated { "not-in" } else { "in" });
            dump_into(expr, out);
            out.push_str(" [");
            for (i, x) in list.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                dump_into(x, out);
            }
            write!(out, "])")
        }
        ExprKind::Call { name, args } => {
            let _ = write!(out, "({name}");
            for a in args {
                out.push(' ');
                dump_into(a, out);
            }
            write!(out, ")")
        }
        ExprKind::Index(a, b) => {
            out.push_str("(index ");
            dump_into(a, out);
            out.push(' ');
            dump_into(b, out);
            write!(out, ")")
        }
    };
}

fn dump_items(items: &[Item]) -> String {
    items
        .iter()
        .map(|it| match &it.alias {
            Some(a) => format!("\n    {} as {}", dump_expr(&it.expr), field_text(&a.name)),
            None => format!("\n    {}", dump_expr(&it.expr)),
        })
        .collect()
}

/// A compact multi-line dump of a query with spans, for snapshots.
pub fn dump(q: &Query) -> String {
    let mut out = String::new();
    if let Some(s) = &q.source {
        let span = match s {
            Source::Names { span, .. } | Source::LogGroups { span, .. } => span,
        };
        let _ = writeln!(out, "source {:?}: {s}", span);
    }
    for c in &q.commands {
        let _ = write!(out, "{} {:?}:", c.name(), c.span());
        match c {
            Command::Fields { items, .. } | Command::Display { items, .. } => out.push_str(&dump_items(items)),
            Command::Filter { expr, .. } => {
                let _ = write!(out, " {}", dump_expr(expr));
            }
            Command::Stats(s) => {
                out.push_str(&dump_items(&s.items));
                if !s.by.is_empty() {
                    out.push_str("\n  by");
                    out.push_str(&dump_items(&s.by));
                }
            }
            Command::Sort { keys, .. } => {
                for k in keys {
                    let dir = match k.order {
                        None => "",
                        Some(Order::Asc) => " asc",
                        Some(Order::Desc) => " desc",
                    };
                    let _ = write!(out, "\n    {}{dir}", dump_expr(&k.expr));
                }
            }
            Command::Limit { n, .. } => {
                let _ = write!(out, " {n}");
            }
            Command::Dedup { fields, .. } => {
                for e in fields {
                    let _ = write!(out, " {}", dump_expr(e));
                }
            }
            Command::Parse(p) => {
                if let Some(field) = &p.field {
                    let _ = write!(out, " {}", dump_expr(field));
                }
                match &p.pattern {
                    ParsePattern::Glob { glob, aliases, .. } => {
                        let names: Vec<String> = aliases.iter().map(|a| field_text(&a.name)).collect();
                        let _ = write!(out, " glob {} as {}", string_text(glob), names.join(", "));
                    }
                    ParsePattern::Regex { regex, .. } => {
                        let _ = write!(out, " regex {}", regex_text(regex));
                    }
                }
            }
            Command::Shape(shape) => {
                let _ = write!(out, " {}", shape.kind);
            }
        }
        out.push('\n');
    }
    out
}
