//! The runbooks target: the page tree of every example, the SLO figures in plain words, the
//! agents that may act on a feature, the agent pages and how to stop an agent, spec text that
//! stays text (parsed back as CommonMark), workspace templates, and every alert's runbook link
//! landing on a page that exists.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use gantry::artifact::{Artifact, Content};
use gantry::check::{Checked, check_path};
use gantry::diagnostics::Diagnostic;
use gantry::vfs::MemoryFs;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn emit_runbooks(checked: &Checked, environment: &str) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    gantry_targets::runbooks::emit(&model(checked, environment))
}

fn page<'a>(artifacts: &'a [Artifact], path: &str) -> &'a str {
    let artifact = artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<_> = artifacts.iter().map(|a| a.path.as_str()).collect();
            panic!("no page {path} among {paths:?}")
        });
    match &artifact.content {
        Content::Text(text) => text,
        other => panic!("{path} is not text: {other:?}"),
    }
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
}

/// What a reader sees of a page: its text, line breaks as newlines, blocks on their own lines.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::CodeBlock,
            ) => out.push('\n'),
            Event::Start(Tag::TableCell) => out.push('|'),
            _ => {}
        }
    }
    out
}

#[test]
fn runbook_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_runbooks(&checked, &environment).expect("the example emits");
            assert!(!artifacts.is_empty());
            let mut tree = String::new();
            for artifact in &artifacts {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(&yaml(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn the_runbook_page_says_when_each_alert_fires_in_plain_words() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let text = plain(page(&artifacts, "checkout/checkout-availability.md"));
    assert!(text.contains("Objective: 99.9 % over 30d"), "{text}");
    assert!(
        text.contains("43.2 minutes of full outage per 30d"),
        "{text}"
    );
    for words in [
        "fires when 2 % of the 30-day error budget burns within an hour (error ratio above 1.44 % over 1h and 5m)",
        "fires when 5 % of the 30-day error budget burns within 6 hours (error ratio above 0.6 % over 6h and 30m)",
        "fires when 10 % of the 30-day error budget burns within a day (error ratio above 0.3 % over 1d and 2h)",
        "fires when 10 % of the 30-day error budget burns within 3 days (error ratio above 0.1 % over 3d and 6h)",
    ] {
        assert!(text.contains(words), "missing {words:?}:\n{text}");
    }
    assert!(text.contains("checkout-availability-burn-rate-1h-5m (page, burn rate 14.4×)"));
    assert!(text.contains("Look at the canary"));
    assert!(
        text.contains("Escalate to team payments after 30 minutes (30m): page payments-pager"),
        "{text}"
    );
    // A 28-day period scales the factors: 13.44 × the 0.5 % budget.
    let text = plain(page(&artifacts, "payments/psp-webhooks.md"));
    assert!(
        text.contains("fires when 2 % of the 28-day error budget burns within an hour (error ratio above 6.72 % over 1h and 5m)"),
        "{text}"
    );
    // Staging overrides the objective.
    let staging = emit_runbooks(&example("checkout"), "staging").expect("emits");
    let text = plain(page(&staging, "checkout/checkout-availability.md"));
    assert!(text.contains("Objective: 99 % over 30d"), "{text}");
    assert!(
        text.contains("error ratio above 14.4 % over 1h and 5m"),
        "{text}"
    );
}

#[test]
fn explicit_alerts_and_the_dashboard_are_linked() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let markdown = page(&artifacts, "checkout/queue-backlog.md");
    let text = plain(markdown);
    assert!(
        text.contains("Fires when sum(checkout_queue_depth) > 1000 holds for 15 minutes (15m)"),
        "{text}"
    );
    assert!(
        markdown.contains("[gantry-checkout](<../../grafana/checkout/dashboard.json>)"),
        "{markdown}"
    );
}

#[test]
fn a_runbook_page_names_the_agents_that_may_act_on_its_feature() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let markdown = page(&artifacts, "checkout/checkout-availability.md");
    let text = plain(markdown);
    assert!(text.contains("Agent checkout/deploy-bot"), "{text}");
    assert!(text.contains("|allow|deploy|k8s:checkout/api"), "{text}");
    assert!(
        text.contains("|deny|read|datastore:checkout/orders"),
        "{text}"
    );
    // Rights on other features are not this feature's business.
    assert!(!text.contains("github:"), "{text}");
    assert!(
        markdown.contains("(<../checkout/agents/deploy-bot.md>)"),
        "{markdown}"
    );
}

#[test]
fn every_agent_gets_a_page_that_says_how_to_stop_it() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let markdown = page(&artifacts, "checkout/agents/deploy-bot.md");
    let text = plain(markdown);
    for want in [
        "Owner: payments",
        "Purpose: Bumps the checkout image and drives canaries",
        "tokens per run: 200000",
        "tokens per day: 5000000",
        "USD per month: 400",
        "Worst-case daily token spend: 5000000 tokens (bound by tokens-per-day)",
        "Rate limit, requests per minute: 30",
        "Retry policy: at most 3 attempts, exponential backoff",
        "Source: vault; time to live: 1h.",
        "|pii|redact",
        "|secrets|block",
        "|allow|deploy|k8s:checkout/api",
        "|deny|read|datastore:checkout/orders",
        "How to stop it",
        "Revoke its credentials in vault",
        "Set its rate limit to zero",
        "kubectl --namespace checkout delete rolebinding agent.checkout.deploy-bot",
        "kubectl --namespace checkout delete serviceaccount agent.checkout.deploy-bot",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    assert!(markdown.contains("```sh\nkubectl"), "{markdown}");
}

const WORKSPACE: &str = r#"
workspace "tests" {
    environment "prod"
    team "payments" {
        oncall pager="payments-pager"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
}
"#;

/// A feature whose runbook summary, second step and agent purpose are `text`; agent `bot` has
/// Kubernetes rights, agent `helper` links the workspace's runbook instead of a generated page.
fn feature(text: &str) -> String {
    format!(
        r#"
feature "shop" {{
    owner "payments"
    tier "experimental"
    service "api" {{
        image "registry.acme.example/api:1.0.0" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        port 8080
        probe "readiness" path="/ready"
        probe "liveness" path="/live"
    }}
    telemetry {{ metrics path="/metrics" port=9090; }}
    slo "availability" objective=99.5 runbook="api-down" {{
        ratio preset="std/http-availability"
    }}
    runbook "api-down" {{
        summary {text}
        step "Roll back"
        step {text}
        escalate team="payments" after="15m"
    }}
    agent "bot" {{
        purpose {text}
        owner "payments"
        budget tokens-per-run=1000 tokens-per-day=50000
        rate-limit requests-per-minute=10
        credentials source="vault" ttl="1h"
        allow "read" "k8s:shop/*"
    }}
    agent "helper" {{
        purpose "Reads logs"
        owner "payments"
        budget tokens-per-run=1000 tokens-per-day=50000
        allow "read" "k8s:shop/*"
        runbook "api-down"
    }}
}}
"#,
        text = kdl_string(text)
    )
}

/// Spec text that would be Markdown or HTML if it were not escaped.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**x** and *y*",
    "_x_ and __y__",
    "`code` and ``two``",
    "[link](https://evil.example) and [ref][1] and <https://evil.example>",
    "![img](x)",
    "# heading",
    "a | b | c",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "> quote",
    "[ ] task",
    "line one\n# line two\n- three\n1. four",
    "line one\n---",
    "a & b &amp; &lt;",
    "back\\slash \\* \\",
    "~~strike~~ ~x~",
    "$math$ and $$more$$",
    "{{steps}} {{#each x}} {{{raw}}}",
    "    indented code",
    "\"quoted\" 'single'",
    "ünïcødé 👍",
];

/// The events of the first list item (`item`) or paragraph whose text starts with `first_words`.
fn block_with<'a>(markdown: &'a str, item: bool, first_words: &str) -> Vec<Event<'a>> {
    let events: Vec<Event> = Parser::new_ext(markdown, markdown_options()).collect();
    let mut blocks: Vec<Vec<Event>> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for event in events {
        match &event {
            Event::Start(Tag::Item) if item => {
                blocks.push(Vec::new());
                stack.push(blocks.len() - 1);
            }
            Event::Start(Tag::Paragraph) if !item => {
                blocks.push(Vec::new());
                stack.push(blocks.len() - 1);
            }
            Event::End(TagEnd::Item) if item => {
                stack.pop();
            }
            Event::End(TagEnd::Paragraph) if !item => {
                stack.pop();
            }
            _ => {}
        }
        for &open in &stack {
            blocks[open].push(event.clone());
        }
    }
    blocks
        .into_iter()
        .find(|b| text_of(b).starts_with(first_words))
        .unwrap_or_default()
}

fn text_of(events: &[Event]) -> String {
    let mut out = String::new();
    for event in events {
        match event {
            Event::Text(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Fails when the events hold anything but text and line breaks (the item's own paragraph
/// aside): a link, an image, HTML, emphasis, code, a heading, a nested list, a quote.
fn assert_only_text(events: &[Event], what: &str) {
    for event in events {
        let fine = matches!(
            event,
            Event::Text(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell)
                | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
        );
        assert!(fine, "{what}: {event:?} in {events:?}");
    }
}

#[test]
fn spec_text_renders_as_the_text_written() {
    for hostile in HOSTILE {
        let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(hostile))]);
        assert!(
            !checked.has_errors(),
            "{hostile:?}: {:#?}",
            checked.diagnostics
        );
        let artifacts = emit_runbooks(&checked, "prod").expect("emits");
        let runbook = page(&artifacts, "shop/api-down.md");
        let agent = page(&artifacts, "shop/agents/bot.md");
        let shown = *hostile;
        let one_line = hostile.replace('\n', " ");

        // The step, a list item that keeps its line breaks.
        let step = block_with(runbook, true, shown);
        assert_eq!(text_of(&step), shown, "step {hostile:?}:\n{runbook}");
        assert_only_text(&step, &format!("step {hostile:?}"));
        let starts = |e: &Event| matches!(e, Event::Start(Tag::Item));
        assert_eq!(step.iter().filter(|e| starts(e)).count(), 1, "{hostile:?}");

        // The summary, a paragraph.
        let summary = block_with(runbook, false, shown);
        assert_eq!(text_of(&summary), shown, "summary {hostile:?}:\n{runbook}");
        assert_only_text(&summary, &format!("summary {hostile:?}"));

        // The agent's purpose, on one line of a list item.
        let purpose = block_with(agent, true, "Purpose: ");
        assert_eq!(
            text_of(&purpose),
            format!("Purpose: {one_line}"),
            "purpose {hostile:?}:\n{agent}"
        );
        assert_only_text(&purpose, &format!("purpose {hostile:?}"));

        for (name, markdown) in [("runbook", runbook), ("agent", agent)] {
            for event in Parser::new_ext(markdown, markdown_options()) {
                match event {
                    Event::Html(h) | Event::InlineHtml(h) => {
                        panic!("{hostile:?}: HTML {h:?} in the {name} page")
                    }
                    Event::Start(Tag::Link { dest_url, .. }) => assert!(
                        dest_url.starts_with("../"),
                        "{hostile:?}: link to {dest_url} in the {name} page"
                    ),
                    Event::Start(Tag::Image { .. }) => {
                        panic!("{hostile:?}: an image in the {name} page")
                    }
                    Event::Start(Tag::BlockQuote(_)) => {
                        panic!("{hostile:?}: a quote in the {name} page")
                    }
                    _ => {}
                }
            }
            for line in markdown.lines() {
                // Only gantry's own headings start with `#`.
                if line.starts_with('#') {
                    assert!(
                        !line.contains("heading") && !line.contains("line two"),
                        "{hostile:?}: heading {line:?} in the {name} page"
                    );
                }
            }
        }
    }
}

#[test]
fn an_agent_with_its_own_runbook_gets_no_generated_page() {
    let checked = workspace(WORKSPACE, &[("shop.kdl", &feature("x"))]);
    let artifacts = emit_runbooks(&checked, "prod").expect("emits");
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["shop/agents/bot.md", "shop/api-down.md"]);
    let runbook = plain(page(&artifacts, "shop/api-down.md"));
    assert!(
        runbook.contains("Agent helper\nThe agent's own alerts"),
        "{runbook}"
    );
    assert!(runbook.contains("SLO availability"), "{runbook}");
    assert!(runbook.contains("Agent shop/bot"), "{runbook}");
    assert!(runbook.contains("Agent shop/helper"), "{runbook}");
    assert!(runbook.contains("Escalate to team payments after 15 minutes"));
    let bot = page(&artifacts, "shop/agents/bot.md");
    assert!(bot.contains("kubectl --namespace shop delete serviceaccount agent.shop.bot"));
    assert!(bot.contains("(bound by tokens-per-day)"), "{bot}");
}

/// A workspace on an in-memory disk with a `templates "tpl"` folder holding `files`.
fn with_templates(files: &[(&str, &str)]) -> Checked {
    let gantry_kdl = WORKSPACE.replace(
        "environment \"prod\"",
        "environment \"prod\"\n    templates \"tpl\"",
    );
    let mut fs = MemoryFs::new()
        .with("/ws/gantry.kdl", gantry_kdl)
        .with("/ws/shop.kdl", feature("x"));
    for (name, text) in files {
        fs.insert(format!("/ws/tpl/{name}"), *text);
    }
    check_path(&fs, Path::new("/ws")).expect("loads").1
}

/// `(file, id, line)` of every error.
fn located(checked: &Checked, diagnostics: &[Diagnostic]) -> Vec<(String, String, usize)> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let file = checked.sources.get(d.primary.span.file);
            let (line, _) = file.line_col(d.primary.span.start);
            (file.name.clone(), d.id.to_string(), line)
        })
        .collect()
}

#[test]
fn a_workspace_template_replaces_the_stdlib_one() {
    let checked = with_templates(&[(
        "runbook.md.hbs",
        "# {{runbook.name}}\n\n{{#each runbook.steps}}\n- {{md this}}\n{{/each}}\n",
    )]);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let artifacts = emit_runbooks(&checked, "prod").expect("emits");
    assert_eq!(
        page(&artifacts, "shop/api-down.md"),
        "# api-down\n\n- Roll back\n- x\n"
    );
    // The agent page still comes from the stdlib.
    assert!(page(&artifacts, "shop/agents/bot.md").starts_with("# Agent: bot (shop)"));
}

#[test]
fn a_template_that_does_not_parse_is_a_diagnostic_at_its_line() {
    let checked = with_templates(&[(
        "runbook.md.hbs",
        "# {{runbook.name}}\n\n{{#each runbook.steps}}\n- {{this}}\n",
    )]);
    let found = located(&checked, &checked.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    let (file, id, line) = &found[0];
    assert_eq!(
        (file.as_str(), id.as_str()),
        ("tpl/runbook.md.hbs", "invalid-value")
    );
    assert!(*line >= 3, "line {line}");
}

#[test]
fn a_template_that_names_a_missing_field_fails_the_build_at_its_line() {
    let checked = with_templates(&[(
        "agent.md.hbs",
        "# {{agent.name}}\n\n{{#if agent.purpos}}{{agent.purpose}}{{/if}}\n",
    )]);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let problems = emit_runbooks(&checked, "prod").expect_err("a missing field fails");
    let found = located(&checked, &problems);
    assert_eq!(
        found,
        [(
            "tpl/agent.md.hbs".to_string(),
            "invalid-value".to_string(),
            3
        )]
    );
    assert!(
        problems[0].message.contains("purpos"),
        "{}",
        problems[0].message
    );
}

#[test]
fn unescaped_output_and_unknown_template_files_are_refused() {
    let checked = with_templates(&[
        (
            "runbook.md.hbs",
            "# {{runbook.name}}\n{{{runbook.summary}}}\n",
        ),
        ("runbok.md.hbs", "x"),
        ("README.md", "not a template"),
    ]);
    let found = located(&checked, &checked.diagnostics);
    assert!(
        found.contains(&("tpl/runbook.md.hbs".into(), "invalid-value".into(), 2)),
        "{found:?}"
    );
    let unknown = checked
        .diagnostics
        .iter()
        .find(|d| d.id == "unresolved-reference")
        .expect("the unknown template is reported");
    assert!(
        unknown.message.contains("tpl/runbok.md.hbs"),
        "{}",
        unknown.message
    );
    assert_eq!(
        unknown.help.as_deref(),
        Some("did you mean `runbook.md.hbs`?")
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn a_missing_templates_folder_is_a_diagnostic_at_the_templates_node() {
    let checked = with_templates(&[]);
    let found = located(&checked, &checked.diagnostics);
    assert_eq!(
        found,
        [(
            "gantry.kdl".to_string(),
            "unresolved-reference".to_string(),
            4
        )]
    );
}

/// Every `runbook_url` annotation of every alert in a tree of JSON values.
fn runbook_urls(value: &Value, out: &mut Vec<(String, Option<String>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(alert)) = map.get("alert") {
                let url = map
                    .get("annotations")
                    .and_then(|a| a.get("runbook_url"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push((alert.clone(), url));
            }
            map.values().for_each(|v| runbook_urls(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| runbook_urls(v, out)),
        _ => {}
    }
}

#[test]
fn every_alert_links_a_runbook_page_that_exists() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let model = model(&checked, &environment);
            let pages: BTreeSet<String> = gantry_targets::runbooks::emit(&model)
                .expect("runbooks emit")
                .into_iter()
                .map(|a| a.path)
                .collect();
            let rules = gantry_targets::prometheus::emit(&model).expect("prometheus emits");
            let mut alerts = Vec::new();
            for artifact in &rules {
                // Parse the YAML the writer produces, as Prometheus would read it.
                let text = yaml(artifact);
                for document in serde_saphyr::from_multiple::<Value>(&text).unwrap_or_default() {
                    runbook_urls(&document, &mut alerts);
                }
            }
            assert!(
                !alerts.is_empty(),
                "{example_name}/{environment}: no alerts"
            );
            let base = model
                .workspace
                .runbook_base_url
                .as_ref()
                .map_or("runbooks/".to_string(), |b| {
                    format!("{}/", b.value.trim_end_matches('/'))
                });
            for (alert, url) in alerts {
                let url = url.unwrap_or_else(|| {
                    panic!("{example_name}/{environment}: alert {alert} has no runbook_url")
                });
                let path = url.strip_prefix(&base).unwrap_or_else(|| {
                    panic!("{example_name}/{environment}: {alert} links {url}, not under {base}")
                });
                assert!(
                    pages.contains(path),
                    "{example_name}/{environment}: {alert} links {url}, but there is no page {path} among {pages:?}"
                );
            }
        }
    }
}
