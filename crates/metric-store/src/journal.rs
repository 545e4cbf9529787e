//! The store on disk: one append-only journal, `<dir>/journal.bin`, of length-prefixed,
//! CRC-checked records. A record holds series definitions (id, namespace, name, dimensions) and
//! bucket updates (series, level, bucket start, unit, statistics, values); replaying them in order
//! rebuilds the buckets. Every write of the store is one record written with one `write(2)`, so
//! a crash leaves whole records and a torn tail, which open cuts off. Compaction rewrites the
//! journal as the current buckets (after roll-ups) into a temporary file renamed over it.
//!
//! Record: `u32 len | u32 crc32(payload) | payload`; integers little-endian, strings `u16 len`
//! and UTF-8 bytes; entries tagged `1` (define) and `2` (bucket).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::aggregate::Aggregate;
use crate::distribution::Distribution;
use crate::error::{IoContext, MetricStoreError};
use crate::key::{Dimension, MetricKey};
use crate::unit::Unit;

const DEFINE: u8 = 1;
const BUCKET: u8 = 2;

/// One decoded entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    Define { id: u32, key: MetricKey },
    Bucket { id: u32, level: u8, start: i64, unit: Unit, agg: Aggregate },
}

/// Builds one record.
#[derive(Debug, Default)]
pub(crate) struct RecordWriter {
    buf: Vec<u8>,
}

impl RecordWriter {
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn str(&mut self, s: &str) {
        let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
        self.buf.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
        self.buf.extend_from_slice(bytes);
    }

    pub(crate) fn define(&mut self, id: u32, key: &MetricKey) {
        self.buf.push(DEFINE);
        self.buf.extend_from_slice(&id.to_le_bytes());
        self.str(&key.namespace);
        self.str(&key.name);
        self.buf.extend_from_slice(&(key.dimensions().len() as u16).to_le_bytes());
        for d in key.dimensions() {
            self.str(&d.name);
            self.str(&d.value);
        }
    }

    pub(crate) fn bucket(&mut self, id: u32, level: u8, start: i64, unit: Unit, agg: &Aggregate) {
        self.buf.push(BUCKET);
        self.buf.extend_from_slice(&id.to_le_bytes());
        self.buf.push(level);
        self.buf.extend_from_slice(&start.to_le_bytes());
        self.buf.push(unit.index() as u8);
        for v in [agg.sample_count, agg.sum, agg.min, agg.max, agg.unseen] {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        let points = agg.dist.points();
        self.buf.extend_from_slice(&(points.len() as u32).to_le_bytes());
        for (v, c) in points {
            self.buf.extend_from_slice(&v.to_le_bytes());
            self.buf.extend_from_slice(&c.to_le_bytes());
        }
    }

    /// The framed record.
    pub(crate) fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buf.len() + 8);
        out.extend_from_slice(&(self.buf.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&self.buf).to_le_bytes());
        out.extend_from_slice(&self.buf);
        out
    }
}

/// Reads the entries of one record's payload; `None` when it is malformed.
pub(crate) fn decode(payload: &[u8]) -> Option<Vec<Entry>> {
    let mut r = Reader { buf: payload, at: 0 };
    let mut out = Vec::new();
    while r.at < payload.len() {
        match r.u8()? {
            DEFINE => {
                let id = r.u32()?;
                let namespace = r.str()?;
                let name = r.str()?;
                let n = r.u16()?;
                let mut dims = Vec::with_capacity(usize::from(n));
                for _ in 0..n {
                    dims.push(Dimension { name: r.str()?, value: r.str()? });
                }
                out.push(Entry::Define { id, key: MetricKey::new(namespace, name, dims) });
            }
            BUCKET => {
                let id = r.u32()?;
                let level = r.u8()?;
                if level > 3 {
                    return None;
                }
                let start = r.i64()?;
                let unit = Unit::from_index(r.u8()?)?;
                let (sample_count, sum, min, max, unseen) = (r.f64()?, r.f64()?, r.f64()?, r.f64()?, r.f64()?);
                let n = r.u32()?;
                let mut dist = Distribution::default();
                for _ in 0..n {
                    let (v, c) = (r.f64()?, r.f64()?);
                    dist.add(v, c);
                }
                out.push(Entry::Bucket { id, level, start, unit, agg: Aggregate { sample_count, sum, min, max, dist, unseen } });
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let out = self.buf.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).and_then(|b| b.try_into().ok()).map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8).and_then(|b| b.try_into().ok()).map(i64::from_le_bytes)
    }
    fn f64(&mut self) -> Option<f64> {
        self.take(8).and_then(|b| b.try_into().ok()).map(f64::from_le_bytes)
    }
    fn str(&mut self) -> Option<String> {
        let n = usize::from(self.u16()?);
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// The open journal file.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    len: u64,
    fsync: bool,
}

/// What open found in the journal.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub(crate) entries: Vec<Entry>,
    /// Bytes cut off the end (a torn or corrupt tail).
    pub(crate) truncated_bytes: u64,
}

impl Journal {
    /// Opens (creating) `dir/journal.bin`, returning its entries; a torn or corrupt tail is cut.
    pub(crate) fn open(dir: &Path, fsync: bool) -> Result<(Journal, Replay), MetricStoreError> {
        std::fs::create_dir_all(dir).at(dir)?;
        let path = dir.join("journal.bin");
        let mut bytes = Vec::new();
        if path.exists() {
            File::open(&path).at(&path)?.read_to_end(&mut bytes).at(&path)?;
        }
        let mut replay = Replay::default();
        let mut at = 0usize;
        while at + 8 <= bytes.len() {
            let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()) as usize;
            let crc = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap_or_default());
            let Some(payload) = bytes.get(at + 8..at + 8 + len) else { break };
            if crc32fast::hash(payload) != crc {
                break;
            }
            let Some(entries) = decode(payload) else { break };
            replay.entries.extend(entries);
            at += 8 + len;
        }
        let file = OpenOptions::new().create(true).append(true).open(&path).at(&path)?;
        if at < bytes.len() {
            replay.truncated_bytes = (bytes.len() - at) as u64;
            file.set_len(at as u64).at(&path)?;
        }
        Ok((Journal { path, file, len: at as u64, fsync }, replay))
    }

    /// Appends one record (handed to the OS when this returns; on disk too with `fsync`).
    pub(crate) fn append(&mut self, record: RecordWriter) -> Result<(), MetricStoreError> {
        if record.is_empty() {
            return Ok(());
        }
        let bytes = record.finish();
        self.file.write_all(&bytes).at(&self.path)?;
        if self.fsync {
            self.file.sync_data().at(&self.path)?;
        }
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// The journal's size, bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Replaces the journal by one record (the whole state): written to a temporary file,
    /// synced, renamed over the journal.
    pub(crate) fn rewrite(&mut self, record: RecordWriter) -> Result<(), MetricStoreError> {
        let tmp = self.path.with_extension("bin.tmp");
        let bytes = record.finish();
        {
            let mut f = File::create(&tmp).at(&tmp)?;
            f.write_all(&bytes).at(&tmp)?;
            f.sync_all().at(&tmp)?;
        }
        std::fs::rename(&tmp, &self.path).at(&self.path)?;
        self.file = OpenOptions::new().append(true).open(&self.path).at(&self.path)?;
        self.len = bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_torn_tails_are_cut() {
        let dir = tempfile::tempdir().unwrap();
        let key = MetricKey::new("N", "m", vec![Dimension::new("ModelId", "a")]);
        let mut agg = Aggregate::of(2.0);
        agg.add_value(5.0, 3.0);
        {
            let (mut j, replay) = Journal::open(dir.path(), false).unwrap();
            assert!(replay.entries.is_empty());
            let mut w = RecordWriter::default();
            w.define(7, &key);
            w.bucket(7, 1, 120, Unit::Count, &agg);
            j.append(w).unwrap();
        }
        let path = dir.path().join("journal.bin");
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[9, 0, 0, 0, 1, 2]).unwrap();
        let (j, replay) = Journal::open(dir.path(), false).unwrap();
        assert_eq!(replay.truncated_bytes, 6);
        assert_eq!(
            replay.entries,
            vec![Entry::Define { id: 7, key }, Entry::Bucket { id: 7, level: 1, start: 120, unit: Unit::Count, agg }]
        );
        assert_eq!(j.len(), std::fs::metadata(&path).unwrap().len());
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [&[][..], &[1], &[2, 0, 0, 0, 0, 9], &[1, 0, 0, 0, 0, 255, 255]] {
            let _ = decode(bytes);
        }
    }
}
