//! A lossless, forgiving KDL v2 tokenizer: every byte of the input belongs to exactly one token,
//! comments and whitespace included. The formatter lays tokens out again; the language server
//! reads half-typed text with it (an unterminated string runs to the end instead of failing).

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces and tabs (and other non-newline whitespace).
    Space,
    Newline,
    /// `// …` up to the end of the line.
    LineComment,
    /// `/* … */`, nested.
    BlockComment,
    /// `/-`: comments out the next node, entry or block.
    Slashdash,
    /// `\`: continues a node on the next line.
    Escline,
    /// A string, raw string, multi-line string, identifier, number or `#keyword`.
    Atom,
    /// `(type)`.
    Annotation,
    Equals,
    OpenBrace,
    CloseBrace,
    Semicolon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    /// Byte offset of the token in the input.
    pub start: usize,
}

impl Token<'_> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    pub fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Space | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

pub fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_space(c: char) -> bool {
    !is_newline(c) && (c.is_whitespace() || c == '\u{FEFF}')
}

/// Characters that end a bare identifier or number.
fn ends_word(c: char) -> bool {
    is_space(c) || is_newline(c) || "(){}[]/\\\"#;=".contains(c)
}

/// Splits `text` into tokens. Never fails: what is not valid KDL still becomes tokens.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let (kind, len) = next_token(rest);
        // Every token is at least one character long, so the loop always advances.
        let len = len.max(rest.chars().next().map_or(1, char::len_utf8));
        out.push(Token {
            kind,
            text: &text[pos..pos + len],
            start: pos,
        });
        pos += len;
    }
    out
}

fn next_token(rest: &str) -> (TokenKind, usize) {
    let mut chars = rest.chars();
    let Some(c) = chars.next() else {
        return (TokenKind::Space, 0);
    };
    let next = chars.next();
    match c {
        '\r' if next == Some('\n') => (TokenKind::Newline, 2),
        c if is_newline(c) => (TokenKind::Newline, c.len_utf8()),
        c if is_space(c) => (TokenKind::Space, take_while(rest, is_space)),
        '/' if next == Some('/') => (
            TokenKind::LineComment,
            rest.find(is_newline).unwrap_or(rest.len()),
        ),
        '/' if next == Some('*') => (TokenKind::BlockComment, block_comment(rest)),
        '/' if next == Some('-') => (TokenKind::Slashdash, 2),
        '\\' => (TokenKind::Escline, 1),
        '{' => (TokenKind::OpenBrace, 1),
        '}' => (TokenKind::CloseBrace, 1),
        ';' => (TokenKind::Semicolon, 1),
        '=' => (TokenKind::Equals, 1),
        '(' => (TokenKind::Annotation, annotation(rest)),
        '"' => (TokenKind::Atom, quoted(rest, 0)),
        '#' if matches!(next, Some('#' | '"')) => {
            let hashes = take_while(rest, |c| c == '#');
            (TokenKind::Atom, raw(rest, hashes))
        }
        _ => (TokenKind::Atom, take_word(rest)),
    }
}

fn take_while(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.find(|c| !f(c)).unwrap_or(s.len())
}

/// A bare word: identifier, number or `#keyword` (the leading `#` is part of the word).
fn take_word(s: &str) -> usize {
    let first = s.chars().next().map_or(0, char::len_utf8);
    first + take_while(&s[first..], |c| !ends_word(c))
}

fn block_comment(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

/// `"…"` or `"""…"""` with escapes, after `hashes` leading `#`s were skipped by the caller
/// (escaped strings have none).
fn quoted(s: &str, start: usize) -> usize {
    let body = &s[start..];
    let multi = body.starts_with("\"\"\"");
    let close = if multi { "\"\"\"" } else { "\"" };
    let mut escaped = false;
    // `\` then whitespace, line breaks included, escapes all of that whitespace.
    let mut escaping_space = false;
    for (i, c) in body.char_indices().skip(close.len()) {
        if escaping_space && (c.is_whitespace() || is_newline(c)) {
            continue;
        }
        escaping_space = false;
        if escaped {
            escaped = false;
            escaping_space = c.is_whitespace() || is_newline(c);
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if body[i..].starts_with(close) {
            return start + i + close.len();
        } else if !multi && is_newline(c) {
            // An unterminated single-line string ends at the line's end.
            return start + i;
        }
    }
    s.len()
}

/// `#"…"#`, `##"""…"""##`: no escapes, closed by the quote(s) and as many `#`s.
fn raw(s: &str, hashes: usize) -> usize {
    let body = &s[hashes..];
    if !body.starts_with('"') {
        return take_word(s);
    }
    let multi = body.starts_with("\"\"\"");
    let quote = if multi { "\"\"\"" } else { "\"" };
    let close = format!("{quote}{}", "#".repeat(hashes));
    match body[quote.len()..].find(&close) {
        Some(i) => hashes + quote.len() + i + close.len(),
        None => s.len(),
    }
}

fn annotation(s: &str) -> usize {
    let mut i = 1;
    while i < s.len() {
        let rest = &s[i..];
        match rest.chars().next() {
            Some(')') => return i + 1,
            Some('"') => i += quoted(rest, 0),
            Some(c) if is_newline(c) => return i,
            Some(c) => i += c.len_utf8(),
            None => break,
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text).iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn every_byte_is_in_a_token() {
        let text = "a \"x\\\"y\" #\"r\"# /* c /* d */ */ k=(u8)1 { b; } // end\n/-c #true\r\n";
        let joined: String = tokenize(text).iter().map(|t| t.text).collect();
        assert_eq!(joined, text);
        assert!(kinds(text).contains(&(TokenKind::Atom, "#\"r\"#")));
        assert!(kinds(text).contains(&(TokenKind::BlockComment, "/* c /* d */ */")));
        assert!(kinds(text).contains(&(TokenKind::Annotation, "(u8)")));
        assert!(kinds(text).contains(&(TokenKind::Atom, "#true")));
    }

    #[test]
    fn multiline_strings_are_one_token() {
        let text = "a \"\"\"\n  x \"quoted\"\n  \"\"\"\n";
        assert_eq!(
            kinds(text)[2],
            (TokenKind::Atom, "\"\"\"\n  x \"quoted\"\n  \"\"\"")
        );
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        assert_eq!(
            kinds("a slo=\"av\nb"),
            vec![
                (TokenKind::Atom, "a"),
                (TokenKind::Space, " "),
                (TokenKind::Atom, "slo"),
                (TokenKind::Equals, "="),
                (TokenKind::Atom, "\"av"),
                (TokenKind::Newline, "\n"),
                (TokenKind::Atom, "b"),
            ]
        );
    }
}
