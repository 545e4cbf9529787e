//! Property tests: the parser never panics and keeps spans inside the input on char
//! boundaries; printing an AST and parsing it again gives the same AST; evaluator laws
//! (limit, sort, filter, count, grouped sums, thread count) hold over generated events.

mod common;

use logs_insights::ast::*;
use logs_insights::time::{Period, TimeUnit};
use logs_insights::{CheckOptions, Diagnostic, LogEvent, Span, check, compile, parse};
use proptest::prelude::*;

fn spans_ok(src: &str, diags: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diags {
        for span in std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span)) {
            let (s, e) = (span.start as usize, span.end as usize);
            prop_assert!(s <= e && e <= src.len(), "span {:?} outside {:?}", span, src);
            prop_assert!(src.is_char_boundary(s) && src.is_char_boundary(e), "span {:?} splits a char in {:?}", span, src);
        }
    }
    Ok(())
}

/// Query-like token soup: more interesting than uniform random text.
fn token_soup() -> impl Strategy<Value = String> {
    let tok = prop_oneof![
        Just("fields"),
        Just("filter"),
        Just("stats"),
        Just("sort"),
        Just("limit"),
        Just("dedup"),
        Just("parse"),
        Just("display"),
        Just("SOURCE"),
        Just("by"),
        Just("as"),
        Just("and"),
        Just("or"),
        Just("not"),
        Just("like"),
        Just("in"),
        Just("|"),
        Just(","),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just("*"),
        Just("-"),
        Just("--"),
        Just("/"),
        Just("/x/"),
        Just("\"s\""),
        Just("'q"),
        Just("`b"),
        Just("@timestamp"),
        Just("@@k"),
        Just("a.b"),
        Just("count(*)"),
        Just("sum("),
        Just("bin(1h)"),
        Just("5m"),
        Just("12"),
        Just("3.5"),
        Just("="),
        Just("!="),
        Just("<="),
        Just("=~"),
        Just("^"),
        Just("#c\n"),
        Just("é"),
        Just("日本"),
        Just("\n"),
        Just("asc"),
        Just("desc"),
        Just("logGroups(namePrefix: ['x'])"),
        Just("pattern"),
        Just("ago(1d)"),
        Just("5parsecs"),
        Just("@"),
        Just("$"),
    ];
    prop::collection::vec(tok, 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_any_text(src in "\\PC{0,80}") {
        match parse(&src) {
            Ok(q) => {
                if let Err(d) = check(&q, &CheckOptions::default()) { spans_ok(&src, &d)?; }
            }
            Err(d) => { prop_assert!(!d.is_empty()); spans_ok(&src, &d)?; }
        }
    }

    #[test]
    fn parser_never_panics_on_token_soup(src in token_soup()) {
        match parse(&src) {
            Ok(q) => match check(&q, &CheckOptions::default()) {
                Ok(plan) => spans_ok(&src, plan.warnings())?,
                Err(d) => spans_ok(&src, &d)?,
            },
            Err(d) => { prop_assert!(!d.is_empty()); spans_ok(&src, &d)?; }
        }
    }

    #[test]
    fn print_then_parse_is_identity(q in query()) {
        let printed = q.to_string();
        let reparsed = parse(&printed).map_err(|d| TestCaseError::fail(format!("{printed}\n{}", logs_insights::render(&printed, &d))))?;
        prop_assert_eq!(reparsed.without_spans(), q, "printed: {}", printed);
    }
}

// ---- AST generators (spans are all 0..0, as `without_spans` leaves them) ----

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("level".to_string()),
        Just("input.inputTokenCount".to_string()),
        Just("items.0.id".to_string()),
        Just("@timestamp".to_string()),
        Just("@message".to_string()),
        Just("@@kind".to_string()),
        Just("detail-type".to_string()),
        Just("@aws.tag:x".to_string()),
        Just("_x1".to_string()),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        field_name().prop_map(|n| e(ExprKind::Field(n))),
        (0u32..100_000).prop_map(|n| e(ExprKind::Number(n.to_string()))),
        (0u32..1000, 1u32..100).prop_map(|(a, b)| e(ExprKind::Number(format!("{a}.{b}")))),
        "[a-z \"'\\\\#|\\n\\té]{0,6}".prop_map(|s| e(ExprKind::Str(s))),
        "[a-z0-9 .*+?|()/]{1,6}".prop_map(|s| e(ExprKind::Regex(s))),
        (
            1u64..90,
            prop_oneof![
                Just(TimeUnit::Second),
                Just(TimeUnit::Minute),
                Just(TimeUnit::Hour),
                Just(TimeUnit::Day),
                Just(TimeUnit::Month)
            ]
        )
            .prop_map(|(amount, unit)| e(ExprKind::Period(Period { amount, unit }))),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        let bin = prop_oneof![
            Just(BinaryOp::Or),
            Just(BinaryOp::And),
            Just(BinaryOp::Like),
            Just(BinaryOp::NotLike),
            Just(BinaryOp::Match),
            Just(BinaryOp::Eq),
            Just(BinaryOp::Ne),
            Just(BinaryOp::Lt),
            Just(BinaryOp::Gt),
            Just(BinaryOp::Le),
            Just(BinaryOp::Ge),
            Just(BinaryOp::Add),
            Just(BinaryOp::Sub),
            Just(BinaryOp::Mul),
            Just(BinaryOp::Div),
            Just(BinaryOp::Mod),
            Just(BinaryOp::Pow),
        ];
        let un = prop_oneof![Just(UnaryOp::Not), Just(UnaryOp::Neg), Just(UnaryOp::Plus)];
        let fname = prop_oneof![Just("strlen"), Just("concat"), Just("sum"), Just("count"), Just("bin"), Just("jsonParse")];
        prop_oneof![
            (bin, inner.clone(), inner.clone()).prop_map(|(op, a, b)| e(ExprKind::Binary(op, Box::new(a), Box::new(b)))),
            (un, inner.clone()).prop_map(|(op, a)| e(ExprKind::Unary(op, Box::new(a)))),
            (inner.clone(), prop::collection::vec(inner.clone(), 0..3), any::<bool>())
                .prop_map(|(x, list, negated)| e(ExprKind::In { expr: Box::new(x), list, negated })),
            (fname, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(n, args)| e(ExprKind::Call { name: n.to_string(), args })),
            Just(e(ExprKind::Call { name: "count".into(), args: vec![e(ExprKind::Star)] })),
            (inner.clone(), inner).prop_map(|(a, b)| e(ExprKind::Index(Box::new(a), Box::new(b)))),
        ]
    })
}

fn alias() -> impl Strategy<Value = Option<Ident>> {
    prop::option::of(
        prop_oneof![Just("x"), Just("Total_1"), Just("@t"), Just("my col")]
            .prop_map(|n| Ident { name: n.to_string(), span: Span::default() }),
    )
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    prop::collection::vec((expr(), alias()).prop_map(|(expr, alias)| Item { expr, alias }), 1..4)
}

fn command() -> impl Strategy<Value = Command> {
    let sp = Span::default();
    prop_oneof![
        items().prop_map(move |items| Command::Fields { items, span: sp }),
        items().prop_map(move |items| Command::Display { items, span: sp }),
        expr().prop_map(move |expr| Command::Filter { expr, span: sp }),
        (items(), prop::collection::vec((expr(), alias()).prop_map(|(expr, alias)| Item { expr, alias }), 0..3))
            .prop_map(move |(items, by)| Command::Stats(Stats { items, by, span: sp })),
        prop::collection::vec(
            (expr(), prop::option::of(prop_oneof![Just(Order::Asc), Just(Order::Desc)]))
                .prop_map(|(expr, order)| SortKey { expr, order }),
            1..3
        )
        .prop_map(move |keys| Command::Sort { keys, span: sp }),
        (1u64..=10_000).prop_map(move |n| Command::Limit { n, span: sp }),
        prop::collection::vec(field_name().prop_map(|n| e(ExprKind::Field(n))), 1..3)
            .prop_map(move |fields| Command::Dedup { fields, span: sp }),
        (
            prop::option::of(field_name().prop_map(|n| e(ExprKind::Field(n)))),
            "[a-z=: ]{0,4}\\*[a-z,]{0,3}",
            alias().prop_filter("alias", Option::is_some)
        )
            .prop_map(move |(field, glob, a)| Command::Parse(Parse {
                field,
                pattern: ParsePattern::Glob { glob, aliases: vec![a.unwrap()], span: sp },
                span: sp
            })),
        (prop::option::of(field_name().prop_map(|n| e(ExprKind::Field(n)))), "\\(\\?<g>[a-z.+*]{1,4}\\)").prop_map(
            move |(field, regex)| Command::Parse(Parse { field, pattern: ParsePattern::Regex { regex, span: sp }, span: sp })
        ),
    ]
}

fn source() -> impl Strategy<Value = Option<Source>> {
    let sp = Span::default();
    prop::option::of(prop_oneof![
        (
            prop::collection::vec("[a-z/_-]{1,12}", 1..3),
            prop::option::of(0i64..2_000_000_000_000),
            prop::option::of(0i64..2_000_000_000_000)
        )
            .prop_map(move |(names, start, end)| Source::Names { names, start, end, span: sp }),
        prop::collection::vec("[a-z/_-]{1,12}", 0..3).prop_map(move |name_prefix| Source::LogGroups {
            name_prefix,
            account_identifiers: vec![],
            class: vec![],
            span: sp
        }),
    ])
}

fn query() -> impl Strategy<Value = Query> {
    (source(), prop::collection::vec(command(), 1..5)).prop_map(|(source, commands)| Query {
        source,
        commands,
        double_minus: vec![],
    })
}

// ---- Evaluator laws ----

#[derive(Clone, Debug)]
struct Ev {
    ts: i64,
    group: Option<&'static str>,
    n: Option<i64>,
}

fn events() -> impl Strategy<Value = Vec<Ev>> {
    prop::collection::vec(
        (
            0i64..5_000_000,
            prop::option::of(prop_oneof![Just("a"), Just("b"), Just("c"), Just("d")]),
            prop::option::of(-1000i64..1000),
        )
            .prop_map(|(ts, group, n)| Ev { ts: 1_733_011_200_000 + ts, group, n }),
        0..60,
    )
}

fn messages(evs: &[Ev]) -> Vec<String> {
    evs.iter()
        .map(|ev| {
            let mut m = serde_json::Map::new();
            if let Some(g) = ev.group {
                m.insert("g".into(), g.into());
            }
            if let Some(n) = ev.n {
                m.insert("n".into(), n.into());
            }
            m.insert("pad".into(), "x".repeat((ev.ts % 7) as usize).into());
            serde_json::Value::Object(m).to_string()
        })
        .collect()
}

fn log_events<'a>(evs: &[Ev], msgs: &'a [String]) -> Vec<LogEvent<'a>> {
    evs.iter()
        .zip(msgs)
        .map(|(ev, m)| LogEvent {
            timestamp: ev.ts,
            ingestion_time: ev.ts,
            message: m.as_bytes(),
            log_stream: "s",
            log_group: "g",
            ptr: "p",
        })
        .collect()
}

fn run(q: &str, evs: &[LogEvent<'_>]) -> logs_insights::QueryResult {
    let plan = compile(q, &CheckOptions::default()).unwrap_or_else(|d| panic!("{q}: {d:?}"));
    let single = plan.run(evs.iter().copied());
    assert_eq!(plan.run_parallel(evs, 2), single, "{q}: two threads differ from one");
    assert_eq!(plan.run_parallel(evs, 5), single, "{q}: five threads differ from one");
    single
}

fn ints(res: &logs_insights::QueryResult, col: &str) -> Vec<Option<i64>> {
    (0..res.rows.len()).map(|i| res.get(i, col).map(|v| v.parse().unwrap())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn limit_gives_at_most_n_rows(evs in events(), n in 1u64..20) {
        let msgs = messages(&evs);
        let res = run(&format!("fields n | limit {n}"), &log_events(&evs, &msgs));
        prop_assert_eq!(res.rows.len() as u64, (evs.len() as u64).min(n));
    }

    #[test]
    fn sort_output_is_sorted(evs in events(), desc in any::<bool>()) {
        let msgs = messages(&evs);
        let dir = if desc { "desc" } else { "asc" };
        let res = run(&format!("fields n | sort n {dir}"), &log_events(&evs, &msgs));
        let got = ints(&res, "n");
        let mut want = got.clone();
        // Nulls sort first ascending (a choice), and `desc` is the exact reverse.
        want.sort();
        if desc { want.reverse(); }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn default_order_is_newest_first(evs in events()) {
        let msgs = messages(&evs);
        let res = run("fields @timestamp", &log_events(&evs, &msgs));
        let ts: Vec<String> = (0..res.rows.len()).map(|i| res.get(i, "@timestamp").unwrap().to_string()).collect();
        let mut want = ts.clone();
        want.sort_by(|a, b| b.cmp(a));
        prop_assert_eq!(ts, want);
    }

    #[test]
    fn filter_never_adds_rows(evs in events(), t in -1000i64..1000) {
        let msgs = messages(&evs);
        let le = log_events(&evs, &msgs);
        let all = run("fields n", &le);
        let some = run(&format!("filter n > {t} | fields n"), &le);
        prop_assert!(some.rows.len() <= all.rows.len());
        prop_assert!(ints(&some, "n").iter().all(|v| v.is_some_and(|v| v > t)));
    }

    #[test]
    fn count_star_equals_rows_passing_the_filter(evs in events(), t in -1000i64..1000) {
        let msgs = messages(&evs);
        let le = log_events(&evs, &msgs);
        let res = run(&format!("filter n > {t} | stats count(*) as c"), &le);
        let want = evs.iter().filter(|e| e.n.is_some_and(|n| n > t)).count();
        if want == 0 {
            // An ungrouped `stats` over no rows has no group, so no row (a choice).
            prop_assert!(res.rows.is_empty());
        } else {
            let want_text = want.to_string();
            prop_assert_eq!(res.get(0, "c"), Some(want_text.as_str()));
        }
        prop_assert_eq!(res.statistics.records_matched as usize, want);
        let rows = run(&format!("filter n > {t} | fields n"), &le);
        prop_assert_eq!(rows.rows.len(), want);
    }

    #[test]
    fn sum_over_groups_equals_ungrouped_sum(evs in events()) {
        let msgs = messages(&evs);
        let le = log_events(&evs, &msgs);
        let grouped = run("stats sum(n) as s, count(*) as c by g", &le);
        let total = run("stats sum(n) as s, count(*) as c", &le);
        let group_sum: i64 = ints(&grouped, "s").into_iter().flatten().sum();
        let group_count: i64 = ints(&grouped, "c").into_iter().flatten().sum();
        let want_sum: Option<i64> = evs.iter().filter_map(|e| e.n).fold(None, |acc, n| Some(acc.unwrap_or(0) + n));
        prop_assert_eq!(ints(&total, "s").first().copied().flatten(), want_sum);
        prop_assert_eq!(group_sum, want_sum.unwrap_or(0));
        prop_assert_eq!(group_count, evs.len() as i64);
    }
}
