//! An emulator process seen from outside, for the descriptor tests and the soak benchmark: its
//! resident memory, open descriptors and descriptor limit, and the size of its data directory.
//! Linux reads `/proc`; elsewhere `ps` and `lsof`.

use std::path::Path;
use std::process::Command;

/// Resident set size of `pid`, bytes.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
        let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse::<u64>().ok()?;
        return Some(kb * 1024);
    }
    let out = Command::new("ps").args(["-o", "rss=", "-p", &pid.to_string()]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse::<u64>().ok().map(|kb| kb * 1024)
}

/// Descriptors `pid` has open.
pub fn open_fds(pid: u32) -> Option<usize> {
    if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
        return Some(dir.count());
    }
    let out = Command::new("lsof").args(["-n", "-P", "-p", &pid.to_string()]).output().ok()?;
    // lsof lists the header, cwd, txt and mapped files too: count numbered descriptors only.
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .filter(|l| l.split_whitespace().nth(3).is_some_and(|fd| fd.starts_with(|c: char| c.is_ascii_digit())))
            .count(),
    )
}

/// The numbers of the descriptors `pid` has open (Linux `/proc/<pid>/fd`; `None` elsewhere).
pub fn open_fd_numbers(pid: u32) -> Option<Vec<u64>> {
    let dir = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect())
}

/// Bytes of every file under `dir` (0 when it does not exist).
pub fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// The soft and hard descriptor limits of `pid` (Linux `/proc/<pid>/limits`; `None` elsewhere).
pub fn nofile_limits(pid: u32) -> Option<(u64, u64)> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut numbers = line.trim_start_matches("Max open files").split_whitespace().map(str::parse::<u64>);
    Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
}
