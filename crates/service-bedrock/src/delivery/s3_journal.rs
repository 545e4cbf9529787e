//! The file under the S3 delivery journal: whole lines written at reserved offsets, so
//! concurrent callers append without a lock, into a file recycled rather than created per flush
//! (creating and deleting an inode per batch cost more than the batch's gzip).
//!
//! A writer reserves its line's bytes with one atomic add on the cursor. The file's first
//! [`MAPPED_BYTES`] have their blocks allocated (`fallocate`) and are mapped shared: a line
//! there is a copy into the page cache, with no system call (the kernel keeps the page, so the
//! line survives a process kill as a `write` would; with fsync the range is `msync`ed). Past
//! that, or where the file system cannot allocate or map, a line is one positioned write, the
//! file growing (doubling) first. Blocks are allocated up front because a mapped write into a
//! hole that finds the disk full would kill the process (`SIGBUS`) instead of failing the call.
//!
//! The unwritten rest of the file reads as NUL bytes. Reading back ([`read_lines`]) takes the
//! lines ending in a newline; a stretch of NULs inside a line marks the end of a write cut short
//! (its call was never answered) or a reservation never written, and the line's text starts
//! after it. A record's compact JSON holds no NUL byte (it would be `\u0000`), so nothing
//! written whole is ever mistaken for a gap. Emptying a file for reuse zeroes what was written.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::{MmapOptions, MmapRaw};

/// The size a journal file starts at, allocated and mapped (a batch is written every 1,000
/// records, about a megabyte, so a journal rarely passes it).
pub(crate) const MAPPED_BYTES: u64 = 8 << 20;

/// One journal file open for appending.
#[derive(Debug)]
pub(crate) struct JournalFile {
    file: File,
    /// The file's first [`MAPPED_BYTES`], blocks allocated; `None` where that failed.
    map: Option<MmapRaw>,
    /// Where the next line goes.
    cursor: AtomicU64,
    /// The file's length; grown (under the lock) before a positioned write passes it, never
    /// below [`MAPPED_BYTES`] while mapped.
    len: AtomicU64,
    grow: Mutex<()>,
    fsync: bool,
}

impl JournalFile {
    /// Creates (or empties) the file at `path`, holding `lines`.
    pub(crate) fn create(path: &Path, lines: &[u8], fsync: bool) -> std::io::Result<Self> {
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path)?;
        let map = match rustix::fs::fallocate(&file, rustix::fs::FallocateFlags::empty(), 0, MAPPED_BYTES) {
            Ok(()) => MmapOptions::new().len(MAPPED_BYTES as usize).map_raw(&file).ok(),
            Err(err) => {
                tracing::debug!(%err, path = %path.display(), "cannot allocate the S3 journal; appending with writes");
                file.set_len(MAPPED_BYTES)?;
                None
            }
        };
        let this = Self { file, map, cursor: AtomicU64::new(0), len: AtomicU64::new(MAPPED_BYTES), grow: Mutex::new(()), fsync };
        if !lines.is_empty() {
            this.append(lines)?;
        }
        Ok(this)
    }

    /// Empties the file for reuse: no line is left in it. Only for a file no one appends to.
    pub(crate) fn reset(&self) -> std::io::Result<()> {
        let _growing = self.grow.lock().unwrap_or_else(|p| p.into_inner());
        let written = self.cursor.load(Ordering::Acquire);
        match &self.map {
            Some(map) => {
                let mapped = written.min(MAPPED_BYTES) as usize;
                // SAFETY: the mapping covers MAPPED_BYTES of a file never cut below that while
                // mapped, and no one appends to this file now (the caller's promise).
                unsafe { std::ptr::write_bytes(map.as_mut_ptr(), 0, mapped) };
                if self.fsync {
                    map.flush_range(0, mapped)?;
                }
            }
            None if written > 0 => self.file.set_len(0)?,
            None => {}
        }
        if written > MAPPED_BYTES || self.map.is_none() {
            self.file.set_len(MAPPED_BYTES)?;
        }
        if self.fsync {
            self.file.sync_all()?;
        }
        self.len.store(MAPPED_BYTES, Ordering::Release);
        self.cursor.store(0, Ordering::Release);
        Ok(())
    }

    /// Writes `lines` (whole lines) after every line reserved before; safe to call from many
    /// threads at once. When this returns `Ok` the lines survive a process kill (and, with
    /// fsync, a power loss).
    pub(crate) fn append(&self, lines: &[u8]) -> std::io::Result<()> {
        let n = lines.len() as u64;
        let at = self.cursor.fetch_add(n, Ordering::AcqRel);
        if let Some(map) = &self.map
            && at + n <= MAPPED_BYTES
        {
            // SAFETY: `[at, at + n)` was reserved for this call alone by the add above and lies
            // inside the mapping, whose file is never cut below MAPPED_BYTES while mapped.
            unsafe { std::ptr::copy_nonoverlapping(lines.as_ptr(), map.as_mut_ptr().add(at as usize), lines.len()) };
            if self.fsync {
                map.flush_range(at as usize, lines.len())?;
            }
            return Ok(());
        }
        if at + n > self.len.load(Ordering::Acquire) {
            self.grow_to(at + n)?;
        }
        self.file.write_all_at(lines, at)?;
        if self.fsync {
            self.file.sync_data()?;
        }
        Ok(())
    }

    fn grow_to(&self, end: u64) -> std::io::Result<()> {
        let _growing = self.grow.lock().unwrap_or_else(|p| p.into_inner());
        let len = self.len.load(Ordering::Acquire);
        if end > len {
            let to = end.max(len.saturating_mul(2));
            self.file.set_len(to)?;
            self.len.store(to, Ordering::Release);
        }
        Ok(())
    }

    /// Whether appends go through the mapping (tests).
    #[cfg(test)]
    fn is_mapped(&self) -> bool {
        self.map.is_some()
    }
}

/// What [`read_lines`] found.
#[derive(Debug, Default)]
pub(crate) struct ReadBack {
    /// The lines written whole, without their newlines.
    pub(crate) lines: Vec<Vec<u8>>,
    /// Lines cut short (their calls were never answered).
    pub(crate) torn: usize,
}

/// The whole lines of the journal file at `path` (none when it does not exist).
pub(crate) fn read_lines(path: &Path) -> std::io::Result<ReadBack> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(ReadBack::default()),
        Err(err) => return Err(err),
    };
    let mut out = ReadBack::default();
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut piece = Vec::new();
    loop {
        piece.clear();
        if reader.read_until(b'\n', &mut piece)? == 0 {
            return Ok(out);
        }
        let whole = piece.last() == Some(&b'\n');
        if whole {
            piece.pop();
        }
        // Text before a NUL belongs to a write cut short: the line starts after the last NUL.
        let line = match memchr::memrchr(0, &piece) {
            Some(nul) => {
                if memchr::memchr(0, &piece).is_some_and(|first| first > 0) {
                    out.torn += 1;
                }
                &piece[nul + 1..]
            }
            None => &piece[..],
        };
        match (whole, line.is_empty()) {
            (true, false) => out.lines.push(line.to_vec()),
            (false, false) => out.torn += 1,
            (_, true) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_back_and_the_file_keeps_its_size() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("j");
        let j = JournalFile::create(&path, b"{\"a\":1}\n", false).unwrap();
        j.append(b"{\"b\":2}\n").unwrap();
        assert!(j.is_mapped(), "a local file system allocates and maps the journal");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), MAPPED_BYTES);
        let back = read_lines(&path).unwrap();
        assert_eq!(back.lines, [b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()]);
        assert_eq!(back.torn, 0);
        j.reset().unwrap();
        assert!(read_lines(&path).unwrap().lines.is_empty());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), MAPPED_BYTES);
        j.append(b"{\"c\":3}\n").unwrap();
        assert_eq!(read_lines(&path).unwrap().lines, [b"{\"c\":3}".to_vec()]);
        assert!(read_lines(&tmp.path().join("missing")).unwrap().lines.is_empty());
    }

    #[test]
    fn the_file_grows_past_its_initial_size() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("j");
        let j = JournalFile::create(&path, b"", false).unwrap();
        let line = [b"x".repeat(1 << 20), b"\n".to_vec()].concat();
        for _ in 0..20 {
            j.append(&line).unwrap();
        }
        assert!(std::fs::metadata(&path).unwrap().len() >= 20 * line.len() as u64);
        assert_eq!(read_lines(&path).unwrap().lines.len(), 20);
        // Emptied, it is back to its mapped size, with nothing in it, and takes lines again.
        j.reset().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), MAPPED_BYTES);
        assert!(read_lines(&path).unwrap().lines.is_empty());
        j.append(&line).unwrap();
        assert_eq!(read_lines(&path).unwrap().lines.len(), 1);
    }

    /// A write cut short leaves its text and then NULs (the rest of its reservation); the lines
    /// written after it still come back, and the cut one is counted, not returned.
    #[test]
    fn a_write_cut_short_loses_only_its_own_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("j");
        let mut bytes = b"{\"a\":1}\n{\"cut\":".to_vec();
        bytes.extend([0u8; 9]);
        bytes.extend(b"{\"b\":2}\n");
        bytes.extend([0u8; 100]);
        bytes.extend(b"{\"no newline\"");
        std::fs::write(&path, &bytes).unwrap();
        let back = read_lines(&path).unwrap();
        assert_eq!(back.lines, [b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()]);
        assert_eq!(back.torn, 2);
    }

    #[test]
    fn concurrent_appends_each_land_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("j");
        let j = JournalFile::create(&path, b"", false).unwrap();
        std::thread::scope(|s| {
            for t in 0..4 {
                let j = &j;
                s.spawn(move || {
                    for i in 0..2000 {
                        j.append(format!("{{\"t\":{t},\"i\":{i},\"pad\":\"{}\"}}\n", "p".repeat(i % 3000)).as_bytes()).unwrap();
                    }
                });
            }
        });
        let back = read_lines(&path).unwrap();
        assert_eq!((back.lines.len(), back.torn), (8000, 0));
        assert!(back.lines.iter().all(|l| serde_json::from_slice::<serde_json::Value>(l).is_ok()));
    }
}
