//! The statements Athena accepts besides queries, parsed from their text: CREATE/DROP
//! DATABASE, CREATE EXTERNAL TABLE (columns, PARTITIONED BY, ROW FORMAT SERDE, WITH
//! SERDEPROPERTIES, STORED AS, LOCATION, TBLPROPERTIES), DROP TABLE, SHOW DATABASES/TABLES/
//! CREATE TABLE/COLUMNS/PARTITIONS, DESCRIBE, MSCK REPAIR TABLE, ALTER TABLE ADD PARTITION.
//! Statements Athena has and the emulator does not run are refused naming them.

use super::StatementType;
use super::cursor::Cursor;
use crate::error::SqlError;
use crate::hive_type::HiveType;

/// A column in CREATE EXTERNAL TABLE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: String,
    pub ty: HiveType,
    pub comment: Option<String>,
}

/// CREATE EXTERNAL TABLE, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    pub database: Option<String>,
    pub name: String,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnSpec>,
    pub partition_keys: Vec<ColumnSpec>,
    pub serde: Option<String>,
    pub serde_properties: Vec<(String, String)>,
    pub stored_as: Option<String>,
    pub location: Option<String>,
    pub table_properties: Vec<(String, String)>,
    pub comment: Option<String>,
}

/// One partition of ALTER TABLE ADD PARTITION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionSpec {
    pub values: Vec<(String, String)>,
    pub location: Option<String>,
}

/// A statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        comment: Option<String>,
        location: Option<String>,
        properties: Vec<(String, String)>,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    CreateTable(Box<CreateTable>),
    DropTable {
        database: Option<String>,
        name: String,
        if_exists: bool,
    },
    ShowDatabases {
        like: Option<String>,
    },
    ShowTables {
        database: Option<String>,
        like: Option<String>,
    },
    Describe {
        database: Option<String>,
        name: String,
    },
    ShowCreateTable {
        database: Option<String>,
        name: String,
    },
    ShowColumns {
        database: Option<String>,
        name: String,
    },
    ShowPartitions {
        database: Option<String>,
        name: String,
    },
    MsckRepair {
        database: Option<String>,
        name: String,
    },
    AddPartitions {
        database: Option<String>,
        name: String,
        partitions: Vec<PartitionSpec>,
    },
    /// A query for DataFusion (SELECT, WITH, VALUES, a parenthesised query); `explain` for EXPLAIN.
    Query {
        sql: String,
        explain: bool,
    },
}

impl Statement {
    /// Athena's `StatementType` for it.
    pub fn statement_type(&self) -> StatementType {
        match self {
            Statement::CreateDatabase { .. }
            | Statement::DropDatabase { .. }
            | Statement::CreateTable(_)
            | Statement::DropTable { .. }
            | Statement::MsckRepair { .. }
            | Statement::AddPartitions { .. } => StatementType::Ddl,
            Statement::Query { explain: false, .. } => StatementType::Dml,
            _ => StatementType::Utility,
        }
    }
}

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(text: &str) -> Result<Statement, SqlError> {
    let mut c = Cursor::new(text);
    c.skip_ws();
    if c.at_end() {
        return Err(SqlError::Syntax("line 1:1: the query is empty".to_owned()));
    }
    let start = c.pos;
    if c.peek_char() == Some(b'(') || c.keyword("SELECT") || c.keyword("WITH") || c.keyword("VALUES") || c.keyword("TABLE") {
        return Ok(Statement::Query { sql: text[start..].to_owned(), explain: false });
    }
    if c.keyword("EXPLAIN") {
        return Ok(Statement::Query { sql: text[start..].to_owned(), explain: true });
    }
    let stmt = if c.keyword("CREATE") {
        create(&mut c)?
    } else if c.keyword("DROP") {
        drop(&mut c)?
    } else if c.keyword("SHOW") {
        show(&mut c)?
    } else if c.keyword("DESCRIBE") || c.keyword("DESC") {
        let _ = c.keyword("EXTENDED") || c.keyword("FORMATTED");
        let (database, name) = c.qualified()?;
        Statement::Describe { database, name }
    } else if c.keywords(&["MSCK", "REPAIR", "TABLE"]) {
        let (database, name) = c.qualified()?;
        Statement::MsckRepair { database, name }
    } else if c.keywords(&["ALTER", "TABLE"]) {
        alter(&mut c)?
    } else {
        let word = c.peek_word();
        let known = [
            "INSERT", "UPDATE", "DELETE", "MERGE", "UNLOAD", "PREPARE", "EXECUTE", "DEALLOCATE", "OPTIMIZE", "VACUUM", "USE",
            "SET",
        ];
        return Err(if known.iter().any(|k| word.trim_matches('\'').eq_ignore_ascii_case(k)) {
            SqlError::NotSupported(format!("the {} statement", word.trim_matches('\'').to_ascii_uppercase()))
        } else {
            c.error(format!("mismatched input {word}. Expecting: 'ALTER', 'CREATE', 'DESCRIBE', 'DROP', 'EXPLAIN', 'MSCK', 'SELECT', 'SHOW', 'VALUES', 'WITH'"))
        });
    };
    if !c.at_end() {
        return Err(c.error(format!("extraneous input {}", c.peek_word())));
    }
    Ok(stmt)
}

fn if_not_exists(c: &mut Cursor<'_>) -> bool {
    c.keywords(&["IF", "NOT", "EXISTS"])
}

fn create(c: &mut Cursor<'_>) -> Result<Statement, SqlError> {
    if c.keyword("DATABASE") || c.keyword("SCHEMA") {
        let if_not_exists = if_not_exists(c);
        let name = c.ident()?;
        let (mut comment, mut location, mut properties) = (None, None, Vec::new());
        loop {
            if c.keyword("COMMENT") {
                comment = Some(c.string()?);
            } else if c.keyword("LOCATION") {
                location = Some(c.string()?);
            } else if c.keywords(&["WITH", "DBPROPERTIES"]) {
                properties = c.properties()?;
            } else {
                break;
            }
        }
        return Ok(Statement::CreateDatabase { name, if_not_exists, comment, location, properties });
    }
    if c.keyword("EXTERNAL") {
        c.expect_keyword("TABLE")?;
        return create_table(c).map(|t| Statement::CreateTable(Box::new(t)));
    }
    if c.keyword("TABLE") {
        return Err(SqlError::NotSupported(
            "CREATE TABLE without EXTERNAL (CTAS and Iceberg tables; CREATE EXTERNAL TABLE over JSON is)".to_owned(),
        ));
    }
    let what = c.peek_word();
    Err(SqlError::NotSupported(format!("CREATE {}", what.trim_matches('\'').to_ascii_uppercase())))
}

fn column_list(c: &mut Cursor<'_>) -> Result<Vec<ColumnSpec>, SqlError> {
    c.expect_char(b'(')?;
    let mut cols: Vec<ColumnSpec> = Vec::new();
    loop {
        let name = c.ident()?;
        let ty_text = c.type_text()?;
        let ty = HiveType::parse(ty_text).map_err(|e| match e {
            SqlError::Syntax(m) => c.error(m),
            other => other,
        })?;
        let comment = if c.keyword("COMMENT") { Some(c.string()?) } else { None };
        if cols.iter().any(|col| col.name == name) {
            return Err(SqlError::InvalidDdl(format!("Duplicate column name {name}")));
        }
        cols.push(ColumnSpec { name, ty, comment });
        if !c.eat_char(b',') {
            break;
        }
    }
    c.expect_char(b')')?;
    Ok(cols)
}

fn create_table(c: &mut Cursor<'_>) -> Result<CreateTable, SqlError> {
    let if_not_exists = if_not_exists(c);
    let (database, name) = c.qualified()?;
    let columns = column_list(c)?;
    let mut t = CreateTable {
        database,
        name,
        if_not_exists,
        columns,
        partition_keys: Vec::new(),
        serde: None,
        serde_properties: Vec::new(),
        stored_as: None,
        location: None,
        table_properties: Vec::new(),
        comment: None,
    };
    loop {
        if c.keyword("COMMENT") {
            t.comment = Some(c.string()?);
        } else if c.keywords(&["PARTITIONED", "BY"]) {
            t.partition_keys = column_list(c)?;
        } else if c.keywords(&["CLUSTERED", "BY"]) {
            return Err(SqlError::NotSupported("CLUSTERED BY (bucketed tables)".to_owned()));
        } else if c.keywords(&["ROW", "FORMAT"]) {
            if c.keyword("SERDE") {
                t.serde = Some(c.string()?);
                if c.keywords(&["WITH", "SERDEPROPERTIES"]) {
                    t.serde_properties = c.properties()?;
                }
            } else if c.keyword("DELIMITED") {
                return Err(SqlError::NotSupported("ROW FORMAT DELIMITED (the JSON SerDes are)".to_owned()));
            } else {
                return Err(c.error(format!("expected SERDE or DELIMITED, found {}", c.peek_word())));
            }
        } else if c.keyword("WITH") {
            c.expect_keyword("SERDEPROPERTIES")?;
            t.serde_properties = c.properties()?;
        } else if c.keywords(&["STORED", "AS"]) {
            if c.keyword("INPUTFORMAT") {
                let input = c.string()?;
                c.expect_keyword("OUTPUTFORMAT")?;
                let _ = c.string()?;
                t.stored_as = Some(input);
            } else {
                t.stored_as = Some(c.ident()?.to_ascii_uppercase());
            }
        } else if c.keyword("LOCATION") {
            t.location = Some(c.string()?);
        } else if c.keyword("TBLPROPERTIES") {
            t.table_properties = c.properties()?;
        } else {
            break;
        }
    }
    Ok(t)
}

fn drop(c: &mut Cursor<'_>) -> Result<Statement, SqlError> {
    if c.keyword("DATABASE") || c.keyword("SCHEMA") {
        let if_exists = c.keywords(&["IF", "EXISTS"]);
        let name = c.ident()?;
        let cascade = c.keyword("CASCADE");
        let _ = !cascade && c.keyword("RESTRICT");
        return Ok(Statement::DropDatabase { name, if_exists, cascade });
    }
    let external = c.keyword("EXTERNAL");
    if c.keyword("TABLE") {
        let if_exists = c.keywords(&["IF", "EXISTS"]);
        let (database, name) = c.qualified()?;
        let _ = external;
        return Ok(Statement::DropTable { database, name, if_exists });
    }
    Err(SqlError::NotSupported(format!("DROP {}", c.peek_word().trim_matches('\'').to_ascii_uppercase())))
}

fn like(c: &mut Cursor<'_>) -> Result<Option<String>, SqlError> {
    let _ = c.keyword("LIKE");
    if matches!(c.peek_char(), Some(b'\'' | b'"')) { c.string().map(Some) } else { Ok(None) }
}

fn show(c: &mut Cursor<'_>) -> Result<Statement, SqlError> {
    if c.keyword("DATABASES") || c.keyword("SCHEMAS") {
        return Ok(Statement::ShowDatabases { like: like(c)? });
    }
    if c.keyword("TABLES") {
        let database = if c.keyword("IN") || c.keyword("FROM") { Some(c.ident()?) } else { None };
        return Ok(Statement::ShowTables { database, like: like(c)? });
    }
    if c.keywords(&["CREATE", "TABLE"]) {
        let (database, name) = c.qualified()?;
        return Ok(Statement::ShowCreateTable { database, name });
    }
    if c.keyword("COLUMNS") {
        c.expect_keyword("IN").or_else(|_| c.expect_keyword("FROM"))?;
        let (mut database, name) = c.qualified()?;
        if c.keyword("IN") || c.keyword("FROM") {
            database = Some(c.ident()?);
        }
        return Ok(Statement::ShowColumns { database, name });
    }
    if c.keyword("PARTITIONS") {
        let (database, name) = c.qualified()?;
        return Ok(Statement::ShowPartitions { database, name });
    }
    Err(SqlError::NotSupported(format!("SHOW {}", c.peek_word().trim_matches('\'').to_ascii_uppercase())))
}

fn alter(c: &mut Cursor<'_>) -> Result<Statement, SqlError> {
    let (database, name) = c.qualified()?;
    if !c.keyword("ADD") {
        return Err(SqlError::NotSupported(format!("ALTER TABLE {}", c.peek_word().trim_matches('\'').to_ascii_uppercase())));
    }
    let _ = c.keywords(&["IF", "NOT", "EXISTS"]);
    let mut partitions = Vec::new();
    while c.keyword("PARTITION") {
        c.expect_char(b'(')?;
        let mut values = Vec::new();
        loop {
            let key = c.ident()?;
            c.expect_char(b'=')?;
            let value = if matches!(c.peek_char(), Some(b'\'' | b'"')) { c.string()? } else { c.ident()? };
            values.push((key, value));
            if !c.eat_char(b',') {
                break;
            }
        }
        c.expect_char(b')')?;
        let location = if c.keyword("LOCATION") { Some(c.string()?) } else { None };
        partitions.push(PartitionSpec { values, location });
    }
    if partitions.is_empty() {
        return Err(c.error(format!("expected PARTITION, found {}", c.peek_word())));
    }
    Ok(Statement::AddPartitions { database, name, partitions })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_table_parses() {
        let sql = "CREATE EXTERNAL TABLE IF NOT EXISTS bedrock_logs_db.model_invocation_logs (\n  timestamp string,\n  identity struct<arn:string>,\n  input struct<\n    inputContentType:string,\n    inputTokenCount:int\n  >,\n  schemaVersion string COMMENT 'v'\n)\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nLOCATION 's3://b/bedrock-logs/'\n";
        let Statement::CreateTable(t) = parse(sql).unwrap() else { panic!() };
        assert_eq!(t.database.as_deref(), Some("bedrock_logs_db"));
        assert_eq!(t.columns.len(), 4);
        assert_eq!(t.columns[2].ty.to_string(), "struct<inputcontenttype:string,inputtokencount:int>");
        assert_eq!(t.columns[3].comment.as_deref(), Some("v"));
        assert_eq!(t.location.as_deref(), Some("s3://b/bedrock-logs/"));
    }

    #[test]
    fn kinds_and_refusals() {
        assert_eq!(parse("SHOW TABLES IN db").unwrap(), Statement::ShowTables { database: Some("db".into()), like: None });
        assert_eq!(parse("select 1;").unwrap().statement_type(), StatementType::Dml);
        assert_eq!(parse("DESCRIBE t").unwrap().statement_type(), StatementType::Utility);
        assert!(parse("INSERT INTO t VALUES (1)").unwrap_err().to_string().contains("INSERT"));
        assert!(parse("CREATE VIEW v AS SELECT 1").unwrap_err().to_string().contains("CREATE VIEW"));
        assert!(parse("FROB x").unwrap_err().to_string().starts_with("SYNTAX_ERROR: line 1:1"));
    }
}
