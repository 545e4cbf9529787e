//! The parsed query (PR, "parse result"): [`Query`], [`Command`], [`Expr`], named after the
//! Insights docs. Spans are kept on every node; [`Query::without_spans`] strips them for
//! structural comparison (the print/parse round-trip law).

use crate::span::Span;
use crate::time::Period;

/// A whole query: an optional `SOURCE` selector and the pipeline of commands.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub source: Option<Source>,
    pub commands: Vec<Command>,
    /// Where the source had `--` (two minus signs), for the W303 lint; empty in printed ASTs.
    pub double_minus: Vec<Span>,
}

/// The `SOURCE` prefix, a log-group selector for the caller.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `SOURCE 'name' [START=ms END=ms] | SOURCE 'other' | ...` (dashboard and service form).
    Names { names: Vec<String>, start: Option<i64>, end: Option<i64>, span: Span },
    /// `SOURCE logGroups(namePrefix: [...], accountIdentifiers: [...], class: [...])`.
    LogGroups { name_prefix: Vec<String>, account_identifiers: Vec<String>, class: Vec<String>, span: Span },
}

/// One pipeline stage.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `fields expr [as alias], ...`
    Fields { items: Vec<Item>, span: Span },
    /// `display expr [as alias], ...`
    Display { items: Vec<Item>, span: Span },
    /// `filter expr` (also spelled `where`).
    Filter { expr: Expr, span: Span },
    /// `stats agg [as alias], ... [by expr [as alias], ...]`
    Stats(Stats),
    /// `sort expr [asc|desc], ...`
    Sort { keys: Vec<SortKey>, span: Span },
    /// `limit n`
    Limit { n: u64, span: Span },
    /// `dedup field, ...`
    Dedup { fields: Vec<Expr>, span: Span },
    /// `parse [field] "glob" as a, b` or `parse [field] /regex with (?<name>...)/`
    Parse(Parse),
    /// The row-shaping commands: `unnest`, `expand`, `filldown`, `fillmissing`, `accum`, `addtotals`.
    Shape(Shape),
}

/// A row-shaping command and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub kind: ShapeKind,
    pub span: Span,
}

/// What a row-shaping command does.
#[derive(Clone, Debug, PartialEq)]
pub enum ShapeKind {
    /// `unnest field into item`: one row per element of a LIST (other values: one row).
    Unnest { field: Expr, into: Ident },
    /// `expand field`: one row per element of the field's JSON array, the field holding it.
    Expand { field: Expr },
    /// `filldown [field ...]`: the last non-null value carried into later rows; names may end
    /// with `*`; no names means every column.
    FillDown { fields: Vec<Ident> },
    /// `fillmissing [with value for field, ...]`: rows for empty `bin()` buckets.
    FillMissing { fills: Vec<(Expr, Ident)> },
    /// `accum field [as out]`: the running sum.
    Accum { field: Expr, alias: Option<Ident> },
    /// `addtotals [fieldname=Name] [row=bool] [col=bool] [field, ...]`.
    AddTotals { fieldname: Option<Ident>, row: bool, col: bool, fields: Vec<Ident> },
}

impl ShapeKind {
    /// The command keyword.
    pub fn name(&self) -> &'static str {
        match self {
            ShapeKind::Unnest { .. } => "unnest",
            ShapeKind::Expand { .. } => "expand",
            ShapeKind::FillDown { .. } => "filldown",
            ShapeKind::FillMissing { .. } => "fillmissing",
            ShapeKind::Accum { .. } => "accum",
            ShapeKind::AddTotals { .. } => "addtotals",
        }
    }
}

impl Command {
    /// The command's whole span.
    pub fn span(&self) -> Span {
        match self {
            Command::Fields { span, .. }
            | Command::Display { span, .. }
            | Command::Filter { span, .. }
            | Command::Sort { span, .. }
            | Command::Limit { span, .. }
            | Command::Dedup { span, .. } => *span,
            Command::Stats(s) => s.span,
            Command::Parse(p) => p.span,
            Command::Shape(s) => s.span,
        }
    }

    /// The command keyword as printed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Fields { .. } => "fields",
            Command::Display { .. } => "display",
            Command::Filter { .. } => "filter",
            Command::Stats(_) => "stats",
            Command::Sort { .. } => "sort",
            Command::Limit { .. } => "limit",
            Command::Dedup { .. } => "dedup",
            Command::Parse(_) => "parse",
            Command::Shape(s) => s.kind.name(),
        }
    }
}

/// `stats` items and `by` keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub items: Vec<Item>,
    pub by: Vec<Item>,
    pub span: Span,
}

/// `parse` with its source field (default `@message`) and pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Parse {
    pub field: Option<Expr>,
    pub pattern: ParsePattern,
    pub span: Span,
}

/// A glob with `*` holes and their aliases, or a regex with named groups.
#[derive(Clone, Debug, PartialEq)]
pub enum ParsePattern {
    Glob { glob: String, aliases: Vec<Ident>, span: Span },
    Regex { regex: String, span: Span },
}

/// An expression with an optional `as` alias.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub expr: Expr,
    pub alias: Option<Ident>,
}

/// A name given by the user (an alias).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A `sort` key; `order` is `None` when neither `asc` nor `desc` was written.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<Order>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// An expression node.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A field or alias: `input.inputTokenCount`, `@timestamp`, `@@key`, `` `detail-type` ``.
    Field(String),
    /// A number literal as written (`42`, `3.5`).
    Number(String),
    /// A string literal (escapes resolved).
    Str(String),
    /// A `/regex/` literal.
    Regex(String),
    /// A time period literal, `5m`.
    Period(Period),
    /// `*`, only valid as `count(*)`.
    Star,
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr [not] in [a, b, ...]`
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `name(args)`; `name` is as written, matched case-insensitively.
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// `list[index]` on a `jsonParse` value.
    Index(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Like,
    NotLike,
    /// `=~` (and `~=`).
    Match,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

/// Binding power of each operator (higher binds tighter), from the ScrollQL grammar.
pub(crate) mod prec {
    pub(crate) const OR: u8 = 1;
    pub(crate) const AND: u8 = 2;
    pub(crate) const IN: u8 = 3;
    pub(crate) const LIKE: u8 = 4;
    pub(crate) const EQ: u8 = 5;
    pub(crate) const CMP: u8 = 6;
    pub(crate) const ADD: u8 = 7;
    pub(crate) const MUL: u8 = 8;
    pub(crate) const UNARY: u8 = 9;
    pub(crate) const POW: u8 = 10;
    pub(crate) const ATOM: u8 = 11;
}

impl BinaryOp {
    pub(crate) fn prec(self) -> u8 {
        use BinaryOp::*;
        match self {
            Or => prec::OR,
            And => prec::AND,
            Like | NotLike | Match => prec::LIKE,
            Eq | Ne => prec::EQ,
            Lt | Gt | Le | Ge => prec::CMP,
            Add | Sub => prec::ADD,
            Mul | Div | Mod => prec::MUL,
            Pow => prec::POW,
        }
    }

    /// The operator as printed.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "or",
            And => "and",
            Like => "like",
            NotLike => "not like",
            Match => "=~",
            Eq => "=",
            Ne => "!=",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Pow => "^",
        }
    }
}

impl Expr {
    pub(crate) fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Binding power of this node when printed.
    pub(crate) fn prec(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary(op, ..) => op.prec(),
            ExprKind::In { .. } => prec::IN,
            ExprKind::Unary(..) => prec::UNARY,
            _ => prec::ATOM,
        }
    }

    /// Calls `f` on this node and every descendant, parents first.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Unary(_, e) => e.walk(f),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::In { expr, list, .. } => {
                expr.walk(f);
                list.iter().for_each(|e| e.walk(f));
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.walk(f)),
            _ => {}
        }
    }

    fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            ExprKind::Unary(_, e) => e.clear_spans(),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                a.clear_spans();
                b.clear_spans();
            }
            ExprKind::In { expr, list, .. } => {
                expr.clear_spans();
                list.iter_mut().for_each(Expr::clear_spans);
            }
            ExprKind::Call { args, .. } => args.iter_mut().for_each(Expr::clear_spans),
            _ => {}
        }
    }
}

impl Item {
    fn clear_spans(&mut self) {
        self.expr.clear_spans();
        if let Some(a) = &mut self.alias {
            a.span = Span::default();
        }
    }
}

impl Query {
    /// A copy with every span set to `0..0`, for comparing structure only.
    pub fn without_spans(&self) -> Query {
        let mut q = self.clone();
        q.double_minus.clear();
        if let Some(source) = &mut q.source {
            match source {
                Source::Names { span, .. } | Source::LogGroups { span, .. } => *span = Span::default(),
            }
        }
        for cmd in &mut q.commands {
            match cmd {
                Command::Fields { items, span } | Command::Display { items, span } => {
                    *span = Span::default();
                    items.iter_mut().for_each(Item::clear_spans);
                }
                Command::Filter { expr, span } => {
                    *span = Span::default();
                    expr.clear_spans();
                }
                Command::Stats(s) => {
                    s.span = Span::default();
                    s.items.iter_mut().chain(s.by.iter_mut()).for_each(Item::clear_spans);
                }
                Command::Sort { keys, span } => {
                    *span = Span::default();
                    keys.iter_mut().for_each(|k| k.expr.clear_spans());
                }
                Command::Limit { span, .. } => *span = Span::default(),
                Command::Dedup { fields, span } => {
                    *span = Span::default();
                    fields.iter_mut().for_each(Expr::clear_spans);
                }
                Command::Parse(p) => {
                    p.span = Span::default();
                    if let Some(f) = &mut p.field {
                        f.clear_spans();
                    }
                    match &mut p.pattern {
                        ParsePattern::Glob { aliases, span, .. } => {
                            *span = Span::default();
                            aliases.iter_mut().for_each(|a| a.span = Span::default());
                        }
                        ParsePattern::Regex { span, .. } => *span = Span::default(),
                    }
                }
                Command::Shape(shape) => {
                    shape.span = Span::default();
                    let clear = |i: &mut Ident| i.span = Span::default();
                    match &mut shape.kind {
                        ShapeKind::Unnest { field, into } => {
                            field.clear_spans();
                            clear(into);
                        }
                        ShapeKind::Expand { field } => field.clear_spans(),
                        ShapeKind::FillDown { fields } => fields.iter_mut().for_each(clear),
                        ShapeKind::FillMissing { fills } => fills.iter_mut().for_each(|(v, f)| {
                            v.clear_spans();
                            clear(f);
                        }),
                        ShapeKind::Accum { field, alias } => {
                            field.clear_spans();
                            alias.iter_mut().for_each(clear);
                        }
                        ShapeKind::AddTotals { fieldname, fields, .. } => {
                            fieldname.iter_mut().for_each(clear);
                            fields.iter_mut().for_each(clear);
                        }
                    }
                }
            }
        }
        q
    }
}
