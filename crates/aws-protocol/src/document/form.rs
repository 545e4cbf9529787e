//! URL-encoded pairs: `application/x-www-form-urlencoded` bodies (awsQuery; `+` is a space)
//! and URI query strings (`+` stays `+`, as S3 reads it), in order, percent-decoded to UTF-8.

use std::borrow::Cow;

use percent_encoding::percent_decode;

use super::DecodeError;

/// The pairs of a form body, in order. A key without `=` has the empty value.
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
    pairs(body, true, "form body")
}

/// The pairs of a raw query string (without the `?`), in order.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, DecodeError> {
    pairs(query.as_bytes(), false, "query string")
}

fn pairs(input: &[u8], plus_is_space: bool, what: &'static str) -> Result<Vec<(String, String)>, DecodeError> {
    input
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            Ok((decode(k, plus_is_space, what)?, decode(v, plus_is_space, what)?))
        })
        .collect()
}

fn decode(raw: &[u8], plus_is_space: bool, what: &'static str) -> Result<String, DecodeError> {
    let raw: Cow<'_, [u8]> = if plus_is_space && raw.contains(&b'+') {
        Cow::Owned(raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect())
    } else {
        Cow::Borrowed(raw)
    };
    let bytes: Vec<u8> = percent_decode(&raw).collect();
    String::from_utf8(bytes).map_err(|_| DecodeError::NotUtf8(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_queries() {
        let form = parse_form(b"Action=GetRole&Version=2010-05-08&RoleName=a+b%2Bc&Flag").unwrap();
        assert_eq!(
            form,
            vec![
                ("Action".to_owned(), "GetRole".to_owned()),
                ("Version".to_owned(), "2010-05-08".to_owned()),
                ("RoleName".to_owned(), "a b+c".to_owned()),
                ("Flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            parse_query("prefix=a+b%20c&&acl").unwrap(),
            vec![("prefix".to_owned(), "a+b c".to_owned()), ("acl".to_owned(), String::new())]
        );
        assert_eq!(parse_form(b"").unwrap(), vec![]);
        assert_eq!(parse_form(b"a=%FF"), Err(DecodeError::NotUtf8("form body")));
        assert_eq!(parse_query("%E2%82"), Err(DecodeError::NotUtf8("query string")));
        assert_eq!(parse_query("a=%zz").unwrap()[0].1, "%zz");
    }
}
