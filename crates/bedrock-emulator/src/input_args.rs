//! The record inputs `query` and `cost` share on the command line (a module of the binary): a
//! data directory's log groups, a records file (`--events`) or delivered S3 objects (`--s3`),
//! the time range, scan threads and what a line that is not a record does; and the
//! [`QueryInput`] they name.

use std::path::PathBuf;

use bedrock_emulator::query_command::QueryInput;

use crate::{BadRecordArg, S3Location};

#[derive(Debug, clap::Args)]
pub(crate) struct InputArgs {
    /// Data directory whose log groups to read (ignored with --events; the emulator must not be running on it).
    #[arg(long, default_value = ".bedrock-emulator", env = "BEDROCK_EMULATOR_DATA_DIR")]
    pub(crate) data_dir: PathBuf,
    /// Log group to read (repeatable). Default: the Bedrock group (for `query`, the query's SOURCE first).
    #[arg(long = "log-group")]
    pub(crate) log_groups: Vec<String>,
    /// Read a file of ModelInvocationLog records (one JSON object per line, plain or gzip) instead.
    /// (`--data-dir`, whose default may come from the environment, is then not read.)
    #[arg(long, conflicts_with = "s3")]
    pub(crate) events: Option<PathBuf>,
    /// Read delivered records: `BUCKET[/PREFIX]` in the data directory's buckets, or
    /// `s3://BUCKET[/PREFIX]` on any S3 endpoint (AWS_ENDPOINT_URL, AWS credentials from the environment).
    #[arg(long, value_name = "[s3://]BUCKET[/PREFIX]")]
    pub(crate) s3: Option<String>,
    /// Start of the time range: RFC 3339 or epoch seconds (inclusive). Default: the beginning.
    #[arg(long)]
    pub(crate) start: Option<String>,
    /// End of the time range: RFC 3339 or epoch seconds (inclusive, to the end of that second).
    #[arg(long)]
    pub(crate) end: Option<String>,
    /// Scan threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub(crate) threads: usize,
    /// What a line of a file or object that is not a record does.
    #[arg(long, value_enum, default_value = "fail")]
    pub(crate) on_bad_record: BadRecordArg,
}

impl InputArgs {
    /// The input these arguments name. A file or objects are shown as the first `--log-group`
    /// (else the Bedrock group); a data directory is read in the `--log-group`s, else in
    /// `default_groups()`.
    pub(crate) fn input(&self, default_groups: impl FnOnce() -> Vec<String>) -> anyhow::Result<QueryInput> {
        let shown = || self.log_groups.first().cloned().unwrap_or_else(|| bedrock_emulator::DEFAULT_LOG_GROUP.to_owned());
        Ok(match (&self.events, &self.s3) {
            (Some(file), _) => QueryInput::Events { file: file.clone(), log_group: shown() },
            (None, Some(location)) => match crate::s3_location(location)? {
                S3Location::Remote(url) => QueryInput::RemoteS3 { url, log_group: shown() },
                S3Location::Local { bucket, prefix } => {
                    QueryInput::S3 { dir: self.data_dir.clone(), bucket, prefix, log_group: shown() }
                }
            },
            (None, None) => {
                let log_groups = if self.log_groups.is_empty() { default_groups() } else { self.log_groups.clone() };
                QueryInput::DataDir { dir: self.data_dir.clone(), log_groups }
            }
        })
    }

    /// `--start`/`--end` as an inclusive range of epoch ms.
    pub(crate) fn time_range(&self) -> anyhow::Result<(i64, i64)> {
        crate::time_range(&self.start, &self.end)
    }
}
