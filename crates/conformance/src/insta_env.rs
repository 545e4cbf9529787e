//! The insta environment of a run. Snapshots are rewritten only under `--update-snapshots`:
//! otherwise an inherited `INSTA_UPDATE` (say `always` from a shell profile), `INSTA_FORCE_PASS`
//! or `INSTA_FORCE_UPDATE*` would let a differing snapshot pass or be rewritten silently, so they
//! are cleared, each with a printed notice.

/// Variables that make insta pass or rewrite a snapshot that differs.
const OVERRIDES: [&str; 3] = ["INSTA_FORCE_PASS", "INSTA_FORCE_UPDATE", "INSTA_FORCE_UPDATE_SNAPSHOTS"];

/// What to do to the environment: set (`Some`) or remove (`None`) each variable, and the notices
/// to print.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct InstaEnv {
    pub(crate) vars: Vec<(&'static str, Option<String>)>,
    pub(crate) notices: Vec<String>,
}

/// The environment for a run, given the inherited variables (`inherited(name)`).
pub(crate) fn insta_env(update_snapshots: bool, workspace: &str, inherited: impl Fn(&str) -> Option<String>) -> InstaEnv {
    let mut env = InstaEnv::default();
    env.vars.push(("INSTA_WORKSPACE_ROOT", Some(workspace.to_owned())));
    if update_snapshots {
        env.vars.push(("INSTA_UPDATE", Some("always".to_owned())));
        return env;
    }
    if let Some(value) = inherited("INSTA_UPDATE").filter(|v| v != "no") {
        env.notices.push(format!(
            "ignoring INSTA_UPDATE={value} from the environment: snapshots are rewritten only with --update-snapshots"
        ));
    }
    env.vars.push(("INSTA_UPDATE", Some("no".to_owned())));
    for name in OVERRIDES {
        if let Some(value) = inherited(name) {
            env.notices.push(format!("ignoring {name}={value} from the environment: a differing snapshot must fail"));
            env.vars.push((name, None));
        }
    }
    // The harness prints its own diff of a differing snapshot.
    if inherited("INSTA_OUTPUT").is_none() {
        env.vars.push(("INSTA_OUTPUT", Some("none".to_owned())));
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn inherited_overrides_are_cleared_outside_update_mode() {
        let env = insta_env(false, "/w", from(&[("INSTA_UPDATE", "always"), ("INSTA_FORCE_PASS", "1")]));
        assert!(env.vars.contains(&("INSTA_UPDATE", Some("no".to_owned()))));
        assert!(env.vars.contains(&("INSTA_FORCE_PASS", None)));
        assert_eq!(env.notices.len(), 2, "{:?}", env.notices);
        assert!(env.notices[0].contains("INSTA_UPDATE=always"));
    }

    #[test]
    fn update_mode_rewrites_and_a_clean_environment_says_nothing() {
        let env = insta_env(true, "/w", from(&[]));
        assert!(env.vars.contains(&("INSTA_UPDATE", Some("always".to_owned()))));
        let env = insta_env(false, "/w", from(&[]));
        assert!(env.notices.is_empty());
        assert!(env.vars.contains(&("INSTA_OUTPUT", Some("none".to_owned()))));
    }
}
