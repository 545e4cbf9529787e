//! The checker's name environment for one pipeline stage: names to slots, and the columns
//! that `fields`/`display` make visible.

use std::collections::HashMap;

/// What a name is bound to in a stage.
#[derive(Clone, Debug)]
pub(super) struct Stage {
    /// Stage 0 reads events; later stages read the rows of a `stats`.
    pub(super) is_events: bool,
    pub(super) names: HashMap<String, u32>,
    /// Names defined by `as`, `parse` or `stats` in this stage (not event fields).
    pub(super) aliases: HashMap<String, u32>,
    pub(super) n_slots: u32,
    pub(super) fields_cols: Vec<(String, u32)>,
    pub(super) display_cols: Option<Vec<(String, u32)>>,
    /// Rows limit of the stage's `limit` commands.
    pub(super) limit: Option<u64>,
}

impl Stage {
    pub(super) fn events() -> Stage {
        Stage {
            is_events: true,
            names: HashMap::new(),
            aliases: HashMap::new(),
            n_slots: 0,
            fields_cols: Vec::new(),
            display_cols: None,
            limit: None,
        }
    }

    pub(super) fn alloc(&mut self) -> u32 {
        self.n_slots += 1;
        self.n_slots - 1
    }

    /// Adds a column to the `fields` union (a later one with the same name replaces it).
    pub(super) fn add_field_col(&mut self, name: String, slot: u32) {
        match self.fields_cols.iter_mut().find(|(n, _)| *n == name) {
            Some(col) => col.1 = slot,
            None => self.fields_cols.push((name, slot)),
        }
    }
}
