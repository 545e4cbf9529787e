//! The output shapes IAM operations share (`Role`, `User`, `Policy`, `AttachedPolicy`, `Tag`),
//! built from the store's entities, and the input `Tag`. Policy documents go out URL-encoded, as
//! IAM sends them (botocore and the aws CLI decode them back to the JSON that was sent).

use aws_protocol::Timestamp;
use iam_store::{ManagedPolicy, Role as StoredRole, Tag as StoredTag, User as StoredUser};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// What IAM leaves unencoded in a policy document: RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A policy document as IAM returns it: percent-encoded.
pub(crate) fn encoded_document(document: &str) -> String {
    utf8_percent_encode(document, UNRESERVED).to_string()
}

/// `Tag` (input and output).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Tag {
    pub(crate) key: String,
    pub(crate) value: String,
}

impl Tag {
    pub(crate) fn from_stored(t: &StoredTag) -> Tag {
        Tag { key: t.key.clone(), value: t.value.clone() }
    }

    pub(crate) fn into_stored(self) -> StoredTag {
        StoredTag { key: self.key, value: self.value }
    }
}

/// Tags for an output: `None` (left out) when there are none.
pub(crate) fn tags_out(tags: &[StoredTag]) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| tags.iter().map(Tag::from_stored).collect())
}

/// `RoleLastUsed`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoleLastUsed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_used_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) region: Option<String>,
}

/// `Role`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Role {
    pub(crate) path: String,
    pub(crate) role_name: String,
    pub(crate) role_id: String,
    pub(crate) arn: String,
    pub(crate) create_date: Timestamp,
    pub(crate) assume_role_policy_document: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    pub(crate) max_session_duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tags: Option<Vec<Tag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) role_last_used: Option<RoleLastUsed>,
}

impl Role {
    /// The role as GetRole and CreateRole show it (`last_used`: with `RoleLastUsed`, as GetRole).
    pub(crate) fn from_stored(r: &StoredRole, last_used: bool) -> Role {
        Role {
            path: r.path.clone(),
            role_name: r.name.clone(),
            role_id: r.id.clone(),
            arn: r.arn.clone(),
            create_date: Timestamp::from_epoch_millis(r.created_ms),
            assume_role_policy_document: encoded_document(&r.assume_role_policy),
            description: r.description.clone(),
            max_session_duration: r.max_session_duration,
            tags: tags_out(&r.tags),
            role_last_used: last_used.then(|| RoleLastUsed {
                last_used_date: r.last_used.as_ref().map(|(ms, _)| Timestamp::from_epoch_millis(*ms)),
                region: r.last_used.as_ref().map(|(_, region)| region.clone()),
            }),
        }
    }
}

/// `User`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct User {
    pub(crate) path: String,
    pub(crate) user_name: String,
    pub(crate) user_id: String,
    pub(crate) arn: String,
    pub(crate) create_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tags: Option<Vec<Tag>>,
}

impl User {
    pub(crate) fn from_stored(u: &StoredUser) -> User {
        User {
            path: u.path.clone(),
            user_name: u.name.clone(),
            user_id: u.id.clone(),
            arn: u.arn.clone(),
            create_date: Timestamp::from_epoch_millis(u.created_ms),
            tags: tags_out(&u.tags),
        }
    }
}

/// `Policy`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Policy {
    pub(crate) policy_name: String,
    pub(crate) policy_id: String,
    pub(crate) arn: String,
    pub(crate) path: String,
    pub(crate) default_version_id: String,
    pub(crate) attachment_count: usize,
    pub(crate) permissions_boundary_usage_count: usize,
    pub(crate) is_attachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    pub(crate) create_date: Timestamp,
    pub(crate) update_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tags: Option<Vec<Tag>>,
}

impl Policy {
    /// The policy with its attachment count; `description` as GetPolicy shows it (ListPolicies
    /// and CreatePolicy leave it out, as IAM does).
    pub(crate) fn from_stored(p: &ManagedPolicy, attachment_count: usize, description: bool) -> Policy {
        Policy {
            policy_name: p.name.clone(),
            policy_id: p.id.clone(),
            arn: p.arn.clone(),
            path: p.path.clone(),
            default_version_id: p.default_version.clone(),
            attachment_count,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            description: if description { p.description.clone() } else { None },
            create_date: Timestamp::from_epoch_millis(p.created_ms),
            update_date: Timestamp::from_epoch_millis(p.updated_ms),
            tags: tags_out(&p.tags),
        }
    }
}

/// `AttachedPolicy`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttachedPolicy {
    pub(crate) policy_name: String,
    pub(crate) policy_arn: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn documents_are_percent_encoded_like_iam() {
        assert_eq!(
            super::encoded_document("{\"Version\": \"2012-10-17\",\n  \"Action\": \"s3:*\"}"),
            "%7B%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Action%22%3A%20%22s3%3A%2A%22%7D"
        );
    }
}
