//! The change set as a pull-request comment: the verdict and a summary table first, what each
//! change does below, the object diffs folded in `<details>`. Every string is escaped for
//! Markdown, and what gantry's own sentences mark as code (`migrate`) is a code span; diffs sit
//! in fences longer than any backtick run they hold.

use std::fmt::Write;

use super::{ChangeSet, environment, gate_line, grouped, is_irreversible, risk};

pub fn render_markdown(set: &ChangeSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## gantry diff: {} → {}\n",
        code(&set.base),
        code(&set.head)
    );
    if set.is_empty() {
        out.push_str("No changes to the generated infrastructure.\n");
        return out;
    }
    let irreversible = set.changes.iter().filter(|c| is_irreversible(c)).count();
    let _ = writeln!(
        out,
        "**Gate: {}**\n\n{} change{}, {irreversible} irreversible; {} object{} changed.\n",
        prose(&gate_line(set)),
        set.changes.len(),
        plural(set.changes.len()),
        set.objects.len(),
        plural(set.objects.len())
    );
    out.push_str("| feature | pillar | change | entity | environment | risk |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for c in &set.changes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} {} | {} | {} |",
            text(c.feature.as_deref().unwrap_or("—")),
            c.pillar,
            c.change.as_str(),
            c.entity.kind,
            code(&c.entity.name),
            text(environment(c)),
            if is_irreversible(c) {
                "**irreversible**"
            } else {
                "reversible"
            }
        );
    }
    if !set.verdict.required.is_empty() {
        out.push_str("\n### Approvals\n\n");
        for r in &set.verdict.required {
            let team = if r.team.is_empty() {
                "a human".to_string()
            } else {
                format!("**{}**", text(&r.team))
            };
            let ids: Vec<String> = r.changes.iter().map(|c| code(c)).collect();
            let _ = writeln!(
                out,
                "- {team} ×{} ({} given): {}. Changes: {}",
                r.count,
                r.have,
                prose(&r.reason),
                ids.join(", ")
            );
        }
    }
    for (feature, pillars) in grouped(set) {
        let _ = writeln!(out, "\n### {}\n", text(feature.unwrap_or("workspace")));
        for (pillar, changes) in pillars {
            let _ = writeln!(out, "**{pillar}**\n");
            for c in changes {
                let _ = writeln!(
                    out,
                    "- **{}** {} {} ({}): {}, {}",
                    c.change.as_str(),
                    c.entity.kind,
                    code(&c.entity.name),
                    text(environment(c)),
                    risk(c),
                    prose(&c.reason)
                );
                for line in &c.effects {
                    let _ = writeln!(out, "  - {}", prose(line));
                }
                if !c.fields.is_empty() {
                    let _ = writeln!(out, "  - fields: {}", text(&c.fields.join(", ")));
                }
                if !c.objects.is_empty() {
                    let objects: Vec<String> = c.objects.iter().map(|o| code(o)).collect();
                    let _ = writeln!(out, "  - objects: {}", objects.join(", "));
                }
                if !c.impact.is_empty() {
                    let _ = writeln!(out, "  - reaches: {}", text(&c.impact.join(", ")));
                }
            }
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "<details><summary>Object diffs ({})</summary>\n",
        set.objects.len()
    );
    for o in &set.objects {
        let mut title = format!(
            "{} {} ({})",
            o.change.as_str(),
            code(&o.object),
            text(&o.environment)
        );
        if let Some(from) = &o.renamed_from {
            let _ = write!(title, ", was {}", code(from));
        }
        if !o.forces_replacement.is_empty() {
            let _ = write!(
                title,
                ", replaced because {} changes",
                text(&o.forces_replacement.join(", "))
            );
        }
        let _ = writeln!(out, "{title}\n");
        let fence = "`".repeat(longest_backtick_run(&o.diff).max(2) + 1);
        let _ = writeln!(out, "{fence}diff\n{}{fence}\n", o.diff);
    }
    out.push_str("</details>\n");
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text with every character Markdown or HTML could read as markup escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text gantry wrote, in which `…` marks code (`gains `migrate` on …`): each pair of backticks
/// becomes a code span (see [`code`]), the rest is escaped (see [`text`]). Whatever a spec string
/// inside brings, an unpaired backtick included, each piece is escaped for what it is in, so the
/// structure of the comment holds.
fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`').filter(|&end| end > 0) else {
            break;
        };
        out.push_str(&text(&rest[..start]));
        out.push_str(&code(&after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(&text(rest));
    out
}

/// A code span that holds any text: delimited by more backticks than it contains, with `|`
/// escaped so that a table cell is not split. A table reads backslashes in pairs from the left,
/// so a pipe gets a backslash of its own after an even run of them (none included).
fn code(s: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut inner = String::with_capacity(s.len());
    let mut backslashes = 0;
    for c in s.chars() {
        match c {
            '|' if backslashes % 2 == 0 => inner.push_str("\\|"),
            '\n' | '\r' => inner.push(' '),
            _ => inner.push(c),
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    format!("{ticks}{pad}{inner}{pad}{ticks}")
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn code_in_gantry_text_renders_as_code() {
        assert_eq!(
            prose("agent checkout/deploy-bot gains `migrate` on datastore:checkout/orders"),
            "agent checkout/deploy-bot gains `migrate` on datastore:checkout/orders"
        );
        assert_eq!(
            prose("gate `data-changes` of *checkout*"),
            "gate `data-changes` of \\*checkout\\*"
        );
        // Unpaired or empty, a backtick is text.
        assert_eq!(prose("a ` b"), "a \\` b");
        assert_eq!(prose("a `` b"), "a \\`\\` b");
        // A pipe inside code does not split a table cell.
        assert_eq!(prose("`a|b`"), "`a\\|b`");
    }

    /// Every `|` escaped, as a table reads backslashes (in pairs from the left), so a table
    /// cell holds; no line break, so a list item or table row holds.
    fn holds_structure(rendered: &str) -> bool {
        let mut escaped = false;
        for c in rendered.chars() {
            match c {
                '|' if !escaped => return false,
                '\n' | '\r' => return false,
                _ => {}
            }
            escaped = c == '\\' && !escaped;
        }
        true
    }

    proptest! {
        #[test]
        fn any_text_keeps_the_structure(s in "[a-z `|*_<>&\\\\\n\\[\\]#!~-]{0,40}") {
            prop_assert!(holds_structure(&prose(&s)), "{:?} -> {:?}", s, prose(&s));
            // Outside code, no raw `<`: no HTML.
            prop_assert!(
                holds_structure(&text(&s)) && !text(&s).contains('<'),
                "{:?} -> {:?}", s, text(&s)
            );
            prop_assert!(holds_structure(&code(&s)), "{:?} -> {:?}", s, code(&s));
        }
    }
}
