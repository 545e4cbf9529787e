//! The field extractor's compiled form: the dot paths a query needs (`input.inputTokenCount`,
//! `items.0.id`) as a trie of key segments, each wanted leaf bound to a row slot. The
//! checker builds it with [`Extractor::add`]; `eval/json_scan.rs` walks a message's raw
//! JSON bytes once against it (`Extractor::extract`).

/// One trie node: a key segment's children and, for a wanted leaf, its slot.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    /// Key segment → child node index.
    pub(crate) children: Vec<(Box<[u8]>, u32)>,
    /// The row slot a value at this node is captured into, when the path ends here.
    pub(crate) slot: Option<u32>,
    /// Capture an object or array here whole, as a JSON value (`expand` of a record's array),
    /// instead of treating only leaves as fields.
    pub(crate) raw: bool,
}

/// A compiled set of wanted paths: a trie of key segments.
#[derive(Debug, Clone)]
pub(crate) struct Extractor {
    /// The trie; node 0 is the root (the message object).
    pub(crate) nodes: Vec<Node>,
    /// How many nodes carry a slot: the scan stops once it has captured them all.
    pub(crate) n_leaves: usize,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor { nodes: vec![Node::default()], n_leaves: 0 }
    }
}

impl Extractor {
    /// Makes the leaf bound to `slot` capture objects and arrays whole (see [`Node::raw`]);
    /// false when no path is bound to it.
    pub(crate) fn capture_whole(&mut self, slot: u32) -> bool {
        match self.nodes.iter_mut().find(|n| n.slot == Some(slot)) {
            Some(n) => {
                n.raw = true;
                true
            }
            None => false,
        }
    }

    /// Adds a flattened path (`input.inputTokenCount`, `items.0.id`) captured into `slot`.
    pub(crate) fn add(&mut self, path: &str, slot: u32) {
        let mut node = 0usize;
        for seg in path.split('.') {
            let found = self.nodes[node].children.iter().find(|(k, _)| &k[..] == seg.as_bytes()).map(|(_, n)| *n);
            node = match found {
                Some(n) => n as usize,
                None => {
                    self.nodes.push(Node::default());
                    let n = self.nodes.len() - 1;
                    self.nodes[node].children.push((seg.as_bytes().into(), n as u32));
                    n
                }
            };
        }
        if self.nodes[node].slot.is_none() {
            self.n_leaves += 1;
        }
        self.nodes[node].slot = Some(slot);
    }
}
