//! `bedrock-emulator sql --remote-s3`: `s3://` locations read from Amazon S3 (or whatever
//! `AWS_ENDPOINT_URL` names) through the `object_store` crate's S3 client, with credentials and
//! region from the AWS SDK's default chain (environment, profiles, SSO, container and instance
//! roles), refreshed as they expire. One client per bucket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use futures::TryStreamExt;
use object_store_s3::aws::{AmazonS3, AmazonS3Builder, AwsCredential};
use object_store_s3::path::Path;
use object_store_s3::{CredentialProvider, ObjectStore, ObjectStoreExt};
use sql::{ObjectEntry, ObjectSource, SqlError};

/// The SDK's credential chain as object_store's provider.
#[derive(Debug)]
struct SdkCredentials(SharedCredentialsProvider);

#[async_trait::async_trait]
impl CredentialProvider for SdkCredentials {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store_s3::Result<Arc<AwsCredential>> {
        let c = self
            .0
            .provide_credentials()
            .await
            .map_err(|e| object_store_s3::Error::Generic { store: "S3", source: Box::new(e) })?;
        Ok(Arc::new(AwsCredential {
            key_id: c.access_key_id().to_owned(),
            secret_key: c.secret_access_key().to_owned(),
            token: c.session_token().map(str::to_owned),
        }))
    }
}

/// Real S3 buckets.
#[derive(Debug)]
pub(crate) struct RemoteS3 {
    credentials: Arc<SdkCredentials>,
    region: String,
    endpoint: Option<String>,
    stores: Mutex<HashMap<String, Arc<AmazonS3>>>,
}

impl RemoteS3 {
    /// Reads the default chain's region and credentials.
    pub(crate) async fn from_default_chain() -> anyhow::Result<RemoteS3> {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let credentials = config.credentials_provider().ok_or_else(|| {
            anyhow::anyhow!("no AWS credentials found by the default chain (environment, profile, SSO, instance role)")
        })?;
        let region = config.region().map_or_else(|| "us-east-1".to_owned(), |r| r.as_ref().to_owned());
        let endpoint = std::env::var("AWS_ENDPOINT_URL_S3").ok().or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        Ok(RemoteS3 { credentials: Arc::new(SdkCredentials(credentials)), region, endpoint, stores: Mutex::default() })
    }

    fn store(&self, bucket: &str) -> Result<Arc<AmazonS3>, SqlError> {
        let mut stores = self.stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = stores.get(bucket) {
            return Ok(Arc::clone(s));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&self.region)
            .with_credentials(Arc::clone(&self.credentials) as _);
        if let Some(endpoint) = &self.endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        let store = Arc::new(builder.build().map_err(|e| SqlError::Storage(e.to_string()))?);
        stores.insert(bucket.to_owned(), Arc::clone(&store));
        Ok(store)
    }
}

fn path(key: &str) -> Path {
    Path::parse(key).unwrap_or_else(|_| Path::from(key))
}

#[async_trait::async_trait]
impl ObjectSource for RemoteS3 {
    async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectEntry>, SqlError> {
        let store = self.store(bucket)?;
        let dir = prefix.trim_end_matches('/');
        let dir_path = (!dir.is_empty()).then(|| path(dir));
        let listed: Vec<_> = store
            .list(dir_path.as_ref())
            .try_collect()
            .await
            .map_err(|e| SqlError::Storage(format!("listing s3://{bucket}/{prefix}: {e}")))?;
        let mut out: Vec<ObjectEntry> = listed
            .into_iter()
            .map(|m| {
                let key = m.location.to_string();
                let relative = key.strip_prefix(prefix).unwrap_or(&key).to_owned();
                ObjectEntry { relative, key, size: m.size }
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, SqlError> {
        let store = self.store(bucket)?;
        let got = store.get(&path(key)).await.map_err(|e| SqlError::Storage(format!("reading s3://{bucket}/{key}: {e}")))?;
        let bytes = got.bytes().await.map_err(|e| SqlError::Storage(format!("reading s3://{bucket}/{key}: {e}")))?;
        Ok(bytes.to_vec())
    }
}
