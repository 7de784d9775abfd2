//! `gantry graph`: the dependency graph, or what a change to an entity reaches.

use std::path::Path;

use clap::ValueEnum;
use gantry::graph::Graph;

use super::check::load;
use super::{exit, report_errors_only};

#[derive(Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

pub fn run(path: &Path, env: Option<&str>, format: GraphFormat, impact: Option<&str>) -> u8 {
    let checked = match load(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.has_errors() {
        report_errors_only(&checked);
        return exit::ERRORS;
    }
    let view = match env {
        Some(name) => match checked.environments.iter().find(|e| e.name == name) {
            Some(v) => v,
            None => {
                let names: Vec<&str> = checked
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                eprintln!(
                    "error: no environment `{name}`; the workspace has: {}",
                    names.join(", ")
                );
                return exit::USAGE;
            }
        },
        None => match checked.environments.last() {
            Some(v) => v,
            None => return exit::OK,
        },
    };
    let graph = Graph::build(checked.workspace.as_ref(), &view.features);
    let Some(target) = impact else {
        print!(
            "{}",
            match format {
                GraphFormat::Dot => graph.to_dot(),
                GraphFormat::Mermaid => graph.to_mermaid(),
                GraphFormat::Json => graph.to_json(),
            }
        );
        return exit::OK;
    };
    let start = match graph.lookup(target) {
        Ok(i) => i,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let reached = graph.impact(start);
    match format {
        GraphFormat::Json => {
            let items: Vec<serde_json::Value> = reached
                .iter()
                .map(|r| serde_json::json!({"id": r.entity.id(), "via": r.via.as_str(), "from": r.from.id()}))
                .collect();
            let doc = serde_json::json!({"entity": graph.graph[start].id(), "environment": view.name, "reaches": items});
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        _ => {
            println!(
                "A change to {} (environment {}) reaches:",
                graph.graph[start].id(),
                view.name
            );
            if reached.is_empty() {
                println!("  nothing else");
            }
            for r in &reached {
                println!(
                    "  {:<40} {} {}",
                    r.entity.id(),
                    describe(r.via),
                    r.from.id()
                );
            }
        }
    }
    exit::OK
}

fn describe(via: gantry::graph::EdgeKind) -> &'static str {
    use gantry::graph::EdgeKind::*;
    match via {
        Contains => "is part of",
        Owns => "is owned by",
        DependsOn => "depends on",
        Uses => "reads",
        Measures => "measures",
        TriggersRollback => "rolls back on",
        Documents => "documents",
        MayActOn => "may act on",
        Approves => "is approved by",
    }
}
