//! The objects a table reads, each with its partition values: every object under LOCATION for
//! an unpartitioned table; under each registered partition's location; or, with partition
//! projection, every object under the template's fixed prefix whose key matches
//! `storage.location.template` (default `<location>/<key>=<value>/...`) and whose values the
//! projection allows. Objects whose name starts with `_` or `.` are skipped, as Athena does.

use datafusion::scalar::ScalarValue;

use crate::catalog::TableDef;
use crate::error::SqlError;
use crate::hive_type::HiveType;
use crate::source::{Location, ObjectEntry, Storage};

/// One object to read.
#[derive(Debug, Clone)]
pub(crate) struct ScanObject {
    pub(crate) location: Location,
    pub(crate) entry: ObjectEntry,
    /// One per partition key.
    pub(crate) partition_values: Vec<ScalarValue>,
}

fn hidden(relative: &str) -> bool {
    relative.ends_with('/') || relative.split('/').any(|seg| seg.starts_with('_') || seg.starts_with('.'))
}

/// The objects of `table`.
pub(crate) async fn table_objects(storage: &Storage, table: &TableDef) -> Result<Vec<ScanObject>, SqlError> {
    let location = Location::parse(&table.location)?;
    if table.partition_keys.is_empty() {
        let entries = storage.list(&location).await?;
        return Ok(entries
            .into_iter()
            .filter(|e| !hidden(&e.relative))
            .map(|entry| ScanObject { location: location.clone(), entry, partition_values: Vec::new() })
            .collect());
    }
    if table.projection_enabled() {
        return projected(storage, table, &location).await;
    }
    let mut out = Vec::new();
    for p in &table.partitions {
        let loc = Location::parse(&p.location)?;
        let values =
            table.partition_keys.iter().zip(&p.values).map(|(k, v)| partition_value(&k.ty, v)).collect::<Result<Vec<_>, _>>()?;
        match storage.list(&loc).await {
            Ok(entries) => out.extend(entries.into_iter().filter(|e| !hidden(&e.relative)).map(|entry| ScanObject {
                location: loc.clone(),
                entry,
                partition_values: values.clone(),
            })),
            Err(SqlError::Storage(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// A partition value of a key's type (Hive's `__HIVE_DEFAULT_PARTITION__` is NULL).
pub(crate) fn partition_value(ty: &HiveType, text: &str) -> Result<ScalarValue, SqlError> {
    let dt = ty.arrow();
    if text == "__HIVE_DEFAULT_PARTITION__" {
        return ScalarValue::try_from(&dt).map_err(|e| SqlError::Internal(e.to_string()));
    }
    ScalarValue::try_from_string(text.to_owned(), &dt)
        .map_err(|_| SqlError::BadData(format!("the partition value '{text}' is not a {ty}")))
}

/// The template's pieces: literal text and key names, in order.
fn template_parts(template: &str) -> Result<Vec<(bool, String)>, SqlError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        parts.push((false, rest[..start].to_owned()));
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| SqlError::InvalidDdl(format!("unclosed ${{ in storage.location.template {template}")))?;
        parts.push((true, rest[start + 2..start + end].to_ascii_lowercase()));
        rest = &rest[start + end + 1..];
    }
    parts.push((false, rest.to_owned()));
    Ok(parts)
}

async fn projected(storage: &Storage, table: &TableDef, location: &Location) -> Result<Vec<ScanObject>, SqlError> {
    let template = match table.table_property("storage.location.template") {
        Some(t) => t.to_owned(),
        None => {
            let base = location.to_string();
            let keys: Vec<String> = table.partition_keys.iter().map(|k| format!("{0}=${{{0}}}", k.name)).collect();
            format!("{}{}/", if base.ends_with('/') { base } else { format!("{base}/") }, keys.join("/"))
        }
    };
    let parts = template_parts(&template)?;
    let fixed = &parts[0].1;
    let root = Location::parse(fixed.rsplit_once('/').map_or(fixed.as_str(), |(dir, _)| dir))?;
    let root = match root {
        Location::S3 { bucket, prefix } => Location::S3 { bucket, prefix },
        other => other,
    };
    let mut pattern = String::from("^");
    for (is_key, text) in &parts {
        if *is_key {
            pattern.push_str("([^/]+)");
        } else {
            pattern.push_str(&regex::escape(text));
        }
    }
    let re = regex::Regex::new(&pattern).map_err(|e| SqlError::InvalidDdl(e.to_string()))?;
    let names: Vec<&String> = parts.iter().filter(|(k, _)| *k).map(|(_, n)| n).collect();
    for key in &table.partition_keys {
        if !names.contains(&&key.name) {
            return Err(SqlError::InvalidDdl(format!("storage.location.template does not name the partition key {}", key.name)));
        }
    }
    let rules =
        table.partition_keys.iter().map(|k| crate::projection::Projection::of(table, &k.name)).collect::<Result<Vec<_>, _>>()?;
    let entries = match storage.list(&root).await {
        Ok(e) => e,
        Err(SqlError::Storage(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        if hidden(&entry.relative) {
            continue;
        }
        let full = match &root {
            Location::S3 { bucket, .. } => format!("s3://{bucket}/{}", entry.key),
            Location::Local(_) => entry.key.clone(),
        };
        let Some(caps) = re.captures(&full) else { continue };
        let mut values = Vec::new();
        let mut allowed = true;
        for (key, rule) in table.partition_keys.iter().zip(&rules) {
            let i = names.iter().position(|n| **n == key.name).unwrap_or(0);
            let text = caps.get(i + 1).map_or("", |m| m.as_str());
            if !rule.allows(text) {
                allowed = false;
                break;
            }
            values.push(partition_value(&key.ty, text)?);
        }
        if allowed {
            out.push(ScanObject { location: root.clone(), entry, partition_values: values });
        }
    }
    Ok(out)
}
