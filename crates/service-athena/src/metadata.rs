//! The Data Catalog API over the SQL catalog: ListDataCatalogs, ListDatabases, GetDatabase,
//! ListTableMetadata (with `Expression`, Hive's `*` pattern), GetTableMetadata. The one catalog
//! is `AwsDataCatalog`; another name is `MetadataException`.

use std::collections::BTreeMap;

use aws_protocol::Reply;
use serde::Deserialize;
use serde_json::json;
use service_kit::Call;
use sql::catalog::TableDef;

use crate::AthenaService;
use crate::error::AthenaError;
use crate::input::input;
use crate::shapes::{Column, Database, TableMetadata, seconds};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CatalogInput {
    catalog_name: Option<String>,
    database_name: Option<String>,
    table_name: Option<String>,
    expression: Option<String>,
    next_token: Option<String>,
    max_results: Option<usize>,
}

fn check_catalog(name: Option<&str>) -> Result<(), AthenaError> {
    match name {
        Some(n) if !n.eq_ignore_ascii_case("awsdatacatalog") => {
            Err(AthenaError::Metadata(format!("Catalog {n} not found. Only AwsDataCatalog exists in this emulator.")))
        }
        _ => Ok(()),
    }
}

pub(crate) fn list_catalogs(_service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let _: serde_json::Value = input(call)?;
    Ok(Reply::shape(
        "ListDataCatalogsOutput",
        json!({ "DataCatalogsSummary": [{ "CatalogName": "AwsDataCatalog", "Type": "GLUE" }] }),
    ))
}

fn database(d: sql::catalog::DatabaseDef) -> Database {
    let mut parameters: BTreeMap<String, String> = d.properties;
    if let Some(l) = d.location {
        parameters.insert("location".to_owned(), l);
    }
    Database { name: d.name, description: d.comment, parameters }
}

pub(crate) fn list_databases(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: CatalogInput = input(call)?;
    check_catalog(i.catalog_name.as_deref())?;
    let all: Vec<Database> = service.engine.catalog().databases().into_iter().map(database).collect();
    let (page, next) = page(all, i.next_token.as_deref(), i.max_results.unwrap_or(50))?;
    Ok(Reply::shape("ListDatabasesOutput", json!({ "DatabaseList": page, "NextToken": next })))
}

pub(crate) fn get_database(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: CatalogInput = input(call)?;
    check_catalog(i.catalog_name.as_deref())?;
    let name = i.database_name.unwrap_or_default().to_ascii_lowercase();
    let d =
        service.engine.catalog().database(&name).ok_or_else(|| AthenaError::Metadata(format!("Database {name} not found.")))?;
    Ok(Reply::shape("GetDatabaseOutput", json!({ "Database": database(d) })))
}

fn table(t: TableDef) -> TableMetadata {
    let col =
        |c: &sql::catalog::ColumnDef| Column { name: c.name.clone(), type_name: c.ty.to_string(), comment: c.comment.clone() };
    let mut parameters: BTreeMap<String, String> = t.table_properties.clone();
    parameters.insert("EXTERNAL".to_owned(), "TRUE".to_owned());
    parameters.insert("location".to_owned(), t.location.clone());
    parameters.insert("serde.serialization.lib".to_owned(), t.serde.clone());
    parameters.insert("inputformat".to_owned(), "org.apache.hadoop.mapred.TextInputFormat".to_owned());
    parameters.insert("outputformat".to_owned(), "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat".to_owned());
    for (k, v) in &t.serde_properties {
        parameters.insert(format!("serde.param.{k}"), v.clone());
    }
    TableMetadata {
        name: t.name.clone(),
        create_time: seconds(t.created_ms),
        table_type: "EXTERNAL_TABLE".to_owned(),
        columns: t.columns.iter().map(col).collect(),
        partition_keys: t.partition_keys.iter().map(col).collect(),
        parameters,
    }
}

fn page<T: serde::Serialize>(all: Vec<T>, token: Option<&str>, max: usize) -> Result<(Vec<T>, Option<String>), AthenaError> {
    let start = crate::paging::start(token)?;
    let total = all.len();
    let page: Vec<T> = all.into_iter().skip(start).take(max).collect();
    let next = (start + max < total).then(|| crate::paging::token(start + max));
    Ok((page, next))
}

fn tables_of(service: &AthenaService, database: Option<String>) -> Result<Vec<TableDef>, AthenaError> {
    let name = database.unwrap_or_default().to_ascii_lowercase();
    service.engine.catalog().tables(&name).map_err(|_| AthenaError::Metadata(format!("Namespace {name} not found.")))
}

pub(crate) fn list_tables(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: CatalogInput = input(call)?;
    check_catalog(i.catalog_name.as_deref())?;
    let re = match &i.expression {
        Some(e) => Some(hive_pattern(e).ok_or_else(|| AthenaError::InvalidRequest(format!("Expression {e} is not valid")))?),
        None => None,
    };
    let all: Vec<TableMetadata> = tables_of(service, i.database_name)?
        .into_iter()
        .filter(|t| re.as_ref().is_none_or(|r| r.is_match(&t.name)))
        .map(table)
        .collect();
    let (page, next) = page(all, i.next_token.as_deref(), i.max_results.unwrap_or(50))?;
    Ok(Reply::shape("ListTableMetadataOutput", json!({ "TableMetadataList": page, "NextToken": next })))
}

pub(crate) fn get_table(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: CatalogInput = input(call)?;
    check_catalog(i.catalog_name.as_deref())?;
    let name = i.table_name.clone().unwrap_or_default().to_ascii_lowercase();
    let t = tables_of(service, i.database_name)?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| AthenaError::Metadata(format!("Table {name} not found.")))?;
    Ok(Reply::shape("GetTableMetadataOutput", json!({ "TableMetadata": table(t) })))
}

/// Hive's table-name pattern (`*` any text, `|` alternatives, the rest literal) as a regex.
fn hive_pattern(expression: &str) -> Option<regex::Regex> {
    let alts: Vec<String> = expression.split('|').map(|a| regex::escape(a.trim()).replace("\\*", ".*")).collect();
    regex::Regex::new(&format!("(?i)^(?:{})$", alts.join("|"))).ok()
}
