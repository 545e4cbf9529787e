//! Store benchmark: appends/s from many threads, then scan GB/s with and without checksum
//! verification, and the time to reopen (which walks every segment).
//!
//! `cargo run --release -p log-store --example bench -- [threads] [appends per thread] [message bytes] [fsync]`
//! Default: 64 threads x 8,000 appends of 2,000 bytes (about 1 GB), no fsync.

use std::time::Instant;

use log_store::{LogStore, StoreOptions, bench};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (threads, per_thread, len) = (arg(0, 64), arg(1, 8000), arg(2, 2000));
    let fsync = args.get(3).is_some_and(|a| a == "fsync");
    let dir = tempfile::tempdir()?;
    let (g, s) = ("/aws/bedrock/modelinvocations", "aws/bedrock/modelinvocations");
    let ts = 1_740_531_600_000;

    let store = LogStore::open(dir.path(), StoreOptions { fsync, ..StoreOptions::default() })?;
    let a = bench::append(&store, g, s, threads, per_thread, len, ts)?;
    println!(
        "append: {} threads, {} appends of {} B{}: {:.0} appends/s, {:.0} MB/s",
        a.threads,
        a.appends,
        len,
        if fsync { " (fsync)" } else { "" },
        a.appends_per_sec(),
        a.bytes as f64 / a.elapsed.as_secs_f64() / 1e6
    );
    drop(store);

    for verify in [true, false] {
        let t = Instant::now();
        let store = LogStore::open(dir.path(), StoreOptions { verify_checksums: verify, ..StoreOptions::default() })?;
        let opened = t.elapsed();
        for threads in [1, 2] {
            let best = (0..3)
                .map(|_| bench::scan(&store, g, threads))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .max_by(|x, y| x.gb_per_sec().total_cmp(&y.gb_per_sec()))
                .ok_or("no run")?;
            println!(
                "scan: verify={verify} threads={threads}: {} segments, {} events, {:.2} GB in {:?}: {:.2} GB/s (check {})",
                best.segments,
                best.events,
                best.bytes as f64 / 1e9,
                best.elapsed,
                best.gb_per_sec(),
                best.checksum
            );
        }
        println!("open (walks and verifies every segment): {opened:?}");
    }
    Ok(())
}
