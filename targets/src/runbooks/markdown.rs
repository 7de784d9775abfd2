//! Escaping for Markdown pages. Spec text goes through these before it reaches a page, so it
//! renders as the characters written: Markdown syntax is backslash-escaped, HTML is written as
//! entities, and what only means something at the start of a line (a list marker, a heading, a
//! quote) is escaped there, so a step cannot open a list, a heading, a link, a table cell or a
//! `<script>` element.

use gantry::values::Duration;

/// Inline text on one line (headings, table cells, the default `{{x}}`): line breaks become
/// spaces.
pub fn text(raw: &str) -> String {
    let one_line: String = raw
        .chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect();
    line(&one_line)
}

/// Inline text that keeps its line breaks as Markdown hard breaks (paragraphs, list items).
pub fn multiline(raw: &str) -> String {
    let normalized = raw.replace("\r\n", "\n");
    // A break before or after the text would end a list item early or make its list loose.
    normalized
        .trim_matches(is_line_break)
        .split(is_line_break)
        .map(line)
        .collect::<Vec<_>>()
        .join("\\\n")
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}')
}

/// One line of text, escaped as if it started a line of the page.
fn line(raw: &str) -> String {
    let trimmed = raw.trim_start();
    // Leading whitespace would be dropped or start a code block: keep it as entities.
    let mut out: String = raw[..raw.len() - trimmed.len()]
        .chars()
        .map(|c| format!("&#{};", u32::from(c)))
        .collect();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            // Parentheses stay: with `[` and `]` escaped they cannot make a link.
            '\\' | '`' | '*' | '_' | '[' | ']' | '{' | '}' | '#' | '|' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // A list marker or a setext underline at the start of a line.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // An ordered list marker: digits then `.` or `)` then a space or the end.
            '.' | ')' if i == digits && digits > 0 && ends_marker(trimmed, i) => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn ends_marker(text: &str, at: usize) -> bool {
    text.chars()
        .nth(at + 1)
        .is_none_or(|next| next == ' ' || next == '\t')
}

/// An inline code span: a backtick fence longer than any run of backticks inside, padded with
/// a space when the text starts or ends with a backtick or a space (CommonMark strips one).
/// Code spans do not break lines, so line breaks become spaces.
pub fn code(raw: &str) -> String {
    let content: String = raw
        .chars()
        .map(|c| {
            if is_line_break(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    if content.is_empty() {
        return String::new();
    }
    let longest_run = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = !content.chars().all(|c| c == ' ')
        && (content.starts_with(['`', ' ']) || content.ends_with(['`', ' ']));
    let space = if pad { " " } else { "" };
    format!("{fence}{space}{content}{space}{fence}")
}

/// A link destination written in `<…>`, where only `<`, `>`, `\` and line breaks need care.
/// `None` for a destination that is neither http(s) nor relative (`javascript:` and the like).
pub fn destination(url: &str) -> Option<String> {
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let lower = url.to_ascii_lowercase();
    if has_scheme && !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::from("<");
    for c in url.chars() {
        match c {
            '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_line_break(c) || c.is_control() || c == ' ' => {
                let mut bytes = [0; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('>');
    Some(out)
}

/// A number without float noise: at most six decimals, trailing zeros dropped.
pub fn number(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

const UNITS: [(&str, u64); 5] = [
    ("day", 86_400_000),
    ("hour", 3_600_000),
    ("minute", 60_000),
    ("second", 1_000),
    ("millisecond", 1),
];

/// A duration in words: `an hour`, `6 hours`, `a day`, `1 hour and 24 minutes`.
pub fn duration_words(duration: Duration) -> String {
    let parts: Vec<(u64, &str)> = parts(duration);
    match parts.as_slice() {
        [] => "no time".into(),
        [(1, unit)] => format!("{} {unit}", if *unit == "hour" { "an" } else { "a" }),
        _ => parts
            .iter()
            .map(|(n, unit)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// A period as an adjective: `30-day`, `28-day`, or `1d12h` when it is not a whole unit.
pub fn period_words(period: Duration) -> String {
    match parts(period).as_slice() {
        [(n, unit)] => format!("{n}-{unit}"),
        _ => period.to_string(),
    }
}

fn parts(duration: Duration) -> Vec<(u64, &'static str)> {
    let mut rest = duration.millis;
    let mut out = Vec::new();
    for (unit, size) in UNITS {
        if rest >= size {
            out.push((rest / size, unit));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(text("<script>"), "&lt;script&gt;");
        assert_eq!(text("**x**"), "\\*\\*x\\*\\*");
        assert_eq!(text("# h"), "\\# h");
        assert_eq!(text("1. one"), "1\\. one");
        assert_eq!(text("99.9 %"), "99.9 %");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("a - b"), "a - b");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(text("[x](y)"), "\\[x\\](y)");
        assert_eq!(text("2) two"), "2\\) two");
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("  x"), "&#32;&#32;x");
    }

    #[test]
    fn multiline_text_keeps_its_breaks_and_escapes_each_line() {
        assert_eq!(multiline("a\n# b\r\n- c"), "a\\\n\\# b\\\n\\- c");
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(code("x"), "`x`");
        assert_eq!(code("a `b` c"), "``a `b` c``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code(""), "");
    }

    #[test]
    fn destinations_are_http_or_relative() {
        assert_eq!(
            destination("https://g.example/d/x").as_deref(),
            Some("<https://g.example/d/x>")
        );
        assert_eq!(
            destination("../grafana/a b.json").as_deref(),
            Some("<../grafana/a%20b.json>")
        );
        assert_eq!(destination("a>b").as_deref(), Some("<a\\>b>"));
        assert_eq!(destination("javascript:alert(1)"), None);
        assert_eq!(destination("JavaScript:x/y"), None);
    }

    #[test]
    fn numbers_lose_float_noise() {
        assert_eq!(number(0.014_400_000_000_000_001), "0.0144");
        assert_eq!(number(43.2), "43.2");
        assert_eq!(number(30.0), "30");
    }

    #[test]
    fn durations_in_words() {
        let d = |s: &str| Duration::parse(s).expect("duration");
        assert_eq!(duration_words(d("1h")), "an hour");
        assert_eq!(duration_words(d("6h")), "6 hours");
        assert_eq!(duration_words(d("1d")), "a day");
        assert_eq!(duration_words(d("3d")), "3 days");
        assert_eq!(duration_words(d("1h24m")), "1 hour and 24 minutes");
        assert_eq!(period_words(d("30d")), "30-day");
        assert_eq!(period_words(d("1d12h")), "1d12h");
    }
}
