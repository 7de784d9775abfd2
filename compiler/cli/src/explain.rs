//! `gantry explain ID` and `gantry rules`.

use gantry::diagnostics::Severity;
use gantry::rules;

use super::exit;

pub fn explain(id: &str) -> u8 {
    match rules::explain(id) {
        Some((severity, doc)) => {
            let kind = if rules::LINT_IDS.contains(&id) {
                format!("lint rule, {} by default", severity.as_str())
            } else {
                "error of the language".to_string()
            };
            println!("# {id} ({kind})\n\n{}", doc.trim_end());
            exit::OK
        }
        None => {
            let help = gantry::suggest::did_you_mean(id, rules::all_ids())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`gantry rules` lists every rule".to_string());
            eprintln!("error: no rule `{id}`\n  help: {help}");
            exit::USAGE
        }
    }
}

pub fn list() -> u8 {
    println!("Errors of the language (always errors):");
    for e in rules::language::ERRORS {
        println!("  {:<36} {}", e.id, first_line(e.doc));
    }
    println!(
        "\nLint rules (default severity; configurable in gantry.kdl and with `allow \"ID\" reason=…`):"
    );
    for rule in rules::lints() {
        let severity = match rule.default {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        println!("  {:<36} {severity:<8} {}", rule.id, rule.summary());
    }
    println!("\n`gantry explain ID` prints a rule's documentation.");
    exit::OK
}

fn first_line(doc: &str) -> &str {
    doc.split("## What it does")
        .nth(1)
        .unwrap_or(doc)
        .trim_start()
        .lines()
        .next()
        .unwrap_or("")
}
