//! The trimmed Bedrock service models this crate validates against, embedded at build time:
//! `models/bedrock-runtime.converse.json` (shapes reachable from `ConverseRequest`,
//! bedrock-runtime 2023-09-30) and `models/bedrock.logging.json` (shapes reachable from
//! `PutModelInvocationLoggingConfigurationRequest`, bedrock 2023-04-20).

use std::sync::LazyLock;

use aws_shapes::ShapeIndex;

/// Shapes reachable from `ConverseRequest` (bedrock-runtime 2023-09-30).
pub(crate) static RUNTIME: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/bedrock-runtime.converse.json")));

/// Shapes reachable from `PutModelInvocationLoggingConfigurationRequest` (bedrock 2023-04-20).
pub(crate) static CONTROL: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/bedrock.logging.json")));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_shape_resolves() {
        for index in [&*RUNTIME, &*CONTROL] {
            assert_eq!(index.dangling_references(), Vec::<String>::new());
        }
    }
}
