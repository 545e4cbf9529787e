//! Who a caller is, as far as records need it: SigV4 access keys mapped to principal ARNs
//! (`serve --principals FILE`), with a default for unsigned requests and unknown keys.

use std::collections::BTreeMap;

/// Maps SigV4 access keys to the `identity.arn` written in records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principals {
    /// Access key id → principal ARN.
    pub by_access_key: BTreeMap<String, String>,
    /// The ARN for unsigned requests and unknown keys; `None` means
    /// `arn:aws:iam::<account>:user/bedrock-emulator`.
    pub default_arn: Option<String>,
}

impl Principals {
    /// Parses a principal map: `{"AKIA...": "arn:aws:sts::...:assumed-role/...", "*": "<default arn>"}`.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let mut by_access_key: BTreeMap<String, String> = serde_json::from_str(text)?;
        let default_arn = by_access_key.remove("*");
        Ok(Self { by_access_key, default_arn })
    }

    /// The principal ARN for a caller's access key.
    pub fn arn_for(&self, access_key: Option<&str>, account_id: &str) -> String {
        access_key
            .and_then(|key| self.by_access_key.get(key))
            .or(self.default_arn.as_ref())
            .cloned()
            .unwrap_or_else(|| format!("arn:aws:iam::{account_id}:user/bedrock-emulator"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_map_with_default() {
        let p = Principals::from_json(
            r#"{"AKID1": "arn:aws:iam::111122223333:user/alice", "*": "arn:aws:iam::111122223333:user/anyone"}"#,
        )
        .unwrap();
        assert_eq!(p.arn_for(Some("AKID1"), "1"), "arn:aws:iam::111122223333:user/alice");
        assert_eq!(p.arn_for(Some("OTHER"), "1"), "arn:aws:iam::111122223333:user/anyone");
        assert_eq!(Principals::default().arn_for(None, "999"), "arn:aws:iam::999:user/bedrock-emulator");
    }
}
