//! Retention: a group's policy (PutRetentionPolicy / DeleteRetentionPolicy, persisted in
//! `group.json`), the store-wide default for groups without one, and the sweep that deletes
//! expired segments.
//!
//! A segment expires when its whole window is older than the retention: `window end <= now -
//! days`. It is deleted as a whole file (`unlink`), never cut, so a crash leaves it entirely or
//! not at all; it is first removed from the stream's map and sealed under its append lock, so
//! an append racing the sweep either finished before (its event was expired anyway) or goes to
//! a fresh file. Readers that already hold the segment read what they can or nothing.
//!
//! Sweeps run on the store's clock: an append whose ingestion time is at least
//! [`crate::StoreOptions::retention_sweep_every_ms`] past the previous sweep runs one first
//! (only once any retention has been configured), and [`LogStore::sweep_expired`] runs one on
//! demand.

use std::fs;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::error::{IoContext, StoreError};
use crate::handles::relieved;
use crate::meta::{self, GROUP_META, Meta};
use crate::segment::window_end;
use crate::store::{Group, LogStore, Stream};
use crate::sync::{lock, read, write};
use crate::types::SweepReport;

/// One day in milliseconds.
const DAY_MS: i64 = 86_400_000;

impl LogStore {
    /// Sets `group`'s retention policy to `days` (0 removes it), persisted in `group.json`.
    /// The values CloudWatch allows are the caller's business. Errors: `GroupNotFound`, `Io`.
    pub fn put_retention_policy(&self, group: &str, days: u32) -> Result<(), StoreError> {
        let inner = &self.inner;
        // Held shared so the group cannot be deleted while its metadata is rewritten.
        let groups = read(&inner.groups);
        let g = groups.get(group).ok_or_else(|| StoreError::GroupNotFound(group.into()))?;
        let meta =
            Meta { name: g.name.to_string(), creation_time: g.creation_time, retention_in_days: Some(days).filter(|d| *d > 0) };
        let dest = g.dir.join(GROUP_META);
        relieved(&inner.handles, || meta::replace_meta(&inner.tmp_dir, &dest, &meta, inner.options.fsync))?;
        g.retention_days.store(days, Ordering::Release);
        self.retention_changed();
        Ok(())
    }

    /// Removes `group`'s retention policy (the default, if any, applies again).
    /// Errors: `GroupNotFound`, `Io`.
    pub fn delete_retention_policy(&self, group: &str) -> Result<(), StoreError> {
        self.put_retention_policy(group, 0)
    }

    /// Sets the retention of groups that have no policy of their own (`None`: they keep their
    /// events forever). Not persisted: the server sets it at every start.
    pub fn set_default_retention_days(&self, days: Option<u32>) {
        self.inner.default_retention_days.store(days.unwrap_or(0), Ordering::Release);
        self.retention_changed();
    }

    /// The retention of groups without a policy of their own.
    pub fn default_retention_days(&self) -> Option<u32> {
        Some(self.inner.default_retention_days.load(Ordering::Acquire)).filter(|d| *d > 0)
    }

    /// The retention that applies to `group`: its own policy, else the default; `None`: its
    /// events never expire. Errors: `GroupNotFound`.
    pub fn effective_retention_days(&self, group: &str) -> Result<Option<u32>, StoreError> {
        Ok(self.group_handle(group)?.retention_days().or(self.default_retention_days()))
    }

    /// Deletes every segment whose window lies wholly before its group's retention at `now_ms`
    /// (the group's policy, else the default). Errors: `Io` (the sweep stops; what it deleted
    /// stays deleted).
    pub fn sweep_expired(&self, now_ms: i64) -> Result<SweepReport, StoreError> {
        let _one_at_a_time = lock(&self.inner.sweeping);
        let default = self.default_retention_days();
        let groups: Vec<Arc<Group>> = read(&self.inner.groups).values().cloned().collect();
        let mut report = SweepReport::default();
        for g in groups {
            let Some(days) = g.retention_days().or(default) else { continue };
            let cutoff = now_ms.saturating_sub(i64::from(days) * DAY_MS);
            let streams: Vec<Arc<Stream>> = read(&g.streams).values().cloned().collect();
            for s in streams {
                self.expire(&s, cutoff, &mut report)?;
            }
        }
        Ok(report)
    }

    /// Runs a sweep at `now_ms` when one is due (see the module doc). Errors are left to the
    /// next sweep: an append never fails because of one.
    pub(crate) fn sweep_if_due(&self, now_ms: i64) {
        let inner = &self.inner;
        if !inner.retention_configured.load(Ordering::Acquire) {
            return;
        }
        let due = inner.next_sweep_ms.load(Ordering::Acquire);
        let next = now_ms.saturating_add(inner.options.retention_sweep_every_ms.max(1));
        if now_ms >= due && inner.next_sweep_ms.compare_exchange(due, next, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            let _ = self.sweep_expired(now_ms);
        }
    }

    /// A policy or the default changed: the next append sweeps.
    fn retention_changed(&self) {
        self.inner.retention_configured.store(true, Ordering::Release);
        self.inner.next_sweep_ms.store(i64::MIN, Ordering::Release);
    }

    /// Deletes the segments of `s` whose window ends at or before `cutoff`.
    fn expire(&self, s: &Stream, cutoff: i64, report: &mut SweepReport) -> Result<(), StoreError> {
        let oldest = read(&s.segments).keys().next().copied();
        if oldest.is_none_or(|(w, _)| window_end(w) > cutoff) {
            return Ok(());
        }
        let mut segments = write(&s.segments);
        let expired: Vec<(i64, u32)> = segments.keys().take_while(|(w, _)| window_end(*w) <= cutoff).copied().collect();
        for key in expired {
            let Some(seg) = segments.get(&key).cloned() else { continue };
            let mut writer = lock(&seg.writer);
            seg.sealed.store(true, Ordering::Release);
            seg.expired.store(true, Ordering::Release);
            *writer = None;
            match fs::remove_file(&seg.path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    // Still on disk: readers must not take it for deleted.
                    seg.expired.store(false, Ordering::Release);
                    return Err(e).at(&seg.path);
                }
            }
            drop(writer);
            segments.remove(&key);
            report.segments_deleted += 1;
            report.bytes_deleted += seg.committed();
        }
        drop(segments);
        if self.inner.options.fsync && !s.is_deleted() {
            meta::sync_dir(&s.dir)?;
        }
        Ok(())
    }
}
