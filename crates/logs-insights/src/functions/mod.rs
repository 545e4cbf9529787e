//! The function registry, keyed by the literal Insights name (matched case-insensitively).
//!
//! Scalar functions are plain `fn` pointers over evaluated arguments. Functions that need
//! compile-time arguments (a regex, a time period, the query clock) and the aggregates
//! are described here too but compiled specially by the checker.

mod datetime;
mod general;
mod hash;
mod ip;
mod json;
mod numeric;
mod string;

use crate::value::Value;

/// A scalar function over evaluated arguments (nulls included).
pub(crate) type ScalarFn = for<'a> fn(&mut [Value<'a>]) -> Value<'a>;

/// The documentation group a function belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Group {
    General,
    Numeric,
    Datetime,
    String,
    Ip,
    Json,
    Hash,
    Aggregate,
}

impl Group {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Group::General => "general",
            Group::Numeric => "numeric",
            Group::Datetime => "datetime",
            Group::String => "string",
            Group::Ip => "ip",
            Group::Json => "json",
            Group::Hash => "hash",
            Group::Aggregate => "aggregate",
        }
    }
}

/// Aggregates, usable only in `stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggKind {
    /// `count()` / `count(*)`: all rows.
    Count,
    /// `count(field)`: rows where the field is present.
    CountField,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
    Pct,
    Stddev,
    Earliest,
    Latest,
    SortsFirst,
    SortsLast,
}

/// How the checker compiles a call.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Scalar(ScalarFn),
    Aggregate(AggKind),
    /// `bin(period)`: only a `stats ... by` key.
    Bin,
    /// `datefloor(ts, period)` / `dateceil(ts, period)`.
    DateRound {
        ceil: bool,
    },
    /// `regexReplace(s, /re/, replacement)`.
    RegexReplace,
    /// `now()`: epoch seconds from the check options' clock.
    Now,
    /// `queryStartTime()`, `queryEndTime()`, `queryTimeRange()` from the check options.
    QueryTime(QueryTime),
    /// `messageSize()`: bytes of `@message`.
    MessageSize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueryTime {
    Start,
    End,
    Range,
}

/// One registry entry.
pub(crate) struct FnDef {
    pub(crate) name: &'static str,
    pub(crate) group: Group,
    pub(crate) min_args: usize,
    /// `None` for variadic.
    pub(crate) max_args: Option<usize>,
    pub(crate) kind: Kind,
}

const fn def(name: &'static str, group: Group, min_args: usize, max_args: Option<usize>, kind: Kind) -> FnDef {
    FnDef { name, group, min_args, max_args, kind }
}

use Group::*;
use Kind::*;

/// Every supported function.
pub(crate) static REGISTRY: &[FnDef] = &[
    // general
    def("ispresent", General, 1, Some(1), Scalar(general::ispresent)),
    def("coalesce", General, 1, None, Scalar(general::coalesce)),
    def("if", General, 3, Some(3), Scalar(general::if_)),
    def("case", General, 1, Some(21), Scalar(general::case)),
    def("isNumeric", General, 1, Some(1), Scalar(general::is_numeric)),
    def("messageSize", General, 0, Some(0), MessageSize),
    def("queryStartTime", General, 0, Some(0), QueryTime(QueryTime::Start)),
    def("queryEndTime", General, 0, Some(0), QueryTime(QueryTime::End)),
    def("queryTimeRange", General, 0, Some(0), QueryTime(QueryTime::Range)),
    // numeric
    def("abs", Numeric, 1, Some(1), Scalar(numeric::abs)),
    def("ceil", Numeric, 1, Some(1), Scalar(numeric::ceil)),
    def("floor", Numeric, 1, Some(1), Scalar(numeric::floor)),
    def("greatest", Numeric, 1, None, Scalar(numeric::greatest)),
    def("least", Numeric, 1, None, Scalar(numeric::least)),
    def("log", Numeric, 1, Some(1), Scalar(numeric::log)),
    def("sqrt", Numeric, 1, Some(1), Scalar(numeric::sqrt)),
    def("round", Numeric, 1, Some(2), Scalar(numeric::round)),
    def("haversine", Numeric, 4, Some(4), Scalar(numeric::haversine)),
    def("toNumber", Numeric, 1, Some(1), Scalar(numeric::to_double)),
    def("toDouble", Numeric, 1, Some(1), Scalar(numeric::to_double)),
    def("toInt", Numeric, 1, Some(1), Scalar(numeric::to_int)),
    def("toLong", Numeric, 1, Some(1), Scalar(numeric::to_int)),
    // datetime
    def("bin", Datetime, 1, Some(1), Bin),
    def("datefloor", Datetime, 2, Some(2), DateRound { ceil: false }),
    def("dateceil", Datetime, 2, Some(2), DateRound { ceil: true }),
    def("fromMillis", Datetime, 1, Some(1), Scalar(datetime::from_millis)),
    def("toMillis", Datetime, 1, Some(1), Scalar(datetime::to_millis)),
    def("now", Datetime, 0, Some(0), Now),
    def("parseDate", Datetime, 1, Some(2), Scalar(datetime::parse_date)),
    def("formatDate", Datetime, 2, Some(2), Scalar(datetime::format_date)),
    // string
    def("isempty", String, 1, Some(1), Scalar(string::isempty)),
    def("isblank", String, 1, Some(1), Scalar(string::isblank)),
    def("concat", String, 1, None, Scalar(string::concat)),
    def("ltrim", String, 1, Some(2), Scalar(string::ltrim)),
    def("rtrim", String, 1, Some(2), Scalar(string::rtrim)),
    def("trim", String, 1, Some(2), Scalar(string::trim)),
    def("strlen", String, 1, Some(1), Scalar(string::strlen)),
    def("toupper", String, 1, Some(1), Scalar(string::toupper)),
    def("tolower", String, 1, Some(1), Scalar(string::tolower)),
    def("substr", String, 2, Some(3), Scalar(string::substr)),
    def("replace", String, 3, Some(3), Scalar(string::replace)),
    def("regexReplace", String, 3, Some(3), RegexReplace),
    def("strcontains", String, 2, Some(3), Scalar(string::strcontains)),
    def("startsWith", String, 2, Some(2), Scalar(string::starts_with)),
    def("endsWith", String, 2, Some(2), Scalar(string::ends_with)),
    def("urlencode", String, 1, Some(1), Scalar(string::urlencode)),
    def("urldecode", String, 1, Some(1), Scalar(string::urldecode)),
    def("base64encode", String, 1, Some(1), Scalar(string::base64encode)),
    def("base64decode", String, 1, Some(1), Scalar(string::base64decode)),
    def("split", String, 2, Some(2), Scalar(string::split)),
    def("hexToAscii", String, 1, Some(1), Scalar(string::hex_to_ascii)),
    def("hexToDec", String, 1, Some(1), Scalar(string::hex_to_dec)),
    def("decToHex", String, 1, Some(1), Scalar(string::dec_to_hex)),
    // IP
    def("isValidIp", Ip, 1, Some(1), Scalar(ip::is_valid_ip)),
    def("isValidIpV4", Ip, 1, Some(1), Scalar(ip::is_valid_ipv4)),
    def("isValidIpV6", Ip, 1, Some(1), Scalar(ip::is_valid_ipv6)),
    def("isIpInSubnet", Ip, 2, Some(2), Scalar(ip::is_ip_in_subnet)),
    def("isIpv4InSubnet", Ip, 2, Some(2), Scalar(ip::is_ipv4_in_subnet)),
    def("isIpv6InSubnet", Ip, 2, Some(2), Scalar(ip::is_ipv6_in_subnet)),
    def("ipv4ToNumber", Ip, 1, Some(1), Scalar(ip::ipv4_to_number)),
    def("isPrivateIP", Ip, 1, Some(1), Scalar(ip::is_private_ip)),
    def("isPublicIP", Ip, 1, Some(1), Scalar(ip::is_public_ip)),
    def("isReservedIP", Ip, 1, Some(1), Scalar(ip::is_reserved_ip)),
    // JSON
    def("jsonParse", Json, 1, Some(1), Scalar(json::json_parse)),
    def("jsonStringify", Json, 1, Some(1), Scalar(json::json_stringify)),
    def("jsonArraySize", Json, 1, Some(1), Scalar(json::json_array_size)),
    def("jsonArrayContains", Json, 2, Some(2), Scalar(json::json_array_contains)),
    // hashing
    def("md5", Hash, 1, Some(1), Scalar(hash::md5)),
    def("sha256", Hash, 1, Some(1), Scalar(hash::sha256)),
    // aggregates
    def("count", Group::Aggregate, 0, Some(1), Kind::Aggregate(AggKind::Count)),
    def("count_distinct", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::CountDistinct)),
    def("sum", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Sum)),
    def("avg", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Avg)),
    def("min", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Min)),
    def("max", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Max)),
    def("pct", Group::Aggregate, 2, Some(2), Kind::Aggregate(AggKind::Pct)),
    def("stddev", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Stddev)),
    def("earliest", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Earliest)),
    def("latest", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Latest)),
    def("sortsFirst", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::SortsFirst)),
    def("sortsLast", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::SortsLast)),
    // time series (stats ... by bin(...)): counts and sums per bucket
    def("countOverTime", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Count)),
    def("count_over_time", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Count)),
    def("sumOverTime", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Sum)),
    def("sum_over_time", Group::Aggregate, 1, Some(1), Kind::Aggregate(AggKind::Sum)),
];

/// Documented Insights functions this engine rejects by name instead of ignoring, each with why.
pub(crate) static UNSUPPORTED: &[(&str, &str)] = &[
    ("unmask", "it needs the data-protection policies and the logs:Unmask permission, which the emulator does not model"),
    (
        "rate",
        "the documentation does not define its window or units precisely enough to emulate; use `stats sum(x) by bin(period)` and divide",
    ),
    ("histogram", "the documentation does not define its bucket bounds or the MAP it returns precisely enough to emulate"),
];

/// Finds a function by its name, case-insensitively.
pub(crate) fn lookup(name: &str) -> Option<&'static FnDef> {
    REGISTRY.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

/// Takes an argument out of the slice, leaving null behind.
pub(crate) fn take<'a>(args: &mut [Value<'a>], i: usize) -> Value<'a> {
    args.get_mut(i).map(std::mem::take).unwrap_or(Value::Null)
}

/// Epoch ms of a timestamp-like value (for `datefloor`/`dateceil`).
pub(crate) fn to_ms(v: &Value<'_>) -> Option<i64> {
    match datetime::to_millis(&mut [v.clone()]) {
        Value::Int(ms) => Some(ms),
        _ => None,
    }
}

pub(crate) use json::{from_json, get_path as json_get_path, index as json_index};
