//! DeleteObject (204 whether or not the key exists, as S3) and DeleteObjects (up to 1000 keys
//! from the XML `Delete` body; `DeleteResult` lists what went, or only the failures when
//! `Quiet`).

use aws_protocol::Reply;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::S3Service;
use crate::body;
use crate::error::S3Error;

/// The most keys one DeleteObjects names.
const MAX_KEYS: usize = 1000;

pub(crate) fn delete_object(state: &S3Service, bucket: &str, key: &str) -> Result<Reply, S3Error> {
    state.store.delete_object(bucket, key).map_err(|e| S3Error::from_store(e, bucket))?;
    Ok(Reply::empty().with_status(204))
}

/// `Delete`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Delete {
    objects: Vec<ObjectIdentifier>,
    #[serde(default)]
    quiet: bool,
}

/// `ObjectIdentifier`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObjectIdentifier {
    key: String,
    version_id: Option<String>,
}

/// `DeletedObject`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Deleted {
    key: String,
}

/// `Error` of a key that was not deleted.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct KeyError {
    key: String,
    code: String,
    message: String,
}

/// `DeleteResult`.
#[derive(Debug, Serialize)]
struct DeleteResult {
    #[serde(rename = "Deleted")]
    deleted: Vec<Deleted>,
    #[serde(rename = "Error")]
    errors: Vec<KeyError>,
}

pub(crate) fn delete_objects(state: &S3Service, bucket: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let request: Delete = body::xml("Delete", &call.request.body.bytes)?;
    if request.objects.is_empty() || request.objects.len() > MAX_KEYS {
        return Err(S3Error::malformed_xml());
    }
    state.store.bucket_info(bucket).map_err(|e| S3Error::from_store(e, bucket))?;
    let mut result = DeleteResult { deleted: Vec::new(), errors: Vec::new() };
    for object in request.objects {
        if let Some(version) = object.version_id.as_deref().filter(|v| *v != "null") {
            result.errors.push(KeyError {
                key: object.key,
                code: "NoSuchVersion".to_owned(),
                message: format!("The specified version {version} does not exist."),
            });
            continue;
        }
        match state.store.delete_object(bucket, &object.key) {
            Ok(_) if request.quiet => {}
            Ok(_) => result.deleted.push(Deleted { key: object.key }),
            Err(err) => {
                result.errors.push(KeyError { key: object.key, code: "InternalError".to_owned(), message: err.to_string() })
            }
        }
    }
    Ok(Reply::shape("DeleteResult", result))
}
