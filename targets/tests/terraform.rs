//! The terraform target: the files of every example, parsed back; the guarantees of DESIGN §5
//! checked on the parsed HCL (encryption, deletion protection, no password, no `*` in any
//! policy); spec strings that come back exactly; and the spec problems AWS would refuse reported
//! as diagnostics at the spec.

mod support;

use gantry::artifact::{Artifact, Content};
use gantry::check::Checked;
use gantry::diagnostics::Diagnostic;
use gantry_targets::terraform;
use hcl::expr::Expression;
use hcl::{Block, Body};
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn emit_terraform(checked: &Checked, environment: &str) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    terraform::emit(&model(checked, environment))
}

fn text(artifact: &Artifact) -> &str {
    match &artifact.content {
        Content::Text(text) => text,
        other => panic!("{} is not text: {other:?}", artifact.path),
    }
}

fn parse(artifact: &Artifact) -> Body {
    hcl::parse(text(artifact))
        .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{}", artifact.path, text(artifact)))
}

fn file(artifacts: &[Artifact], path: &str) -> Body {
    let artifact = artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", paths(artifacts)));
    parse(artifact)
}

fn paths(artifacts: &[Artifact]) -> Vec<&str> {
    artifacts.iter().map(|a| a.path.as_str()).collect()
}

/// Every block of a body and of the blocks inside it.
fn all_blocks(body: &Body) -> Vec<&Block> {
    let mut out = Vec::new();
    for block in body.blocks() {
        out.push(block);
        out.extend(all_blocks(block.body()));
    }
    out
}

/// The top-level block `KIND "TYPE" "LABEL"`.
fn block<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> &'a Block {
    body.blocks()
        .find(|b| {
            b.identifier() == kind
                && b.labels()
                    .iter()
                    .map(|l| l.as_str())
                    .eq(labels.iter().copied())
        })
        .unwrap_or_else(|| panic!("no {kind} {labels:?}"))
}

fn attr<'a>(block: &'a Block, key: &str) -> &'a Expression {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
        .unwrap_or_else(|| panic!("no {key} in {block:?}"))
}

fn string(expr: &Expression) -> &str {
    match expr {
        Expression::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

fn strings(expr: &Expression) -> Vec<&str> {
    match expr {
        Expression::Array(items) => items.iter().map(string).collect(),
        other => panic!("not a list: {other:?}"),
    }
}

/// The whole tree, one file after another with `--- path` headers.
#[test]
fn output_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_terraform(&checked, &environment).expect("the example emits");
            assert!(!artifacts.is_empty());
            let mut tree = String::new();
            for artifact in &artifacts {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(text(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

/// What DESIGN §5 promises, on the parsed files of every example.
#[test]
fn every_example_keeps_the_promises() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_terraform(&checked, &environment).expect("emits");
            for artifact in &artifacts {
                let body = parse(artifact);
                let blocks = all_blocks(&body);
                for b in &blocks {
                    let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
                    assert_ne!(labels.first(), Some(&"aws_secretsmanager_secret_version"));
                    for a in b.body().attributes() {
                        assert!(
                            !a.key().contains("password")
                                || a.key() == "manage_master_user_password",
                            "{}: {} in {labels:?}",
                            artifact.path,
                            a.key()
                        );
                    }
                    // No wildcard action or resource in any policy statement.
                    if b.identifier() == "statement" {
                        for key in ["actions", "resources"] {
                            if let Some(a) = b.body().attributes().find(|a| a.key() == key)
                                && let Expression::Array(items) = a.expr()
                            {
                                for item in items {
                                    if let Expression::String(s) = item {
                                        assert!(!s.contains('*'), "{}: {key} {s}", artifact.path);
                                    }
                                }
                            }
                        }
                    }
                }
                for db in blocks.iter().filter(|b| {
                    b.labels().first().map(|l| l.as_str()) == Some("aws_db_instance")
                        && b.identifier() == "resource"
                }) {
                    for key in [
                        "storage_encrypted",
                        "deletion_protection",
                        "manage_master_user_password",
                        "iam_database_authentication_enabled",
                        "copy_tags_to_snapshot",
                    ] {
                        assert_eq!(attr(db, key), &Expression::Bool(true), "{key}");
                    }
                    assert_eq!(attr(db, "skip_final_snapshot"), &Expression::Bool(false));
                    assert_eq!(attr(db, "publicly_accessible"), &Expression::Bool(false));
                }
            }
            for artifact in artifacts
                .iter()
                .filter(|a| a.path.ends_with("/versions.tf"))
            {
                let body = parse(artifact);
                let terraform_block = block(&body, "terraform", &[]);
                assert_eq!(
                    string(attr(terraform_block, "required_version")),
                    terraform::TERRAFORM_VERSION
                );
                let providers = terraform_block
                    .body()
                    .blocks()
                    .next()
                    .expect("required_providers");
                let Expression::Object(aws) = attr(providers, "aws") else {
                    panic!("aws is not an object");
                };
                let version = aws
                    .iter()
                    .find(|(k, _)| k.to_string() == "version")
                    .map(|(_, v)| string(v))
                    .expect("a version");
                assert_eq!(version, "~> 5.100");
            }
        }
    }
}

#[test]
fn the_provider_tags_everything_for_cost_allocation() {
    let checked = example("checkout");
    let artifacts = emit_terraform(&checked, "prod").expect("emits");
    let main = file(&artifacts, "checkout/main.tf");
    let provider = block(&main, "provider", &["aws"]);
    assert_eq!(string(attr(provider, "region")), "eu-west-1");
    let tags = provider.body().blocks().next().expect("default_tags");
    let Expression::Object(tags) = attr(tags, "tags") else {
        panic!("tags is not an object");
    };
    let tags: Vec<(String, &str)> = tags
        .iter()
        .map(|(k, v)| (k.to_string(), string(v)))
        .collect();
    assert_eq!(
        tags,
        vec![
            ("feature".to_string(), "checkout"),
            ("owner".to_string(), "payments"),
            ("environment".to_string(), "prod"),
            ("managed-by".to_string(), "gantry"),
        ]
    );
}

#[test]
fn databases_follow_the_spec_and_the_tier() {
    let checked = example("checkout");
    let artifacts = emit_terraform(&checked, "prod").expect("emits");
    let payments = file(&artifacts, "payments/main.tf");
    let ledger = block(
        &payments,
        "resource",
        &["aws_db_instance", "payments_ledger"],
    );
    assert_eq!(string(attr(ledger, "identifier")), "payments-ledger-prod");
    assert_eq!(string(attr(ledger, "instance_class")), "db.r6g.large");
    assert_eq!(string(attr(ledger, "engine_version")), "16");
    assert_eq!(attr(ledger, "allocated_storage"), &Expression::from(500u64));
    assert_eq!(
        attr(ledger, "backup_retention_period"),
        &Expression::from(35u64)
    );
    assert_eq!(string(attr(ledger, "backup_window")), "02:00-03:00");
    assert_eq!(
        attr(ledger, "multi_az"),
        &Expression::Bool(true),
        "critical tier"
    );
    assert_eq!(
        strings(attr(ledger, "enabled_cloudwatch_logs_exports")),
        ["postgresql", "upgrade"]
    );
    // The checkout database has no `backup window=` and no version: AWS picks the window,
    // gantry the engine's default major version.
    let checkout = file(&artifacts, "checkout/main.tf");
    let orders = block(
        &checkout,
        "resource",
        &["aws_db_instance", "checkout_orders"],
    );
    assert!(
        orders
            .body()
            .attributes()
            .all(|a| a.key() != "backup_window")
    );
    assert_eq!(
        attr(orders, "backup_retention_period"),
        &Expression::from(14u64)
    );

    // A standard-tier feature's database runs in one zone.
    let platform = example("platform");
    let artifacts = emit_terraform(&platform, "prod").expect("emits");
    let main = file(&artifacts, "incident-tools/main.tf");
    let incidents = block(
        &main,
        "resource",
        &["aws_db_instance", "incident_tools_incidents"],
    );
    assert_eq!(attr(incidents, "multi_az"), &Expression::Bool(false));
}

#[test]
fn agent_roles_are_least_privilege() {
    let checked = example("platform");
    let artifacts = emit_terraform(&checked, "prod").expect("emits");
    let main = file(&artifacts, "incident-tools/main.tf");
    let policy = block(
        &main,
        "data",
        &["aws_iam_policy_document", "incident_tools_oncall_triage"],
    );
    let statements: Vec<(String, String, Vec<String>)> = policy
        .body()
        .blocks()
        .map(|s| {
            (
                string(attr(s, "sid")).to_string(),
                string(attr(s, "effect")).to_string(),
                strings(attr(s, "actions"))
                    .iter()
                    .map(|a| a.to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        statements,
        vec![
            (
                "AllowReadDatastoreIncidentToolsIncidents".to_string(),
                "Allow".to_string(),
                vec!["rds-db:connect".to_string()]
            ),
            (
                "DenyReadSecretIncidentToolsIncidentsDb".to_string(),
                "Deny".to_string(),
                vec![
                    "secretsmanager:DescribeSecret".to_string(),
                    "secretsmanager:GetSecretValue".to_string()
                ]
            ),
        ]
    );
    let role = block(
        &main,
        "resource",
        &["aws_iam_role", "incident_tools_oncall_triage"],
    );
    // ttl="15m" is under AWS's one-hour floor for a role's maximum session.
    assert_eq!(
        attr(role, "max_session_duration"),
        &Expression::from(3600u64)
    );
    assert!(matches!(
        attr(role, "permissions_boundary"),
        Expression::Traversal(_)
    ));
    // An agent with no rule on an AWS resource gets no role.
    let roles: Vec<&Block> = main
        .blocks()
        .filter(|b| b.labels().first().map(|l| l.as_str()) == Some("aws_iam_role"))
        .collect();
    assert_eq!(roles.len(), 2, "the triage agent's and RDS monitoring's");
    // checkout's deploy-bot only has a deny on the database: nothing to allow, no role.
    let checkout = example("checkout");
    let artifacts = emit_terraform(&checkout, "prod").expect("emits");
    let main = file(&artifacts, "checkout/main.tf");
    assert!(main.blocks().all(|b| {
        b.labels()
            .iter()
            .all(|l| l.as_str() != "checkout_deploy_bot")
    }));
}

#[test]
fn budgets_sum_the_agents_monthly_budgets() {
    let checked = example("platform");
    // prod: 800 + 300; staging overrides the triage agent to 100.
    for (environment, limit) in [("prod", "1100.00"), ("staging", "400.00")] {
        let artifacts = emit_terraform(&checked, environment).expect("emits");
        let main = file(&artifacts, "incident-tools/main.tf");
        let budget = block(&main, "resource", &["aws_budgets_budget", "incident_tools"]);
        assert_eq!(string(attr(budget, "limit_amount")), limit, "{environment}");
        assert_eq!(string(attr(budget, "time_unit")), "MONTHLY");
        let filter = block(budget.body(), "cost_filter", &[]);
        assert_eq!(
            strings(attr(filter, "values")),
            ["user:feature$incident-tools"]
        );
        let notifications: Vec<(&str, &Expression)> = budget
            .body()
            .blocks()
            .filter(|b| b.identifier() == "notification")
            .map(|n| (string(attr(n, "notification_type")), attr(n, "threshold")))
            .collect();
        assert_eq!(
            notifications,
            vec![
                ("FORECASTED", &Expression::from(80u64)),
                ("ACTUAL", &Expression::from(100u64))
            ]
        );
    }
}

#[test]
fn session_length_follows_the_ttl_within_aws_bounds() {
    for (ttl, seconds) in [
        ("10m", 3600),
        ("2h", 7200),
        ("12h", 43_200),
        ("30h", 43_200),
    ] {
        let checked = workspace(
            WORKSPACE,
            &[(
                "shop.kdl",
                &feature(&Spec {
                    ttl,
                    ..Spec::default()
                }),
            )],
        );
        let artifacts = emit_terraform(&checked, "prod").expect("emits");
        let main = file(&artifacts, "shop/main.tf");
        let role = block(&main, "resource", &["aws_iam_role", "shop_bot"]);
        assert_eq!(
            attr(role, "max_session_duration"),
            &Expression::from(seconds as u64),
            "{ttl}"
        );
    }
}

const WORKSPACE: &str = r#"workspace "acme" {
    targets "terraform"
    environment "prod"
    cloud "aws" region="us-east-2"
    team "shop" { approvers "ops@acme.example"; }
}
"#;

struct Spec<'a> {
    purpose: &'a str,
    size: &'a str,
    window: &'a str,
    ttl: &'a str,
    secret_path: &'a str,
    cache: &'a str,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            purpose: "Reads orders",
            size: "db.t4g.small",
            window: "03:00-04:00",
            ttl: "1h",
            secret_path: "shop/api-key",
            cache: "cache",
        }
    }
}

fn feature(spec: &Spec) -> String {
    format!(
        r#"feature "shop" {{
    owner "shop"
    datastore "orders" kind="postgres" size={size} storage-gb=20 {{
        backup retention-days=3 window={window}
    }}
    datastore {cache} kind="redis" size="cache.t4g.micro"
    datastore "files" kind="s3"
    secret "api-key" from="aws-secretsmanager" path={path}
    agent "bot" {{
        purpose {purpose}
        owner "shop"
        budget tokens-per-day=1000 usd-per-month=20
        rate-limit requests-per-minute=5
        retry max-attempts=2 backoff="exponential"
        credentials source="workload-identity" ttl="{ttl}"
        allow "read" "datastore:shop/orders"
        allow "read" "datastore:shop/files"
        allow "read" "secret:shop/api-key"
        guardrail "pii" action="redact"
        slo "task-success" objective=95
    }}
    gate "data" tier="irreversible" {{ approve team="shop" count=1; }}
}}
"#,
        size = kdl_string(spec.size),
        window = kdl_string(spec.window),
        purpose = kdl_string(spec.purpose),
        path = kdl_string(spec.secret_path),
        cache = kdl_string(spec.cache),
        ttl = spec.ttl,
    )
}

/// Text that would be HCL syntax, an interpolation or a directive if it were not escaped.
const HOSTILE: [&str; 7] = [
    "x ${a} %${b} y",
    "$${already} %%{escaped}",
    "say \"hi\" \\ back\\slash",
    "%{ if true }yes%{ endif }",
    "\"\n}\nresource \"aws_iam_user\" \"evil\" {\n#",
    "${jsonencode(\"*\")}",
    "ends with a backslash \\",
];

#[test]
fn spec_strings_come_back_exactly() {
    for text in HOSTILE {
        // Approvers are e-mail addresses: no whitespace, an `@` and a domain.
        let email = format!("{}@acme.example", text.replace(char::is_whitespace, ""));
        let gantry_kdl = WORKSPACE.replace("\"ops@acme.example\"", &kdl_string(&email));
        let checked = workspace(
            &gantry_kdl,
            &[(
                "shop.kdl",
                &feature(&Spec {
                    purpose: text,
                    ..Spec::default()
                }),
            )],
        );
        let artifacts = emit_terraform(&checked, "prod").expect("emits");
        let main = file(&artifacts, "shop/main.tf");
        let role = block(&main, "resource", &["aws_iam_role", "shop_bot"]);
        assert_eq!(
            string(attr(role, "description")),
            format!("Agent bot of feature shop: {text}")
        );
        let variables = file(&artifacts, "shop/variables.tf");
        let emails = block(&variables, "variable", &["owner_emails"]);
        assert_eq!(strings(attr(emails, "default")), [email.as_str()]);
        // The structure is the same as with a harmless text: no block or attribute added.
        let plain = workspace(WORKSPACE, &[("shop.kdl", &feature(&Spec::default()))]);
        let plain = emit_terraform(&plain, "prod").expect("emits");
        for (hostile_file, plain_file) in artifacts.iter().zip(&plain) {
            let shape = |body: &Body| -> Vec<String> {
                all_blocks(body)
                    .iter()
                    .map(|b| {
                        let keys: Vec<&str> = b.body().attributes().map(|a| a.key()).collect();
                        format!("{} {:?} {keys:?}", b.identifier(), b.labels())
                    })
                    .collect()
            };
            assert_eq!(
                shape(&parse(hostile_file)),
                shape(&parse(plain_file)),
                "{text:?}"
            );
        }
    }
}

#[test]
fn emitted_strings_survive_the_trip_through_hcl() {
    // Every string literal of every file, re-parsed, re-serialized and parsed again, is the
    // same: the output is a fixed point of hcl-rs's reading.
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            for artifact in emit_terraform(&checked, &environment).expect("emits") {
                let body = parse(&artifact);
                let again: Body =
                    hcl::parse(&hcl::to_string(&body).expect("serializes")).expect("parses again");
                assert_eq!(body, again, "{}", artifact.path);
            }
        }
    }
}

/// Which stage stopped a build.
#[derive(Debug, PartialEq)]
enum Found {
    /// `gantry check`, before any target runs.
    ByCheck,
    /// The terraform target.
    ByTarget,
}

/// The errors that stop a build of the spec, and which stage found them.
fn diagnostics(spec: &Spec) -> (Found, Vec<Diagnostic>) {
    let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(spec))]);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        return (Found::ByCheck, errors);
    }
    let found = emit_terraform(&checked, "prod").expect_err("a diagnostic");
    (Found::ByTarget, found)
}

/// The errors of a spec that the check must find.
fn found_by_check(spec: &Spec) -> Vec<Diagnostic> {
    let (stage, found) = diagnostics(spec);
    assert_eq!(stage, Found::ByCheck, "{found:#?}");
    found
}

#[test]
fn what_aws_would_refuse_is_a_diagnostic_at_the_spec() {
    let unknown = found_by_check(&Spec {
        size: "db.t4g.medum",
        ..Spec::default()
    });
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert_eq!(
        unknown[0].help.as_deref(),
        Some("did you mean `db.t4g.medium`?")
    );

    let window = found_by_check(&Spec {
        window: "3am",
        ..Spec::default()
    });
    assert!(
        window[0].message.contains("not a daily window"),
        "{window:#?}"
    );

    let path = found_by_check(&Spec {
        secret_path: "shop/${x}",
        ..Spec::default()
    });
    assert!(path[0].message.contains("Secrets Manager"), "{path:#?}");

    let long = "c".repeat(40);
    let cache = found_by_check(&Spec {
        cache: &long,
        ..Spec::default()
    });
    assert!(
        cache[0].message.contains("replication group id"),
        "{cache:#?}"
    );

    // All of them at once, each at its own line.
    let all = found_by_check(&Spec {
        size: "db.t4g.medum",
        window: "3am",
        secret_path: "a b",
        ..Spec::default()
    });
    assert_eq!(all.len(), 3, "{all:#?}");
    let spans: std::collections::BTreeSet<_> = all.iter().map(|d| d.primary.span).collect();
    assert_eq!(spans.len(), 3);
}

/// IAM descriptions take Latin-1 only: a purpose with typographic punctuation is written with
/// its ASCII form, one in another script is left out of the description, and a long one is
/// cut, so that a description never stops the build.
#[test]
fn the_role_description_is_always_one_iam_accepts() {
    let description = |purpose: &str| {
        let checked = workspace(
            WORKSPACE,
            &[(
                "shop.kdl",
                &feature(&Spec {
                    purpose,
                    ..Spec::default()
                }),
            )],
        );
        let artifacts = emit_terraform(&checked, "prod").expect("emits");
        let main = file(&artifacts, "shop/main.tf");
        let role = block(&main, "resource", &["aws_iam_role", "shop_bot"]);
        string(attr(role, "description")).to_string()
    };
    assert_eq!(
        description("Bumps images \u{2014} \u{201c}carefully\u{201d}\u{2026}"),
        "Agent bot of feature shop: Bumps images - \"carefully\"..."
    );
    assert_eq!(description("robot \u{1f916}"), "Agent bot of feature shop");
    let long = description(&"a".repeat(1500));
    assert_eq!(long.chars().count(), 1000);
    assert!(long.ends_with("..."), "{long}");
}
