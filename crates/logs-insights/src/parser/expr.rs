//! The precedence-climbing expression parser (table in [`crate::ast::prec`]).

use super::{PResult, Parser};
use crate::ast::{BinaryOp, Expr, ExprKind, UnaryOp, prec};
use crate::lexer::Tok;

/// Words that end an expression instead of starting one (`stats count(*) by x`).
const NOT_AN_OPERAND: &[&str] = &["by", "as", "asc", "desc"];

/// A binary operator found at the cursor: operator (or `in`), precedence, token count.
enum Infix {
    Op(BinaryOp),
    In { negated: bool },
}

impl Parser {
    /// Parses a full expression.
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.binary(prec::OR)
    }

    fn peek_infix(&self) -> Option<(Infix, u8, usize)> {
        let word = |i: usize, w: &str| matches!(&self.peek_at(i).tok, Tok::Ident(s) if s.eq_ignore_ascii_case(w));
        let op = |op: BinaryOp| Some((Infix::Op(op), op.prec(), 1));
        match &self.peek().tok {
            Tok::Ident(s) => match s.to_ascii_lowercase().as_str() {
                "or" => op(BinaryOp::Or),
                "and" => op(BinaryOp::And),
                "like" => op(BinaryOp::Like),
                "matches" => op(BinaryOp::Match),
                "in" => Some((Infix::In { negated: false }, prec::IN, 1)),
                "not" if word(1, "like") => Some((Infix::Op(BinaryOp::NotLike), prec::LIKE, 2)),
                "not" if word(1, "in") => Some((Infix::In { negated: true }, prec::IN, 2)),
                _ => None,
            },
            Tok::Match => op(BinaryOp::Match),
            Tok::Eq | Tok::EqEq => op(BinaryOp::Eq),
            Tok::NotEq => op(BinaryOp::Ne),
            Tok::Lt => op(BinaryOp::Lt),
            Tok::Gt => op(BinaryOp::Gt),
            Tok::Le => op(BinaryOp::Le),
            Tok::Ge => op(BinaryOp::Ge),
            Tok::Plus => op(BinaryOp::Add),
            Tok::Minus => op(BinaryOp::Sub),
            Tok::Star => op(BinaryOp::Mul),
            Tok::Slash => op(BinaryOp::Div),
            Tok::Percent => op(BinaryOp::Mod),
            _ => None,
        }
    }

    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        while let Some((infix, p, n_tokens)) = self.peek_infix() {
            if p < min {
                break;
            }
            for _ in 0..n_tokens {
                self.bump();
            }
            match infix {
                Infix::In { negated } => {
                    self.expect(Tok::LBracket, "`in`", "`[`")?;
                    let mut list = Vec::new();
                    if self.peek().tok != Tok::RBracket {
                        loop {
                            list.push(self.binary(prec::IN + 1)?);
                            if !self.eat(&Tok::Comma) {
                                break;
                            }
                        }
                    }
                    let close = self.expect(Tok::RBracket, "the `in` list", "`,` or `]`")?;
                    let span = lhs.span.to(close);
                    lhs = Expr::new(ExprKind::In { expr: Box::new(lhs), list, negated }, span);
                }
                Infix::Op(op) => {
                    let rhs = self.binary(p + 1)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
                }
            }
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let start = self.peek().span;
        let op = match &self.peek().tok {
            Tok::Ident(s) if s.eq_ignore_ascii_case("not") => Some(UnaryOp::Not),
            Tok::Bang => Some(UnaryOp::Not),
            Tok::Minus => Some(UnaryOp::Neg),
            Tok::Plus => Some(UnaryOp::Plus),
            _ => None,
        };
        match op {
            Some(op) => {
                self.bump();
                let inner = self.unary()?;
                let span = start.to(inner.span);
                Ok(Expr::new(ExprKind::Unary(op, Box::new(inner)), span))
            }
            None => self.power(),
        }
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.postfix()?;
        if self.eat(&Tok::Caret) {
            let exp = self.unary()?;
            let span = base.span.to(exp.span);
            return Ok(Expr::new(ExprKind::Binary(BinaryOp::Pow, Box::new(base), Box::new(exp)), span));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        while self.peek().tok == Tok::LBracket {
            self.bump();
            let idx = self.expr()?;
            let close = self.expect(Tok::RBracket, "an index", "`]`")?;
            let span = e.span.to(close);
            e = Expr::new(ExprKind::Index(Box::new(e), Box::new(idx)), span);
        }
        Ok(e)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let token = self.peek().clone();
        let span = token.span;
        let kind = match token.tok {
            Tok::Number(_, text) => ExprKind::Number(text),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Regex(r) => ExprKind::Regex(r),
            Tok::Period(amount, unit, _) => ExprKind::Period(crate::time::Period { amount, unit }),
            Tok::Field(name) => ExprKind::Field(name),
            Tok::Star => ExprKind::Star,
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(Tok::RParen, "a parenthesized expression", "`)`")?;
                return Ok(inner);
            }
            Tok::Ident(name) if !NOT_AN_OPERAND.iter().any(|w| w.eq_ignore_ascii_case(&name)) => {
                self.bump();
                if self.peek().tok == Tok::LParen {
                    self.bump();
                    let mut args = Vec::new();
                    if self.peek().tok != Tok::RParen {
                        loop {
                            args.push(self.expr()?);
                            if !self.eat(&Tok::Comma) {
                                break;
                            }
                        }
                    }
                    let close = self.expect(Tok::RParen, &format!("`{name}(`"), "`,` or `)`")?;
                    return Ok(Expr::new(ExprKind::Call { name, args }, span.to(close)));
                }
                return Ok(Expr::new(ExprKind::Field(name), span));
            }
            _ => return Err(self.unexpected("an expression")),
        };
        self.bump();
        Ok(Expr::new(kind, span))
    }
}
