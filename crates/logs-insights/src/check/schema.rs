//! The caller's record schema, used only for "unknown field" warnings. The crate knows no
//! schema of its own: the emulator passes the Bedrock `ModelInvocationLog` one.

use std::collections::BTreeSet;

/// Known flattened field paths, and prefixes under which any path is known (open maps
/// such as `requestMetadata.` or request bodies).
#[derive(Clone, Debug, Default)]
pub struct Schema {
    fields: BTreeSet<String>,
    prefixes: Vec<String>,
}

impl Schema {
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Adds one known path, e.g. `input.inputTokenCount`.
    pub fn field(mut self, path: impl Into<String>) -> Schema {
        self.fields.insert(path.into());
        self
    }

    /// Adds an open prefix, e.g. `requestMetadata.`: every path starting with it is known.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Schema {
        self.prefixes.push(prefix.into());
        self
    }

    /// Builds a schema from lines: `path` or `prefix.*` (a trailing `*` marks a prefix);
    /// blank lines and `#` comments are skipped.
    pub fn from_lines(text: &str) -> Schema {
        let mut s = Schema::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            s = match line.strip_suffix('*') {
                Some(prefix) => s.prefix(prefix),
                None => s.field(line),
            };
        }
        s
    }

    /// True when records of this schema can have `path`.
    pub fn knows(&self, path: &str) -> bool {
        self.fields.contains(path) || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
    }

    /// A known path the user probably meant: one with the same last segment, or a sibling
    /// whose last segment shares a long prefix (`output.outputTokens` → `output.outputTokenCount`).
    pub(crate) fn suggest(&self, path: &str) -> Option<String> {
        let last = path.rsplit('.').next()?;
        if let Some(f) = self.fields.iter().find(|f| f.as_str() != path && f.rsplit('.').next() == Some(last)) {
            return Some(f.clone());
        }
        let parent = path.rsplit_once('.').map(|(p, _)| p);
        let common = |f: &str| last.bytes().zip(f.rsplit('.').next().unwrap_or("").bytes()).take_while(|(a, b)| a == b).count();
        self.fields
            .iter()
            .filter(|f| f.rsplit_once('.').map(|(p, _)| p) == parent)
            .max_by_key(|f| common(f))
            .filter(|f| common(f) >= 6)
            .cloned()
    }
}
