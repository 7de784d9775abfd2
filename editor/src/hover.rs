//! Hover: the schema's documentation of what is under the cursor, what the spec implies there
//! (an SLO's error budget and burn-rate thresholds, a canary's timeline, an agent's worst-case
//! daily spend) and, on a reference, the entity it points to.

use std::fmt::Write;

use gantry::ast::{Agent, Deploy, Slo};
use gantry::consequences::{
    DEFAULT_WINDOW, burn_rate_windows, canary_timeline, error_budget, worst_case_daily_tokens,
};
use gantry::schema::{NodeSchema, ValueKind};
use gantry::source::FileId;
use gantry::syntax::RawValue;

use crate::analysis::Analysis;
use crate::cursor::{self, Part};
use crate::index::{Key, Kind};

pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    let doc = analysis.doc(file)?;
    let root = cursor::root_schema(analysis.is_workspace_file(file));
    let hit = cursor::hit(doc, root, offset)?;
    let mut sections: Vec<String> = Vec::new();
    let node = hit.node();
    let schema = hit.schema();

    if let Some(schema) = schema {
        sections.push(schema_doc(schema, &hit.part, node));
    }
    if let Part::Argument(0) | Part::Property(_) = hit.part {
        if let Some(text) = rule_doc(node, &hit.part, schema) {
            sections.push(text);
        }
        if let Some(text) = preset_doc(analysis, node, &hit.part) {
            sections.push(text);
        }
    }

    let reference = analysis.index().at(file, offset).cloned();
    match &reference {
        Some(occurrence) if !occurrence.definition => {
            sections.push(referenced_entity(analysis, &occurrence.key));
            if let Some(text) = consequences_of(analysis, &occurrence.key) {
                sections.push(text);
            }
        }
        _ => {
            if let Some(text) = consequences_here(analysis, &hit) {
                sections.push(text);
            }
        }
    }
    let sections: Vec<String> = sections.into_iter().filter(|s| !s.is_empty()).collect();
    (!sections.is_empty()).then(|| sections.join("\n\n---\n\n"))
}

fn schema_doc(schema: &NodeSchema, part: &Part, node: &gantry::syntax::Node) -> String {
    let mut out = format!("**{}** — {}", schema.name, schema.doc);
    match part {
        Part::Property(i) => {
            let prop = node
                .entries
                .get(*i)
                .and_then(|e| e.name.as_ref())
                .and_then(|k| schema.prop(&k.value));
            if let Some(prop) = prop {
                out = format!(
                    "**{}=** ({}) — {}\n\non `{}`: {}",
                    prop.name,
                    prop.kind.describe(),
                    prop.doc,
                    schema.name,
                    schema.doc_first_sentence()
                );
            }
        }
        Part::Argument(i) => {
            let spec = schema
                .args
                .get(*i)
                .or_else(|| schema.args.last().filter(|a| a.variadic));
            if let Some(arg) = spec {
                out = format!(
                    "**{}** `{}` ({}) — {}\n\n{}",
                    schema.name,
                    arg.name,
                    arg.kind.describe(),
                    arg.doc,
                    schema.doc_first_sentence()
                );
            }
        }
        Part::Name | Part::Body => {
            if !schema.props.is_empty() {
                let props: Vec<String> = schema
                    .props
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect();
                let _ = write!(out, "\n\nproperties: {}", props.join(", "));
            }
            if !schema.example.is_empty() {
                let _ = write!(out, "\n\n```kdl\n{}\n```", schema.example);
            }
        }
    }
    out
}

/// On a rule id (`allow "ID"`, `deny "ID"`): the rule's manual.
fn rule_doc(
    node: &gantry::syntax::Node,
    part: &Part,
    schema: Option<&NodeSchema>,
) -> Option<String> {
    let Part::Argument(i) = part else { return None };
    let arg = schema?.args.get(*i).or_else(|| schema?.args.last())?;
    if arg.kind != ValueKind::RuleId {
        return None;
    }
    let id = node.args().nth(*i)?.value.as_str()?;
    let (severity, doc) = gantry::rules::explain(id)?;
    Some(format!(
        "**{id}** (default: {})\n\n{doc}",
        severity.as_str()
    ))
}

/// On a preset name (`use=`, `preset=`, a tier): the preset's documentation.
fn preset_doc(analysis: &Analysis, node: &gantry::syntax::Node, part: &Part) -> Option<String> {
    let value = match part {
        Part::Property(i) => {
            let entry = node.entries.get(*i)?;
            let key = &entry.name.as_ref()?.value;
            (key == "use" || key == "preset").then_some(&entry.value.value)?
        }
        Part::Argument(0) if node.name.value == "tier" => &node.args().next()?.value,
        _ => return None,
    };
    let RawValue::String(name) = value else {
        return None;
    };
    let preset = analysis.checked.presets.get(name)?;
    let doc = preset.doc.as_ref().map_or("", |d| d.value.as_str());
    let kind = preset.kind.as_ref().map_or("", |k| k.value.as_str());
    Some(format!("**preset `{name}`** ({kind}) — {doc}"))
}

fn referenced_entity(analysis: &Analysis, key: &Key) -> String {
    let index = analysis.index();
    let Some(definition) = index.definitions(key).next() else {
        if key.kind == Kind::Preset && analysis.checked.presets.get(&key.name).is_some() {
            return String::new();
        }
        return format!("{} — not defined", key.describe());
    };
    let file = &analysis.checked.sources.get(definition.node.file);
    let (line, _) = file.line_col(definition.node.start);
    let first_line = analysis
        .checked
        .sources
        .text(definition.node)
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('{')
        .trim_end();
    format!(
        "→ {} ({}:{line})\n\n```kdl\n{first_line}\n```",
        key.describe(),
        file.name
    )
}

/// What an entity implies, when it is an SLO, an agent or a deployed service.
fn consequences_of(analysis: &Analysis, key: &Key) -> Option<String> {
    let feature = key.feature.as_deref()?;
    match key.kind {
        Kind::Slo => slo_consequences(analysis, feature, &key.name),
        Kind::Agent => agent_consequences(analysis, feature, &key.name),
        Kind::Service => deploy_consequences(analysis, feature, Some(&key.name)),
        _ => None,
    }
}

fn consequences_here(analysis: &Analysis, hit: &cursor::Hit<'_>) -> Option<String> {
    let feature = hit.feature()?;
    // Only entities of the feature itself (or of its overlays), not an agent's own `slo`.
    let depth_ok = |node: &gantry::syntax::Node| {
        hit.chain
            .iter()
            .position(|n| std::ptr::eq(*n, node))
            .is_some_and(|i| i == 1 || (i == 2 && hit.chain[1].name.value == "env"))
    };
    if let Some(agent) = hit.enclosing("agent").filter(|n| depth_ok(n)) {
        return agent_consequences(analysis, feature, agent.first_string_arg()?.value);
    }
    if let Some(slo) = hit.enclosing("slo").filter(|n| depth_ok(n)) {
        return slo_consequences(analysis, feature, slo.first_string_arg()?.value);
    }
    if let Some(deploy) = hit.enclosing("deploy").filter(|n| depth_ok(n)) {
        let service = deploy
            .props()
            .find(|(k, _)| k.value == "service")
            .and_then(|(_, v)| v.value.as_str());
        return deploy_consequences(analysis, feature, service);
    }
    None
}

/// One section per distinct value across environments (`staging, prod: …`).
fn per_environment<T: PartialEq>(
    analysis: &Analysis,
    find: impl Fn(&gantry::ast::Feature) -> Option<T>,
    render: impl Fn(&T) -> String,
) -> Option<String> {
    let mut groups: Vec<(Vec<&str>, T)> = Vec::new();
    for env in &analysis.checked.environments {
        let Some(value) = env.features.iter().find_map(|f| find(f)) else {
            continue;
        };
        match groups.iter_mut().find(|(_, v)| *v == value) {
            Some((names, _)) => names.push(&env.name),
            None => groups.push((vec![&env.name], value)),
        }
    }
    match groups.as_slice() {
        [] => None,
        [(_, value)] => Some(render(value)),
        _ => Some(
            groups
                .iter()
                .map(|(names, value)| format!("*{}*\n\n{}", names.join(", "), render(value)))
                .collect::<Vec<_>>()
                .join("\n\n"),
        ),
    }
}

pub fn slo_consequences(analysis: &Analysis, feature: &str, name: &str) -> Option<String> {
    let find = |f: &gantry::ast::Feature| {
        (f.name.value == feature)
            .then(|| f.slos.iter().find(|s| s.name.value == name))
            .flatten()
            .and_then(|s: &Slo| {
                let objective = s.objective.as_ref()?.value;
                let window = s.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
                Some((objective, window))
            })
    };
    per_environment(analysis, find, |(objective, window)| {
        let budget = error_budget(*objective, *window);
        let mut out = format!(
            "**SLO `{name}`**: {objective} % over {window} — error budget **{:.1} min** ({} of events)\n\n\
             | alert | windows (long / short) | burn rate | error-ratio threshold |\n|---|---|---|---|\n",
            budget.minutes,
            round(budget.ratio)
        );
        for w in burn_rate_windows(*objective, *window) {
            let _ = writeln!(
                out,
                "| {} | {} / {} | {}× | {} |",
                w.severity.as_str(),
                w.long,
                w.short,
                round(w.factor),
                round(w.threshold)
            );
        }
        out
    })
}

pub fn agent_consequences(analysis: &Analysis, feature: &str, name: &str) -> Option<String> {
    let find = |f: &gantry::ast::Feature| {
        (f.name.value == feature)
            .then(|| f.agents.iter().find(|a| a.name.value == name))
            .flatten()
            .cloned()
    };
    per_environment(analysis, find, |agent: &Agent| {
        let spend = worst_case_daily_tokens(agent);
        let mut out = match spend.tokens_per_day {
            Some(tokens) => format!(
                "**agent `{name}`**: worst-case spend **{} tokens a day** (bound by {})",
                thousands(tokens),
                spend.bound_by
            ),
            None => format!("**agent `{name}`**: nothing bounds its daily token spend"),
        };
        if let Some(budget) = &agent.budget {
            for (what, value) in [
                ("usd-per-day", budget.usd_per_day.as_ref()),
                ("usd-per-month", budget.usd_per_month.as_ref()),
            ] {
                if let Some(v) = value {
                    let _ = write!(out, "\n\n{what}: ${}", round(v.value));
                }
            }
        }
        out
    })
}

pub fn deploy_consequences(
    analysis: &Analysis,
    feature: &str,
    service: Option<&str>,
) -> Option<String> {
    let find = |f: &gantry::ast::Feature| {
        if f.name.value != feature {
            return None;
        }
        let deploy: &Deploy = f
            .deploys
            .iter()
            .find(|d| d.service.as_ref().map(|s| s.value.as_str()) == service)
            .or_else(|| f.deploys.iter().find(|d| d.service.is_none()))?;
        let strategy = deploy.strategy.as_ref()?.value.clone();
        let total: f64 = deploy
            .steps
            .iter()
            .filter_map(|s| s.pause.as_ref())
            .map(|p| p.value.as_minutes())
            .sum();
        (strategy != "rolling").then(|| (strategy, canary_timeline(deploy), total))
    };
    per_environment(analysis, find, |(strategy, timeline, total)| {
        let mut out = format!("**{strategy} timeline**\n\n| minute | traffic |\n|---|---|\n");
        for point in timeline {
            let approval = if point.after_approval {
                " (after a human approves)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {} | {} %{approval} |",
                round(point.at_minutes),
                point.weight
            );
        }
        let _ = write!(
            out,
            "\nall traffic on the new version after {} min",
            round(*total)
        );
        out
    })
}

/// A figure without float noise: `0.0144`, not `0.014400000000000001`.
fn round(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_cleanly() {
        assert_eq!(round(0.014400000000000001), "0.0144");
        assert_eq!(round(14.4), "14.4");
        assert_eq!(round(25.0), "25");
        assert_eq!(thousands(5_000_000), "5,000,000");
        assert_eq!(thousands(999), "999");
    }
}
