//! Where the scenarios run. Both targets hand out the same three SDK clients built the same way
//! (`Client::new(&SdkConfig)`), so the scenario code cannot tell them apart:
//!
//! - `--mock`: the emulator in-process on port 0 with a fresh data directory, a manual clock the
//!   harness moves (deterministic record times), sequential request ids, static credentials.
//! - `--aws`: `aws_config`'s default chain and region (so `AWS_ENDPOINT_URL` and the usual
//!   variables apply); refuses to start without credentials or a region.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use bedrock_emulator::InitialLogging;
use bedrock_emulator::clock::ManualClock;
use bedrock_emulator::responder::Responder;
use test_support::{TestEmulator, TestOptions, sdk_config};

use super::expected::Knowledge;

/// 2025-12-03T10:00:00Z: where the mock clock starts (the day of the real example records).
pub(crate) const MOCK_T0_MS: i64 = 1_764_756_000_000;
/// Mock scenarios start this far apart (all within one hour, like a short live run).
pub(crate) const MOCK_SCENARIO_SPACING_MS: i64 = 8 * 60_000;
/// Mock calls are this far apart.
pub(crate) const MOCK_CALL_SPACING_MS: i64 = 5_000;
/// The access key of the mock's static credentials.
pub(crate) const MOCK_ACCESS_KEY: &str = "AKIDE2EHARNESS";
/// The principal the mock emulator writes in records for that key.
pub(crate) const MOCK_PRINCIPAL_ARN: &str = "arn:aws:sts::123456789012:assumed-role/E2EHarness/e2e-session";
/// The logging role given to the emulator (it checks the pattern only).
pub(crate) const MOCK_LOGGING_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/BedrockLoggingRole";
/// The clock difference allowed between this machine and the service (`E2E_CLOCK_SKEW_MS`
/// overrides it): record times may be this far outside the call's window, and query time
/// ranges are widened by it.
pub(crate) const DEFAULT_SKEW_MS: i64 = 2_000;
/// Environment variable naming the logging role on a live account.
pub(crate) const ROLE_ENV: &str = "E2E_BEDROCK_LOGGING_ROLE_ARN";

/// `--mock` or `--aws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Mock,
    Aws,
}

/// The clients and what the harness knows about the target.
pub(crate) struct Target {
    pub(crate) mode: Mode,
    pub(crate) bedrock: aws_sdk_bedrock::Client,
    pub(crate) runtime: aws_sdk_bedrockruntime::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) cloudwatch: aws_sdk_cloudwatch::Client,
    pub(crate) athena: aws_sdk_athena::Client,
    /// Path-style when an endpoint is set (the emulator), as the seed's scripts' CLI does.
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) knowledge: Knowledge,
    /// Where the clients point (for the progress header).
    pub(crate) description: String,
    /// The region the clients sign for.
    pub(crate) region: String,
    /// The emulator's fault route (`--mock`, or an emulator behind `AWS_ENDPOINT_URL`).
    pub(crate) fault_route: crate::faults::FaultRoute,
    /// `--mock` replaying a recording: per scenario, (call index, fault rule) of each transient
    /// error the recorded run saw.
    pub(crate) replayed_faults: std::collections::BTreeMap<String, Vec<(usize, serde_json::Value)>>,
    clock: Option<Arc<ManualClock>>,
    emulator: Option<TestEmulator>,
}

impl Target {
    /// Starts the emulator in-process; `declared` are replayed responses (from `--record`).
    pub(crate) async fn mock(declared: Option<Responder>) -> anyhow::Result<Self> {
        let options = TestOptions {
            t0_ms: MOCK_T0_MS,
            access_key: MOCK_ACCESS_KEY.to_owned(),
            secret_key: "e2e-secret".to_owned(),
            principal_arn: MOCK_PRINCIPAL_ARN.to_owned(),
        };
        let emulator = TestEmulator::start_with_options(options, |config| {
            config.initial_logging = InitialLogging::Off;
            if let Some(responder) = declared {
                config.responder = responder;
            }
        })
        .await
        .context("starting the emulator")?;
        let url = emulator.url();
        let sdk = sdk_config(&url, "us-east-1", MOCK_ACCESS_KEY, "e2e-secret");
        let mut target = Self::from_sdk(Mode::Mock, &sdk, format!("emulator in-process at {url}"));
        // The SDK's standard retries, without its backoff: injected throttles cost no time.
        let retry = aws_config::retry::RetryConfig::standard()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(5));
        target.runtime = aws_sdk_bedrockruntime::Client::from_conf(
            aws_sdk_bedrockruntime::config::Builder::from(&sdk).retry_config(retry).build(),
        );
        target.fault_route.url = Some(url.clone());
        target.knowledge = Knowledge { principal: Some(MOCK_PRINCIPAL_ARN.to_owned()), exact_times: true, skew_ms: 0 };
        target.clock = Some(Arc::clone(&emulator.clock));
        target.emulator = Some(emulator);
        Ok(target)
    }

    /// The default credential chain and region; fails with a clear message before any call
    /// when either is missing.
    pub(crate) async fn aws() -> anyhow::Result<Self> {
        let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
        let Some(region) = sdk.region().map(|r| r.to_string()) else {
            anyhow::bail!("--aws needs a region: set AWS_REGION (or AWS_DEFAULT_REGION) or a profile region; no call was made");
        };
        let Some(provider) = sdk.credentials_provider() else {
            anyhow::bail!("--aws found no credential provider; no call was made");
        };
        let creds = tokio::time::timeout(Duration::from_secs(20), provider.provide_credentials())
            .await
            .map_err(|_| anyhow::anyhow!("timed out looking for credentials"))
            .and_then(|r| r.map_err(anyhow::Error::from));
        if let Err(err) = creds {
            anyhow::bail!(
                "--aws runs against a live AWS account and needs credentials from the default chain \
                 (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, instance role...); none were found: {err:#}\n\
                 No call was made. Use `cargo xtask e2e --mock` to run offline against the emulator."
            );
        }
        let endpoint = std::env::var("AWS_ENDPOINT_URL").ok();
        let description = match &endpoint {
            Some(url) => format!("AWS_ENDPOINT_URL={url} (region {region}, default credential chain)"),
            None => format!("live AWS account, region {region} (default credential chain)"),
        };
        let mut target = Self::from_sdk(Mode::Aws, &sdk, description);
        target.region = region;
        target.fault_route.url = endpoint;
        if let Some(skew) = std::env::var("E2E_CLOCK_SKEW_MS").ok().and_then(|v| v.parse().ok()) {
            target.knowledge.skew_ms = skew;
        }
        Ok(target)
    }

    fn from_sdk(mode: Mode, sdk: &SdkConfig, description: String) -> Self {
        Self {
            mode,
            bedrock: aws_sdk_bedrock::Client::new(sdk),
            runtime: aws_sdk_bedrockruntime::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(sdk),
            athena: aws_sdk_athena::Client::new(sdk),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(sdk)
                    .force_path_style(std::env::var_os("AWS_ENDPOINT_URL").is_some() || mode == Mode::Mock)
                    .build(),
            ),
            knowledge: Knowledge { principal: None, exact_times: false, skew_ms: DEFAULT_SKEW_MS },
            description,
            region: sdk.region().map_or_else(|| "us-east-1".to_owned(), |r| r.to_string()),
            fault_route: crate::faults::FaultRoute::default(),
            replayed_faults: std::collections::BTreeMap::new(),
            clock: None,
            emulator: None,
        }
    }

    /// How many attempts the runtime client makes for a retryable error.
    pub(crate) fn attempts(&self) -> u32 {
        self.runtime.config().retry_config().map_or(1, |r| r.max_attempts())
    }

    /// The harness's "now" in epoch ms: the mock clock, or the wall clock.
    pub(crate) fn now_ms(&self) -> i64 {
        match &self.clock {
            Some(clock) => bedrock_emulator::clock::Clock::now_ms(clock.as_ref()),
            None => SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64),
        }
    }

    /// Mock: moves the emulator clock to `at_ms`. Live: nothing (time passes by itself).
    pub(crate) fn set_time(&self, at_ms: i64) {
        if let Some(clock) = &self.clock {
            clock.set(at_ms);
        }
    }

    /// Mock: moves the clock past the minute holding `end_ms` and evaluates the emulator's
    /// alarms. Live: nothing (CloudWatch evaluates on its own schedule).
    pub(crate) async fn evaluate_alarms_after(&self, end_ms: i64) {
        if let (Some(clock), Some(emulator)) = (&self.clock, &self.emulator) {
            clock.set((end_ms.div_euclid(60_000) + 1) * 60_000 + 1_000);
            if let Err(err) = emulator.emulator.evaluate_alarms() {
                println!("  alarm evaluation failed: {err}");
            }
        }
    }

    /// Mock: writes the pending S3 record batches now. Live: nothing (Bedrock delivers on its own).
    pub(crate) fn flush_s3_deliveries(&self) {
        if let Some(emulator) = &self.emulator
            && let Err(err) = emulator.emulator.flush_deliveries()
        {
            println!("  S3 delivery flush failed: {err}");
        }
    }

    /// Time between scenarios so that their query time ranges do not overlap. Mock: the clock
    /// jumps; live: the harness waits out the margin (a few seconds).
    pub(crate) async fn separate(&self, previous_end_ms: i64, margin_ms: i64) {
        if self.clock.is_some() {
            return;
        }
        let until = previous_end_ms + 2 * margin_ms + 1_000;
        let wait = until - self.now_ms();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
    }

    /// Stops the in-process emulator (nothing on a live target).
    pub(crate) async fn shutdown(mut self) {
        if let Some(emulator) = self.emulator.take() {
            emulator.stop().await;
        }
    }
}
