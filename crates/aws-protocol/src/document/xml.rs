//! restXml request bodies (S3's `CreateBucketConfiguration`, `PublicAccessBlockConfiguration`,
//! `OwnershipControls`, `Delete`, `CompleteMultipartUpload`) → the JSON document of the body's
//! shape, read against the model as `query.rs` reads awsQuery forms: members by their
//! `locationName`, flattened lists as repeated elements, wrapped lists by their item name, maps
//! as `entry`/`key`/`value`, numbers, booleans and timestamps parsed. The service then validates
//! and reads one JSON form. Unknown elements are ignored; the root element's name is not checked
//! (the operation already says which shape the body is).

use serde_json::{Map, Number, Value};

use aws_shapes::{Rejection, ShapeIndex, ShapeKind};

/// Deepest element nesting read (S3's bodies are three levels deep).
const MAX_DEPTH: usize = 32;

/// One element: its local name, child elements in order, and its text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

/// The JSON document of the XML `body` read as an instance of `shape`. Malformed XML, a body
/// that is not UTF-8, nesting deeper than 32 levels, or a value that does not parse as its
/// member's type is a serialization rejection.
pub fn xml_to_json(index: &ShapeIndex, shape: &str, body: &[u8]) -> Result<Value, Rejection> {
    let text = std::str::from_utf8(body).map_err(|_| Rejection::serialization("The XML body is not UTF-8"))?;
    let root = parse(text)?;
    convert(index, shape, &root)
}

/// The root element of a document.
fn parse(text: &str) -> Result<Element, Rejection> {
    use quick_xml::events::Event;
    let malformed = |what: String| Rejection::serialization(format!("The XML body is not well-formed: {what}"));
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| malformed(e.to_string()))?;
        match event {
            Event::Start(e) => {
                if root.is_some() {
                    return Err(malformed("content after the root element".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(format!("elements nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Element { name: e.local_name().as_ref().to_owned(), ..Element::default() });
            }
            Event::Empty(e) => {
                let element = Element { name: e.local_name().as_ref().to_owned(), ..Element::default() };
                close(&mut stack, &mut root, element).map_err(malformed)?;
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| malformed("an end tag without a start".into()))?;
                close(&mut stack, &mut root, element).map_err(malformed)?;
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()).map_err(malformed)?,
            Event::CData(c) => push_text(&mut stack, &c.xml10_content()).map_err(malformed)?,
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| malformed(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => match r.into_inner().as_ref() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => return Err(malformed(format!("the entity &{other}; is not defined"))),
                    },
                };
                push_text(&mut stack, &ch).map_err(malformed)?;
            }
            Event::DocType(_) => return Err(malformed("a DOCTYPE is not accepted".into())),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed("the document ends inside an element".into()));
    }
    root.ok_or_else(|| malformed("the document has no root element".into()))
}

/// Attaches a finished element to its parent, or makes it the root.
fn close(stack: &mut [Element], root: &mut Option<Element>, element: Element) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("more than one root element".into()),
    }
    Ok(())
}

/// Text inside the current element (whitespace between elements outside the root is ignored).
fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(current) => current.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err("text outside the root element".into()),
    }
    Ok(())
}

fn convert(index: &ShapeIndex, shape_name: &str, element: &Element) -> Result<Value, Rejection> {
    let shape = index.get(shape_name);
    match shape.kind {
        ShapeKind::Structure => {
            let mut out = Map::new();
            for child in &element.children {
                let Some(member) = shape.members.iter().find(|m| m.location_name.as_deref().unwrap_or(&m.name) == child.name)
                else {
                    continue;
                };
                let target = index.get(&member.shape);
                if target.flattened && matches!(target.kind, ShapeKind::List | ShapeKind::Map) {
                    let item = match target.kind {
                        ShapeKind::List => convert(index, target.item.as_deref().unwrap_or_default(), child)?,
                        _ => map_entry(index, target, child)?,
                    };
                    match (out.entry(member.name.clone()).or_insert_with(|| empty(target.kind)), item) {
                        (Value::Array(items), item) => items.push(item),
                        (Value::Object(entries), Value::Object(entry)) => entries.extend(entry),
                        _ => {}
                    }
                } else {
                    out.insert(member.name.clone(), convert(index, &member.shape, child)?);
                }
            }
            Ok(Value::Object(out))
        }
        ShapeKind::List => {
            let item_shape = shape.item.as_deref().unwrap_or_default();
            let items = element.children.iter().map(|child| convert(index, item_shape, child)).collect::<Result<_, _>>()?;
            Ok(Value::Array(items))
        }
        ShapeKind::Map => {
            let mut out = Map::new();
            for entry in &element.children {
                if let Value::Object(e) = map_entry(index, shape, entry)? {
                    out.extend(e);
                }
            }
            Ok(Value::Object(out))
        }
        kind => scalar(kind, &element.text, &element.name),
    }
}

fn empty(kind: ShapeKind) -> Value {
    if kind == ShapeKind::Map { Value::Object(Map::new()) } else { Value::Array(Vec::new()) }
}

/// One `<entry><key/><value/></entry>` (or the model's names) as a one-member object.
fn map_entry(index: &ShapeIndex, shape: &aws_shapes::Shape, entry: &Element) -> Result<Value, Rejection> {
    let key_name = shape.item_name.as_deref().unwrap_or("key");
    let value_name = shape.value_name.as_deref().unwrap_or("value");
    let mut out = Map::new();
    let Some(key) = entry.children.iter().find(|c| c.name == key_name) else { return Ok(Value::Object(out)) };
    let value = match entry.children.iter().find(|c| c.name == value_name) {
        Some(v) => convert(index, shape.value.as_deref().unwrap_or_default(), v)?,
        None => Value::Null,
    };
    out.insert(key.text.clone(), value);
    Ok(Value::Object(out))
}

fn scalar(kind: ShapeKind, text: &str, element: &str) -> Result<Value, Rejection> {
    let bad = |what: &str| Rejection::serialization(format!("Value '{text}' of element {element} is not a valid {what}"));
    let trimmed = text.trim();
    match kind {
        ShapeKind::Integer | ShapeKind::Long => trimmed.parse::<i64>().map(Value::from).map_err(|_| bad("integer")),
        ShapeKind::Float | ShapeKind::Double => {
            let f = trimmed.parse::<f64>().map_err(|_| bad("number"))?;
            Ok(Number::from_f64(f).map_or_else(|| Value::String(trimmed.to_owned()), Value::Number))
        }
        ShapeKind::Boolean => match trimmed {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("boolean")),
        },
        ShapeKind::Timestamp => {
            let at = time::OffsetDateTime::parse(trimmed, &time::format_description::well_known::Rfc3339)
                .map_err(|_| bad("timestamp"))?;
            let nanos = at.unix_timestamp_nanos();
            if nanos % 1_000_000_000 == 0 {
                Ok(Value::from((nanos / 1_000_000_000) as i64))
            } else {
                Number::from_f64(nanos as f64 / 1e9).map(Value::Number).ok_or_else(|| bad("timestamp"))
            }
        }
        // Strings keep their whitespace: an S3 key may begin or end with spaces.
        _ => Ok(Value::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"{"shapes": {
        "Delete": {"type": "structure", "required": ["Objects"], "members": {
            "Objects": {"shape": "ObjectIdentifierList", "locationName": "Object"}, "Quiet": {"shape": "Quiet"}}},
        "ObjectIdentifierList": {"type": "list", "member": {"shape": "ObjectIdentifier"}, "flattened": true},
        "ObjectIdentifier": {"type": "structure", "required": ["Key"], "members": {"Key": {"shape": "Key"}, "Size": {"shape": "Size"}}},
        "Key": {"type": "string", "min": 1}, "Quiet": {"type": "boolean"}, "Size": {"type": "long"},
        "CreateBucketConfiguration": {"type": "structure", "members": {
            "LocationConstraint": {"shape": "Key"}, "Tags": {"shape": "TagSet"}}},
        "TagSet": {"type": "list", "member": {"shape": "Tag", "locationName": "Tag"}},
        "Tag": {"type": "structure", "members": {"Key": {"shape": "Key"}, "Value": {"shape": "Key"}}}
    }}"#;

    #[test]
    fn flattened_and_wrapped_lists_scalars_and_entities() {
        let index = ShapeIndex::from_json(MODEL);
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
            <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Object><Key> a &amp; b </Key><Size>3</Size></Object>
              <Object><Key><![CDATA[x<y]]></Key></Object>
              <Quiet>true</Quiet><Unknown>ignored</Unknown>
            </Delete>"#;
        let v = xml_to_json(&index, "Delete", body).unwrap();
        assert_eq!(v.to_string(), r#"{"Objects":[{"Key":" a & b ","Size":3},{"Key":"x<y"}],"Quiet":true}"#);
        let body = b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>\
            <Tags><Tag><Key>k</Key><Value>v</Value></Tag></Tags></CreateBucketConfiguration>";
        let v = xml_to_json(&index, "CreateBucketConfiguration", body).unwrap();
        assert_eq!(v.to_string(), r#"{"LocationConstraint":"eu-west-1","Tags":[{"Key":"k","Value":"v"}]}"#);
        let v = xml_to_json(&index, "CreateBucketConfiguration", b"<CreateBucketConfiguration/>").unwrap();
        assert_eq!(v.to_string(), "{}");
    }

    #[test]
    fn malformed_documents_are_rejections() {
        let index = ShapeIndex::from_json(MODEL);
        for bad in [
            &b""[..],
            b"<Delete>",
            b"<Delete></Other>",
            b"<a/><b/>",
            b"text",
            b"<Delete><Quiet>maybe</Quiet></Delete>",
            b"<Delete><Object><Size>x</Size></Object></Delete>",
            b"<!DOCTYPE d [<!ENTITY e \"x\">]><Delete/>",
            b"<Delete><Object><Key>&e;</Key></Object></Delete>",
            b"\xff",
        ] {
            assert!(xml_to_json(&index, "Delete", bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "<a>".repeat(40) + &"</a>".repeat(40);
        assert!(xml_to_json(&index, "Delete", deep.as_bytes()).is_err());
    }
}
