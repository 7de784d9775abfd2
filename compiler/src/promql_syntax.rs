//! A structural check of the PromQL a spec writes (an alert's `expr`, a ratio's `good`, `bad`,
//! `total`): not empty, strings closed, parentheses, brackets and braces balanced and matched.
//! It is no PromQL parser, but it catches the typos that otherwise surface only when Prometheus
//! refuses the whole rule file at deploy time, and it points at the character at fault.

use std::ops::Range;

use crate::source::Span;

/// What is wrong, and where in the expression's text (a byte range), when one place is at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct PromqlError {
    pub message: String,
    pub label: String,
    pub help: String,
    pub at: Option<Range<usize>>,
    /// A second place that explains the first (the bracket a wrong closer was meant to close).
    pub related: Option<(Range<usize>, String)>,
}

fn closer_of(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn one(at: usize, c: char) -> Range<usize> {
    at..at + c.len_utf8()
}

/// Checks one expression.
// The error is built at most once per expression, on the failure path: its size costs nothing.
#[allow(clippy::result_large_err)]
pub fn check(text: &str) -> Result<(), PromqlError> {
    if text.trim().is_empty() {
        return Err(PromqlError {
            message: "the PromQL expression is empty".into(),
            label: "empty expression".into(),
            help: "write the query, e.g. `sum(rate(http_requests_total[5m])) > 10`".into(),
            at: None,
            related: None,
        });
    }
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' && c != '`' {
                        chars.next();
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(PromqlError {
                        message: format!("a string opened with {c} is never closed"),
                        label: "this string has no closing quote".into(),
                        help: format!("close it with {c}"),
                        at: Some(one(at, c)),
                        related: None,
                    });
                }
            }
            // A comment runs to the end of the line.
            '#' => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => open.push((at, c)),
            ')' | ']' | '}' => match open.pop() {
                Some((_, o)) if closer_of(o) == c => {}
                Some((from, o)) => {
                    return Err(PromqlError {
                        message: format!("`{c}` closes `{o}`, which needs `{}`", closer_of(o)),
                        label: format!("expected `{}`", closer_of(o)),
                        help: format!(
                            "close `{o}` with `{}` before this `{c}`, or remove the `{c}`",
                            closer_of(o)
                        ),
                        at: Some(one(at, c)),
                        related: Some((one(from, o), format!("`{o}` opened here"))),
                    });
                }
                None => {
                    return Err(PromqlError {
                        message: format!("`{c}` closes nothing"),
                        label: "no bracket to close".into(),
                        help: "remove it, or open it earlier".into(),
                        at: Some(one(at, c)),
                        related: None,
                    });
                }
            },
            _ => {}
        }
    }
    if let Some((at, o)) = open.pop() {
        return Err(PromqlError {
            message: format!("`{o}` is never closed"),
            label: format!("needs a `{}`", closer_of(o)),
            help: format!("add `{}` where it ends", closer_of(o)),
            at: Some(one(at, o)),
            related: None,
        });
    }
    crate::promql_sequence::check(text)
}

/// The span of `range` of the decoded `text` inside its string literal as written (`written`,
/// at `literal`): a raw string `#"…"#`, or a plain string with its escapes decoded on the way.
/// `None` for a multi-line string, whose indentation the decoding removes.
pub fn span_in_literal(
    literal: Span,
    written: &str,
    text: &str,
    range: Range<usize>,
) -> Option<Span> {
    let base = literal.start as usize;
    if written.starts_with("\"\"\"") || written.trim_start_matches('#').starts_with("\"\"\"") {
        return None;
    }
    let hashes = written.len() - written.trim_start_matches('#').len();
    if hashes > 0 {
        // A raw string: no escapes, the text sits between `#…"` and `"#…`.
        let start = base + hashes + 1 + range.start;
        return (range.end <= text.len())
            .then(|| Span::new(literal.file, start..start + range.len()));
    }
    // A plain string: walk it, decoding, until the text offsets are reached.
    let body = written.strip_prefix('"')?;
    let (mut decoded, mut start) = (0usize, None);
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if decoded == range.start && start.is_none() {
            start = Some(at);
        }
        if decoded >= range.end {
            let from = start?;
            return Some(Span::new(literal.file, base + 1 + from..base + 1 + at));
        }
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, 'u')) => {
                    let mut value = String::new();
                    for (_, d) in chars.by_ref() {
                        if d == '}' {
                            break;
                        }
                        if d != '{' {
                            value.push(d);
                        }
                    }
                    decoded += u32::from_str_radix(&value, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map_or(1, char::len_utf8);
                }
                Some((_, w)) if w.is_whitespace() => {
                    while chars.peek().is_some_and(|(_, d)| d.is_whitespace()) {
                        chars.next();
                    }
                }
                Some(_) => decoded += 1,
                None => return None,
            },
            c => decoded += c.len_utf8(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at(text: &str) -> Option<Range<usize>> {
        check(text).err().and_then(|e| e.at)
    }

    #[test]
    fn balanced_queries_pass() {
        for q in [
            "sum(rate(http_requests_total{job=\"a\", code=~\"5..\"}[5m])) > 0",
            "x{l=\"(\"} # a comment with ( in it\n> 1",
            "label_replace(up, 'a', `\\`, 'b', '(.*)')",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn each_fault_points_at_its_character() {
        assert_eq!(at("sum(rate(x[5m]) > 1"), Some(3..4));
        assert_eq!(at("sum(x[5m)) > 1"), Some(8..9));
        assert_eq!(at("x > 1)"), Some(5..6));
        assert_eq!(at("x{job=\"a}"), Some(6..7));
        assert!(check("   ").is_err());
    }

    #[test]
    fn spans_map_into_plain_and_raw_literals() {
        let file = FileId(0);
        // `"sum(x"` at 10: the `(` is the 4th byte of the text, 5th of the literal.
        let plain = Span::new(file, 10..17);
        assert_eq!(
            span_in_literal(plain, "\"sum(x\"", "sum(x", 3..4),
            Some(Span::new(file, 14..15))
        );
        // Escapes shift what follows them.
        let written = r#""a{b=\"c\"}(""#;
        let escaped = Span::new(file, 0..written.len());
        assert_eq!(
            span_in_literal(escaped, written, "a{b=\"c\"}(", 8..9),
            Some(Span::new(file, 11..12))
        );
        let raw = Span::new(file, 0..9);
        assert_eq!(
            span_in_literal(raw, "#\"sum(x\"#", "sum(x", 3..4),
            Some(Span::new(file, 5..6))
        );
    }
}
