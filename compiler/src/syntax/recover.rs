//! Reading past a syntax error, so that one check reports every mistake of a file and the editor
//! keeps a tree of the rest of it.
//!
//! After each error the line that holds it is blanked (the same number of bytes, so every span
//! still points into the file as written) and the text is parsed again. A line that opens or
//! closes blocks keeps its braces, behind a placeholder node named [`PLACEHOLDER`], so the blocks
//! around it keep their shape. Recovery stops where going on would only report the first error
//! again in another form: an unclosed block, a multi-line string or comment, an error at or
//! before a line already blanked.

use std::borrow::Cow;
use std::ops::Range;

use super::chars::is_newline;
use super::tree::Document;
use super::{parse_with_kdl_crate as careful, parser, scanned};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;

/// The most syntax errors reported for one file: past this many, the file is more likely not
/// KDL at all than mistyped.
pub const MAX_SYNTAX_ERRORS: usize = 20;

/// The name of the node that stands in for a blanked line that opened blocks.
pub const PLACEHOLDER: &str = "_";

/// How many bytes the parses after the first may hand the `kdl` crate (slow; needed only for an
/// error the scanner misses). Past it, recovery goes on only while the scanner names the error.
const CAREFUL_BYTES_BUDGET: usize = 4 * 1024 * 1024;

/// What a file holds: a tree when the text, with the lines holding errors blanked, parses; and
/// its syntax errors, in the order of the text.
#[derive(Debug)]
pub struct Recovered {
    pub document: Option<Document>,
    pub errors: Vec<Diagnostic>,
}

/// Parses `text`, reading past each syntax error to report the next.
pub fn parse_recovering(file: FileId, text: &str) -> Recovered {
    if let Ok(document) = parser::parse(file, text) {
        return Recovered {
            document: Some(document),
            errors: Vec::new(),
        };
    }
    let mut current = Cow::Borrowed(text);
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut careful_budget = CAREFUL_BYTES_BUDGET.saturating_sub(text.len());
    // Offsets before this were blanked: an error reported there follows from an earlier one.
    let mut blanked_up_to = 0;
    loop {
        let first = if errors.is_empty() {
            careful(file, &current)
        } else {
            match parser::parse(file, &current) {
                Ok(document) => Ok(document),
                Err(_) if careful_budget >= current.len() => {
                    careful_budget -= current.len();
                    careful(file, &current)
                }
                // Past the budget, only what the scanner names is reported.
                Err(_) => match super::first_error(&current) {
                    Some(found) => Err(vec![scanned(file, found)]),
                    None => break,
                },
            }
        };
        let error = match first {
            Ok(document) => {
                return Recovered {
                    document: Some(document),
                    errors,
                };
            }
            Err(found) => match found.into_iter().next() {
                Some(error) => error,
                None => break,
            },
        };
        let at = error.primary.span.range();
        if at.start < blanked_up_to && !errors.is_empty() {
            break;
        }
        let terminal = error.id != "syntax"
            || !current.is_char_boundary(at.start)
            || is_terminal(&current, &at);
        errors.push(error);
        if terminal || errors.len() >= MAX_SYNTAX_ERRORS {
            break;
        }
        let line = line_of(&current, at.start);
        let Some(replacement) = blank_line(&current[line.clone()], at.start - line.start) else {
            break;
        };
        blanked_up_to = line.end;
        let mut text = current.into_owned();
        text.replace_range(line, &replacement);
        current = Cow::Owned(text);
    }
    if errors.is_empty() {
        errors.push(Diagnostic::error(
            "syntax",
            crate::source::Span::new(file, 0..0),
            "this file is not valid KDL v2",
        ));
    }
    Recovered {
        document: None,
        errors,
    }
}

/// Whether reading on after this error would only restate it: the error is at a `{` (a block
/// never closed), at the end of the text, or on a line where a multi-line string or comment
/// begins or ends.
fn is_terminal(text: &str, at: &Range<usize>) -> bool {
    if at.start >= text.len() || text[at.start..].starts_with('{') {
        return true;
    }
    let line = &text[line_of(text, at.start)];
    ["\"\"\"", "/*", "*/", "#\""]
        .iter()
        .any(|multi_line| line.contains(multi_line))
}

/// The byte range of the line holding `offset`, without its line break.
fn line_of(text: &str, offset: usize) -> Range<usize> {
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_newline(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .find(is_newline)
        .map_or(text.len(), |i| offset + i);
    start..end
}

/// The line blanked to as many bytes, keeping the blocks it opens or closes. `error_at` is the
/// offset of the error in the line: a stray `}` there is dropped with the rest.
fn blank_line(line: &str, error_at: usize) -> Option<String> {
    let (opens, closes) = if line[error_at..].starts_with('}') {
        (0, 0)
    } else {
        braces_outside_strings(line)
    };
    let mut out = vec![b' '; line.len()];
    let indent = line.len() - line.trim_start().len();
    if closes > 0 {
        // Closing braces first: `} else {` closes one block and opens another.
        out.get_mut(indent..indent + closes)?.fill(b'}');
    }
    if opens > 0 {
        let name_at = indent + closes + usize::from(closes > 0);
        *out.get_mut(name_at)? = PLACEHOLDER.as_bytes()[0];
        let braces_from = line.len().checked_sub(opens)?;
        if braces_from <= name_at + 1 {
            return None;
        }
        out[braces_from..].fill(b'{');
    }
    // Every byte is ASCII.
    String::from_utf8(out).ok()
}

/// How many `{` and `}` the line holds outside quoted strings and comments.
fn braces_outside_strings(line: &str) -> (usize, usize) {
    let (mut opens, mut closes) = (0, 0);
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '{' if !in_string => opens += 1,
            '}' if !in_string => closes += 1,
            _ => {}
        }
    }
    (opens, closes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(usize, String)> {
        parse_recovering(FileId(0), text)
            .errors
            .iter()
            .map(|d| {
                let line = text[..d.primary.span.range().start].matches('\n').count() + 1;
                (line, d.message.clone())
            })
            .collect()
    }

    #[test]
    fn every_broken_line_is_reported() {
        let text = "feature \"f\" {\n  owner team=\"a\"\n  service \"api\" port=80x\n  service \"web\" {\n    port 8080\n    image \"x\" \"\n  }\n  flag \"f\" default=#maybe\n}\n";
        let found = errors(text);
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![3, 6, 8], "{found:?}");
        let recovered = parse_recovering(FileId(0), text);
        let tree = recovered.document.expect("the rest of the file parses");
        let feature = &tree.nodes[0];
        let names: Vec<&str> = feature
            .children
            .iter()
            .map(|n| n.name.value.as_str())
            .collect();
        assert_eq!(names, vec!["owner", "service"]);
        assert_eq!(feature.children[1].children[0].name.value, "port");
    }

    #[test]
    fn a_broken_line_that_opens_a_block_keeps_it_open() {
        let text = "feature \"f\" {\n  service \"api\" port=80x {\n    port 80\n  }\n  owner team=\"a\"\n}\n";
        let recovered = parse_recovering(FileId(0), text);
        assert_eq!(recovered.errors.len(), 1);
        let tree = recovered.document.expect("the rest of the file parses");
        let children = &tree.nodes[0].children;
        assert_eq!(children[0].name.value, PLACEHOLDER);
        assert_eq!(children[0].children[0].name.value, "port");
        assert_eq!(children[1].name.value, "owner");
    }

    #[test]
    fn a_stray_closing_brace_is_dropped() {
        let text = "feature \"f\" {\n  owner team=\"a\"\n}\n}\nfeature \"g\" {\n  owner team=\"b\" x=\n}\n";
        let found = errors(text);
        assert_eq!(
            found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![4, 6],
            "{found:?}"
        );
    }

    #[test]
    fn an_unclosed_block_ends_the_search() {
        let text = "feature \"f\" {\n  service \"api\" {\n    port 80\n  owner team=\"a\" x=\n}\n";
        let found = errors(text);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn spans_point_into_the_text_as_written() {
        let text = "a 1x\nb \"ok\"\nc 2y\n";
        let recovered = parse_recovering(FileId(0), text);
        for error in &recovered.errors {
            let range = error.primary.span.range();
            assert!(text.get(range.clone()).is_some(), "{range:?}");
        }
        assert_eq!(recovered.errors.len(), 2);
        let tree = recovered.document.expect("line b parses");
        assert_eq!(tree.nodes.len(), 1);
        assert_eq!(tree.nodes[0].name.value, "b");
    }

    #[test]
    fn a_file_of_garbage_stops_at_the_limit() {
        let text = "1x\n".repeat(100);
        assert_eq!(errors(&text).len(), MAX_SYNTAX_ERRORS);
    }

    #[test]
    fn line_blanking_keeps_byte_length_and_braces() {
        assert_eq!(
            blank_line("  x \"{\" 1y {", 0).as_deref(),
            Some("  _        {")
        );
        assert_eq!(blank_line("  port 8x }", 0).as_deref(), Some("  }        "));
        assert_eq!(blank_line("  }", 2).as_deref(), Some("   "));
        assert_eq!(blank_line("é 1x", 0).map(|s| s.len()), Some("é 1x".len()));
        assert_eq!(line_of("a\u{2028}b 1x\nc", 5), 4..8);
    }
}
