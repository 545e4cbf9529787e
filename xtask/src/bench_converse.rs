//! `cargo xtask bench converse`: not built yet.

pub(crate) fn run(_args: &[String]) -> anyhow::Result<()> {
    anyhow::bail!("bench converse is not implemented yet")
}
