//! The deterministic token estimate. Every operation (Converse, and later InvokeModel and
//! CountTokens) counts tokens with this one function so that their figures agree.
//!
//! Rule: a text of `n` Unicode scalar values counts `ceil(n / 4)` tokens; an empty text counts 0.
//! Four characters per token is the usual rule of thumb for English with modern tokenizers.

/// Tokens in one text.
pub fn estimate_tokens(text: &str) -> u32 {
    let chars = text.chars().count() as u64;
    chars.div_ceil(4).min(u32::MAX as u64) as u32
}

/// Tokens in several texts, each counted on its own and summed.
pub fn estimate_tokens_all<'a>(texts: impl IntoIterator<Item = &'a str>) -> u32 {
    texts.into_iter().fold(0u32, |acc, text| acc.saturating_add(estimate_tokens(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_characters_per_token_rounded_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("a"), 1);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("안녕하세요"), 2);
        assert_eq!(estimate_tokens_all(["abcd", "abcde"]), 3);
    }
}
