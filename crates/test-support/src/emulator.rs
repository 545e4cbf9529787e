//! The emulator in-process for a test: port 0, a fresh temporary data directory, a manual clock
//! the test moves, sequential request ids, a principal map for the test's access key, and waits
//! (a fault rule's latency, realistic pacing) spent by moving the clock, so no test sleeps.

use std::sync::Arc;

use bedrock_emulator::clock::ManualClock;
use bedrock_emulator::ids::SequentialIds;
use bedrock_emulator::{EmulatorConfig, Principals, RunningEmulator};

use crate::clients::{Clients, sdk_config};

/// 2025-12-03T10:54:44.250Z: the first instant of the real example records, plus 250 ms.
pub const T0_MS: i64 = 1_764_759_284_250;
/// The access key the test clients sign with.
pub const ACCESS_KEY: &str = "AKIDINTEGRATIONTEST";
/// The secret of [`ACCESS_KEY`] (not checked unless IAM is enforced).
pub const SECRET_KEY: &str = "integration-secret";
/// The principal the test principal map gives that key.
pub const PRINCIPAL_ARN: &str = "arn:aws:sts::123456789012:assumed-role/PlatformTeam/ci-session";

/// Who the test clients are and when the test starts.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// The emulator clock's start, epoch ms.
    pub t0_ms: i64,
    /// The access key the clients sign with.
    pub access_key: String,
    /// Its secret.
    pub secret_key: String,
    /// The principal ARN the emulator gives that key.
    pub principal_arn: String,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            t0_ms: T0_MS,
            access_key: ACCESS_KEY.to_owned(),
            secret_key: SECRET_KEY.to_owned(),
            principal_arn: PRINCIPAL_ARN.to_owned(),
        }
    }
}

impl TestOptions {
    /// The options of an emulator that enforces IAM: the clock at the wall clock's now (SDKs
    /// sign with the real time, checked within 15 minutes), the clients signing as the account
    /// root (`test`/`test`).
    pub fn enforcing() -> Self {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(T0_MS, |d| d.as_millis() as i64);
        Self { t0_ms: now, access_key: "test".to_owned(), secret_key: "test".to_owned(), ..Self::default() }
    }

    /// The emulator configuration for a data directory, with the manual clock and sequential ids.
    pub fn config(&self, dir: &std::path::Path, clock: Arc<ManualClock>) -> EmulatorConfig {
        let mut config = EmulatorConfig::new(dir);
        config.clock = clock;
        config.ids = Arc::new(SequentialIds::default());
        config.waits = bedrock_emulator::Waits::AdvanceClock;
        config.principals =
            Principals { by_access_key: [(self.access_key.clone(), self.principal_arn.clone())].into(), default_arn: None };
        config
    }
}

/// A running in-process emulator and what a test needs around it.
#[derive(Debug)]
pub struct TestEmulator {
    /// The emulator.
    pub emulator: RunningEmulator,
    /// Its clock.
    pub clock: Arc<ManualClock>,
    /// Its data directory (removed when dropped).
    pub dir: tempfile::TempDir,
    /// Who the clients are.
    pub options: TestOptions,
}

impl TestEmulator {
    /// Starts with the default configuration (logging on to `/aws/bedrock/modelinvocations`).
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with a configuration adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut EmulatorConfig)) -> Self {
        Self::start_with_options(TestOptions::default(), adjust).await.expect("the test emulator starts")
    }

    /// Starts an emulator enforcing IAM in `mode` (clients sign as the root, `test`/`test`).
    pub async fn start_enforcing(mode: bedrock_emulator::Enforcement) -> Self {
        Self::start_with_options(TestOptions::enforcing(), |c| c.enforce_iam = mode).await.expect("the test emulator starts")
    }

    /// Starts for `options`, with a configuration adjusted by `adjust`.
    pub async fn start_with_options(
        options: TestOptions,
        adjust: impl FnOnce(&mut EmulatorConfig),
    ) -> Result<Self, StartTestError> {
        let dir = tempfile::tempdir().map_err(StartTestError::TempDir)?;
        let clock = Arc::new(ManualClock::new(options.t0_ms));
        let mut config = options.config(dir.path(), Arc::clone(&clock));
        adjust(&mut config);
        let emulator = bedrock_emulator::start(config).await.map_err(StartTestError::Start)?;
        Ok(Self { emulator, clock, dir, options })
    }

    /// The endpoint URL (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        self.emulator.endpoint_url()
    }

    /// SDK clients signing with the test key for `region`.
    pub fn clients(&self, region: &str) -> Clients {
        Clients::new(&sdk_config(&self.url(), region, &self.options.access_key, &self.options.secret_key))
    }

    /// An aws-sdk-bedrockruntime client signing for `region`.
    pub fn runtime(&self, region: &str) -> aws_sdk_bedrockruntime::Client {
        self.clients(region).runtime
    }

    /// An aws-sdk-bedrock (control plane) client (us-east-1).
    pub fn control(&self) -> aws_sdk_bedrock::Client {
        self.clients("us-east-1").bedrock
    }

    /// An aws-sdk-cloudwatchlogs client (us-east-1).
    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        self.clients("us-east-1").logs
    }

    /// Stops the emulator (a clean shutdown), keeping its data directory and clock for a restart.
    pub async fn stop(self) -> StoppedEmulator {
        let TestEmulator { emulator, clock, dir, options } = self;
        emulator.shutdown().await;
        StoppedEmulator { clock, dir, options }
    }

    /// Stops and starts again over the same data directory and clock.
    pub async fn restart(self) -> Self {
        self.stop().await.start().await
    }

    /// Sends a document to one of the emulator's own routes (`/_emulator/faults`...) and returns
    /// the status and the JSON answer.
    pub async fn emulator_route(&self, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
        let response =
            crate::raw_http::raw(&self.url(), method, path, &[("content-type", "application/json")], body.to_owned()).await;
        (response.status, serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null))
    }

    /// The emulator's clock (`GET /_emulator/clock`: the test's clock plus what the emulator
    /// advanced it by, e.g. for a fault rule's latency), epoch ms.
    pub async fn clock_now(&self) -> i64 {
        self.emulator_route("GET", "/_emulator/clock", "").await.1["nowMs"].as_i64().expect("the clock answers nowMs")
    }

    /// Replaces the fault rules (`POST /_emulator/faults`); panics when they are refused.
    pub async fn set_faults(&self, rules: serde_json::Value) -> serde_json::Value {
        let (status, body) = self.emulator_route("POST", "/_emulator/faults", &rules.to_string()).await;
        assert_eq!(status, 200, "fault rules refused: {body}");
        body
    }

    /// Every record in `group`'s `aws/bedrock/modelinvocations` stream, parsed, in append order
    /// (none when the group does not exist).
    pub fn records(&self, group: &str) -> Vec<serde_json::Value> {
        crate::records::read_records(self.emulator.log_store(), group).expect("the records read back")
    }
}

/// A test emulator between a stop and a restart: its data directory (which a test may change, as
/// a crash would) and its clock.
#[derive(Debug)]
pub struct StoppedEmulator {
    /// Its clock.
    pub clock: Arc<ManualClock>,
    /// Its data directory.
    pub dir: tempfile::TempDir,
    /// Who the clients are.
    pub options: TestOptions,
}

impl StoppedEmulator {
    /// Starts again with the default configuration over the same directory and clock.
    pub async fn start(self) -> TestEmulator {
        self.start_with(|_| {}).await
    }

    /// Starts again over the same directory and clock, with a configuration adjusted by `adjust`.
    pub async fn start_with(self, adjust: impl FnOnce(&mut EmulatorConfig)) -> TestEmulator {
        let mut config = self.options.config(self.dir.path(), Arc::clone(&self.clock));
        adjust(&mut config);
        let emulator = bedrock_emulator::start(config).await.expect("the test emulator restarts");
        TestEmulator { emulator, clock: self.clock, dir: self.dir, options: self.options }
    }
}

/// Why a test emulator did not start.
#[derive(Debug)]
pub enum StartTestError {
    /// No temporary directory.
    TempDir(std::io::Error),
    /// The emulator refused to start.
    Start(bedrock_emulator::StartError),
}

impl std::fmt::Display for StartTestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartTestError::TempDir(err) => write!(f, "temporary data directory: {err}"),
            StartTestError::Start(err) => write!(f, "starting the emulator: {err}"),
        }
    }
}

impl std::error::Error for StartTestError {}
