//! The canonical layout of spec files, shared by `gantry fmt` and the language server: one node a
//! line, four spaces a level, one space between entries, none around `=`, at most one blank line
//! between nodes, comments kept where they were. A block written on one line stays on one line
//! (`{ summary "…"; step "…" }`).
//!
//! The formatter only re-spaces tokens, never rewrites them (strings, numbers and multi-line
//! strings come out as written), and it proves each result: the output must parse to the same
//! tree as the input, or formatting fails instead of changing what a spec means.

pub mod lex;

use lex::{Token, TokenKind, tokenize};

use crate::source::FileId;
use crate::syntax::{self, Document, Node, RawValue};

const INDENT: &str = "    ";

/// Why a file could not be formatted.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// The file is not valid KDL v2: it is left as it is (`gantry check` says why).
    Syntax,
    /// The layout would have changed the document (a formatter bug): nothing is changed.
    WouldChangeMeaning,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax => write!(f, "the file is not valid KDL v2"),
            FormatError::WouldChangeMeaning => {
                write!(
                    f,
                    "formatting would change the document; it was left as it is"
                )
            }
        }
    }
}

/// Formats one spec file.
pub fn format(text: &str) -> Result<String, FormatError> {
    let before = syntax::parse(FileId(0), text).map_err(|_| FormatError::Syntax)?;
    let tokens = tokenize(text);
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
    };
    let items = parser.items(false);
    let mut out = String::new();
    print_items(&items, 0, &mut out);
    let after = syntax::parse(FileId(0), &out).map_err(|_| FormatError::WouldChangeMeaning)?;
    if !same_document(&before, &after) {
        return Err(FormatError::WouldChangeMeaning);
    }
    Ok(out)
}

/// Whether two documents say the same thing (spans aside).
pub fn same_document(a: &Document, b: &Document) -> bool {
    a.nodes.len() == b.nodes.len() && a.nodes.iter().zip(&b.nodes).all(|(a, b)| same_node(a, b))
}

fn same_node(a: &Node, b: &Node) -> bool {
    a.name.value == b.name.value
        && a.ty == b.ty
        && a.has_block == b.has_block
        && a.entries.len() == b.entries.len()
        && a.entries.iter().zip(&b.entries).all(|(x, y)| {
            x.name.as_ref().map(|n| &n.value) == y.name.as_ref().map(|n| &n.value)
                && x.ty == y.ty
                && same_value(&x.value.value, &y.value.value)
        })
        && a.children.len() == b.children.len()
        && a.children
            .iter()
            .zip(&b.children)
            .all(|(x, y)| same_node(x, y))
}

fn same_value(a: &RawValue, b: &RawValue) -> bool {
    match (a, b) {
        // NaN is not equal to itself, but `#nan` is written the same either way.
        (RawValue::Float(x), RawValue::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// A piece of a node's line, in order.
#[derive(Debug)]
enum Piece<'a> {
    /// A name, value, or `key=value` glued together (with its type annotations).
    Word(String),
    Slashdash,
    BlockComment(&'a str),
    /// `\` and the comment after it, if any.
    Escline(Option<&'a str>),
    Block(Block<'a>),
}

#[derive(Debug)]
struct Block<'a> {
    items: Vec<Item<'a>>,
    /// Written on one line in the source: kept on one line.
    inline: bool,
    /// A `// comment` right after `{`.
    comment: Option<&'a str>,
}

#[derive(Debug)]
enum Item<'a> {
    Node {
        pieces: Vec<Piece<'a>>,
        trailing: Option<&'a str>,
    },
    /// A comment on its own line.
    Comment(&'a str),
    Blank,
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<TokenKind> {
        self.peek().map(|t| t.kind)
    }

    fn skip_spaces(&mut self) {
        while self.peek_kind() == Some(TokenKind::Space) {
            self.pos += 1;
        }
    }

    /// Items up to the closing `}` (consumed) or the end.
    fn items(&mut self, in_block: bool) -> Vec<Item<'a>> {
        let mut items = Vec::new();
        let mut newlines = 0;
        loop {
            self.skip_spaces();
            let Some(token) = self.peek().copied() else {
                break;
            };
            match token.kind {
                TokenKind::Newline => {
                    newlines += 1;
                    self.pos += 1;
                    continue;
                }
                TokenKind::Semicolon => {
                    self.pos += 1;
                    continue;
                }
                TokenKind::CloseBrace if in_block => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            if newlines >= 2 && !items.is_empty() {
                items.push(Item::Blank);
            }
            newlines = 0;
            match token.kind {
                TokenKind::LineComment => {
                    items.push(Item::Comment(token.text.trim_end()));
                    self.pos += 1;
                }
                TokenKind::BlockComment if self.comment_stands_alone() => {
                    items.push(Item::Comment(token.text));
                    self.pos += 1;
                }
                _ => {
                    let (node, ended_line) = self.node();
                    items.push(node);
                    // The line break that ended the node counts towards a blank line after it.
                    newlines = usize::from(ended_line);
                }
            }
        }
        items
    }

    /// A block comment followed by nothing but a line end.
    fn comment_stands_alone(&self) -> bool {
        self.tokens[self.pos + 1..]
            .iter()
            .find(|t| t.kind != TokenKind::Space)
            .is_none_or(|t| matches!(t.kind, TokenKind::Newline | TokenKind::LineComment))
    }

    /// A node, and whether a line break ended it.
    fn node(&mut self) -> (Item<'a>, bool) {
        let mut pieces: Vec<Piece<'a>> = Vec::new();
        let mut trailing = None;
        // Whether the next word glues onto the previous one (after `=` or an annotation).
        let mut glue = false;
        while let Some(token) = self.peek().copied() {
            match token.kind {
                TokenKind::Space => {
                    // Spaces around `=` or after an annotation do not break the glue.
                    self.pos += 1;
                    continue;
                }
                TokenKind::Newline => {
                    self.pos += 1;
                    return (Item::Node { pieces, trailing }, true);
                }
                TokenKind::Semicolon => {
                    self.pos += 1;
                    break;
                }
                TokenKind::CloseBrace => break,
                TokenKind::LineComment => {
                    trailing = Some(token.text.trim_end());
                    self.pos += 1;
                }
                TokenKind::BlockComment => {
                    pieces.push(Piece::BlockComment(token.text));
                    self.pos += 1;
                }
                TokenKind::Slashdash => {
                    pieces.push(Piece::Slashdash);
                    self.pos += 1;
                    // Whitespace and line breaks after `/-` belong to nothing.
                    while matches!(
                        self.peek_kind(),
                        Some(TokenKind::Space | TokenKind::Newline)
                    ) {
                        self.pos += 1;
                    }
                }
                TokenKind::Escline => {
                    self.pos += 1;
                    self.skip_spaces();
                    let comment = match self.peek() {
                        Some(t) if t.kind == TokenKind::LineComment => {
                            let text = t.text.trim_end();
                            self.pos += 1;
                            Some(text)
                        }
                        _ => None,
                    };
                    if self.peek_kind() == Some(TokenKind::Newline) {
                        self.pos += 1;
                    }
                    pieces.push(Piece::Escline(comment));
                }
                TokenKind::OpenBrace => {
                    self.pos += 1;
                    pieces.push(Piece::Block(self.block()));
                }
                TokenKind::Equals | TokenKind::Annotation | TokenKind::Atom => {
                    let glues_next =
                        matches!(token.kind, TokenKind::Equals | TokenKind::Annotation);
                    let glues_prev = token.kind == TokenKind::Equals;
                    match pieces.last_mut() {
                        Some(Piece::Word(word)) if glue || glues_prev => word.push_str(token.text),
                        _ => pieces.push(Piece::Word(token.text.to_string())),
                    }
                    glue = glues_next;
                    self.pos += 1;
                    continue;
                }
            }
            glue = false;
        }
        (Item::Node { pieces, trailing }, false)
    }

    fn block(&mut self) -> Block<'a> {
        let inline = self.block_is_inline();
        self.skip_spaces();
        let comment = match self.peek() {
            Some(t) if t.kind == TokenKind::LineComment => {
                let text = t.text.trim_end();
                self.pos += 1;
                Some(text)
            }
            _ => None,
        };
        let items = self.items(true);
        Block {
            items,
            inline,
            comment,
        }
    }

    /// No line break (or line comment) before the matching `}`.
    fn block_is_inline(&self) -> bool {
        let mut depth = 0usize;
        for token in &self.tokens[self.pos..] {
            match token.kind {
                TokenKind::Newline | TokenKind::LineComment | TokenKind::Escline => return false,
                TokenKind::OpenBrace => depth += 1,
                TokenKind::CloseBrace if depth == 0 => return true,
                TokenKind::CloseBrace => depth -= 1,
                _ => {}
            }
        }
        false
    }
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

fn print_items(items: &[Item<'_>], depth: usize, out: &mut String) {
    let end = items
        .iter()
        .rposition(|i| !matches!(i, Item::Blank))
        .map_or(0, |i| i + 1);
    for item in &items[..end] {
        match item {
            Item::Blank => out.push('\n'),
            Item::Comment(text) => {
                indent(depth, out);
                out.push_str(text);
                out.push('\n');
            }
            Item::Node { pieces, trailing } => {
                indent(depth, out);
                print_pieces(pieces, depth, out);
                if let Some(comment) = trailing {
                    out.push(' ');
                    out.push_str(comment);
                }
                out.push('\n');
            }
        }
    }
}

fn print_pieces(pieces: &[Piece<'_>], depth: usize, out: &mut String) {
    let mut at_line_start = true;
    let mut after_slashdash = false;
    for piece in pieces {
        if !at_line_start && !after_slashdash {
            out.push(' ');
        }
        at_line_start = false;
        after_slashdash = false;
        match piece {
            Piece::Word(word) => out.push_str(word),
            Piece::BlockComment(text) => out.push_str(text),
            Piece::Slashdash => {
                out.push_str("/-");
                after_slashdash = true;
            }
            Piece::Escline(comment) => {
                out.push('\\');
                if let Some(comment) = comment {
                    out.push(' ');
                    out.push_str(comment);
                }
                out.push('\n');
                indent(depth + 1, out);
                at_line_start = true;
            }
            Piece::Block(block) => print_block(block, depth, out),
        }
    }
}

fn print_block(block: &Block<'_>, depth: usize, out: &mut String) {
    let nodes = || block.items.iter().filter(|i| !matches!(i, Item::Blank));
    if nodes().next().is_none() && block.comment.is_none() {
        out.push_str("{}");
        return;
    }
    if block.inline {
        out.push_str("{ ");
        let mut first = true;
        for item in nodes() {
            if !first {
                out.push_str("; ");
            }
            first = false;
            match item {
                Item::Node { pieces, .. } => print_pieces(pieces, depth, out),
                Item::Comment(text) => out.push_str(text),
                Item::Blank => {}
            }
        }
        out.push_str(" }");
        return;
    }
    out.push('{');
    if let Some(comment) = block.comment {
        out.push(' ');
        out.push_str(comment);
    }
    out.push('\n');
    let start = block
        .items
        .iter()
        .position(|i| !matches!(i, Item::Blank))
        .unwrap_or(block.items.len());
    print_items(&block.items[start..], depth + 1, out);
    indent(depth, out);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn reindents_and_respaces() {
        let text = "feature   \"a\"{\n  owner  \"x\"\n\n\n\n      service \"api\" {\nport   8080 ; image \"r/i:1\"\n}\n}";
        assert_eq!(
            fmt(text),
            "feature \"a\" {\n    owner \"x\"\n\n    service \"api\" {\n        port 8080\n        image \"r/i:1\"\n    }\n}\n"
        );
    }

    #[test]
    fn keeps_comments_and_one_line_blocks() {
        let text = "// head\nfeature \"a\" { // open\n  /* note */ owner \"x\" // why\n  runbook \"r\" {summary \"s\";step \"t\"}\n  /-slo \"gone\"\n  alert \"q\" severity = \"page\" /-for=\"5m\"\n}\n";
        assert_eq!(
            fmt(text),
            "// head\nfeature \"a\" { // open\n    /* note */ owner \"x\" // why\n    runbook \"r\" { summary \"s\"; step \"t\" }\n    /-slo \"gone\"\n    alert \"q\" severity=\"page\" /-for=\"5m\"\n}\n"
        );
    }

    #[test]
    fn strings_and_annotations_come_out_as_written() {
        let text = "a (t)\"x\" #\"raw \"q\"\"# k=(u8)0x1F b=1_000 c=#true {\n  d \"\"\"\n    kept\n      as is\n    \"\"\"\n}\n";
        assert_eq!(fmt(text), text.replace("\n  d", "\n    d"));
    }

    #[test]
    fn is_idempotent() {
        let text = "a{b{c 1;d 2}\n  e}\n\n\nf \\\n  x=1\n";
        let once = fmt(text);
        assert_eq!(fmt(&once), once);
        assert_eq!(once, "a {\n    b { c 1; d 2 }\n    e\n}\n\nf \\\n    x=1\n");
    }

    #[test]
    fn keeps_one_blank_line_before_comments_and_nodes() {
        let text = "a\n\n// about b\nb\n\n\n/* c */\nc; d\ne\n";
        assert_eq!(fmt(text), "a\n\n// about b\nb\n\n/* c */\nc\nd\ne\n");
    }

    #[test]
    fn refuses_invalid_kdl() {
        assert_eq!(format("a {"), Err(FormatError::Syntax));
    }
}
