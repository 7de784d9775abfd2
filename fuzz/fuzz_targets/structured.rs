//! A spec built from structure (`arbitrary`), rendered to KDL text → check → build of every
//! target for every environment. It must never panic, and every generated YAML, JSON, Markdown
//! and HCL file must parse back. Free text comes straight from the fuzzer, names from a small
//! set (so references resolve and the model is built), numbers from their full range.

#![no_main]

use std::fmt::Write;

use arbitrary::Arbitrary;
use gantry::build::{Emitted, render};
use gantry::check::{Input, check_files};
use gantry::model::Model;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/tests/outputs/mod.rs"]
mod outputs;

const WORKSPACE: &str = r#"workspace "fuzz" {
    environment "staging"
    environment "prod"
    cloud "aws" region="eu-west-1"
    runbook-base-url "https://runbooks.acme.example/"
    team "payments" {
        oncall pager="payments-pager" chat="payments-chat"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
    receiver "payments-chat" kind="slack" api-url-file="/etc/alertmanager/slack" channel="payments"
    lint {
        allow "service-without-slo" "alert-without-runbook" "feature-without-owner"
        allow "slo-objective-unrealistic" "canary-without-rollback-trigger"
        allow "rollback-trigger-without-telemetry" "rollout-without-manual-override"
        allow "irreversible-without-human-gate" "agent-can-bypass-gate" "agent-without-budget"
        allow "agent-budget-per-run-only" "agent-unbounded-retry" "agent-long-lived-credentials"
        allow "agent-wildcard-write" "agent-without-rate-limit" "agent-data-without-pii-guardrail"
        allow "agent-without-quality-slo" "secret-literal" "secret-in-plain-env"
        allow "image-without-digest" "unused-runbook"
    }
}
"#;

/// The names a spec may use: few, so that references between entities often resolve.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Name {
    Api,
    Web,
    Orders,
    Checkout,
    Payments,
}

impl Name {
    fn as_str(self) -> &'static str {
        match self {
            Name::Api => "api",
            Name::Web => "web",
            Name::Orders => "orders",
            Name::Checkout => "checkout",
            Name::Payments => "payments",
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Spec {
    features: Vec<Feature>,
}

#[derive(Arbitrary, Debug)]
struct Feature {
    name: Name,
    owned: bool,
    description: Option<String>,
    services: Vec<Service>,
    datastore: Option<(Name, bool)>,
    flags: Vec<Flag>,
    canary: Option<Vec<(u8, u16)>>,
    slos: Vec<Slo>,
    alerts: Vec<Alert>,
    runbooks: Vec<Runbook>,
    agents: Vec<Agent>,
    gate: bool,
    staging_replicas: Option<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
struct Service {
    name: Name,
    port: u16,
    replicas: (u8, u8),
    env: Vec<(String, String)>,
    depends_on: Option<(Name, Name)>,
    expose: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Flag {
    name: Name,
    variants: Vec<(Name, String, u8)>,
    percent: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct Slo {
    name: Name,
    objective: f64,
    latency: bool,
    runbook: Option<Name>,
}

#[derive(Arbitrary, Debug)]
struct Alert {
    name: Name,
    page: bool,
    expr: String,
    summary: Option<String>,
    description: Option<String>,
    runbook: Option<Name>,
}

#[derive(Arbitrary, Debug)]
struct Runbook {
    name: Name,
    summary: String,
    steps: Vec<String>,
}

#[derive(Arbitrary, Debug)]
struct Agent {
    name: Name,
    purpose: String,
    tokens_per_run: u32,
    usd_per_month: u16,
    rules: Vec<(u8, Name)>,
}

/// `text` as a KDL string: every character that KDL would read otherwise is escaped, and so
/// is every character KDL forbids in a document (control characters, bidi overrides).
fn kdl(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') =>
            {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const ACTIONS: &[&str] = &["read", "write", "deploy", "rollback", "migrate", "delete"];

fn render_feature(f: &Feature, out: &mut String) {
    let _ = writeln!(out, "feature \"{}\" {{", f.name.as_str());
    if f.owned {
        out.push_str("    owner \"payments\"\n");
    }
    if let Some(d) = &f.description {
        let _ = writeln!(out, "    description {}", kdl(d));
    }
    for s in f.services.iter().take(3) {
        let _ = writeln!(out, "    service \"{}\" {{", s.name.as_str());
        out.push_str("        image \"registry.acme.example/app:1.0.0\"\n");
        let _ = writeln!(out, "        port {}", s.port.max(1));
        let _ = writeln!(
            out,
            "        replicas min={} max={}",
            s.replicas.0 % 20,
            s.replicas.1 % 40
        );
        for (i, (name, value)) in s.env.iter().take(3).enumerate() {
            let var: String = name
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(12)
                .collect::<String>()
                .to_ascii_uppercase();
            let _ = writeln!(out, "        env \"V{i}{var}\" value={}", kdl(value));
        }
        if let Some((feature, service)) = s.depends_on {
            let _ = writeln!(
                out,
                "        depends-on \"{}/{}\"",
                feature.as_str(),
                service.as_str()
            );
        }
        if let Some(path) = &s.expose {
            let _ = writeln!(
                out,
                "        expose host=\"shop.acme.example\" path={}",
                kdl(path)
            );
        }
        out.push_str("    }\n");
    }
    if let Some((name, pii)) = f.datastore {
        let _ = writeln!(
            out,
            "    datastore \"{}\" kind=\"postgres\" size=\"db.t4g.medium\" storage-gb=20 contains-pii=#{pii}",
            name.as_str()
        );
    }
    for flag in f.flags.iter().take(2) {
        if flag.variants.is_empty() {
            let _ = writeln!(out, "    flag \"{}\" default=#false {{", flag.name.as_str());
        } else {
            let _ = writeln!(
                out,
                "    flag \"{}\" default=\"{}\" {{",
                flag.name.as_str(),
                flag.variants[0].0.as_str()
            );
        }
        for (name, value, weight) in flag.variants.iter().take(3) {
            let _ = writeln!(
                out,
                "        variant \"{}\" value={} weight={}",
                name.as_str(),
                kdl(value),
                weight % 101
            );
        }
        if let Some(p) = flag.percent {
            let _ = writeln!(out, "        rollout percent={} by=\"userId\"", p % 101);
        }
        out.push_str("    }\n");
    }
    if let Some(steps) = &f.canary {
        out.push_str("    deploy strategy=\"canary\" {\n");
        for (weight, minutes) in steps.iter().take(4) {
            let _ = writeln!(
                out,
                "        step weight={} pause=\"{}m\"",
                weight % 101,
                minutes % 600 + 1
            );
        }
        for slo in f.slos.iter().take(1) {
            let _ = writeln!(out, "        rollback-when slo=\"{}\"", slo.name.as_str());
        }
        out.push_str("        manual-override team=\"payments\"\n    }\n");
    }
    out.push_str("    telemetry {\n        metrics path=\"/metrics\" port=9090\n    }\n");
    for slo in f.slos.iter().take(3) {
        let runbook = slo
            .runbook
            .map(|r| format!(" runbook=\"{}\"", r.as_str()))
            .unwrap_or_default();
        let indicator = if slo.latency {
            "latency metric=\"http_request_duration_seconds\" threshold=\"300ms\""
        } else {
            "ratio preset=\"std/http-availability\""
        };
        let _ = writeln!(
            out,
            "    slo \"{}\" objective={:?} window=\"30d\"{runbook} {{ {indicator} }}",
            slo.name.as_str(),
            if slo.objective.is_finite() {
                slo.objective
            } else {
                99.9
            }
        );
    }
    for alert in f.alerts.iter().take(3) {
        let severity = if alert.page { "page" } else { "ticket" };
        let runbook = alert
            .runbook
            .map(|r| format!(" runbook=\"{}\"", r.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    alert \"{}\" severity=\"{severity}\"{runbook} {{",
            alert.name.as_str()
        );
        let _ = writeln!(out, "        expr {}", kdl(&alert.expr));
        if let Some(s) = &alert.summary {
            let _ = writeln!(out, "        summary {}", kdl(s));
        }
        if let Some(d) = &alert.description {
            let _ = writeln!(out, "        description {}", kdl(d));
        }
        out.push_str("    }\n");
    }
    for runbook in f.runbooks.iter().take(3) {
        let _ = writeln!(out, "    runbook \"{}\" {{", runbook.name.as_str());
        let _ = writeln!(out, "        summary {}", kdl(&runbook.summary));
        for step in runbook.steps.iter().take(4) {
            let _ = writeln!(out, "        step {}", kdl(step));
        }
        out.push_str("    }\n");
    }
    for agent in f.agents.iter().take(2) {
        let _ = writeln!(out, "    agent \"{}\" {{", agent.name.as_str());
        let _ = writeln!(out, "        purpose {}", kdl(&agent.purpose));
        out.push_str("        owner \"payments\"\n");
        out.push_str("        model \"claude-sonnet\" provider=\"anthropic\"\n");
        let _ = writeln!(
            out,
            "        budget tokens-per-run={} tokens-per-day=5000000 usd-per-month={}",
            agent.tokens_per_run.max(1),
            agent.usd_per_month.max(1)
        );
        out.push_str("        rate-limit requests-per-minute=30\n");
        out.push_str("        retry max-attempts=3 backoff=\"exponential\"\n");
        out.push_str("        credentials source=\"vault\" ttl=\"1h\"\n");
        for (action, target) in agent.rules.iter().take(4) {
            let action = ACTIONS[usize::from(*action) % ACTIONS.len()];
            let _ = writeln!(
                out,
                "        allow \"{action}\" \"k8s:{}/{}\"",
                f.name.as_str(),
                target.as_str()
            );
        }
        out.push_str("        guardrail \"pii\" action=\"redact\"\n");
        out.push_str("        slo \"task-success\" objective=95\n    }\n");
    }
    if f.gate {
        out.push_str(
            "    gate \"data-changes\" tier=\"irreversible\" {\n        approve team=\"payments\" count=1\n    }\n",
        );
    }
    if let Some((min, max)) = f.staging_replicas
        && let Some(service) = f.services.first()
    {
        let _ = writeln!(
            out,
            "    env \"staging\" {{\n        service \"{}\" {{ replicas min={} max={} }}\n    }}",
            service.name.as_str(),
            min % 20,
            max % 40
        );
    }
    out.push_str("}\n");
}

fuzz_target!(|spec: Spec| {
    let specs: Vec<Input> = spec
        .features
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, feature)| {
            let mut text = String::new();
            render_feature(feature, &mut text);
            Input {
                name: format!("feature-{i}.kdl"),
                text: text.into(),
            }
        })
        .collect();
    let checked = check_files(
        Input {
            name: "gantry.kdl".into(),
            text: WORKSPACE.into(),
        },
        specs,
    );
    if checked.has_errors() {
        return;
    }
    let mut emitted = Vec::new();
    for environment in &checked.environments {
        let model = Model::of(&checked, &environment.name).expect("a model without errors");
        for (target, emit) in gantry_targets::all() {
            // A target may refuse the model with diagnostics; it must not panic.
            let Ok(artifacts) = emit.collect(&model) else {
                return;
            };
            emitted.push(Emitted {
                environment: environment.name.clone(),
                target: target.to_string(),
                artifacts,
            });
        }
    }
    let fallback = checked
        .workspace
        .as_ref()
        .map(|w| w.name.span)
        .expect("a workspace without errors");
    let tree = match render(&emitted, fallback) {
        Ok(tree) => tree,
        Err(diagnostics) => panic!("rendering failed: {diagnostics:#?}"),
    };
    for (path, file) in &tree.files {
        let text = std::str::from_utf8(&file.bytes).expect("generated files are UTF-8");
        if let Err(e) = outputs::read_back(path, text) {
            panic!("{e}\n--- {path} ---\n{text}");
        }
    }
});
