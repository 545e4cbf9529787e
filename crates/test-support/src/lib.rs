//! Test scaffolding, written once and used by the integration tests (`tests/`), the binary tests
//! of `bedrock-emulator` and the conformance harness's `--mock` target.
//!
//! | file | job |
//! |---|---|
//! | `emulator.rs` | [`TestEmulator`]: the emulator in-process on port 0, fresh data directory, manual clock, sequential ids |
//! | `clients.rs` | an `SdkConfig` for an endpoint and the SDK clients of every service built from it |
//! | `records.rs` | the records Bedrock wrote to a log group, read back from the store |
//! | `raw_http.rs` | raw HTTP requests (async hyper client, or blocking over a TCP socket) |
//! | `process.rs` | `bedrock-emulator serve` as a child process (optionally under a descriptor limit); signals |
//! | `proc_stats.rs` | a process from outside: RSS, open descriptors, their limit; a directory's size |
//! | `tools.rs` | the other clients `.ci/run` installs: boto3, the aws CLI (which one a test uses, or why it fails or skips), aws-sdk-js v3 under node |
//! | `browser.rs` | headless Chromium: a page's DOM after its scripts, screenshots, console messages |

pub mod browser;
pub mod clients;
pub mod emulator;
pub mod proc_stats;
pub mod process;
pub mod raw_http;
pub mod records;
pub mod tools;

pub use clients::{Clients, s3_virtual_hosted, sdk_config};
pub use emulator::{StoppedEmulator, TestEmulator, TestOptions};
pub use raw_http::{RawResponse, raw};
pub use records::read_records;
