//! The Bedrock emulator: one HTTP endpoint answering the Bedrock runtime (Converse), the Bedrock
//! logging control plane (`/logging/modelinvocations`) and, in time, the CloudWatch Logs API;
//! every successful runtime call writes its `ModelInvocationLog` record to the local log store
//! before the response leaves.
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
pub mod ids;
pub mod insights_scan;
pub mod invocation_log;
pub mod logs;
mod ops;
pub mod query_command;
pub mod responder;
mod response;
mod routes;
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

    /// Stops accepting, waits for in-flight requests, and returns once the server is down.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if self.stop.is_some() {
            self.task.abort();
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
    Ok(RunningEmulator { addr, state, stop: Some(stop), task })
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
