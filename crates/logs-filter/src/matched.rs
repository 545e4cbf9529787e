//! [`Matched`]: an event a pattern matched, with its JSON document for selecting the values a
//! metric filter publishes (metric value, dimension values).

use serde_json::Value;

use crate::path::JsonPath;

/// An event a [`FilterPattern`](crate::FilterPattern) matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    doc: Option<Value>,
}

impl Matched {
    pub(crate) fn new(doc: Option<Value>) -> Matched {
        Matched { doc }
    }

    /// The message as a JSON document; `None` when it is not JSON (only term, regex and empty
    /// patterns match such messages).
    pub fn document(&self) -> Option<&Value> {
        self.doc.as_ref()
    }

    /// The value `path` names in the document (a JSON `null` is `Some(&Value::Null)`).
    pub fn select(&self, path: &JsonPath) -> Option<&Value> {
        path.select(self.doc.as_ref()?)
    }
}
