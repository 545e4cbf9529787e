//! The constraint table (`fixtures/requests/converse/`) replayed over a real socket: each case's
//! status, error type and message must be what the table says, and rejected cases write nothing.

use crate::support::{TestEmulator, raw_converse};

#[tokio::test]
async fn converse_constraint_table_over_the_socket() {
    todo!("wire to the fixture table once bedrock-model lands")
}
