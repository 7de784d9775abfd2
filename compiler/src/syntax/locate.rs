//! Finds where a KDL v2 document first goes wrong, token by token.
//!
//! The `kdl` crate reports some errors at the enclosing node or at the start of the file (an
//! error inside a child block, a property without a value). When it fails, this small scanner
//! walks the text with the grammar's structure and names the offending token, so the diagnostic
//! points where the author has to type.

use std::ops::Range;

use super::chars::{is_disallowed, is_identifier_char, is_newline, is_space};

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
    let found = scanner.document().err();
    let disallowed = text
        .char_indices()
        .skip(usize::from(text.starts_with('\u{FEFF}')))
        .find(|&(_, c)| is_disallowed(c) || c == '\u{FEFF}');
    match (found, disallowed) {
        (Some(found), Some((at, _))) if found.range.start < at => Some(found),
        (_, Some((at, c))) => Some(disallowed_char(at, c)),
        (found, None) => found,
    }
}

/// A code point KDL forbids anywhere in a document, named so that an invisible one can be found.
fn disallowed_char(at: usize, c: char) -> SyntaxError {
    let code = format!("U+{:04X}", u32::from(c));
    let (what, help) = match c {
        '\u{FEFF}' => (
            "a byte order mark",
            "remove it: a byte order mark is allowed only as the first character of a file",
        ),
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => (
            "a bidirectional control character",
            "remove it: it makes the text display in another order than it is read, and KDL forbids it",
        ),
        _ => (
            "a control character",
            "remove it; in a string, write a tab, a newline or a code point as an escape (`\\t`, `\\n`, `\\u{…}`)",
        ),
    };
    error(
        at..at + c.len_utf8(),
        format!("{what} ({code}) is not allowed in a KDL document"),
        format!("invisible {code}"),
    )
    .help(help)
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
            loop {
                if self.rest().starts_with(close3.as_str()) {
                    self.pos += close3.len();
                    return Ok(());
                }
                match self.peek() {
                    None => {
                        return Err(error(
                            open..open + 3 + hashes,
                            "this multi-line string is never closed",
                            "opened here",
                        )
                        .help(format!("close it with `{close3}` on a line of its own")));
                    }
                    Some('\\') if hashes == 0 => self.escape()?,
                    Some(_) => {
                        self.bump();
                    }
                }
            }
        }
        if self.rest().starts_with("\"\"\"") {
            return Err(error(
                open..open + 3 + hashes,
                "a `\"\"\"` string must start on a new line",
                "text follows `\"\"\"` on its line",
            )
            .help("write a one-line string between single quotes (`\"…\"`), or start the text on the line after `\"\"\"` and close it with `\"\"\"` on a line of its own"));
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
                self.escape()?;
                continue;
            }
            if self.rest().starts_with(close.as_str()) {
                self.pos += close.len();
                return Ok(());
            }
            self.bump();
        }
    }

    /// An escape in a quoted string, from its backslash.
    fn escape(&mut self) -> Scan<()> {
        let start = self.pos;
        self.bump();
        let Some(next) = self.peek() else {
            return Ok(());
        };
        if is_space(next) || is_newline(next) {
            // A whitespace escape: the backslash swallows the following whitespace.
            while self.peek().is_some_and(|c| is_space(c) || is_newline(c)) {
                self.bump();
            }
            return Ok(());
        }
        self.bump();
        match next {
            'n' | 'r' | 't' | '\\' | '"' | 'b' | 'f' | 's' => Ok(()),
            'u' => {
                let digits = self.rest().strip_prefix('{').and_then(|rest| {
                    let end = rest.find('}')?;
                    Some(&rest[..end])
                });
                let valid = digits.is_some_and(|d| {
                    (1..=6).contains(&d.len())
                        && u32::from_str_radix(d, 16).ok().and_then(char::from_u32).is_some()
                });
                match digits {
                    Some(d) if valid => {
                        self.pos += d.len() + 2;
                        Ok(())
                    }
                    _ => Err(error(
                        start..self.pos,
                        "`\\u` must be followed by a code point in braces",
                        "not a unicode escape",
                    )
                    .help("write one to six hex digits of a Unicode scalar value in braces, e.g. `\\u{e9}` for é")),
                }
            }
            other => Err(error(
                start..self.pos,
                format!("`\\{}` is not an escape KDL knows", other.escape_debug()),
                "unknown escape",
            )
            .help("the escapes are `\\n`, `\\r`, `\\t`, `\\\\`, `\\\"`, `\\b`, `\\f`, `\\s` and `\\u{…}`: write `\\\\` for a backslash, or use a raw string, `#\"…\"#`, in which a backslash is itself")),
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
        .help(number_help(word)))
    }
}

/// How to write a word that reads as a number but is not one: with a decimal point for a
/// decimal comma, with `_` for a thousands separator, else quoted.
fn number_help(word: &str) -> String {
    let digits = word.trim_start_matches(['+', '-']);
    let groups: Vec<&str> = digits.split(',').collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if groups.len() > 1 && groups.iter().all(|g| all_digits(g)) {
        let sign = &word[..word.len() - digits.len()];
        if groups.len() == 2 && groups[1].len() != 3 {
            return format!(
                "numbers take a decimal point: write `{sign}{}.{}`",
                groups[0], groups[1]
            );
        }
        if groups[1..].iter().all(|g| g.len() == 3) {
            return format!(
                "numbers group digits with `_`, not `,`: write `{sign}{}` (a decimal point is `.`)",
                groups.join("_")
            );
        }
    }
    format!("quote it: `\"{word}\"` (values with units, like durations and sizes, are strings)")
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
    fn escapes_invisible_characters_and_one_line_triple_quotes_are_named() {
        assert_eq!(
            at("a \"x \\q y\""),
            Some(("\\q".into(), "`\\q` is not an escape KDL knows".into()))
        );
        assert_eq!(
            at("a \"\\u{110000}\""),
            Some((
                "\\u".into(),
                "`\\u` must be followed by a code point in braces".into()
            ))
        );
        assert_eq!(at("a \"\\u{e9} \\n \\\\ \\s\""), None);
        assert_eq!(
            at("a \"x\u{202E}y\""),
            Some((
                "\u{202E}".into(),
                "a bidirectional control character (U+202E) is not allowed in a KDL document"
                    .into()
            ))
        );
        assert_eq!(
            at("a 1x\nb \"\u{0}\""),
            Some(("1x".into(), "`1x` is neither a number nor a string".into()))
        );
        assert_eq!(
            at("a \"\"\"one line\"\"\""),
            Some((
                "\"\"\"".into(),
                "a `\"\"\"` string must start on a new line".into()
            ))
        );
    }

    #[test]
    fn a_decimal_comma_or_grouped_digits_get_the_number_they_meant() {
        assert_eq!(
            number_help("99,9"),
            "numbers take a decimal point: write `99.9`"
        );
        assert_eq!(
            number_help("-0,25"),
            "numbers take a decimal point: write `-0.25`"
        );
        assert_eq!(
            number_help("10,000"),
            "numbers group digits with `_`, not `,`: write `10_000` (a decimal point is `.`)"
        );
        assert!(number_help("5m").starts_with("quote it"));
        assert!(number_help("1,2,3").starts_with("quote it"));
        assert!(number_help(",5").starts_with("quote it"));
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
