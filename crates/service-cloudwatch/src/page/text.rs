//! A `text` widget's Markdown as HTML (pulldown-cmark, CommonMark with tables and
//! strikethrough): raw HTML in the Markdown is shown as text, never passed through, and links
//! and images keep only `http:`, `https:`, `mailto:`, relative and `#` targets, so a dashboard
//! body cannot put script in the page.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

/// `markdown` as sanitized HTML.
pub(crate) fn markdown_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// `url` when it has no scheme (relative) or a harmless one, else `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower: String = url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let scheme = lower.split(['/', '?', '#']).next().and_then(|first| first.split_once(':')).map(|(s, _)| s.to_owned());
    match scheme.as_deref() {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_html_does_not_pass_through() {
        assert_eq!(
            markdown_html("# Title\n\n**bold** [docs](https://example.com)"),
            "<h1>Title</h1>\n<p><strong>bold</strong> <a href=\"https://example.com\">docs</a></p>\n"
        );
        let evil = markdown_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](JaVa\tScript:alert(1)) ![i](data:text/html,hi)",
        );
        assert!(!evil.contains("<script"), "{evil}");
        assert!(!evil.contains("<img src=x"), "{evil}");
        assert!(!evil.to_ascii_lowercase().contains("javascript:"), "{evil}");
        assert!(!evil.contains("data:text"), "{evil}");
        assert!(evil.contains("&lt;script&gt;"), "{evil}");
        assert!(markdown_html("[rel](/_emulator/dashboards/)").contains("href=\"/_emulator/dashboards/\""));
    }
}
