//! A KDL v2 parser that builds the syntax tree directly, in one pass over the text.
//!
//! It is the fast path: it accepts a document only when the KDL v2 grammar does, and gives up at
//! the first doubt (any error, an integer beyond `i128`, nesting deeper than [`MAX_DEPTH`]).
//! Giving up costs nothing but time: the caller then asks the error scanner and the `kdl` crate,
//! which word the diagnostic. The official KDL test suite and a differential test against the
//! `kdl` crate hold the two paths to the same trees.

use super::chars::{is_disallowed, is_identifier_char, is_newline, is_space};
use super::tree::{Document, Entry, Node, RawValue};
use crate::source::{FileId, Span, Spanned};

/// Blocks nested deeper than this are refused, so that no input can exhaust the stack.
pub const MAX_DEPTH: usize = 256;

/// The parser gave up at this byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GaveUp(pub usize);

type Parse<T> = Result<T, GaveUp>;

/// Parses `text` as a KDL v2 document.
pub fn parse(file: FileId, text: &str) -> Parse<Document> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    if let Some(bad) = text[start..]
        .char_indices()
        .find(|&(_, c)| is_disallowed(c) || c == '\u{FEFF}')
    {
        return Err(GaveUp(start + bad.0));
    }
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: start,
        file,
        depth: 0,
        pending_nodes: Vec::new(),
        pending_entries: Vec::new(),
    };
    let nodes = parser.nodes(false)?;
    Ok(Document { nodes })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: FileId,
    depth: usize,
    /// The nodes of the blocks being parsed, innermost last; each block takes its own when it
    /// ends. Trees live as long as the check, so every vector of the tree is allocated once at
    /// its final length: one grown push by push keeps room for four items, and most nodes have
    /// one or two.
    pending_nodes: Vec<Node>,
    /// The entries of the nodes being parsed, likewise.
    pending_entries: Vec<Entry>,
}

/// How a node ended.
#[derive(PartialEq)]
enum End {
    /// `;`, a newline or a line comment.
    Terminated,
    /// A `}` (not consumed) or the end of the text: the last node of its block.
    Last,
}

/// A string token and whether it was quoted (a bare identifier may become a property key, a
/// quoted one too; a number or keyword may not).
struct Text {
    value: String,
    start: usize,
}

impl<'a> Parser<'a> {
    fn fail<T>(&self) -> Parse<T> {
        Err(GaveUp(self.pos))
    }

    fn peek(&self) -> Option<char> {
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text[self.pos..].chars().next(),
            None => None,
        }
    }

    fn peek_byte_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start..end)
    }

    /// The nodes of the document (`nested == false`) or of a block, up to its `}`.
    fn nodes(&mut self, nested: bool) -> Parse<Vec<Node>> {
        let from = self.pending_nodes.len();
        let nodes = |parser: &mut Self| Ok(parser.pending_nodes.drain(from..).collect());
        loop {
            self.line_space()?;
            match self.peek() {
                None if nested => return self.fail(),
                None => return nodes(self),
                Some('}') if nested => return nodes(self),
                Some('}') => return self.fail(),
                Some(_) => {}
            }
            let slashdash = self.starts_with("/-");
            if slashdash {
                self.pos += 2;
                self.line_space()?;
                if matches!(self.peek(), None | Some('}')) {
                    return self.fail();
                }
            }
            let (node, end) = self.node()?;
            if !slashdash {
                self.pending_nodes.push(node);
            }
            if end == End::Last {
                match self.peek() {
                    None if !nested => return nodes(self),
                    Some('}') if nested => return nodes(self),
                    _ => return self.fail(),
                }
            }
        }
    }

    /// Whitespace, newlines, comments and line continuations between nodes.
    fn line_space(&mut self) -> Parse<()> {
        loop {
            match self.peek() {
                Some(c) if is_space(c) || is_newline(c) => {
                    self.bump();
                }
                Some('/') if self.peek_byte_at(1) == Some(b'/') => self.line_comment(),
                Some('/') if self.peek_byte_at(1) == Some(b'*') => self.block_comment()?,
                Some('\\') => self.escline()?,
                _ => return Ok(()),
            }
        }
    }

    /// Whitespace, block comments and line continuations inside a node; whether any was seen.
    fn node_space(&mut self) -> Parse<bool> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(c) if is_space(c) => {
                    self.bump();
                }
                Some('/') if self.peek_byte_at(1) == Some(b'*') => self.block_comment()?,
                Some('\\') => self.escline()?,
                _ => return Ok(self.pos > start),
            }
        }
    }

    /// A `//` comment up to (not including) the end of its line.
    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            if is_newline(c) {
                return;
            }
            self.bump();
        }
    }

    fn block_comment(&mut self) -> Parse<()> {
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            if self.starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if self.starts_with("*/") {
                depth -= 1;
                self.pos += 2;
            } else if self.bump().is_none() {
                return self.fail();
            }
        }
        Ok(())
    }

    /// One newline; `\r\n` counts as one.
    fn newline(&mut self) {
        if self.bump() == Some('\r') && self.peek() == Some('\n') {
            self.pos += 1;
        }
    }

    /// `\` then optional whitespace and comments, then a newline, a line comment or the end.
    fn escline(&mut self) -> Parse<()> {
        self.pos += 1;
        loop {
            match self.peek() {
                Some(c) if is_space(c) => {
                    self.bump();
                }
                Some('/') if self.peek_byte_at(1) == Some(b'*') => self.block_comment()?,
                Some('/') if self.peek_byte_at(1) == Some(b'/') => {
                    self.line_comment();
                    if self.peek().is_some() {
                        self.newline();
                    }
                    return Ok(());
                }
                Some(c) if is_newline(c) => {
                    self.newline();
                    return Ok(());
                }
                None => return Ok(()),
                Some(_) => return self.fail(),
            }
        }
    }

    fn node(&mut self) -> Parse<(Node, End)> {
        let start = self.pos;
        let ty = if self.peek() == Some('(') {
            let ty = self.type_annotation()?;
            self.node_space()?;
            Some(ty)
        } else {
            None
        };
        let name = self.string()?;
        let name = Spanned::new(name.value, self.span(name.start, self.pos));
        let mut end = self.pos;
        let entries = self.pending_entries.len();
        let mut children: Option<Vec<Node>> = None;
        let mut after_block = false;
        loop {
            let spaced = self.node_space()?;
            let Some(c) = self.peek() else {
                return Ok((
                    self.finish(start, end, name, ty, entries, children),
                    End::Last,
                ));
            };
            match c {
                ';' => {
                    self.pos += 1;
                    break;
                }
                '}' => {
                    return Ok((
                        self.finish(start, end, name, ty, entries, children),
                        End::Last,
                    ));
                }
                c if is_newline(c) => {
                    self.newline();
                    break;
                }
                '/' if self.peek_byte_at(1) == Some(b'/') => {
                    self.line_comment();
                    if self.peek().is_some() {
                        self.newline();
                    }
                    break;
                }
                '{' => {
                    if children.is_some() {
                        return self.fail();
                    }
                    children = Some(self.block()?);
                    after_block = true;
                    end = self.pos;
                }
                '/' if self.peek_byte_at(1) == Some(b'-') => {
                    if !spaced {
                        return self.fail();
                    }
                    self.pos += 2;
                    self.line_space()?;
                    if self.peek() == Some('{') {
                        self.block()?;
                        after_block = true;
                    } else if after_block {
                        return self.fail();
                    } else {
                        self.entry()?;
                    }
                }
                _ => {
                    if !spaced || after_block {
                        return self.fail();
                    }
                    let entry = self.entry()?;
                    self.pending_entries.push(entry);
                    end = self.pos;
                }
            }
        }
        Ok((
            self.finish(start, end, name, ty, entries, children),
            End::Terminated,
        ))
    }

    /// The node begun at `start`, its entries those pending from `entries` on.
    fn finish(
        &mut self,
        start: usize,
        end: usize,
        name: Spanned<String>,
        ty: Option<String>,
        entries: usize,
        children: Option<Vec<Node>>,
    ) -> Node {
        Node {
            name,
            ty,
            entries: self.pending_entries.drain(entries..).collect(),
            has_block: children.is_some(),
            children: children.unwrap_or_default(),
            span: self.span(start, end),
        }
    }

    /// `{ nodes }`, the `{` under the cursor.
    fn block(&mut self) -> Parse<Vec<Node>> {
        if self.depth >= MAX_DEPTH {
            return self.fail();
        }
        self.depth += 1;
        self.pos += 1;
        let nodes = self.nodes(true)?;
        // `nodes(true)` returns only at a `}`.
        self.pos += 1;
        self.depth -= 1;
        Ok(nodes)
    }

    /// `(name)`, the `(` under the cursor.
    fn type_annotation(&mut self) -> Parse<String> {
        self.pos += 1;
        self.node_space()?;
        let name = self.string()?;
        self.node_space()?;
        if self.peek() != Some(')') {
            return self.fail();
        }
        self.pos += 1;
        Ok(name.value)
    }

    /// An argument or a property.
    fn entry(&mut self) -> Parse<Entry> {
        let start = self.pos;
        if self.peek() == Some('(') {
            let ty = self.type_annotation()?;
            self.node_space()?;
            let value = self.value()?;
            return Ok(Entry {
                name: None,
                value: Spanned::new(value, self.span(start, self.pos)),
                ty: Some(ty),
            });
        }
        let key_like = match self.peek() {
            Some('"') => true,
            Some('#') => matches!(self.peek_byte_at(1), Some(b'"' | b'#')),
            Some(_) => !self.starts_number(),
            None => false,
        };
        if !key_like {
            let value = self.value()?;
            let value_end = self.pos;
            self.refuse_equals()?;
            self.pos = value_end;
            return Ok(Entry {
                name: None,
                value: Spanned::new(value, self.span(start, value_end)),
                ty: None,
            });
        }
        let text = self.string()?;
        let text_end = self.pos;
        self.node_space()?;
        if self.peek() != Some('=') {
            self.pos = text_end;
            return Ok(Entry {
                name: None,
                value: Spanned::new(RawValue::String(text.value), self.span(start, text_end)),
                ty: None,
            });
        }
        self.pos += 1;
        self.node_space()?;
        let value_start = self.pos;
        let ty = if self.peek() == Some('(') {
            let ty = self.type_annotation()?;
            self.node_space()?;
            Some(ty)
        } else {
            None
        };
        let value = self.value()?;
        Ok(Entry {
            name: Some(Spanned::new(text.value, self.span(start, text_end))),
            value: Spanned::new(value, self.span(value_start, self.pos)),
            ty,
        })
    }

    /// A number or keyword cannot be a property name.
    fn refuse_equals(&mut self) -> Parse<()> {
        self.node_space()?;
        if self.peek() == Some('=') {
            return self.fail();
        }
        Ok(())
    }

    fn starts_number(&self) -> bool {
        match self.peek_byte_at(0) {
            Some(b'0'..=b'9') => true,
            Some(b'+' | b'-') => matches!(self.peek_byte_at(1), Some(b'0'..=b'9')),
            _ => false,
        }
    }

    fn value(&mut self) -> Parse<RawValue> {
        match self.peek() {
            Some('#') if !matches!(self.peek_byte_at(1), Some(b'"' | b'#')) => self.keyword(),
            Some(_) if self.starts_number() => self.number(),
            Some(_) => Ok(RawValue::String(self.string()?.value)),
            None => self.fail(),
        }
    }

    fn keyword(&mut self) -> Parse<RawValue> {
        let word = self.word();
        Ok(match word {
            "#true" => RawValue::Bool(true),
            "#false" => RawValue::Bool(false),
            "#null" => RawValue::Null,
            "#inf" => RawValue::Float(f64::INFINITY),
            "#-inf" => RawValue::Float(f64::NEG_INFINITY),
            "#nan" => RawValue::Float(f64::NAN),
            _ => return self.fail(),
        })
    }

    /// The run of identifier characters (and a leading `#`) under the cursor.
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        if self.peek() == Some('#') {
            self.pos += 1;
        }
        while let Some(c) = self.peek() {
            if !is_identifier_char(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.text[start..self.pos]
    }

    fn number(&mut self) -> Parse<RawValue> {
        let start = self.pos;
        let word = self.word();
        parse_number(word).ok_or(GaveUp(start))
    }

    /// A node name, property key, type name or string value: a bare identifier, a quoted string
    /// or a raw string.
    fn string(&mut self) -> Parse<Text> {
        let start = self.pos;
        let value = match self.peek() {
            Some('"') => self.quoted(0)?,
            Some('#') => {
                let hashes = self.bytes[self.pos..]
                    .iter()
                    .take_while(|&&b| b == b'#')
                    .count();
                if self.peek_byte_at(hashes) != Some(b'"') {
                    return self.fail();
                }
                self.pos += hashes;
                self.quoted(hashes)?
            }
            _ => {
                let word = self.word();
                if !is_bare_identifier(word) {
                    return Err(GaveUp(start));
                }
                word.to_string()
            }
        };
        Ok(Text { value, start })
    }

    /// A quoted string whose `hashes` opening hashes are consumed; the cursor is on its `"`.
    fn quoted(&mut self, hashes: usize) -> Parse<String> {
        if self.starts_with("\"\"\"") {
            self.pos += 3;
            return self.multi_line(hashes);
        }
        self.pos += 1;
        let body_start = self.pos;
        if hashes > 0 {
            loop {
                match self.bump() {
                    None => return self.fail(),
                    Some(c) if is_newline(c) => return self.fail(),
                    Some('"') if self.closes(hashes) => {
                        let body = &self.text[body_start..self.pos - 1];
                        self.pos += hashes;
                        return Ok(body.to_string());
                    }
                    Some(_) => {}
                }
            }
        }
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if matches!(b, b'"' | b'\\' | b'\n' | b'\r' | 0x0B | 0x0C) || b >= 0x80 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bump() {
                None => return self.fail(),
                Some('"') => return Ok(out),
                Some('\\') => {
                    if let Some(c) = self.peek()
                        && (is_space(c) || is_newline(c))
                    {
                        while self.peek().is_some_and(|c| is_space(c) || is_newline(c)) {
                            self.bump();
                        }
                        continue;
                    }
                    let escaped = self.escape()?;
                    out.push(escaped);
                }
                Some(c) if is_newline(c) => return self.fail(),
                Some(c) => out.push(c),
            }
        }
    }

    /// Whether the `"` just consumed is followed by `hashes` hashes.
    fn closes(&self, hashes: usize) -> bool {
        self.bytes[self.pos..]
            .iter()
            .take(hashes)
            .filter(|&&b| b == b'#')
            .count()
            == hashes
    }

    /// The character an escape stands for; the cursor is after the `\`.
    fn escape(&mut self) -> Parse<char> {
        let Some(c) = self.bump() else {
            return self.fail();
        };
        Ok(match c {
            '"' => '"',
            '\\' => '\\',
            'b' => '\u{8}',
            'f' => '\u{C}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            's' => ' ',
            'u' => {
                if self.bump() != Some('{') {
                    return self.fail();
                }
                let digits_start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    self.pos += 1;
                }
                let digits = &self.text[digits_start..self.pos];
                if digits.is_empty() || digits.len() > 6 || self.bump() != Some('}') {
                    return self.fail();
                }
                let code = u32::from_str_radix(digits, 16).map_err(|_| GaveUp(digits_start))?;
                char::from_u32(code).ok_or(GaveUp(digits_start))?
            }
            _ => return self.fail(),
        })
    }

    /// A multi-line string after its opening `"""`: a newline, lines sharing the indentation of
    /// the closing line, which holds only whitespace before `"""`.
    fn multi_line(&mut self, hashes: usize) -> Parse<String> {
        match self.peek() {
            Some(c) if is_newline(c) => self.newline(),
            _ => return self.fail(),
        }
        let body_start = self.pos;
        let body_end = loop {
            match self.bump() {
                None => return self.fail(),
                Some('\\') if hashes == 0 => {
                    if self.bump().is_none() {
                        return self.fail();
                    }
                }
                Some('"') if self.starts_with("\"\"") && self.closes_after(2, hashes) => {
                    let end = self.pos - 1;
                    self.pos += 2 + hashes;
                    break end;
                }
                Some(_) => {}
            }
        };
        let body = &self.text[body_start..body_end];
        let joined = if hashes == 0 {
            remove_whitespace_escapes(body)
        } else {
            body.to_string()
        };
        let lines = split_lines(&joined);
        let Some((closing, content)) = lines.split_last() else {
            return Err(GaveUp(body_start));
        };
        if !closing.chars().all(is_space) {
            return Err(GaveUp(body_end));
        }
        let mut dedented = Vec::with_capacity(content.len());
        for line in content {
            if line.chars().all(is_space) {
                dedented.push("");
            } else if let Some(rest) = line.strip_prefix(closing) {
                dedented.push(rest);
            } else {
                return Err(GaveUp(body_start));
            }
        }
        let text = dedented.join("\n");
        if hashes > 0 {
            return Ok(text);
        }
        unescape(&text).ok_or(GaveUp(body_start))
    }

    /// Whether `skip` quotes and then `hashes` hashes follow the cursor.
    fn closes_after(&self, skip: usize, hashes: usize) -> bool {
        let rest = &self.bytes[self.pos + skip..];
        rest.len() >= hashes && rest[..hashes].iter().all(|&b| b == b'#')
    }
}

/// Whether a bare word is an identifier: not a number, not a keyword written without `#`.
fn is_bare_identifier(word: &str) -> bool {
    if word.is_empty() || matches!(word, "true" | "false" | "null" | "inf" | "-inf" | "nan") {
        return false;
    }
    let unsigned = word.strip_prefix(['+', '-']).unwrap_or(word);
    let undotted = unsigned.strip_prefix('.').unwrap_or(unsigned);
    !undotted.starts_with(|c: char| c.is_ascii_digit())
}

/// `\` followed by whitespace or newlines removes them all; other escapes are kept for later.
fn remove_whitespace_escapes(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&next) if is_space(next) || is_newline(next) => {
                while chars.peek().is_some_and(|&c| is_space(c) || is_newline(c)) {
                    chars.next();
                }
            }
            Some(&next) => {
                out.push('\\');
                out.push(next);
                chars.next();
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Lines split at every KDL newline (`\r\n` being one).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_newline(c) {
            lines.push(&text[start..i]);
            start = i + c.len_utf8();
            if c == '\r'
                && let Some(&(j, '\n')) = iter.peek()
            {
                iter.next();
                start = j + 1;
            }
        }
    }
    lines.push(&text[start..]);
    lines
}

/// The escapes of a (dedented) multi-line string; `None` when one is invalid.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            'b' => '\u{8}',
            'f' => '\u{C}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            's' => ' ',
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut digits = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        d if d.is_ascii_hexdigit() && digits.len() < 6 => digits.push(d),
                        _ => return None,
                    }
                }
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// A KDL number: decimal (integer or float), hex, octal or binary, with `_` separators.
fn parse_number(word: &str) -> Option<RawValue> {
    let (negative, unsigned) = match word.as_bytes().first()? {
        b'-' => (true, &word[1..]),
        b'+' => (false, &word[1..]),
        _ => (false, word),
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = unsigned.strip_prefix(prefix) {
            if !digits.starts_with(|c: char| c.is_digit(radix)) {
                return None;
            }
            let cleaned: String = digits.chars().filter(|&c| c != '_').collect();
            if !cleaned.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            let magnitude = i128::from_str_radix(&cleaned, radix).ok()?;
            return Some(RawValue::Integer(if negative {
                -magnitude
            } else {
                magnitude
            }));
        }
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c == '_' || c.is_ascii_digit())
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    if !digits(integer) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    if let Some(e) = exponent
        && !digits(e.strip_prefix(['+', '-']).unwrap_or(e))
    {
        return None;
    }
    let cleaned: String = word.chars().filter(|&c| c != '_').collect();
    if fraction.is_none() && exponent.is_none() {
        return cleaned.parse::<i128>().ok().map(RawValue::Integer);
    }
    cleaned.parse::<f64>().ok().map(RawValue::Float)
}
