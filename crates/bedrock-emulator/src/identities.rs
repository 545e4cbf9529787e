//! The emulator's caller resolution: an access key the account issued (an IAM user's key, STS
//! credentials) names its owner from the IAM store; any other key goes to the `--principals`
//! map, then to the default user `arn:aws:iam::<account>:user/bedrock-emulator`.

use std::sync::Arc;

use iam_store::IamStore;
use service_kit::{Identities, Identity, PrincipalIdentities};

/// IAM store first, then the principal map.
#[derive(Debug)]
pub(crate) struct AccountIdentities {
    pub(crate) iam: Arc<IamStore>,
    pub(crate) fallback: PrincipalIdentities,
}

impl Identities for AccountIdentities {
    fn identify(&self, access_key: Option<&str>) -> Identity {
        if let Some(key) = access_key
            && let Some(owner) = self.iam.read().owner_of_key(key)
        {
            let account = Identity::from_arn(&owner.arn, &self.fallback.account_id).account;
            return Identity { arn: owner.arn, user_id: owner.user_id, account };
        }
        self.fallback.identify(access_key)
    }
}
