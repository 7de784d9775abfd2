//! A small Markdown writer. Every text that comes from a spec goes through [`text`], which makes
//! it render as the characters written: Markdown syntax is backslash-escaped, HTML is written as
//! entities, and line breaks become spaces, so a step cannot open a list, a heading, a link, a
//! table cell or a `<script>` element.

/// Escapes spec text for inline Markdown (paragraphs, list items, headings, table cells).
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '{' | '}' | '(' | ')' | '#' | '|' | '~' | '!'
            | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // What only means something at the start of a line: a list marker, a setext underline, an
    // ordered list number (`1.`), leading indentation (a code block).
    let trimmed = out.trim_start().to_string();
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c @ ('-' | '+' | '=')) => format!("\\{c}{}", chars.as_str()),
        Some(c) if c.is_ascii_digit() => {
            let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
            let rest = &trimmed[digits.len()..];
            match rest.chars().next() {
                Some(p @ ('.' | ')')) => format!("{digits}\\{p}{}", &rest[1..]),
                _ => trimmed,
            }
        }
        _ => trimmed,
    }
}

/// A page being written: blocks separated by blank lines.
#[derive(Default)]
pub struct Page {
    out: String,
}

impl Page {
    /// A heading; `title` is already escaped.
    pub fn heading(&mut self, level: usize, title: &str) {
        self.block(&format!("{} {title}", "#".repeat(level)));
    }

    /// A paragraph of already escaped Markdown.
    pub fn paragraph(&mut self, markdown: &str) {
        self.block(markdown);
    }

    /// A bulleted list of already escaped items.
    pub fn bullets<I: IntoIterator<Item = String>>(&mut self, items: I) {
        let lines: Vec<String> = items.into_iter().map(|i| format!("- {i}")).collect();
        if !lines.is_empty() {
            self.block(&lines.join("\n"));
        }
    }

    /// A numbered list of already escaped items.
    pub fn numbered<I: IntoIterator<Item = String>>(&mut self, items: I) {
        let lines: Vec<String> = items
            .into_iter()
            .enumerate()
            .map(|(n, i)| format!("{}. {i}", n + 1))
            .collect();
        if !lines.is_empty() {
            self.block(&lines.join("\n"));
        }
    }

    /// A table of already escaped cells.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let mut lines = vec![
            format!("| {} |", header.join(" | ")),
            format!("|{}", "---|".repeat(header.len())),
        ];
        for row in rows {
            lines.push(format!("| {} |", row.join(" | ")));
        }
        self.block(&lines.join("\n"));
    }

    /// A fenced code block of shell commands gantry wrote from checked names.
    pub fn code(&mut self, lines: &[String]) {
        self.block(&format!("```sh\n{}\n```", lines.join("\n")));
    }

    fn block(&mut self, block: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push_str(block);
        self.out.push('\n');
    }

    pub fn finish(self) -> String {
        self.out
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(text("<script>"), "&lt;script&gt;");
        assert_eq!(text("**x**"), "\\*\\*x\\*\\*");
        assert_eq!(text("# h"), "\\# h");
        assert_eq!(text("1. one"), "1\\. one");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(text("[x](y)"), "\\[x\\]\\(y\\)");
        assert_eq!(text("a|b"), "a\\|b");
    }

    #[test]
    fn numbers_lose_float_noise() {
        assert_eq!(number(0.014_400_000_000_000_001), "0.0144");
        assert_eq!(number(43.2), "43.2");
        assert_eq!(number(30.0), "30");
    }
}
