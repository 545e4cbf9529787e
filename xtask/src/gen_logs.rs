//! `cargo xtask gen logs`: not built yet.

pub(crate) fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("gen logs is not implemented yet")
}
