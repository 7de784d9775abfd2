//! Finds where a KDL v2 document first goes wrong, token by token.
//!
//! The `kdl` crate reports some errors at the enclosing node or at the start of the file (an
//! error inside a child block, a property without a value). When it fails, this small scanner
//! walks the text with the grammar's structure and names the offending token, so the diagnostic
//! points where the author has to type.

use std::ops::Range;

use super::chars::{is_identifier_char, is_newline, is_space};

/// The first syntax error of a document: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// The diagnostic id: `syntax`, or `limit-exceeded` for nesting beyond [`MAX_DEPTH`].
    pub id: &'static str,
    pub range: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// Scans `text` and returns the first syntax error, if the scanner sees one.
pub fn first_error(text: &str) -> Option<SyntaxError> {
    let mut scanner = Scanner {
        text,
        pos: 0,
        open_braces: Vec::new(),
        misclosed: None,
    };
    if text.starts_with('\u{FEFF}') {
        scanner.pos = '\u{FEFF}'.len_utf8();
    }
    scanner.document().err()
}

const MAX_DEPTH: usize = 256;

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    open_braces: Vec<usize>,
    /// The first block whose `}` sits left of the line that opened it: when a brace is missing,
    /// the one that was forgotten is usually there, not at the outermost block left open.
    misclosed: Option<usize>,
}

/// The indentation (in characters) of the line holding `offset`, and whether only whitespace
/// precedes `offset` on it.
fn indentation(text: &str, offset: usize) -> (usize, bool) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let indent = before
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .count();
    (indent, before.chars().all(|c| c == ' ' || c == '\t'))
}

type Scan<T> = Result<T, SyntaxError>;

fn error(range: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> SyntaxError {
    SyntaxError {
        id: "syntax",
        range,
        message: message.into(),
        label: label.into(),
        help: None,
    }
}

impl SyntaxError {
    fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }
}

/// What ends a node: the scanner needs to know whether a `}` was consumed.
enum Terminator {
    Line,
    CloseBrace,
    Eof,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(n)
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn char_range(&self) -> Range<usize> {
        let len = self.peek().map_or(0, char::len_utf8);
        self.pos..self.pos + len
    }

    fn document(&mut self) -> Scan<()> {
        loop {
            self.skip_line_space()?;
            match self.peek() {
                None => {
                    if let Some(open) = self.misclosed.filter(|_| !self.open_braces.is_empty()) {
                        return Err(error(
                            open..open + 1,
                            "this `{` is never closed",
                            "block opened here",
                        )
                        .help("add a `}` after the block's last child node (the `}` that closes it now is indented as if it closed an outer block)"));
                    }
                    return match self.open_braces.last() {
                        Some(&open) => Err(error(
                            open..open + 1,
                            "this `{` is never closed",
                            "block opened here",
                        )
                        .help("add a `}` after the block's last child node")),
                        None => Ok(()),
                    };
                }
                Some('}') => {
                    if self.open_braces.is_empty() {
                        return Err(error(
                            self.char_range(),
                            "unexpected `}`: there is no block to close",
                            "nothing to close",
                        )
                        .help("remove this `}`, or add the `{` it was meant to close"));
                    }
                    return Ok(());
                }
                Some(_) => {
                    if let Terminator::CloseBrace = self.node()? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Whitespace, newlines and comments between nodes.
    fn skip_line_space(&mut self) -> Scan<()> {
        loop {
            match self.peek() {
                Some(c) if is_space(c) || is_newline(c) => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => self.line_comment(),
                Some('/') if self.peek_at(1) == Some('*') => self.block_comment()?,
                Some('\\') => self.escline()?,
                _ => return Ok(()),
            }
        }
    }

    /// Whitespace, block comments and line continuations inside a node.
    fn skip_node_space(&mut self) -> Scan<bool> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(c) if is_space(c) => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('*') => self.block_comment()?,
                Some('\\') => self.escline()?,
                _ => return Ok(self.pos > start),
            }
        }
    }

    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            if is_newline(c) {
                break;
            }
            self.bump();
        }
    }

    fn block_comment(&mut self) -> Scan<()> {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1;
        while depth > 0 {
            if self.rest().starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if self.rest().starts_with("*/") {
                depth -= 1;
                self.pos += 2;
            } else if self.bump().is_none() {
                return Err(error(
                    start..start + 2,
                    "this comment is never closed",
                    "comment opened here",
                )
                .help("close it with `*/`"));
            }
        }
        Ok(())
    }

    fn escline(&mut self) -> Scan<()> {
        let start = self.pos;
        self.bump();
        loop {
            match self.peek() {
                Some(c) if is_space(c) => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('*') => self.block_comment()?,
                Some('/') if self.peek_at(1) == Some('/') => {
                    self.line_comment();
                    self.bump();
                    return Ok(());
                }
                Some(c) if is_newline(c) => {
                    self.bump();
                    return Ok(());
                }
                None => return Ok(()),
                Some(_) => {
                    return Err(error(
                        start..start + 1,
                        "a `\\` continues a node on the next line and must end its line",
                        "line continuation",
                    )
                    .help("put a line break after the `\\`, or remove it"));
                }
            }
        }
    }

    fn node(&mut self) -> Scan<Terminator> {
        if self.rest().starts_with("/-") {
            self.pos += 2;
            self.skip_line_space()?;
        }
        if self.peek() == Some('(') {
            self.type_annotation()?;
            self.skip_node_space()?;
        }
        match self.peek() {
            Some('{') => {
                return Err(error(
                    self.char_range(),
                    "a block must follow a node name",
                    "block without a node",
                )
                .help("write the node name before `{`, e.g. `service \"api\" { … }`"));
            }
            Some('=') => {
                return Err(error(
                    self.char_range(),
                    "unexpected `=` where a node name should be",
                    "unexpected `=`",
                ));
            }
            _ => {}
        }
        self.string_value("node name")?;
        loop {
            let spaced = self.skip_node_space()?;
            let Some(c) = self.peek() else {
                return Ok(Terminator::Eof);
            };
            match c {
                ';' => {
                    self.bump();
                    return Ok(Terminator::Line);
                }
                c if is_newline(c) => {
                    self.bump();
                    return Ok(Terminator::Line);
                }
                '/' if self.peek_at(1) == Some('/') => {
                    self.line_comment();
                    return Ok(Terminator::Line);
                }
                '}' => {
                    if self.open_braces.is_empty() {
                        return Err(error(
                            self.char_range(),
                            "unexpected `}`: there is no block to close",
                            "nothing to close",
                        )
                        .help("remove this `}`, or add the `{` it was meant to close"));
                    }
                    return Ok(Terminator::CloseBrace);
                }
                '{' => {
                    self.children()?;
                }
                '/' if self.peek_at(1) == Some('-') => {
                    self.pos += 2;
                    // KDL v2 lets a slashdash be followed by line breaks and comments.
                    self.skip_line_space()?;
                    if self.peek() == Some('{') {
                        self.children()?;
                    } else {
                        self.entry()?;
                    }
                }
                _ => {
                    if !spaced {
                        return Err(error(
                            self.char_range(),
                            "values must be separated by whitespace",
                            "no space before this",
                        )
                        .help("add a space before it"));
                    }
                    self.entry()?;
                }
            }
        }
    }

    fn children(&mut self) -> Scan<()> {
        let open = self.pos;
        if self.open_braces.len() >= MAX_DEPTH {
            let mut too_deep = error(
                open..open + 1,
                format!("blocks are nested more than {MAX_DEPTH} deep, the deepest gantry reads"),
                format!("block {} deep", MAX_DEPTH + 1),
            )
            .help("no spec needs this depth: close the blocks left open above, or flatten them");
            too_deep.id = "limit-exceeded";
            return Err(too_deep);
        }
        self.bump();
        self.open_braces.push(open);
        self.document()?;
        self.open_braces.pop();
        let (open_indent, _) = indentation(self.text, open);
        let (close_indent, close_starts_line) = indentation(self.text, self.pos);
        if close_starts_line && close_indent < open_indent && self.misclosed.is_none() {
            self.misclosed = Some(open);
        }
        // `document` returns at a `}` only when one is open.
        self.bump();
        Ok(())
    }

    fn type_annotation(&mut self) -> Scan<()> {
        let open = self.pos;
        self.bump();
        self.skip_node_space()?;
        self.string_value("type name")?;
        self.skip_node_space()?;
        if self.peek() == Some(')') {
            self.bump();
            Ok(())
        } else {
            Err(error(
                open..open + 1,
                "this type annotation is never closed",
                "opened here",
            )
            .help("close it with `)`"))
        }
    }

    fn entry(&mut self) -> Scan<()> {
        if self.peek() == Some('(') {
            self.type_annotation()?;
            self.skip_node_space()?;
            return self.value();
        }
        let start = self.pos;
        let is_string = matches!(self.peek(), Some('"'))
            || (self.peek() == Some('#') && matches!(self.peek_at(1), Some('"' | '#')))
            || self
                .peek()
                .is_some_and(|c| is_identifier_char(c) && !self.starts_number());
        self.value()?;
        if !is_string {
            if self.peek() == Some('=') {
                return Err(error(
                    start..self.pos,
                    "a property name must be a string",
                    "not a name",
                ));
            }
            return Ok(());
        }
        let key_end = self.pos;
        let save = self.pos;
        self.skip_node_space()?;
        if self.peek() != Some('=') {
            self.pos = save;
            return Ok(());
        }
        let equals = self.pos;
        self.bump();
        self.skip_node_space()?;
        let key = &self.text[start..key_end];
        match self.peek() {
            None => Err(self.missing_value(key, equals)),
            Some(c) if is_newline(c) || matches!(c, ';' | '}') => {
                Err(self.missing_value(key, equals))
            }
            Some('/') if self.peek_at(1) == Some('/') => Err(self.missing_value(key, equals)),
            Some('(') => {
                self.type_annotation()?;
                self.skip_node_space()?;
                self.value()
            }
            Some(_) => self.value(),
        }
    }

    fn missing_value(&self, key: &str, equals: usize) -> SyntaxError {
        error(
            equals..equals + 1,
            format!("property `{key}` has no value"),
            "a value must follow `=`",
        )
        .help(format!("write `{key}=VALUE`, e.g. `{key}=\"…\"`"))
    }

    fn starts_number(&self) -> bool {
        let mut chars = self.rest().chars();
        match chars.next() {
            Some(c) if c.is_ascii_digit() => true,
            Some('+' | '-') => chars.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        }
    }

    fn value(&mut self) -> Scan<()> {
        match self.peek() {
            None => Err(error(self.pos..self.pos, "a value is missing", "here")),
            Some('#') => self.hash_value(),
            Some('"') => self.quoted_string(0),
            Some('=') => Err(error(
                self.char_range(),
                "unexpected `=`",
                "no property name before this",
            )
            .help("a property is written `name=value`, with no space before `=`")),
            Some(c @ (')' | '[' | ']' | '{')) => Err(error(
                self.char_range(),
                format!("unexpected `{c}`"),
                "not a value",
            )),
            Some(_) if self.starts_number() => self.number(),
            Some(_) => self.string_value("value"),
        }
    }

    /// An identifier or quoted string (node names, property names, type names, values).
    fn string_value(&mut self, what: &str) -> Scan<()> {
        match self.peek() {
            Some('"') => return self.quoted_string(0),
            Some('#') if matches!(self.peek_at(1), Some('"' | '#')) => return self.hash_value(),
            _ => {}
        }
        let start = self.pos;
        if self.starts_number() {
            self.number()?;
            return Err(error(
                start..self.pos,
                format!("a {what} cannot be a number"),
                "a number",
            )
            .help("quote it to make it a string"));
        }
        while let Some(c) = self.peek() {
            if !is_identifier_char(c) {
                break;
            }
            self.bump();
        }
        if self.pos == start {
            let range = self.char_range();
            let found = self.peek().map_or("end of file".to_string(), |c| {
                if is_newline(c) {
                    "end of line".to_string()
                } else {
                    format!("`{}`", c.escape_debug())
                }
            });
            return Err(error(
                range,
                format!("expected a {what}, found {found}"),
                format!("expected a {what}"),
            ));
        }
        let word = &self.text[start..self.pos];
        if matches!(word, "r" | "br") && matches!(self.peek(), Some('"' | '#')) {
            return Err(error(
                start..self.pos + 1,
                "this is a KDL v1 raw string",
                "KDL v1 syntax",
            )
            .help("gantry reads KDL v2, which writes raw strings as #\"…\"# (more `#` when the text holds `\"#`)"));
        }
        if let Some(keyword) = bare_keyword(word) {
            let what = match word {
                "true" | "false" => "booleans as #true and #false",
                "null" => "null as #null",
                _ => "the special numbers as #inf, #-inf and #nan",
            };
            return Err(error(
                start..self.pos,
                format!("`{word}` is not a value in KDL v2"),
                "bare keyword",
            )
            .help(format!(
                "KDL v2 writes {what}: write `{keyword}`, or `\"{word}\"` for the string"
            )));
        }
        if word.starts_with('.') && word[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err(error(
                start..self.pos,
                format!("`{word}` is not a valid number"),
                "not a number",
            )
            .help(format!("write `0{word}`, or quote it")));
        }
        Ok(())
    }

    fn hash_value(&mut self) -> Scan<()> {
        let start = self.pos;
        let hashes = self.rest().chars().take_while(|&c| c == '#').count();
        if self.rest()[hashes..].starts_with('"') {
            self.pos += hashes;
            return self.quoted_string(hashes);
        }
        self.bump();
        while let Some(c) = self.peek() {
            if !is_identifier_char(c) {
                break;
            }
            self.bump();
        }
        let word = &self.text[start..self.pos];
        match word {
            "#true" | "#false" | "#null" | "#inf" | "#-inf" | "#nan" => Ok(()),
            _ => Err(error(
                start..self.pos,
                format!("`{word}` is not a KDL keyword"),
                "unknown keyword",
            )
            .help(format!(
                "to write text starting with `#`, quote it: `\"{word}\"` (the keywords are #true, #false, #null, #inf, #-inf and #nan)"
            ))),
        }
    }

    /// A quoted string, raw when `hashes > 0` (the opening hashes already consumed).
    fn quoted_string(&mut self, hashes: usize) -> Scan<()> {
        let open = self.pos - hashes;
        let close: String = std::iter::once('"')
            .chain(std::iter::repeat_n('#', hashes))
            .collect();
        let multi_line = self.rest().starts_with("\"\"\"")
            && self.rest()[3..]
                .trim_start_matches(is_space)
                .starts_with(|c: char| is_newline(c));
        if multi_line {
            self.pos += 3;
            let close3 = format!("\"\"{close}");
            return match self.rest().find(close3.as_str()) {
                Some(i) => {
                    self.pos += i + close3.len();
                    Ok(())
                }
                None => Err(error(
                    open..open + 3 + hashes,
                    "this multi-line string is never closed",
                    "opened here",
                )
                .help(format!("close it with `{close3}` on a line of its own"))),
            };
        }
        self.bump();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.unclosed_string(open, hashes));
            };
            if is_newline(c) {
                return Err(self.unclosed_string(open, hashes));
            }
            if hashes == 0 && c == '\\' {
                self.bump();
                if let Some(next) = self.peek() {
                    if is_space(next) || is_newline(next) {
                        // A whitespace escape: the backslash swallows the following whitespace.
                        while self.peek().is_some_and(|c| is_space(c) || is_newline(c)) {
                            self.bump();
                        }
                    } else {
                        self.bump();
                    }
                }
                continue;
            }
            if self.rest().starts_with(close.as_str()) {
                self.pos += close.len();
                return Ok(());
            }
            self.bump();
        }
    }

    fn unclosed_string(&self, open: usize, hashes: usize) -> SyntaxError {
        error(
            open..open + 1 + hashes,
            "this string is never closed",
            "string starts here",
        )
        .help("close it with `\"` on the same line; a string over several lines is written between `\"\"\"` lines")
    }

    fn number(&mut self) -> Scan<()> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if !is_identifier_char(c) {
                break;
            }
            self.bump();
        }
        let word = &self.text[start..self.pos];
        if is_valid_number(word) {
            return Ok(());
        }
        Err(error(
            start..self.pos,
            format!("`{word}` is neither a number nor a string"),
            "not a number",
        )
        .help(format!(
            "quote it: `\"{word}\"` (values with units, like durations and sizes, are strings)"
        )))
    }
}

fn bare_keyword(word: &str) -> Option<&'static str> {
    match word {
        "true" => Some("#true"),
        "false" => Some("#false"),
        "null" => Some("#null"),
        "inf" => Some("#inf"),
        "-inf" => Some("#-inf"),
        "nan" => Some("#nan"),
        _ => None,
    }
}

fn is_valid_number(word: &str) -> bool {
    let unsigned = word.strip_prefix(['+', '-']).unwrap_or(word);
    let digits_with = |s: &str, radix: u32| {
        !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_digit(radix))
            && s.chars().all(|c| c == '_' || c.is_digit(radix))
    };
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return digits_with(hex, 16);
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return digits_with(oct, 8);
    }
    if let Some(bin) = unsigned.strip_prefix("0b") {
        return digits_with(bin, 2);
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits_with(int, 10) && digits_with(frac, 10),
        None => digits_with(mantissa, 10),
    };
    let exponent_ok =
        exponent.is_none_or(|e| digits_with(e.strip_prefix(['+', '-']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(String, String)> {
        first_error(text).map(|e| (text[e.range].to_string(), e.message))
    }

    #[test]
    fn valid_documents_have_no_error() {
        for ok in [
            "a",
            "a 1 2.5 -3 0x1F #true #null key=\"v\" (t)x",
            "a { b; c { d 1 }\n}\n",
            "a /-b=1 /-{ x } \\\n  c=2 // end\n/* c /* nested */ */ b",
            "a #\"raw \" string\"#",
            "a \"\"\"\n  multi\n  \"\"\"",
            "a \"esc \\\" quote\"",
            "a key = 1",
        ] {
            assert_eq!(first_error(ok), None, "{ok}");
        }
    }

    #[test]
    fn names_the_offending_token() {
        assert_eq!(
            at("a {\n  b x=true\n}"),
            Some(("true".into(), "`true` is not a value in KDL v2".into()))
        );
        assert_eq!(
            at("a {\n  b p=5m\n}"),
            Some(("5m".into(), "`5m` is neither a number nor a string".into()))
        );
        assert_eq!(
            at("a {\n  b digest=}\n}"),
            Some(("=".into(), "property `digest` has no value".into()))
        );
        assert_eq!(
            at("a {\n  b {\n    c 1\n}\n"),
            Some(("{".into(), "this `{` is never closed".into()))
        );
        assert_eq!(
            at("a {\n}\n}\n"),
            Some((
                "}".into(),
                "unexpected `}`: there is no block to close".into()
            ))
        );
        assert_eq!(
            at("a \"open\n"),
            Some(("\"".into(), "this string is never closed".into()))
        );
        assert_eq!(
            at("a {\n  port 80 = 3\n}"),
            Some(("=".into(), "unexpected `=`".into()))
        );
    }

    #[test]
    fn a_missing_brace_is_found_by_indentation() {
        let text = "f {\n  runbook \"r\" {\n    summary \"s\"\n  slo \"a\" {\n    ratio\n  }\n}\n";
        let e = first_error(text).expect("error");
        assert_eq!(&text[e.range.clone()], "{");
        assert_eq!(e.range.start, text.find("\"r\" {").unwrap() + 4);
    }

    #[test]
    fn v1_raw_strings_are_named() {
        assert_eq!(
            at("a r\"x\""),
            Some(("r\"".into(), "this is a KDL v1 raw string".into()))
        );
    }

    #[test]
    fn unclosed_brace_points_at_the_innermost_open_block() {
        let text = "a {\n  b {\n    c 1\n  }\n";
        let e = first_error(text).expect("error");
        assert_eq!(e.range, 2..3);
    }
}
