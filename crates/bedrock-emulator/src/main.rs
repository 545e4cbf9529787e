//! `bedrock-emulator` command line.
fn main() {}
