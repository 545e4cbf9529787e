//! Reading back a result CSV as Athena writes it: every value quoted with `"` (doubled inside),
//! NULL an empty unquoted field.

/// The records of `text`, NULL as `None`.
pub(crate) fn parse(text: &str) -> Vec<Vec<Option<String>>> {
    let mut records = Vec::new();
    let mut record: Vec<Option<String>> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut field: Option<String> = None;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            value.push('"');
                        } else {
                            break;
                        }
                    } else {
                        value.push(c);
                    }
                }
                field = Some(value);
                at_field_start = false;
            }
            ',' => {
                record.push(field.take());
                at_field_start = true;
            }
            '\n' => {
                record.push(field.take());
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            other => {
                field.get_or_insert_with(String::new).push(other);
                at_field_start = false;
            }
        }
    }
    if !record.is_empty() || field.is_some() {
        record.push(field.take());
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_values_and_nulls() {
        let rows = super::parse("\"a\",\"b\"\n\"x \"\"y\"\"\",\n\"1,2\",\"\"\n");
        assert_eq!(
            rows,
            vec![
                vec![Some("a".into()), Some("b".into())],
                vec![Some("x \"y\"".into()), None],
                vec![Some("1,2".into()), Some(String::new())],
            ]
        );
    }
}
