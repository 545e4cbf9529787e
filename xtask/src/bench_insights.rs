//! `cargo xtask bench insights`: not built yet.

pub(crate) fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("bench insights is not implemented yet")
}
