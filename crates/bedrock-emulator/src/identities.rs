//! The emulator's caller resolution: an access key the account issued (an IAM user's key, STS
//! credentials) names its owner from the IAM store; any other key goes to the `--principals`
//! map, then to the default user `arn:aws:iam::<account>:user/bedrock-emulator`. Under
//! `--enforce-iam` the root's key (`test`) is the account root.

use std::sync::Arc;

use iam_store::IamStore;
use service_kit::{Identities, Identity, PrincipalIdentities};

/// IAM store first, then the principal map.
#[derive(Debug)]
pub(crate) struct AccountIdentities {
    pub(crate) iam: Arc<IamStore>,
    pub(crate) fallback: PrincipalIdentities,
    /// Under `--enforce-iam`, the root's access key: it names `arn:aws:iam::{account}:root`.
    pub(crate) root_key: Option<String>,
}

impl Identities for AccountIdentities {
    fn identify(&self, access_key: Option<&str>) -> Identity {
        if let (Some(key), Some(root)) = (access_key, &self.root_key)
            && key == root
        {
            let account = &self.fallback.account_id;
            return Identity { arn: format!("arn:aws:iam::{account}:root"), user_id: account.clone(), account: account.clone() };
        }
        if let Some(key) = access_key
            && let Some(owner) = self.iam.read().owner_of_key(key)
        {
            let account = Identity::from_arn(&owner.arn, &self.fallback.account_id).account;
            return Identity { arn: owner.arn, user_id: owner.user_id, account };
        }
        self.fallback.identify(access_key)
    }
}
