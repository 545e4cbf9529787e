//! Running DDL and utility statements against the catalog: CREATE/DROP DATABASE and TABLE
//! (with Athena's checks: the JSON SerDes only, an `s3://` LOCATION, valid projection
//! properties), SHOW DATABASES/TABLES/CREATE TABLE/COLUMNS/PARTITIONS, DESCRIBE (one
//! tab-joined value per row, as Athena returns it), MSCK REPAIR TABLE (`key=value/` folders),
//! ALTER TABLE ADD PARTITION.

use std::collections::BTreeMap;

use super::{CreateTable, Statement, StatementType};
use crate::catalog::{ColumnDef, DatabaseDef, PartitionDef, TableDef};
use crate::engine::Engine;
use crate::error::SqlError;
use crate::result::QueryOutput;
use crate::source::Location;

/// The SerDes whose data the engine reads.
const JSON_SERDES: [&str; 2] = ["org.openx.data.jsonserde.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe"];

fn name_ok(name: &str) -> Result<(), SqlError> {
    if name.is_empty() || name.len() > 255 || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(SqlError::InvalidDdl(format!(
            "'{name}' is not a valid name: names may contain only lowercase letters, numbers and the underscore"
        )));
    }
    Ok(())
}

fn ddl_done() -> QueryOutput {
    QueryOutput::utility(StatementType::Ddl, &[], Vec::new())
}

fn rows(values: impl IntoIterator<Item = String>) -> Vec<Vec<Option<String>>> {
    values.into_iter().map(|v| vec![Some(v)]).collect()
}

/// Hive's `SHOW ... LIKE` pattern: `*` any text, `|` alternatives, case-insensitive.
fn like_matches(pattern: &str, name: &str) -> bool {
    pattern.split('|').any(|alt| {
        let re = format!("(?i)^{}$", regex::escape(alt.trim()).replace("\\*", ".*"));
        regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
    })
}

/// Runs a statement that is not a query.
pub(crate) async fn run(engine: &Engine, statement: Statement, database: &str, now_ms: i64) -> Result<QueryOutput, SqlError> {
    let catalog = &engine.catalog;
    let db_of = |d: &Option<String>| d.clone().unwrap_or_else(|| database.to_owned());
    match statement {
        Statement::CreateDatabase { name, if_not_exists, comment, location, properties } => {
            name_ok(&name)?;
            let def = DatabaseDef { name, comment, location, properties: properties.into_iter().collect(), created_ms: now_ms };
            catalog.create_database(def, if_not_exists)?;
            Ok(ddl_done())
        }
        Statement::DropDatabase { name, if_exists, cascade } => {
            if name == crate::catalog::DEFAULT_DATABASE {
                return Err(SqlError::InvalidDdl("Can not drop default database".to_owned()));
            }
            catalog.drop_database(&name, if_exists, cascade)?;
            Ok(ddl_done())
        }
        Statement::CreateTable(t) => {
            let def = table_def(engine, *t.clone(), database, now_ms)?;
            catalog.create_table(def, t.if_not_exists)?;
            Ok(ddl_done())
        }
        Statement::DropTable { database: d, name, if_exists } => {
            catalog.drop_table(&db_of(&d), &name, if_exists)?;
            Ok(ddl_done())
        }
        Statement::ShowDatabases { like } => {
            let names = catalog.databases().into_iter().map(|d| d.name);
            let names: Vec<String> = names.filter(|n| like.as_deref().is_none_or(|p| like_matches(p, n))).collect();
            Ok(QueryOutput::utility(StatementType::Utility, &["database_name"], rows(names)))
        }
        Statement::ShowTables { database: d, like } => {
            let names = catalog.tables(&db_of(&d))?.into_iter().map(|t| t.name);
            let names: Vec<String> = names.filter(|n| like.as_deref().is_none_or(|p| like_matches(p, n))).collect();
            Ok(QueryOutput::utility(StatementType::Utility, &["tab_name"], rows(names)))
        }
        Statement::Describe { database: d, name } => {
            let t = catalog.table(&db_of(&d), &name)?;
            Ok(QueryOutput::utility(StatementType::Utility, &["col_name", "data_type", "comment"], rows(describe(&t))))
        }
        Statement::ShowCreateTable { database: d, name } => {
            let t = catalog.table(&db_of(&d), &name)?;
            Ok(QueryOutput::utility(
                StatementType::Utility,
                &["createtab_stmt"],
                rows(show_create(&t).lines().map(str::to_owned)),
            ))
        }
        Statement::ShowColumns { database: d, name } => {
            let t = catalog.table(&db_of(&d), &name)?;
            let names = t.columns.iter().chain(&t.partition_keys).map(|c| c.name.clone());
            Ok(QueryOutput::utility(StatementType::Utility, &["field"], rows(names)))
        }
        Statement::ShowPartitions { database: d, name } => {
            let t = catalog.table(&db_of(&d), &name)?;
            if t.partition_keys.is_empty() {
                return Err(SqlError::InvalidDdl(format!("Table {name} is not a partitioned table")));
            }
            let names = t.partitions.iter().map(|p| partition_name(&t, &p.values));
            Ok(QueryOutput::utility(StatementType::Utility, &["partition"], rows(names)))
        }
        Statement::MsckRepair { database: d, name } => msck(engine, &db_of(&d), &name).await,
        Statement::AddPartitions { database: d, name, partitions } => {
            let t = catalog.table(&db_of(&d), &name)?;
            let mut defs = Vec::new();
            for p in partitions {
                let mut values = Vec::new();
                for key in &t.partition_keys {
                    let v = p.values.iter().find(|(k, _)| *k == key.name).map(|(_, v)| v.clone());
                    values.push(v.ok_or_else(|| SqlError::InvalidDdl(format!("partition key {} is missing a value", key.name)))?);
                }
                if p.values.len() != t.partition_keys.len() {
                    return Err(SqlError::InvalidDdl("the partition names a key the table does not have".to_owned()));
                }
                let location = match p.location {
                    Some(l) => l,
                    None => Location::parse(&t.location)?.join(&partition_name(&t, &values)).to_string(),
                };
                engine.storage.check(&Location::parse(&location)?)?;
                defs.push(PartitionDef { values, location });
            }
            catalog.add_partitions(&t.database, &t.name, defs)?;
            Ok(ddl_done())
        }
        Statement::Query { .. } => Err(SqlError::Internal("a query reached the DDL runner".to_owned())),
    }
}

fn columns(specs: Vec<super::ColumnSpec>) -> Vec<ColumnDef> {
    specs.into_iter().map(|c| ColumnDef { name: c.name, ty: c.ty, comment: c.comment }).collect()
}

fn table_def(engine: &Engine, t: CreateTable, database: &str, now_ms: i64) -> Result<TableDef, SqlError> {
    let database = t.database.unwrap_or_else(|| database.to_owned());
    name_ok(&t.name)?;
    let serde = t.serde.ok_or_else(|| {
        SqlError::NotSupported("a table without ROW FORMAT SERDE (LazySimpleSerDe text; the JSON SerDes are)".to_owned())
    })?;
    if !JSON_SERDES.contains(&serde.as_str()) {
        return Err(SqlError::NotSupported(format!(
            "the SerDe {serde} (org.openx.data.jsonserde.JsonSerDe and org.apache.hive.hcatalog.data.JsonSerDe are)"
        )));
    }
    if let Some(stored) = &t.stored_as
        && !matches!(stored.as_str(), "TEXTFILE" | "org.apache.hadoop.mapred.TextInputFormat")
    {
        return Err(SqlError::NotSupported(format!("STORED AS {stored} (TEXTFILE is)")));
    }
    let location = t.location.ok_or_else(|| SqlError::InvalidDdl("CREATE EXTERNAL TABLE needs a LOCATION".to_owned()))?;
    engine.storage.check(&Location::parse(&location)?)?;
    for (k, v) in &t.serde_properties {
        if k.eq_ignore_ascii_case("dots.in.keys") && v.eq_ignore_ascii_case("true") {
            return Err(SqlError::NotSupported("the SerDe property dots.in.keys".to_owned()));
        }
    }
    for c in &t.partition_keys {
        if t.columns.iter().any(|d| d.name == c.name) {
            return Err(SqlError::InvalidDdl(format!("Column repeated in partitioning columns: {}", c.name)));
        }
    }
    let def = TableDef {
        database,
        name: t.name,
        columns: columns(t.columns),
        partition_keys: columns(t.partition_keys),
        location,
        serde,
        serde_properties: t.serde_properties.into_iter().collect(),
        table_properties: t.table_properties.into_iter().collect::<BTreeMap<_, _>>(),
        comment: t.comment,
        created_ms: now_ms,
        partitions: Vec::new(),
    };
    if def.projection_enabled() {
        for key in &def.partition_keys {
            crate::projection::Projection::of(&def, &key.name)?;
        }
    }
    Ok(def)
}

fn partition_name(t: &TableDef, values: &[String]) -> String {
    t.partition_keys.iter().zip(values).map(|(k, v)| format!("{}={v}", k.name)).collect::<Vec<_>>().join("/")
}

/// DESCRIBE's rows: `name\ttype\tcomment` padded as Hive pads them.
fn describe(t: &TableDef) -> Vec<String> {
    let line = |c: &ColumnDef| format!("{:<20}\t{:<20}\t{:<20}", c.name, c.ty.to_string(), c.comment.clone().unwrap_or_default());
    let mut out: Vec<String> = t.columns.iter().chain(&t.partition_keys).map(line).collect();
    if !t.partition_keys.is_empty() {
        out.push(String::new());
        out.push("# Partition Information".to_owned());
        out.push(format!("{:<20}\t{:<20}\t{:<20}", "# col_name", "data_type", "comment"));
        out.push(String::new());
        out.extend(t.partition_keys.iter().map(line));
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "\\'"))
}

/// SHOW CREATE TABLE's text.
pub(crate) fn show_create(t: &TableDef) -> String {
    let cols = |cs: &[ColumnDef]| {
        cs.iter()
            .map(|c| {
                let comment = c.comment.as_ref().map(|m| format!(" COMMENT {}", quote(m))).unwrap_or_default();
                format!("  `{}` {}{comment}", c.name, c.ty)
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let props = |p: &BTreeMap<String, String>| {
        p.iter().map(|(k, v)| format!("  {}={}", quote(k), quote(v))).collect::<Vec<_>>().join(",\n")
    };
    let mut s = format!("CREATE EXTERNAL TABLE `{}`.`{}`(\n{})\n", t.database, t.name, cols(&t.columns));
    if let Some(c) = &t.comment {
        s.push_str(&format!("COMMENT {}\n", quote(c)));
    }
    if !t.partition_keys.is_empty() {
        s.push_str(&format!("PARTITIONED BY (\n{})\n", cols(&t.partition_keys)));
    }
    s.push_str(&format!("ROW FORMAT SERDE \n  {}\n", quote(&t.serde)));
    if !t.serde_properties.is_empty() {
        s.push_str(&format!("WITH SERDEPROPERTIES (\n{})\n", props(&t.serde_properties)));
    }
    s.push_str("STORED AS INPUTFORMAT \n  'org.apache.hadoop.mapred.TextInputFormat' \nOUTPUTFORMAT \n  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n");
    s.push_str(&format!("LOCATION\n  {}", quote(&t.location)));
    if !t.table_properties.is_empty() {
        s.push_str(&format!("\nTBLPROPERTIES (\n{})", props(&t.table_properties)));
    }
    s
}

/// MSCK REPAIR TABLE: registers every `k1=v1/k2=v2/` folder under LOCATION that holds objects.
async fn msck(engine: &Engine, database: &str, name: &str) -> Result<QueryOutput, SqlError> {
    let t = engine.catalog.table(database, name)?;
    if t.partition_keys.is_empty() {
        return Ok(QueryOutput::utility(StatementType::Ddl, &[], Vec::new()));
    }
    let location = Location::parse(&t.location)?;
    let entries = engine.storage.list(&location).await?;
    let mut found: Vec<Vec<String>> = Vec::new();
    for e in entries {
        let segs: Vec<&str> = e.relative.split('/').collect();
        if segs.len() <= t.partition_keys.len() {
            continue;
        }
        let values: Option<Vec<String>> = t
            .partition_keys
            .iter()
            .zip(&segs)
            .map(|(k, seg)| seg.split_once('=').filter(|(key, _)| key.eq_ignore_ascii_case(&k.name)).map(|(_, v)| v.to_owned()))
            .collect();
        if let Some(values) = values
            && !found.contains(&values)
            && !t.partitions.iter().any(|p| p.values == values)
        {
            found.push(values);
        }
    }
    let names: Vec<String> = found.iter().map(|v| partition_name(&t, v)).collect();
    let defs = found
        .into_iter()
        .zip(&names)
        .map(|(values, n)| PartitionDef { values, location: location.join(n).to_string() })
        .collect();
    engine.catalog.add_partitions(database, name, defs)?;
    let mut lines = Vec::new();
    if !names.is_empty() {
        lines.push(format!(
            "Partitions not in metastore:\t{}",
            names.iter().map(|n| format!("{name}:{n}")).collect::<Vec<_>>().join("\t")
        ));
        lines.extend(names.iter().map(|n| format!("Repair: Added partition to metastore {name}:{n}")));
    }
    Ok(QueryOutput::utility(StatementType::Ddl, &[], rows(lines)))
}
