//! Output paths: a generated file must land inside the output folder, whatever a spec names.

use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// Why an output path is refused, if it is: it must be relative and `/`-separated, with every
/// segment a plain name. Refuses empty,
/// `.` and `..` segments, absolute paths, backslashes and colons (a separator and a drive on
/// Windows), so that no name can make the writer leave the output folder.
pub fn path_error(path: &str, span: Span) -> Option<Diagnostic> {
    let refuse = |why: &str| {
        Diagnostic::error(
            "invalid-name",
            span,
            format!("cannot write the generated file `{path}`: {why}"),
        )
        .with_help("every segment of an output path must be a plain name")
    };
    if path.starts_with('/') {
        return Some(refuse("it is absolute"));
    }
    if path.contains('\\') {
        return Some(refuse("it contains `\\`"));
    }
    if path.contains(':') {
        // `C:` is a drive and `a:b` a stream on Windows: either would escape the folder.
        return Some(refuse("it contains `:`"));
    }
    for segment in path.split('/') {
        match segment {
            "" => return Some(refuse("it has an empty segment")),
            "." | ".." => return Some(refuse(&format!("it has a `{segment}` segment"))),
            _ if segment.chars().any(char::is_control) => {
                return Some(refuse("it contains a control character"));
            }
            _ => {}
        }
    }
    None
}
