//! Cedar syntax: string literals, entity references and `like` patterns, each escaped so that no
//! spec string can change the structure of a policy.

use std::fmt::Write;

/// `text` as a Cedar string literal. Cedar unescapes `\"`, `\\`, `\n`, `\r`, `\t`, `\0`, `\'`
/// and `\u{…}`; every other control character is written as `\u{…}` too.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Type::"id"`.
pub fn entity(entity_type: &str, id: &str) -> String {
    format!("{entity_type}::{}", string(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_one_literal() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            string("x\n);permit(principal,action,resource);//"),
            "\"x\\n);permit(principal,action,resource);//\""
        );
        assert_eq!(string("\u{1b}[0m"), "\"\\u{1b}[0m\"");
        assert_eq!(entity("Team", "pay\"ments"), "Team::\"pay\\\"ments\"");
    }
}
