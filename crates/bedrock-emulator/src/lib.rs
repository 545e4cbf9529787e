//! The Bedrock emulator: one HTTP endpoint answering the Bedrock runtime (Converse), the Bedrock
//! logging control plane (`/logging/modelinvocations`), a read-only S3 API over the delivered
//! log objects and, in time, the CloudWatch Logs API; every successful runtime call writes its
//! `ModelInvocationLog` record to the local log store and/or the S3 delivery queue before the
//! response leaves.
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

pub mod catalog;
pub mod clock;
pub mod config;
pub mod error;
mod eventstream;
mod fnv;
pub mod ids;
pub mod insights_scan;
pub mod invocation_log;
pub mod logs;
mod opaque;
mod ops;
pub mod query_command;
mod query_results;
pub mod responder;
mod response;
mod routes;
pub mod s3;
mod server;
pub mod sigv4;
mod state;
pub mod tokens;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

pub use config::{EmulatorConfig, InitialLogging, Principals};
pub use error::StartError;
pub use state::DEFAULT_LOG_GROUP;

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`] stops it abruptly.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    state: Arc<state::AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// The background S3 flush timer, if any.
    flusher: Option<tokio::task::JoinHandle<()>>,
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

    /// The log store the emulator writes to.
    pub fn log_store(&self) -> &log_store::LogStore {
        &self.state.store
    }

    /// Writes every pending S3 record batch now (what the background timer does every
    /// `s3_flush_interval`, and shutdown does last).
    pub fn flush_deliveries(&self) -> Result<s3::FlushReport, s3::DeliveryError> {
        self.state.s3.flush()
    }

    /// S3 records waiting for the next flush.
    pub fn pending_deliveries(&self) -> usize {
        self.state.s3.pending_records()
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
        if let Err(err) = self.state.s3.flush() {
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
    }
}

/// Opens the data directory, binds the socket and serves in a background task.
pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
    let listen = config.listen;
    let state = Arc::new(state::AppState::open(config)?);
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|source| StartError::Bind { addr: listen, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: listen, source })?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve(listener, Arc::clone(&state), async move {
        let _ = stopped.await;
    }));
    let flusher = state.config.s3_flush_interval.map(|every| tokio::spawn(flush_every(Arc::clone(&state), every)));
    Ok(RunningEmulator { addr, state, stop: Some(stop), task, flusher })
}

/// The background S3 flush: every `every` of real time, pending batches are written.
async fn flush_every(state: Arc<state::AppState>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let state = Arc::clone(&state);
        // Errors are logged by the flush; the records stay pending for the next tick.
        let _ = tokio::task::spawn_blocking(move || state.s3.flush()).await;
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
