//! The small XML documents of the S3 read API, written by hand: the S3 namespace, element text
//! escaped (`& < > " '`, other control characters as character references, as S3 writes them),
//! and S3's `<Error>` document.

/// The S3 XML namespace of list results.
pub(crate) const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// An XML document being written.
#[derive(Debug, Default)]
pub(crate) struct Xml {
    buf: String,
}

impl Xml {
    /// A document whose root element is `root` in the S3 namespace.
    pub(crate) fn with_root(root: &str) -> Self {
        let mut xml = Self { buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") };
        xml.buf.push_str(&format!("<{root} xmlns=\"{S3_NS}\">"));
        xml
    }

    /// A document whose root element has no namespace (`<Error>`).
    pub(crate) fn with_plain_root(root: &str) -> Self {
        let mut xml = Self { buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") };
        xml.open(root);
        xml
    }

    pub(crate) fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    pub(crate) fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag>text</tag>` with `text` escaped.
    pub(crate) fn elem(&mut self, tag: &str, text: impl AsRef<str>) -> &mut Self {
        self.open(tag);
        escape_into(&mut self.buf, text.as_ref());
        self.close(tag)
    }

    /// Closes the root and returns the bytes.
    pub(crate) fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.buf
    }
}

fn escape_into(out: &mut String, text: &str) {
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

/// S3's error document: `<Error><Code/><Message/>[extra members]<RequestId/></Error>`.
pub(crate) fn error_document(code: &str, message: &str, extra: &[(&str, String)], request_id: &str) -> String {
    let mut xml = Xml::with_plain_root("Error");
    xml.elem("Code", code).elem("Message", message);
    for (tag, value) in extra {
        xml.elem(tag, value);
    }
    xml.elem("RequestId", request_id);
    xml.finish("Error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"'\u{1}z");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;&apos;&#x1;z");
    }

    #[test]
    fn error_document_shape() {
        let doc = error_document("NoSuchKey", "The specified key does not exist.", &[("Key", "a&b".into())], "rid");
        assert_eq!(
            doc,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>rid</RequestId></Error>"
        );
    }
}
