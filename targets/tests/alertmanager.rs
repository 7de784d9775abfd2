//! The alertmanager target: the config of every example and environment, read back from its
//! YAML; every team's pages reaching its pager and tickets its chat receiver; the inhibition
//! matching on the labels the prometheus target sets; receivers' problems as diagnostics on the
//! spec.

mod support;

use gantry::artifact::{Artifact, Content};
use gantry::check::Checked;
use serde_json::Value;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn config(artifacts: &[Artifact]) -> &Value {
    match artifacts.iter().find(|a| a.path == "alertmanager.yaml") {
        Some(Artifact {
            content: Content::Yaml(docs),
            ..
        }) if docs.len() == 1 => &docs[0],
        _ => panic!("no single-document alertmanager.yaml"),
    }
}

fn emit_config(checked: &Checked, environment: &str) -> Value {
    let artifacts = gantry_targets::alertmanager::emit(&model(checked, environment))
        .unwrap_or_else(|d| panic!("emits: {d:#?}"));
    config(&artifacts).clone()
}

#[test]
fn output_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = gantry_targets::alertmanager::emit(&model(&checked, &environment))
                .expect("the example emits");
            assert_eq!(artifacts.len(), 1);
            let text = yaml(&artifacts[0]);
            let back: Value = serde_saphyr::from_str(&text).expect("the YAML parses");
            assert_eq!(&back, config(&artifacts), "the YAML reads back unchanged");
            insta::assert_snapshot!(format!("{example_name}-{environment}"), text);
        }
    }
}

/// The receiver an alert with these labels reaches: the route tree walked as the Alertmanager
/// walks it (first matching child, depth first; no `continue` is emitted). Only the `=` and
/// `=~".+"` matchers gantry writes are understood.
fn route_of(route: &Value, labels: &[(&str, &str)]) -> String {
    for child in route["routes"].as_array().into_iter().flatten() {
        if matches(child, labels) {
            return route_of(child, labels);
        }
    }
    route["receiver"].as_str().expect("a receiver").to_string()
}

fn matches(route: &Value, labels: &[(&str, &str)]) -> bool {
    route["matchers"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|m| matcher_holds(m.as_str().expect("a matcher"), labels))
}

fn matcher_holds(matcher: &str, labels: &[(&str, &str)]) -> bool {
    let value_of = |name: &str| {
        labels
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| *v)
    };
    if let Some((name, _)) = matcher.split_once("=~\".+\"") {
        return !value_of(name).is_empty();
    }
    let (name, quoted) = matcher.split_once('=').expect("an equality matcher");
    let wanted = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .expect("a quoted value");
    value_of(name) == wanted
}

#[test]
fn pages_reach_the_pager_and_tickets_the_chat_receiver() {
    let expected = [
        (
            "checkout",
            vec![
                ("payments", "payments-pager", "payments-chat"),
                ("platform", "platform-pager", "platform-chat"),
            ],
        ),
        (
            "platform",
            vec![
                ("platform", "platform-pager", "platform-chat"),
                ("sre", "sre-pager", "sre-chat"),
            ],
        ),
    ];
    for (example_name, teams) in expected {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let config = emit_config(&checked, &environment);
            let route = &config["route"];
            for (team, pager, chat) in &teams {
                let alert = |severity| {
                    route_of(
                        route,
                        &[
                            ("owner", team),
                            ("severity", severity),
                            ("feature", "any"),
                            ("alertname", "x"),
                        ],
                    )
                };
                assert_eq!(alert("page"), *pager, "{example_name}/{environment} {team}");
                assert_eq!(
                    alert("ticket"),
                    *chat,
                    "{example_name}/{environment} {team}"
                );
            }
            assert_eq!(
                route_of(route, &[("severity", "page"), ("alertname", "x")]),
                "unrouted",
                "an alert of no team reaches the default receiver"
            );
            assert_eq!(
                route_of(route, &[("severity", "page"), ("owner", "nobody")]),
                "unrouted"
            );
            let declared: Vec<&str> = config["receivers"]
                .as_array()
                .expect("receivers")
                .iter()
                .map(|r| r["name"].as_str().expect("a name"))
                .collect();
            let mut used = vec![route["receiver"].as_str().expect("a receiver")];
            let mut stack = vec![route];
            while let Some(r) = stack.pop() {
                for child in r["routes"].as_array().into_iter().flatten() {
                    used.push(child["receiver"].as_str().expect("a receiver"));
                    stack.push(child);
                }
            }
            for name in used {
                assert!(declared.contains(&name), "{name} is not declared");
            }
        }
    }
}

#[test]
fn the_inhibition_uses_the_prometheus_targets_labels() {
    let checked = example("checkout");
    let config = emit_config(&checked, "prod");
    let rules = gantry_targets::prometheus::emit(&model(&checked, "prod")).expect("rules");
    let alerts: Vec<&Value> = rules
        .iter()
        .filter(|a| a.path.ends_with("slo-rules.yaml"))
        .flat_map(|a| match &a.content {
            Content::Yaml(docs) => docs.iter().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .flat_map(|doc| doc["groups"].as_array().expect("groups").iter())
        .flat_map(|g| g["rules"].as_array().expect("rules").iter())
        .filter(|r| r.get("alert").is_some())
        .collect();
    let inhibit = &config["inhibit_rules"][0];
    let labels_of = |alert: &Value| -> Vec<(String, String)> {
        alert["labels"]
            .as_object()
            .expect("labels")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    };
    let holds = |key: &str, alert: &Value| {
        let labels = labels_of(alert);
        let borrowed: Vec<(&str, &str)> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        inhibit[key]
            .as_array()
            .expect("matchers")
            .iter()
            .all(|m| matcher_holds(m.as_str().expect("a matcher"), &borrowed))
    };
    let slo_pages: Vec<&&Value> = alerts
        .iter()
        .filter(|a| a["labels"]["severity"] == "page" && a["labels"]["sloth_slo"].is_string())
        .collect();
    let slo_tickets: Vec<&&Value> = alerts
        .iter()
        .filter(|a| a["labels"]["severity"] == "ticket" && a["labels"]["sloth_slo"].is_string())
        .collect();
    assert!(!slo_pages.is_empty() && !slo_tickets.is_empty());
    for page in &slo_pages {
        assert!(holds("source_matchers", page), "{page}");
    }
    for ticket in &slo_tickets {
        assert!(holds("target_matchers", ticket), "{ticket}");
    }
    for label in inhibit["equal"].as_array().expect("equal") {
        let label = label.as_str().expect("a label");
        for alert in slo_pages.iter().chain(&slo_tickets) {
            assert!(alert["labels"][label].is_string(), "{alert} lacks {label}");
        }
    }
    // An explicit alert (no SLO) is neither silenced nor silences.
    let explicit = alerts
        .iter()
        .find(|a| a["labels"]["sloth_slo"].is_null())
        .expect("the example's explicit alert");
    assert!(!holds("target_matchers", explicit));
    assert!(!holds("source_matchers", explicit));
}

const FEATURE: &str = "feature \"shop\" { owner \"payments\" }";

fn workspace_text(team: &str, receivers: &str) -> String {
    format!(
        "workspace \"tests\" {{\n    environment \"prod\"\n    team \"payments\" {{\n        {team}\n    }}\n{receivers}\n}}\n"
    )
}

/// The errors of a workspace, which the check must find: a build stops before the target runs.
fn diagnostics(team: &str, receivers: &str) -> Vec<String> {
    let checked = workspace(&workspace_text(team, receivers), &[("shop.kdl", FEATURE)]);
    assert!(
        gantry::model::Model::of(&checked, "prod").is_none(),
        "the check finds nothing wrong with {team:?} and {receivers:?}"
    );
    let found: Vec<&gantry::diagnostics::Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    found
        .iter()
        .map(|d| {
            let file = checked.sources.get(d.primary.span.file);
            let (line, column) = file.line_col(d.primary.span.start);
            let at = &file.text[d.primary.span.start as usize..d.primary.span.end as usize];
            format!("{} at {line}:{column} `{at}`: {}", d.id, d.message)
        })
        .collect()
}

const PAGER: &str =
    "    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"";

#[test]
fn receiver_problems_are_found_by_the_check_at_the_spec() {
    let cases = [
        (
            "a slack webhook url inline",
            "oncall pager=\"pager\" chat=\"chat\"",
            "    receiver \"chat\" kind=\"slack\" url=\"https://hooks.slack.example/services/abc\"\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"",
        ),
        (
            "a key where its file belongs",
            "oncall pager=\"pager\"",
            "    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"payments-key\"",
        ),
        (
            "a url where its file belongs",
            "oncall pager=\"pager\" chat=\"chat\"",
            "    receiver \"chat\" kind=\"slack\" api-url-file=\"https://hooks.slack.example/services/abc\"\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"",
        ),
        (
            "a setting of another kind",
            "oncall pager=\"pager\"",
            "    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/am/pager\" channel=\"#x\"",
        ),
        (
            "a slack receiver without its url",
            "oncall pager=\"pager\" chat=\"chat\"",
            "    receiver \"chat\" kind=\"slack\" channel=\"#x\"\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"",
        ),
        (
            "a webhook with two urls",
            "oncall pager=\"hook\"",
            "    receiver \"hook\" kind=\"webhook\" url=\"https://hooks.example/alerts\" api-url-file=\"/etc/am/hook\"",
        ),
        (
            "a webhook url with a password",
            "oncall pager=\"hook\"",
            "    receiver \"hook\" kind=\"webhook\" url=\"https://alerts:pw@hooks.example/alerts\"",
        ),
        (
            "an email receiver without a server",
            "oncall pager=\"mail\"",
            "    receiver \"mail\" kind=\"email\" to=\"oncall@acme.example\"",
        ),
        (
            "two slack receivers on the chat channel",
            "oncall pager=\"pager\" chat=\"#ops\"",
            "    receiver \"a\" kind=\"slack\" channel=\"#ops\" api-url-file=\"/etc/am/a\"\n    receiver \"b\" kind=\"slack\" channel=\"#ops\" api-url-file=\"/etc/am/b\"\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"",
        ),
        (
            "an owner team without oncall",
            "approvers \"alice@acme.example\"",
            PAGER,
        ),
    ];
    let mut report = String::new();
    for (case, team, receivers) in cases {
        let found = diagnostics(team, receivers);
        assert!(!found.is_empty(), "{case}: no diagnostic");
        report.push_str(&format!("{case}:\n"));
        for d in found {
            report.push_str(&format!("  {d}\n"));
        }
    }
    insta::assert_snapshot!(report);
}

#[test]
fn receivers_of_every_kind_and_a_chat_channel_resolve() {
    let receivers = [
        "    receiver \"pager\" kind=\"opsgenie\" api-key-file=\"/etc/am/opsgenie\"",
        "    receiver \"chat\" kind=\"slack\" channel=\"#payments-oncall\" api-url-file=\"/etc/am/slack\"",
        "    receiver \"hook\" kind=\"webhook\" api-url-file=\"/etc/am/hook\"",
        "    receiver \"mail\" kind=\"email\" to=\"oncall@acme.example\" from=\"am@acme.example\" smarthost=\"smtp.acme.example:587\"",
        "    receiver \"unrouted\" kind=\"webhook\" url=\"https://catchall.acme.example/alerts\"",
    ]
    .join("\n");
    let checked = workspace(
        &workspace_text(
            "oncall pager=\"pager\" chat=\"#payments-oncall\"",
            &receivers,
        ),
        &[("shop.kdl", FEATURE)],
    );
    let config = emit_config(&checked, "prod");
    let route = &config["route"];
    assert_eq!(
        route_of(route, &[("owner", "payments"), ("severity", "ticket")]),
        "chat",
        "the channel names the slack receiver that posts to it"
    );
    assert_eq!(
        route_of(route, &[("owner", "payments"), ("severity", "page")]),
        "pager"
    );
    let receiver = |name: &str| {
        config["receivers"]
            .as_array()
            .expect("receivers")
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no receiver {name}"))
            .clone()
    };
    assert_eq!(
        receiver("pager")["opsgenie_configs"][0]["api_key_file"],
        "/etc/am/opsgenie"
    );
    assert_eq!(
        receiver("chat")["slack_configs"][0]["api_url_file"],
        "/etc/am/slack"
    );
    assert_eq!(
        receiver("hook")["webhook_configs"][0]["url_file"],
        "/etc/am/hook"
    );
    assert_eq!(
        receiver("mail")["email_configs"][0]["smarthost"],
        "smtp.acme.example:587"
    );
    assert_eq!(
        receiver("unrouted")["webhook_configs"][0]["url"],
        "https://catchall.acme.example/alerts",
        "a declared receiver named `unrouted` is the default receiver"
    );
    let count = |name: &str| {
        config["receivers"]
            .as_array()
            .expect("receivers")
            .iter()
            .filter(|r| r["name"] == name)
            .count()
    };
    assert_eq!(count("unrouted"), 1);
}

#[test]
fn a_team_with_one_receiver_gets_both_severities_there() {
    // A chat that names no receiver is no receiver: the check warns, and tickets page.
    for (team, warned) in [
        ("oncall pager=\"pager\"", false),
        ("oncall pager=\"pager\" chat=\"#payments-oncall\"", true),
        ("oncall pager=\"pager\" chat=\"pagr\"", true),
    ] {
        let checked = workspace(&workspace_text(team, PAGER), &[("shop.kdl", FEATURE)]);
        let warnings: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.id)
            .filter(|id| *id == "team-chat-without-receiver")
            .collect();
        assert_eq!(!warnings.is_empty(), warned, "{team}: {warnings:?}");
        let config = emit_config(&checked, "prod");
        for severity in ["page", "ticket"] {
            assert_eq!(
                route_of(
                    &config["route"],
                    &[("owner", "payments"), ("severity", severity)]
                ),
                "pager",
                "{team}"
            );
        }
    }
}
