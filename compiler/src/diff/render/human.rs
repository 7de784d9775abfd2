//! The change set for a terminal: the verdict, then each feature's changes by pillar with what
//! they do, then the object diffs; coloured when asked.

use std::fmt::Write;

use super::{ChangeSet, environment, gate_line, grouped, is_irreversible, risk};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

pub fn render_human(set: &ChangeSet, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "gantry diff {} → {}",
        clean(&set.base),
        clean(&set.head)
    );
    if set.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{}\n",
        paint(BOLD, &format!("gate: {}", clean(&gate_line(set))))
    );
    for (feature, pillars) in grouped(set) {
        let _ = writeln!(
            out,
            "{}",
            paint(BOLD, &clean(feature.unwrap_or("workspace")))
        );
        for (pillar, changes) in pillars {
            let _ = writeln!(out, "  {pillar}");
            for c in changes {
                let grade = if is_irreversible(c) {
                    paint(RED, risk(c))
                } else {
                    paint(GREEN, risk(c))
                };
                let _ = writeln!(
                    out,
                    "    {} {} {} [{}] {grade}: {}",
                    c.change.as_str(),
                    c.entity.kind,
                    clean(&c.entity.name),
                    clean(environment(c)),
                    clean(&c.reason)
                );
                for line in &c.effects {
                    let _ = writeln!(out, "      {}", paint(YELLOW, &clean(line)));
                }
                for o in &c.objects {
                    let _ = writeln!(out, "      object {}", clean(o));
                }
                for reach in &c.impact {
                    let _ = writeln!(out, "      reaches {}", clean(reach));
                }
            }
        }
    }
    for r in &set.verdict.required {
        let team = if r.team.is_empty() {
            "a human"
        } else {
            r.team.as_str()
        };
        let _ = writeln!(
            out,
            "\napproval: {} ×{} ({} given): {}",
            clean(team),
            r.count,
            r.have,
            clean(&r.reason)
        );
    }
    for o in &set.objects {
        let _ = writeln!(
            out,
            "\n{} {} ({})",
            o.change.as_str(),
            clean(&o.object),
            clean(&o.environment)
        );
        for line in o.diff.lines() {
            let line = clean(line);
            let painted = match line.chars().next() {
                Some('+') => paint(GREEN, &line),
                Some('-') => paint(RED, &line),
                _ => line,
            };
            let _ = writeln!(out, "  {painted}");
        }
    }
    out
}

/// Text without control characters, so that nothing from a spec can move the terminal's cursor.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\t' { '?' } else { c })
        .collect()
}
