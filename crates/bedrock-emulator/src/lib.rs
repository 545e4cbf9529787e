//! The Bedrock emulator: one HTTP endpoint serving the emulated AWS services (Bedrock runtime and
//! control plane, CloudWatch Logs, S3, IAM and STS, CloudWatch, SNS), each in its own crate; this crate binds the socket, keeps
//! the service registry and the environment, and holds the command line. Every successful
//! runtime call writes its `ModelInvocationLog` record to the local log store and/or the S3
//! delivery journal before the response leaves.
//!
//! Start it in-process (for Rust tests) with [`start`]:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join("bedrock-emulator-doc");
//! let emulator = bedrock_emulator::start(bedrock_emulator::EmulatorConfig::new(dir)).await?;
//! println!("AWS_ENDPOINT_URL={}", emulator.endpoint_url());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod authorizer;
pub mod config;
pub mod cost_command;
mod credentials;
pub mod dashboard_command;
mod denials;
mod emulator_faults;
pub mod error;
mod identities;
mod inject;
pub mod query_command;
mod registry;
mod server;
mod services;
pub mod sql_command;
mod sql_remote;

/// SigV4 as far as the emulator reads it (re-exported from aws-protocol).
pub use aws_protocol::sigv4;

/// The model catalog (re-exported from service-bedrock).
pub use service_bedrock::catalog;
/// `serve --cost-metrics`: the keys and the `EstimatedCost` metric (re-exported from service-bedrock).
pub use service_bedrock::cost_metrics;
/// Bedrock's S3 delivery: batches, keys, delivered records (re-exported from service-bedrock).
pub use service_bedrock::delivery as s3;
/// The dated price table (re-exported from service-bedrock).
pub use service_bedrock::prices;
/// Declared and deterministic answers (re-exported from service-bedrock).
pub use service_bedrock::responder;
/// The emulator's clock (re-exported from service-kit).
pub use service_kit::clock;
/// Request-id generators (re-exported from service-kit).
pub use service_kit::ids;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

pub use config::EmulatorConfig;
pub use config::Waits;
pub use credentials::RootCredentials;
pub use error::StartError;
pub use service_bedrock::{DEFAULT_LOG_GROUP, InitialLogging, PERMISSION_CHECK_MESSAGE, PacingMode};
pub use service_kit::{Enforcement, Principals};

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`] stops it abruptly.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    services: Arc<services::Services>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// The background S3 flush timer, if any.
    flusher: Option<tokio::task::JoinHandle<()>>,
    /// The background metric flush and alarm evaluation timers.
    monitors: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to give SDK clients (`AWS_ENDPOINT_URL`).
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every operation the emulator answers, as (AWS model, operation name), sorted; any other
    /// operation of the nine models gets its protocol's "not implemented" error naming it.
    pub fn implemented_operations(&self) -> Vec<(aws_protocol::ServiceId, &'static str)> {
        self.services.registry.operations()
    }

    /// The log store the emulator writes to.
    pub fn log_store(&self) -> &log_store::LogStore {
        &self.services.log_store
    }

    /// The metric store (Bedrock's metrics, metric filters, CloudWatch's PutMetricData).
    pub fn metric_store(&self) -> &metric_store::MetricStore {
        &self.services.metric_store
    }

    /// Moves the emulator's clock forward by `delta_ms` and delivers the held records now due
    /// (what `POST /_emulator/clock` does, without the alarm evaluation); returns the new now.
    pub fn advance_clock(&self, delta_ms: i64) -> Result<i64, service_kit::ClockError> {
        let now = self.services.clock.advance(delta_ms)?;
        if let Err(err) = self.services.bedrock.release_due_deliveries() {
            tracing::warn!(%err, "held invocation records could not all be delivered; kept for the next release");
        }
        Ok(now)
    }

    /// Delivers the invocation records held for `--delivery-delay` that are due on the
    /// emulator's clock (the background timer does this every second); returns how many.
    pub fn release_due_deliveries(&self) -> Result<usize, s3::DeliveryError> {
        self.services.bedrock.release_due_deliveries()
    }

    /// Invocation records held for `--delivery-delay`, not yet delivered.
    pub fn held_deliveries(&self) -> usize {
        self.services.bedrock.held_deliveries()
    }

    /// The fault rules and the record of injections (what `GET /_emulator/faults` answers).
    pub fn faults(&self) -> &faults::FaultEngine {
        &self.services.faults
    }

    /// The quotas and their usage (what `/_emulator/quotas` shows).
    pub fn quotas(&self) -> &faults::Quotas {
        &self.services.quotas
    }

    /// Evaluates every alarm now (what `POST /_emulator/alarms/evaluate` does).
    pub fn evaluate_alarms(&self) -> Result<service_cloudwatch::EvaluationReport, service_cloudwatch::CloudWatchError> {
        self.services.cloudwatch.evaluate_alarms()
    }

    /// Delivers every held record (due or not) and writes every pending S3 record batch now
    /// (what `POST /_emulator/flush-deliveries` does; the background timer writes the batches
    /// every `s3_flush_interval`, and shutdown does last).
    pub fn flush_deliveries(&self) -> Result<s3::FlushReport, s3::DeliveryError> {
        self.services.bedrock.release_and_flush_deliveries()
    }

    /// S3 records waiting for the next flush.
    pub fn pending_deliveries(&self) -> usize {
        self.services.bedrock.pending_deliveries()
    }

    /// Stops accepting, waits for in-flight requests, writes the pending S3 batches, and
    /// returns once the server is down. A batch that cannot be written stays in the journal
    /// and is written by the next start.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        if let Some(flusher) = self.flusher.take() {
            flusher.abort();
            let _ = flusher.await;
        }
        for task in self.monitors.drain(..) {
            task.abort();
            let _ = task.await;
        }
        if let Err(err) = self.services.metric_store.flush(self.services.env.now_ms()) {
            tracing::error!(%err, "writing the recorded metric samples at shutdown failed");
        }
        if let Err(err) = self.services.bedrock.flush_deliveries() {
            tracing::error!(%err, "S3 delivery at shutdown failed; the records stay journaled for the next start");
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if self.stop.is_some() {
            self.task.abort();
        }
        if let Some(flusher) = &self.flusher {
            flusher.abort();
        }
        for task in &self.monitors {
            task.abort();
        }
    }
}

/// Opens the data directory, binds the socket and serves in a background task.
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
    // Before anything sizes itself from the descriptor limit (the store's handle cache).
    if let Err(err) = fd_budget::raise_nofile_limit() {
        tracing::warn!(%err, "the file-descriptor limit could not be raised; the emulator sizes itself from the current one");
    }
    let listen = config.listen;
    let services = Arc::new(services::Services::open(&config)?);
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|source| StartError::Bind { addr: listen, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: listen, source })?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve(listener, Arc::clone(&services), async move {
        let _ = stopped.await;
    }));
    let flusher = config.s3_flush_interval.map(|every| tokio::spawn(flush_every(Arc::clone(&services), every)));
    let mut monitors = vec![tokio::spawn(flush_metrics_every(Arc::clone(&services), config::METRICS_FLUSH_INTERVAL))];
    if config.delivery_delay.is_some() || services.bedrock.held_deliveries() > 0 {
        monitors.push(tokio::spawn(release_held_every(Arc::clone(&services), config::HELD_RELEASE_INTERVAL)));
    }
    if let Some(every) = config.alarm_evaluation_interval {
        monitors.push(tokio::spawn(evaluate_alarms_every(Arc::clone(&services), every)));
    }
    monitors.push(tokio::spawn(sweep_retention_every(Arc::clone(&services), RETENTION_SWEEP_INTERVAL)));
    Ok(RunningEmulator { addr, services, stop: Some(stop), task, flusher, monitors })
}

/// Every `every` of real time: recorded metric samples written, and once a minute the
/// retention roll-ups.
async fn flush_metrics_every(services: Arc<services::Services>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    loop {
        ticks.tick().await;
        n += 1;
        // Inline rather than on a blocking thread: a flush is one short write, and an aborted
        // task must not leave a thread holding the services (a restart reopens the stores).
        let now = services.env.now_ms();
        let result = if n.is_multiple_of(60) {
            services.metric_store.maintain(now).map(|_| ())
        } else {
            services.metric_store.flush(now).map(|_| ())
        };
        if let Err(err) = result {
            tracing::error!(%err, "the metric store could not write recorded samples; they are kept for the next tick");
        }
    }
}

/// Every `every` of real time: the alarms whose period boundary passed on the emulator's clock
/// are evaluated.
async fn evaluate_alarms_every(services: Arc<services::Services>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if let Err(err) = services.cloudwatch.evaluate_due_alarms() {
            tracing::error!(%err, "alarm evaluation failed");
        }
    }
}

/// Every `every` of real time: the invocation records held for the delivery delay that are due
/// on the emulator's clock are delivered.
async fn release_held_every(services: Arc<services::Services>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let bedrock = Arc::clone(&services.bedrock);
        if let Ok(Err(err)) = tokio::task::spawn_blocking(move || bedrock.release_due_deliveries()).await {
            tracing::warn!(%err, "held invocation records could not all be delivered; kept for the next tick");
        }
    }
}

/// How often (real time) expired log segments are looked for besides the sweeps appends run, so
/// an idle emulator's disk stays bounded too.
const RETENTION_SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Every `every` of real time: the log segments expired on the emulator's clock are deleted.
async fn sweep_retention_every(services: Arc<services::Services>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let logs = Arc::clone(&services.logs);
        if let Ok(Err(err)) = tokio::task::spawn_blocking(move || logs.sweep_retention()).await {
            tracing::error!(%err, "the retention sweep failed; the next one retries");
        }
    }
}

/// The background S3 flush: every `every` of real time, pending batches are written.
async fn flush_every(services: Arc<services::Services>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let bedrock = Arc::clone(&services.bedrock);
        // Errors are logged by the flush; the records stay pending for the next tick.
        let _ = tokio::task::spawn_blocking(move || bedrock.flush_deliveries()).await;
    }
}

/// Runs the emulator until `shutdown` completes, calling `on_listening` with the bound address.
pub async fn run_until(
    config: EmulatorConfig,
    on_listening: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    let emulator = start(config).await?;
    on_listening(emulator.local_addr());
    shutdown.await;
    emulator.shutdown().await;
    Ok(())
}
