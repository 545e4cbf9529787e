//! Laws checked with proptest: parsing, matching and selecting never panic on arbitrary text;
//! error positions lie inside the pattern on character boundaries; and the printer round-trips,
//! `parse(p.to_string()) == p`, both for parsed text and for generated pattern trees.

use logs_filter::{CmpOp, FilterPattern, JsonExpr, JsonPath, Literal, TermPattern, Test};
use proptest::prelude::*;

const RECORD: &str = r#"{"operation":"Converse","modelId":"m","requestMetadata":{"tenant_id":"tenant-001"},"input":{"inputTokenCount":120},"flags":[true,false],"gone":null,"code":"200"}"#;

/// Text that often looks like a pattern: JSON patterns, terms and regexes with noise.
fn patternish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "\\{ ?\\(?\\$[.a-z\\[\\]0-9@-]{0,10} ?(=|!=|<|<=|>|>=|IS|NOT|EXISTS|is null)? ?[\"*a-z0-9.e-]{0,8} ?(&&|\\|\\|)? ?\\)?\\}?",
        "[-?]?\"[^\"]{0,6}\"?[ a-z\"\\\\-]{0,10}",
        "%[^%]{0,12}%?",
    ]
}

fn check_error_position(src: &str, result: &Result<FilterPattern, logs_filter::FilterPatternError>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert!(e.position <= src.len(), "{src:?}: {e:?}");
        prop_assert!(src.is_char_boundary(e.position), "{src:?}: {e:?}");
        prop_assert!(e.message.starts_with(e.code.message()), "{e:?}");
    }
    Ok(())
}

/// A selector over a few names, odd characters and indexes.
fn json_path() -> impl Strategy<Value = JsonPath> {
    let step = prop_oneof![
        "[A-Za-z0-9_@-]{1,6}".prop_map(|k| format!(".{k}")),
        prop::sample::select(vec![".ünï", ".a", ".requestMetadata"]).prop_map(String::from),
        any::<usize>().prop_map(|i| format!("[{i}]")),
    ];
    prop::collection::vec(step, 1..4).prop_map(|steps| JsonPath::parse(&format!("${}", steps.concat())).unwrap())
}

fn condition() -> impl Strategy<Value = JsonExpr> {
    let number = any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Literal::Number);
    let op = prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
    let test = prop::sample::select(vec![Test::IsNull, Test::Exists, Test::NotExists, Test::IsTrue, Test::IsFalse]);
    prop_oneof![
        (json_path(), op, number).prop_map(|(selector, op, value)| JsonExpr::Compare { selector, op, value }),
        (json_path(), any::<bool>(), any::<String>()).prop_map(|(selector, ne, text)| JsonExpr::Compare {
            selector,
            op: if ne { CmpOp::Ne } else { CmpOp::Eq },
            value: Literal::Text(text),
        }),
        (json_path(), test).prop_map(|(selector, test)| JsonExpr::Test { selector, test }),
    ]
}

fn json_expr() -> impl Strategy<Value = JsonExpr> {
    condition().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(JsonExpr::And),
            prop::collection::vec(inner, 2..4).prop_map(JsonExpr::Or),
        ]
    })
}

fn term_pattern() -> impl Strategy<Value = TermPattern> {
    let terms = || prop::collection::vec(".{1,8}", 0..3);
    (terms(), terms(), terms())
        .prop_filter("at least one term", |(a, n, o)| !(a.is_empty() && n.is_empty() && o.is_empty()))
        .prop_map(|(all, none, any)| TermPattern { all, none, any })
}

fn filter_pattern() -> impl Strategy<Value = FilterPattern> {
    prop_oneof![
        Just(FilterPattern::All),
        term_pattern().prop_map(FilterPattern::Terms),
        json_expr().prop_map(FilterPattern::Json),
        "[a-z0-9 .*+?()|\\\\^$-]{0,10}".prop_filter_map("a regex", |src| FilterPattern::parse(&format!("%{src}%")).ok()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn parse_match_and_select_never_panic(src in patternish(), message in any::<String>(), path in "\\$[.a-z\\[\\]0-9]{0,8}") {
        let parsed = FilterPattern::parse(&src);
        check_error_position(&src, &parsed)?;
        let path = JsonPath::parse(&path);
        if let Ok(pattern) = parsed {
            for m in [message.as_str(), RECORD] {
                let matched = pattern.matches(m);
                prop_assert_eq!(pattern.match_event(m).is_some(), matched);
                if let Ok(path) = &path {
                    let selected = pattern.select(m, path);
                    prop_assert!(matched || selected.is_none());
                }
            }
            let _ = pattern.selectors();
        }
    }

    #[test]
    fn json_path_parse_never_panics_and_round_trips(src in prop_oneof![any::<String>(), "\\$[.a-zü@_\\[\\]0-9 -]{0,12}"]) {
        match JsonPath::parse(&src) {
            Ok(path) => {
                prop_assert_eq!(path.to_string(), src.clone());
                prop_assert_eq!(JsonPath::parse(&path.to_string()), Ok(path));
            }
            Err(e) => prop_assert!(e.position <= src.len() && src.is_char_boundary(e.position)),
        }
    }

    #[test]
    fn parsed_patterns_print_and_parse_back(src in patternish()) {
        if let Ok(pattern) = FilterPattern::parse(&src) {
            let printed = pattern.to_string();
            prop_assert_eq!(FilterPattern::parse(&printed), Ok(pattern.clone()), "printed {:?}", printed);
            // The canonical form is a fixed point.
            prop_assert_eq!(FilterPattern::parse(&printed).unwrap().to_string(), printed);
        }
    }

    #[test]
    fn generated_patterns_print_and_parse_back(pattern in filter_pattern()) {
        let printed = pattern.to_string();
        prop_assert_eq!(FilterPattern::parse(&printed), Ok(pattern), "printed {:?}", printed);
    }
}
