//! The evaluator's input and output shapes: [`LogEvent`] in, [`QueryResult`] out, shaped
//! like CloudWatch Logs `GetQueryResults` (every value a string).

/// One CloudWatch Logs event as the caller stores it.
#[derive(Clone, Copy, Debug)]
pub struct LogEvent<'a> {
    /// `@timestamp`, epoch ms.
    pub timestamp: i64,
    /// `@ingestionTime`, epoch ms.
    pub ingestion_time: i64,
    /// The raw message bytes, usually a JSON object.
    pub message: &'a [u8],
    /// `@logStream`.
    pub log_stream: &'a str,
    /// `@log`, rendered verbatim (AWS shows `account-id:log-group-name`).
    pub log_group: &'a str,
    /// `@ptr`, an opaque pointer the caller assigns.
    pub ptr: &'a str,
}

/// One `{field, value}` of a result row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultField {
    pub field: String,
    pub value: String,
}

/// `GetQueryResults.statistics`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Statistics {
    pub records_matched: u64,
    pub records_scanned: u64,
    pub bytes_scanned: u64,
}

impl Statistics {
    pub(crate) fn add(&mut self, o: Statistics) {
        self.records_matched += o.records_matched;
        self.records_scanned += o.records_scanned;
        self.bytes_scanned += o.bytes_scanned;
    }
}

/// The rows of a finished query. Fields absent for a row are omitted from it; event rows
/// end with `@ptr`.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<ResultField>>,
    pub statistics: Statistics,
}

impl QueryResult {
    /// The value of `field` in row `row`, if present.
    pub fn get(&self, row: usize, field: &str) -> Option<&str> {
        self.rows.get(row)?.iter().find(|f| f.field == field).map(|f| f.value.as_str())
    }

    /// The columns a table of this result shows: the query's columns, then `@ptr` when the
    /// rows are events.
    pub fn printed_columns(&self) -> Vec<String> {
        let mut cols = self.columns.clone();
        if self.rows.iter().any(|r| r.last().is_some_and(|f| f.field == "@ptr")) && !cols.iter().any(|c| c == "@ptr") {
            cols.push("@ptr".into());
        }
        cols
    }

    /// A plain aligned text table (absent values shown as `∅`), for snapshots and CLIs.
    pub fn to_table(&self) -> String {
        let cols = self.printed_columns();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|c| r.iter().find(|f| &f.field == c).map_or("∅".to_string(), |f| f.value.replace('\n', "\\n")))
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| cells.iter().map(|r| r[i].chars().count()).chain([c.chars().count()]).max().unwrap_or(0))
            .collect();
        let line = |vals: &[String]| {
            let s: Vec<String> =
                vals.iter().zip(&widths).map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count()))).collect();
            format!("| {} |", s.join(" | ")).trim_end().to_string()
        };
        let mut out = line(&cols);
        out.push('\n');
        out.push_str(&format!("|{}|\n", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("|")));
        for r in &cells {
            out.push_str(&line(r));
            out.push('\n');
        }
        let s = self.statistics;
        out.push_str(&format!(
            "{} row(s); recordsMatched={} recordsScanned={} bytesScanned={}\n",
            self.rows.len(),
            s.records_matched,
            s.records_scanned,
            s.bytes_scanned
        ));
        out
    }
}
