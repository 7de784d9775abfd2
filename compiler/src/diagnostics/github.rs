//! `--format github`: GitHub Actions workflow commands, one line per diagnostic, which the runner
//! turns into annotations on the pull request's files.

use std::fmt::Write;

use super::Diagnostic;
use crate::source::SourceMap;

/// One `::error …::message` or `::warning …::message` line per diagnostic, each ending in a
/// newline. The location is the primary span's (one-based, columns in characters, the end column
/// the one after the span); the help line follows the message after an (escaped) newline.
pub fn render_github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let file = sources.get(d.primary.span.file);
        let (line, col) = file.line_col(d.primary.span.start);
        let (end_line, end_column) = file.line_col(d.primary.span.end);
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        let _ = writeln!(
            out,
            "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_column},title={}::{}",
            d.severity.as_str(),
            escape_property(&sources.display_name(d.primary.span.file)),
            escape_property(d.id),
            escape_data(&message),
        );
    }
    out
}

/// A command's message: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: the message's escapes, and `:` and `,` that would end it.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn escapes_follow_the_actions_toolkit() {
        assert_eq!(escape_data("100%, a:b\r\nc"), "100%25, a:b%0D%0Ac");
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }

    #[test]
    fn one_line_per_diagnostic() {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new("specs/a,b.kdl", "ab\ncé d\n"));
        let diagnostics = [
            Diagnostic::warning("w-rule", Span::new(file, 3..7), "50% done").with_help("more"),
            Diagnostic::error("e-rule", Span::new(file, 0..0), "empty"),
        ];
        assert_eq!(
            render_github(&diagnostics, &sources),
            "::warning file=specs/a%2Cb.kdl,line=2,col=1,endLine=2,endColumn=4,title=w-rule::50%25 done%0Ahelp: more\n\
             ::error file=specs/a%2Cb.kdl,line=1,col=1,endLine=1,endColumn=1,title=e-rule::empty\n"
        );
        assert_eq!(render_github(&[], &sources), "");
    }
}
