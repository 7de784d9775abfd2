//! No string in a spec changes the structure of any output. Hostile strings (quotes, escapes,
//! line breaks, template openers of every output language, YAML keywords and indicators,
//! Markdown syntax, right-to-left text, emoji, NUL and control characters) go into every
//! free-text field of a workspace; every target builds it for every environment; every output
//! is parsed back with its format's parser and must have the structure the same workspace has
//! with plain text, with the hostile string back as a literal wherever the plain one is.

mod outputs;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::LazyLock;

use gantry::build::{Emitted, render};
use gantry::check::{Input, check_files};
use gantry::model::Model;
use outputs::{Reading, read_back};
use proptest::prelude::*;

/// The workspace, with `@TEXT@` wherever free text goes.
const WORKSPACE: &str = r#"workspace "hostile" {
    environment "staging"
    environment "prod"
    cloud "aws" region="eu-west-1"
    runbook-base-url "https://runbooks.acme.example/"
    team "payments" {
        oncall pager="payments-pager" chat="payments-chat"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
    receiver "payments-chat" kind="slack" api-url-file="/etc/alertmanager/slack" channel=@TEXT@
    lint {
        // Random text may look like a credential; this test is about outputs, not that rule.
        allow "secret-literal"
    }
}
"#;

/// A feature with every entity kind, and `@TEXT@` in each of their free-text fields.
const FEATURE: &str = r#"feature "shop" {
    owner "payments"
    tier "critical"
    description @TEXT@
    service "api" {
        image "registry.acme.example/shop-api:1.4.2" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        port 8080
        replicas min=3 max=12 target-cpu=70
        resources cpu="500m" memory="512Mi"
        probe "readiness" path="/healthz/ready"
        probe "liveness" path="/healthz/live"
        env "GREETING" value=@TEXT@
        env "DB_PASSWORD" secret="orders-db"
        expose host="shop.acme.example" path="/api"
    }
    datastore "orders" kind="postgres" size="db.t4g.medium" storage-gb=100 contains-pii=#true {
        backup retention-days=14
    }
    secret "orders-db" from="aws-secretsmanager"
    flag "banner" default="first" {
        variant "first" value=@TEXT@
        variant "second" value=@TEXT@
    }
    deploy strategy="canary" {
        step weight=5 pause="5m"
        step weight=50 pause="10m"
        rollback-when slo="availability"
        manual-override team="payments"
    }
    telemetry {
        metrics path="/metrics" port=9090
    }
    slo "availability" service="api" objective=99.9 window="30d" runbook="availability" {
        ratio preset="std/http-availability"
    }
    alert "queue-backlog" severity="ticket" runbook="backlog" {
        expr "sum(shop_queue_depth) > 1000"
        for "15m"
        summary @TEXT@
        description @TEXT@
    }
    runbook "availability" {
        summary @TEXT@
        step @TEXT@
        step @TEXT@
        escalate team="payments" after="30m"
    }
    runbook "backlog" { summary @TEXT@; step @TEXT@ }
    runbook "spare" {
        allow "unused-runbook" reason=@TEXT@
        summary @TEXT@
        step @TEXT@
    }
    agent "helper" {
        purpose @TEXT@
        owner "payments"
        model "claude-sonnet" provider="anthropic"
        budget tokens-per-run=200000 tokens-per-day=5000000 usd-per-month=400
        rate-limit requests-per-minute=30
        retry max-attempts=3 backoff="exponential"
        credentials source="vault" ttl="1h"
        allow "read" "k8s:shop/*"
        allow "deploy" "k8s:shop/api"
        deny "read" "datastore:shop/orders"
        guardrail "pii" action="redact"
        slo "task-success" objective=95
    }
    gate "data-changes" tier="irreversible" {
        approve team="payments" count=1
    }
    env "staging" {
        service "api" { replicas min=1 max=2 }
    }
}
"#;

/// The plain text the hostile strings are compared with.
const PLAIN: &str = "Plain words of a spec";

/// `text` as a quoted KDL string. Characters KDL reads as syntax or forbids in a document
/// (line breaks, control characters, bidi controls, a byte-order mark) are escaped.
fn kdl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{200E}'..='\u{200F}'
                        | '\u{2028}'..='\u{2029}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{FEFF}'
                ) =>
            {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every output file of the workspace with `text` in every free-text field, as bytes by path.
fn build(text: &str) -> BTreeMap<String, String> {
    let literal = kdl_string(text);
    let checked = check_files(
        Input {
            name: "gantry.kdl".into(),
            text: WORKSPACE.replace("@TEXT@", &literal).into(),
        },
        vec![Input {
            name: "shop.kdl".into(),
            text: FEATURE.replace("@TEXT@", &literal).into(),
        }],
    );
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{text:?} gives errors: {errors:#?}");
    let mut emitted = Vec::new();
    for environment in &checked.environments {
        let model = Model::of(&checked, &environment.name).expect("a model");
        for (target, emit) in gantry_targets::all() {
            let artifacts = emit
                .collect(&model)
                .unwrap_or_else(|d| panic!("{target} fails on {text:?}: {d:#?}"));
            emitted.push(Emitted {
                environment: environment.name.clone(),
                target: target.to_string(),
                artifacts,
            });
        }
    }
    let span = checked.workspace.as_ref().expect("a workspace").name.span;
    let tree = render(&emitted, span).unwrap_or_else(|d| panic!("{text:?}: {d:#?}"));
    tree.files
        .into_iter()
        .map(|(path, file)| (path, String::from_utf8(file.bytes).expect("UTF-8")))
        .collect()
}

/// Markdown is text for people: line breaks may become spaces, whitespace runs collapse, the
/// ends of a block are trimmed, and NUL reads back as U+FFFD. Both sides are compared so.
fn as_markdown_reads(text: &str) -> String {
    let replaced: String = text
        .chars()
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn occurrences(reading: &Reading, text: &str, markdown: bool) -> usize {
    if markdown {
        let needle = as_markdown_reads(text);
        reading
            .strings
            .iter()
            .map(|s| as_markdown_reads(s).matches(needle.as_str()).count())
            .sum()
    } else {
        reading.strings.iter().filter(|s| s.contains(text)).count()
    }
}

/// Cedar and Rego files are parsed by their own engines; a spec's free text must not reach
/// them at all (their statements are built from names).
fn check_policy_file(path: &str, text: &str) -> Result<(), String> {
    if path.ends_with(".cedar") {
        text.parse::<cedar_policy::PolicySet>()
            .map_err(|e| format!("{path}: Cedar: {e}"))?;
    } else if path.ends_with(".cedarschema") {
        let (_schema, _warnings) = cedar_policy::Schema::from_cedarschema_str(text)
            .map_err(|e| format!("{path}: Cedar schema: {e}"))?;
    } else if path.ends_with(".rego") {
        regorus::Engine::new()
            .add_policy(path.to_string(), text.to_string())
            .map_err(|e| format!("{path}: Rego: {e}"))?;
    } else {
        return Err(format!("{path}: no reader for this format"));
    }
    Ok(())
}

struct Plain {
    files: BTreeMap<String, String>,
    readings: BTreeMap<String, Reading>,
}

static PLAIN_BUILD: LazyLock<Plain> = LazyLock::new(|| {
    let files = build(PLAIN);
    let mut readings = BTreeMap::new();
    for (path, text) in &files {
        match read_back(path, text) {
            Ok(Some(reading)) => {
                readings.insert(path.clone(), reading);
            }
            Ok(None) => check_policy_file(path, text).unwrap_or_else(|e| panic!("{e}")),
            Err(e) => panic!("{e}"),
        }
    }
    Plain { files, readings }
});

/// The whole comparison for one hostile string.
fn survives(hostile: &str) -> Result<(), TestCaseError> {
    let plain = &*PLAIN_BUILD;
    let files = build(hostile);
    prop_assert_eq!(
        files.keys().collect::<Vec<_>>(),
        plain.files.keys().collect::<Vec<_>>(),
        "the set of files changed"
    );
    let mut found = 0;
    for (path, text) in &files {
        let Some(plain_reading) = plain.readings.get(path) else {
            check_policy_file(path, text).map_err(TestCaseError::fail)?;
            prop_assert_eq!(
                text,
                &plain.files[path],
                "{} holds spec text; it is built from names only",
                path
            );
            continue;
        };
        let reading = read_back(path, text)
            .map_err(TestCaseError::fail)?
            .ok_or_else(|| TestCaseError::fail(format!("{path}: unread")))?;
        prop_assert_eq!(
            &reading.shape,
            &plain_reading.shape,
            "{} changed structure\n--- file ---\n{}",
            path,
            text
        );
        let markdown = path.ends_with(".md");
        let expected = occurrences(plain_reading, PLAIN, markdown);
        // Prometheus reads alert annotations as Go templates: there the text is written with
        // each `{{` as the action that prints it.
        let as_written = if path.contains("/prometheus/") {
            hostile.replace("{{", "{{ \"{{\" }}")
        } else {
            hostile.to_string()
        };
        let actual = occurrences(&reading, &as_written, markdown);
        found += actual;
        // A short hostile string may also occur in gantry's own text, never less often.
        prop_assert!(
            actual >= expected,
            "{}: the text is back {} times, plain text {} times\n--- file ---\n{}",
            path,
            actual,
            expected,
            text
        );
    }
    prop_assert!(found > 0, "the text reached no output");
    Ok(())
}

/// Pieces that mean something in one of the output languages, or to a reader of them.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\"",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "${",
    "${var.x}",
    "%{",
    "%{ if x }",
    "$${",
    "{{",
    "}}",
    "{{ .Values }}",
    "{{ $labels.job }}",
    "*",
    "**",
    "&",
    "&amp;",
    "|",
    "#",
    "# ",
    "---",
    "...",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "true",
    "0777",
    "12:30",
    "1e3",
    "<<",
    "- ",
    "? ",
    ": ",
    "@",
    "`",
    "```",
    "!",
    "!!str",
    "[",
    "]",
    "{",
    "}",
    ">",
    "<script>",
    "- [x]",
    "1. ",
    "> ",
    "= ",
    "_",
    "$",
    "%",
    "\\n",
    "\u{0}",
    "\u{1}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{202E}",
    "\u{200F}",
    "\u{FEFF}",
    "שלום",
    "مرحبا",
    "😀",
    "👩‍💻",
    "e\u{301}",
    " ",
    "  ",
    "a",
    "text",
    "permit(",
    "forbid",
    "deny[",
    "import",
    "//",
    "/*",
];

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..6)
        .prop_map(|pieces| pieces.concat())
        // Empty or blank text is a value of its own kind; it is tested below by name.
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

proptest! {
    // No regression file in the source tree: failures print their minimal input.
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_string_changes_the_structure_of_an_output(text in hostile()) {
        survives(&text)?;
    }
}

/// The pieces one by one (leading characters matter to YAML and Markdown), and a few strings
/// known to break naive emitters.
#[test]
fn every_piece_and_the_known_offenders() {
    let known = [
        "yes",
        "- item",
        "? key",
        ": value",
        "@handle",
        "`cmd`",
        "${aws_iam_role.x.arn} %{ for x in y }",
        "x ${a} %${b}",
        "{{ query \"up\" }}",
        "a\nb\r\nc",
        "ends with a line break\n",
        "trailing space ",
        " leading space",
        "#channel",
        "a: b\nc: d",
        "\"quoted\" and 'single'",
        "back\\slash\\",
        "NUL\u{0}byte",
        "\u{202E}reversed",
        "emoji 😀 and שלום",
        "--- \n...",
    ];
    let failures: Vec<String> = PIECES
        .iter()
        .copied()
        .filter(|p| !p.trim().is_empty())
        .chain(known)
        .filter_map(|text| survives(text).err().map(|e| format!("{text:?}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} strings change an output:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
