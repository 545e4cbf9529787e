//! `cargo xtask e2e --mock` as part of `cargo test --workspace`: the scenarios and the query
//! catalog against the in-process emulator, through the built xtask binary, must pass.

use std::process::Command;

#[test]
fn e2e_mock_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["e2e", "--mock"])
        .env_remove("INSTA_UPDATE")
        .output()
        .expect("the xtask binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "cargo xtask e2e --mock failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("== e2e --mock"), "{stdout}");
}
