//! [`Document`] → XML elements, as awsQuery and restXml write them: a structure member is an
//! element named by the member; lists are `<Name><member>…</member></Name>` (awsQuery) or the
//! element repeated (restXml, whose wrapped lists are modelled by a wrapper struct); maps are
//! `<entry><key/><value/></entry>`; a member named `@name` becomes an attribute. Text is
//! escaped as S3 escapes it: `& < > " '`, other control characters as character references.
//! Timestamps are ISO 8601 with milliseconds, blobs base64, `None` members are left out.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::document::{Document, SerializeError};
use crate::shape::Timestamp;

/// How a list member is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListStyle {
    /// `<Name><member>a</member><member>b</member></Name>` (awsQuery).
    Member,
    /// `<Name>a</Name><Name>b</Name>` (restXml).
    Flattened,
}

/// An XML document being written.
#[derive(Debug)]
pub(crate) struct XmlWriter {
    buf: String,
    style: ListStyle,
}

impl XmlWriter {
    pub(crate) fn new(style: ListStyle) -> XmlWriter {
        XmlWriter { buf: String::with_capacity(256), style }
    }

    /// Appends markup as is.
    pub(crate) fn raw(&mut self, markup: &str) -> &mut Self {
        self.buf.push_str(markup);
        self
    }

    /// `<tag>`.
    pub(crate) fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag xmlns="namespace">`.
    pub(crate) fn open_ns(&mut self, tag: &str, namespace: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push_str(" xmlns=\"");
        escape_into(&mut self.buf, namespace);
        self.buf.push_str("\">");
        self
    }

    /// `</tag>`.
    pub(crate) fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag>text</tag>`, `text` escaped.
    pub(crate) fn elem(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag);
        escape_into(&mut self.buf, text);
        self.close(tag)
    }

    /// The root element `tag` (namespace `ns`) holding `doc`'s members.
    pub(crate) fn root(&mut self, tag: &str, ns: Option<&str>, doc: &Document) -> Result<(), SerializeError> {
        self.buf.push('<');
        self.buf.push_str(tag);
        if let Some(ns) = ns {
            self.buf.push_str(" xmlns=\"");
            escape_into(&mut self.buf, ns);
            self.buf.push('"');
        }
        self.attributes(doc)?;
        self.buf.push('>');
        self.children(doc)?;
        self.close(tag);
        Ok(())
    }

    /// The members of a structure (or the entries of a map) as child elements; a scalar as text.
    pub(crate) fn children(&mut self, doc: &Document) -> Result<(), SerializeError> {
        match doc {
            Document::Struct(fields) => {
                for (name, value) in fields.iter().filter(|(n, _)| !n.starts_with('@')) {
                    self.member(name, value)?;
                }
                Ok(())
            }
            Document::Map(entries) => self.entries(entries),
            Document::List(items) => {
                for item in items {
                    self.member("member", item)?;
                }
                Ok(())
            }
            Document::Null => Ok(()),
            scalar => self.text(scalar),
        }
    }

    /// One member named `name`.
    pub(crate) fn member(&mut self, name: &str, value: &Document) -> Result<(), SerializeError> {
        match value {
            Document::Null => Ok(()),
            Document::List(items) => match self.style {
                ListStyle::Member => {
                    self.open(name);
                    for item in items {
                        self.member("member", item)?;
                    }
                    self.close(name);
                    Ok(())
                }
                ListStyle::Flattened => {
                    for item in items {
                        self.member(name, item)?;
                    }
                    Ok(())
                }
            },
            Document::Struct(_) => {
                self.buf.push('<');
                self.buf.push_str(name);
                self.attributes(value)?;
                self.buf.push('>');
                self.children(value)?;
                self.close(name);
                Ok(())
            }
            Document::Map(entries) => {
                self.open(name);
                self.entries(entries)?;
                self.close(name);
                Ok(())
            }
            scalar => {
                self.open(name);
                self.text(scalar)?;
                self.close(name);
                Ok(())
            }
        }
    }

    fn entries(&mut self, entries: &[(String, Document)]) -> Result<(), SerializeError> {
        for (key, value) in entries {
            self.open("entry").elem("key", key);
            self.member("value", value)?;
            self.close("entry");
        }
        Ok(())
    }

    /// The `@name` members of a structure, as attributes.
    fn attributes(&mut self, doc: &Document) -> Result<(), SerializeError> {
        let Document::Struct(fields) = doc else {
            return Ok(());
        };
        for (name, value) in fields {
            let Some(attr) = name.strip_prefix('@') else {
                continue;
            };
            if matches!(value, Document::Null) {
                continue;
            }
            self.buf.push(' ');
            self.buf.push_str(attr);
            self.buf.push_str("=\"");
            self.text(value)?;
            self.buf.push('"');
        }
        Ok(())
    }

    fn text(&mut self, scalar: &Document) -> Result<(), SerializeError> {
        match scalar {
            Document::Null => {}
            Document::Bool(b) => self.buf.push_str(if *b { "true" } else { "false" }),
            Document::Int(i) => self.buf.push_str(&i.to_string()),
            Document::Float(f) => self.buf.push_str(&float_text(*f)),
            Document::Text(s) => escape_into(&mut self.buf, s),
            Document::Bytes(b) | Document::Blob(b) => self.buf.push_str(&BASE64.encode(b)),
            Document::Timestamp(ms) => {
                let text = Timestamp::from_epoch_millis(*ms).to_iso8601().map_err(|e| SerializeError(e.to_string()))?;
                self.buf.push_str(&text);
            }
            Document::List(_) | Document::Map(_) | Document::Struct(_) => {
                return Err(SerializeError("a list, map or structure where XML needs text".into()));
            }
        }
        Ok(())
    }

    /// The document text.
    pub(crate) fn finish(self) -> String {
        self.buf
    }
}

/// Doubles as the AWS XML protocols write them: `NaN`, `Infinity`, `-Infinity`, else the
/// shortest text that reads back (`3.0`, `0.25`).
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity".to_owned() } else { "-Infinity".to_owned() }
    } else {
        serde_json::Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
    }
}

/// Escapes element text or an attribute value.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Document {
        Document::Text(s.into())
    }

    #[test]
    fn escapes_markup_and_controls() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"'\u{1}z");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;&apos;&#x1;z");
    }

    #[test]
    fn list_styles() {
        let doc =
            Document::Struct(vec![("Items".into(), Document::List(vec![text("a"), text("b")])), ("Gone".into(), Document::Null)]);
        let mut q = XmlWriter::new(ListStyle::Member);
        q.children(&doc).unwrap();
        assert_eq!(q.finish(), "<Items><member>a</member><member>b</member></Items>");
        let mut x = XmlWriter::new(ListStyle::Flattened);
        x.children(&doc).unwrap();
        assert_eq!(x.finish(), "<Items>a</Items><Items>b</Items>");
    }

    #[test]
    fn maps_attributes_scalars() {
        let doc = Document::Struct(vec![
            ("Attrs".into(), Document::Map(vec![("k".into(), text("v"))])),
            ("Grantee".into(), Document::Struct(vec![("@xsi:type".into(), text("CanonicalUser")), ("ID".into(), text("1"))])),
            ("At".into(), Document::Timestamp(1_764_759_284_250)),
            ("F".into(), Document::Float(3.0)),
            ("N".into(), Document::Float(f64::NAN)),
            ("B".into(), Document::Bool(true)),
            ("Data".into(), Document::Blob(b"hi".to_vec())),
        ]);
        let mut w = XmlWriter::new(ListStyle::Member);
        w.children(&doc).unwrap();
        assert_eq!(
            w.finish(),
            "<Attrs><entry><key>k</key><value>v</value></entry></Attrs>\
             <Grantee xsi:type=\"CanonicalUser\"><ID>1</ID></Grantee>\
             <At>2025-12-03T10:54:44.250Z</At><F>3.0</F><N>NaN</N><B>true</B><Data>aGk=</Data>"
        );
    }

    #[test]
    fn out_of_range_timestamps_are_errors() {
        let mut w = XmlWriter::new(ListStyle::Member);
        assert!(w.member("T", &Document::Timestamp(i64::MAX)).is_err());
    }
}
