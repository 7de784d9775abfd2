//! The runbooks target (DESIGN §5): a Markdown page `FEATURE/RUNBOOK.md` per runbook and a page
//! `FEATURE/agents/AGENT.md` per agent that has no `runbook=` of its own, rendered with the
//! Handlebars templates `runbook.md.hbs` and `agent.md.hbs` of the stdlib, or of the
//! workspace's `templates` folder.
//!
//! A page's data is built here ([`runbook`], [`agent`]); every figure in it is computed from the
//! model (`gantry::consequences`), and every text reaches the page through an escaping helper
//! ([`render`]), so no spec can inject Markdown or HTML into a page.

mod agent;
mod markdown;
mod render;
mod runbook;

use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::{Agent, Feature};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::source::Span;

pub use markdown::text as escape;

/// The template of a runbook's page.
pub const RUNBOOK_TEMPLATE: &str = "runbook.md.hbs";
/// The template of an agent's page.
pub const AGENT_TEMPLATE: &str = "agent.md.hbs";

/// Every page of the runbooks target, in the order of their paths.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let mut pages = crate::Emit::Streamed(stream).collect(model)?;
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// The runbooks target's entry point: each page handed out as soon as it is rendered, feature
/// after feature, so that a build writes it and lets it go.
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let registry = render::registry(model)?;
    let mut problems = Vec::new();
    let acting = runbook::Acting::new(model);
    for feature in &model.features {
        let source = model.file_name(feature);
        for book in &feature.runbooks {
            let path = runbook_page_path(&feature.name.value, &book.name.value);
            let data = runbook::data(model, &acting, feature, book);
            let about = (book.name.span, "the page of this runbook");
            match render::page(&registry, model, RUNBOOK_TEMPLATE, &data, about) {
                Ok(page) => out(artifact(path, page, source, book.name.span)),
                Err(problem) => problems.push(*problem),
            }
        }
        for bot in feature.agents.iter().filter(|a| a.runbook.is_none()) {
            let path = agent_page_path(&feature.name.value, &bot.name.value);
            let data = agent::data(model, feature, bot);
            let about = (bot.name.span, "the page of this agent");
            match render::page(&registry, model, AGENT_TEMPLATE, &data, about) {
                Ok(page) => out(artifact(path, page, source, bot.name.span)),
                Err(problem) => problems.push(*problem),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        // One broken template fails every page it renders: report it once per place.
        problems.dedup_by(|a, b| a.primary.span == b.primary.span && a.message == b.message);
        Err(problems)
    }
}

fn artifact(path: String, page: String, source: &str, origin: Span) -> Artifact {
    Artifact {
        path,
        content: Content::Text(page),
        sources: vec![source.to_string()],
        origin: Some(origin),
    }
}

/// The page of a runbook in the runbooks output: `FEATURE/RUNBOOK.md`.
pub fn runbook_page_path(feature: &str, runbook: &str) -> String {
    format!("{feature}/{runbook}.md")
}

/// The generated page of an agent that names no runbook: `FEATURE/agents/AGENT.md`.
pub fn agent_page_path(feature: &str, agent: &str) -> String {
    format!("{feature}/agents/{agent}.md")
}

/// The page an agent's own alerts link: its `runbook=`, or its generated page.
pub fn agent_alert_page_path(feature: &Feature, agent: &Agent) -> String {
    match &agent.runbook {
        Some(runbook) => runbook_page_path(&feature.name.value, &runbook.value),
        None => agent_page_path(&feature.name.value, &agent.name.value),
    }
}

/// Where an alert links a page (its `runbook_url`): the workspace's `runbook-base-url` followed
/// by the page's path, or without one `runbooks/PAGE`, relative to the environment's output
/// folder.
pub fn page_url(model: &Model, page_path: &str) -> String {
    match &model.workspace.runbook_base_url {
        Some(base) => format!("{}/{page_path}", base.value.trim_end_matches('/')),
        None => format!("runbooks/{page_path}"),
    }
}

/// The `runbook_url` of an alert that names runbook `runbook` of feature `feature`.
pub fn runbook_url(model: &Model, feature: &str, runbook: &str) -> String {
    page_url(model, &runbook_page_path(feature, runbook))
}

/// The link to a feature's dashboard from a page `depth` folders below the feature's folder,
/// when the grafana target is built: the dashboard in Grafana's UI when the workspace names its
/// URL, else the dashboard's file beside the runbooks output.
fn dashboard_url(model: &Model, feature: &str, depth: usize) -> Option<String> {
    if !model.workspace.builds("grafana") {
        return None;
    }
    Some(format!(
        "{}../grafana/{}",
        "../".repeat(depth + 1),
        crate::grafana::dashboard_path(feature)
    ))
}

/// A path from one page to another, both relative to the runbooks output.
fn relative(from_page: &str, to_page: &str) -> String {
    let depth = from_page.matches('/').count();
    format!("{}{to_page}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative("a/x.md", "b/agents/y.md"), "../b/agents/y.md");
        assert_eq!(relative("a/agents/y.md", "a/x.md"), "../../a/x.md");
    }
}
