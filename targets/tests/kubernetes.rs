//! The kubernetes target: the output tree of every example, every object valid against its
//! schema, the canary gated at the SLO's page threshold, strings that survive YAML, replicas
//! left to the HPA, and the controller's own checks pre-empted as diagnostics.

mod support;

use gantry::consequences::page_threshold;
use gantry::diagnostics::Severity;
use gantry::values::Duration;
use serde_json::Value;
use support::schemas::Schemas;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

/// The whole tree, one file after another with `--- path` headers, as the writer renders it.
#[test]
fn output_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("the example emits");
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
fn every_object_matches_its_schema() {
    let schemas = Schemas::new();
    let mut failures = Vec::new();
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("the example emits");
            for (path, object) in objects(&artifacts) {
                for error in schemas.errors(object) {
                    failures.push(format!("{example_name}/{environment}/{path}: {error}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn failure_threshold(template: &Value, metric: &str) -> f64 {
    let metric = template["spec"]["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["name"] == metric))
        .unwrap_or_else(|| panic!("no metric {metric}"));
    let condition = metric["failureCondition"]
        .as_str()
        .expect("a failureCondition");
    condition
        .strip_prefix("result[0] > ")
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("unexpected condition {condition}"))
}

#[test]
fn the_canary_fails_at_the_slos_page_threshold() {
    let checked = example("checkout");
    let thirty_days = Duration::from_minutes(30 * 24 * 60);
    for (environment, availability) in [("prod", 99.9), ("staging", 99.0)] {
        let artifacts = emit(&checked, environment).expect("emits");
        let template = find(
            &artifacts,
            "checkout/analysistemplate-checkout-api-error-budget.yaml",
        );
        for (metric, objective) in [("availability", availability), ("latency", 99.0)] {
            let got = failure_threshold(template, metric);
            let want = page_threshold(objective, thirty_days);
            assert!(
                (got - want).abs() < 1e-9,
                "{environment}/{metric}: {got} != {want}"
            );
        }
    }
    let prod = emit(&checked, "prod").expect("emits");
    let template = find(
        &prod,
        "checkout/analysistemplate-checkout-api-error-budget.yaml",
    );
    assert_eq!(failure_threshold(template, "availability"), 0.0144);
    let query = template["spec"]["metrics"][0]["provider"]["prometheus"]["query"].as_str();
    assert_eq!(
        query,
        Some(
            r#"1 - ((sum(rate(http_requests_total{job="checkout-api",code!~"5.."}[5m]))) / (sum(rate(http_requests_total{job="checkout-api"}[5m]))))"#
        )
    );
    for metric in template["spec"]["metrics"].as_array().expect("metrics") {
        assert!(
            metric["count"].as_u64().is_some_and(|c| c > 0),
            "count is never 0"
        );
    }
}

#[test]
fn no_replicas_when_an_hpa_owns_the_workload() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("emits");
            let objects = objects(&artifacts);
            let scaled: Vec<(&str, &str)> = objects
                .iter()
                .filter(|(_, o)| o["kind"] == "HorizontalPodAutoscaler")
                .map(|(_, o)| {
                    let target = &o["spec"]["scaleTargetRef"];
                    (
                        target["kind"].as_str().unwrap_or(""),
                        target["name"].as_str().unwrap_or(""),
                    )
                })
                .collect();
            let mut workloads = 0;
            for (path, object) in &objects {
                let kind = object["kind"].as_str().unwrap_or("");
                if kind != "Deployment" && kind != "Rollout" {
                    continue;
                }
                workloads += 1;
                let name = object["metadata"]["name"].as_str().unwrap_or("");
                let has_hpa = scaled.contains(&(kind, name));
                let has_replicas = object["spec"].get("replicas").is_some();
                assert_ne!(has_hpa, has_replicas, "{example_name}/{environment}/{path}");
            }
            assert!(workloads > 0);
        }
    }
    // payments' webhooks run exactly one replica in staging: no HPA, a fixed count.
    let staging = emit(&example("checkout"), "staging").expect("emits");
    let webhooks = find(&staging, "payments/deployment-payments-webhooks.yaml");
    assert_eq!(webhooks["spec"]["replicas"], 1);
}

const WORKSPACE: &str = r#"
workspace "tests" {
    environment "prod"
    flags provider="openfeature-operator"
    team "payments" {
        oncall pager="payments-pager"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
}
"#;

/// A clean feature with a canary deploy, whose steps, env value and flag variant are given.
fn feature(steps: &str, env_value: &str, variant_value: &str) -> String {
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
        env "GREETING" value={env}
    }}
    flag "greeting-style" default="plain" {{
        variant "plain" value="hello"
        variant "odd" value={variant}
    }}
    deploy strategy="canary" {{
        {steps}
        rollback-when slo="availability"
    }}
    telemetry {{ metrics path="/metrics" port=9090; }}
    slo "availability" objective=99.5 runbook="api-down" {{
        ratio preset="std/http-availability"
    }}
    runbook "api-down" {{ summary "The API fails requests"; step "Roll back"; }}
}}
"#,
        env = kdl_string(env_value),
        variant = kdl_string(variant_value),
    )
}

const GOOD_STEPS: &str = r#"step weight=20 pause="5m"
        step weight=60 approve="payments""#;

#[test]
fn hostile_strings_come_back_unchanged() {
    let hostile = [
        "yes",
        "no",
        "on",
        "off",
        "null",
        "~",
        "true",
        "0777",
        "1e3",
        "12:30",
        "2024-01-01",
        "*alias",
        "&anchor",
        "!tag",
        "- item",
        "key: value",
        "# not a comment",
        "a # b",
        "{{job}}",
        "{{",
        "}}",
        "'single'",
        "\"double\"",
        "line one\nline two",
        "trailing ",
        " leading",
        "[1, 2]",
        "{a: 1}",
        "%YAML",
        "---",
        "...",
        "@at",
        "`tick`",
        "<<",
        "=",
        "back\\slash",
        "tab\there",
        "ünïcødé",
        "👍",
    ];
    for text in hostile {
        let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(GOOD_STEPS, text, text))]);
        let artifacts = emit(&checked, "prod").expect("emits");
        for artifact in &artifacts {
            let written = yaml(artifact);
            let back: Value = serde_saphyr::from_str(&written).unwrap_or_else(|e| {
                panic!(
                    "{text:?}: {} does not parse back: {e}\n{written}",
                    artifact.path
                )
            });
            let gantry::artifact::Content::Yaml(docs) = &artifact.content else {
                continue;
            };
            assert_eq!(
                &back, &docs[0],
                "{text:?} changed the structure of {}",
                artifact.path
            );
        }
        let deployment = find(&artifacts, "shop/rollout-shop-api.yaml");
        let env = &deployment["spec"]["template"]["spec"]["containers"][0]["env"][0];
        assert_eq!(env["value"], text);
        let config_map = find(&artifacts, "shop/configmap-shop-flags.yaml");
        let flags: Value = serde_json::from_str(
            config_map["data"]["flags.flagd.json"]
                .as_str()
                .expect("flags"),
        )
        .expect("flagd JSON parses");
        assert_eq!(flags["flags"]["greeting-style"]["variants"]["odd"], text);
        let feature_flag = find(&artifacts, "shop/featureflag-shop-flags.yaml");
        assert_eq!(
            feature_flag["spec"]["flagSpec"]["flags"]["greeting-style"]["variants"]["odd"],
            text
        );
    }
}

/// The errors the check finds in a feature with these deploy steps: the ones Argo's controller
/// would otherwise find in the Rollout.
fn step_diagnostics(steps: &str) -> Vec<String> {
    let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(steps, "x", "y"))]);
    checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let (line, column) = checked
                .sources
                .get(d.primary.span.file)
                .line_col(d.primary.span.start);
            format!("{} at {line}:{column}: {}", d.id, d.message)
        })
        .collect()
}

#[test]
fn invalid_canary_steps_are_found_by_the_check() {
    assert!(step_diagnostics(GOOD_STEPS).is_empty());
    let cases = [
        (
            "falling weights",
            "step weight=50 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "equal weights",
            "step weight=20 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "weight zero",
            "step weight=0 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "two waits",
            "step weight=20 pause=\"5m\" approve=\"payments\"",
        ),
        ("no weight at all", "step pause=\"5m\""),
    ];
    let mut report = String::new();
    for (case, steps) in cases {
        let found = step_diagnostics(steps);
        assert!(!found.is_empty(), "{case}: no diagnostic");
        assert!(
            found.iter().all(|d| d.starts_with("invalid-value")),
            "{case}: {found:?}"
        );
        report.push_str(&format!("{case}:\n"));
        for d in found {
            report.push_str(&format!("  {d}\n"));
        }
    }
    insta::assert_snapshot!(report);
}

/// Guards the guard: a schema check that passes everything would prove nothing.
#[test]
fn the_schemas_reject_what_a_cluster_would() {
    let schemas = Schemas::new();
    let staging = emit(&example("checkout"), "staging").expect("emits");
    let mut deployment = find(&staging, "payments/deployment-payments-webhooks.yaml").clone();
    assert!(schemas.errors(&deployment).is_empty());
    deployment["spec"]["replica"] = serde_json::json!(2);
    assert!(
        !schemas.errors(&deployment).is_empty(),
        "an unknown field fails"
    );
    let mut rollout = find(&staging, "checkout/rollout-checkout-api.yaml").clone();
    rollout["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = serde_json::json!(1);
    assert!(
        !schemas.errors(&rollout).is_empty(),
        "a Rollout's pod template is checked"
    );
}

/// A workspace with the given `flags` and `ingress` lines (either may be empty).
fn workspace_with(flags: &str, ingress: &str) -> String {
    WORKSPACE.replace(
        "flags provider=\"openfeature-operator\"",
        &format!("{flags}\n    {ingress}"),
    )
}

/// A rolling feature `shop` with service `api` on `port`, with or without a flag and `expose`.
fn small_feature(port: u16, flag: bool, expose: &str) -> String {
    let flag = if flag {
        "flag \"dark-mode\" default=#false { rollout percent=10; }"
    } else {
        ""
    };
    format!(
        r#"
feature "shop" {{
    owner "payments"
    tier "experimental"
    service "api" {{
        image "registry.acme.example/api:1.0.0" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        port {port}
        probe "readiness" path="/ready"
        probe "liveness" path="/live"
        {expose}
    }}
    {flag}
}}
"#
    )
}

fn pod_spec(artifacts: &[gantry::artifact::Artifact]) -> &Value {
    &find(artifacts, "shop/deployment-shop-api.yaml")["spec"]["template"]["spec"]
}

fn container<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    pod["containers"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
}

fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a Value> {
    container["env"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["name"] == name))
        .map(|e| &e["value"])
}

#[test]
fn a_feature_with_flags_runs_a_hardened_flagd_sidecar() {
    let schemas = Schemas::new();
    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", &small_feature(8080, true, ""))],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    let pod = pod_spec(&artifacts);
    let flagd = container(pod, "flagd").expect("a flagd sidecar");
    assert_eq!(
        flagd["args"],
        serde_json::json!(["start", "--uri", "file:/etc/flagd/flags.flagd.json"])
    );
    assert_eq!(
        flagd["image"]
            .as_str()
            .map(|i| i.starts_with("ghcr.io/open-feature/flagd@sha256:")),
        Some(true),
        "the pinned default, by digest"
    );
    assert_eq!(flagd["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(flagd["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(flagd["livenessProbe"]["httpGet"]["port"], 8014);
    let ports: Vec<&Value> = flagd["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .map(|p| &p["containerPort"])
        .collect();
    assert_eq!(ports, [8013, 8014]);
    // Hardened exactly like the app's container.
    let app = container(pod, "api").expect("the app");
    assert_eq!(flagd["securityContext"], app["securityContext"]);
    assert_eq!(flagd["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(flagd["securityContext"]["capabilities"]["drop"][0], "ALL");
    for bound in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(flagd["resources"][bound][resource].is_string());
        }
    }
    // The flags ConfigMap, mounted read-only where flagd reads it.
    assert_eq!(
        flagd["volumeMounts"],
        serde_json::json!([{ "name": "flagd-flags", "mountPath": "/etc/flagd", "readOnly": true }])
    );
    let volume = pod["volumes"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["name"] == "flagd-flags"))
        .expect("the flags volume");
    assert_eq!(volume["configMap"]["name"], "shop-flags");
    find(&artifacts, "shop/configmap-shop-flags.yaml");
    // The app finds flagd where OpenFeature's providers look.
    assert_eq!(
        env_value(app, "FLAGD_HOST"),
        Some(&serde_json::json!("localhost"))
    );
    assert_eq!(
        env_value(app, "FLAGD_PORT"),
        Some(&serde_json::json!("8013"))
    );
    for (path, object) in objects(&artifacts) {
        assert!(schemas.errors(object).is_empty(), "{path}");
    }
}

#[test]
fn no_flagd_sidecar_without_flags_or_with_the_operator() {
    let without_flags = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", &small_feature(8080, false, ""))],
    );
    let artifacts = emit(&without_flags, "prod").expect("emits");
    let pod = pod_spec(&artifacts);
    assert_eq!(pod["containers"].as_array().map(Vec::len), Some(1));
    assert_eq!(pod["volumes"].as_array().map(Vec::len), Some(1));
    let app = container(pod, "api").expect("the app");
    assert_eq!(env_value(app, "FLAGD_HOST"), None);

    // The operator injects flagd itself: no sidecar, but the FeatureFlag resource stays.
    let operator = workspace(WORKSPACE, &[("shop.kdl", &small_feature(8080, true, ""))]);
    let artifacts = emit(&operator, "prod").expect("emits");
    let pod = pod_spec(&artifacts);
    assert!(container(pod, "flagd").is_none());
    assert_eq!(pod["containers"].as_array().map(Vec::len), Some(1));
    find(&artifacts, "shop/featureflag-shop-flags.yaml");
    find(&artifacts, "shop/configmap-shop-flags.yaml");
}

#[test]
fn the_workspace_chooses_the_flagd_image() {
    let digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    let flags = format!(
        "flags provider=\"flagd\" image=\"registry.acme.example/mirror/flagd:v0.16.1\" digest=\"{digest}\""
    );
    let checked = workspace(
        &workspace_with(&flags, ""),
        &[("shop.kdl", &small_feature(8080, true, ""))],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    let flagd = container(pod_spec(&artifacts), "flagd").expect("a flagd sidecar");
    assert_eq!(
        flagd["image"],
        format!("registry.acme.example/mirror/flagd@{digest}")
    );
    // An image without a digest runs as given.
    let checked = workspace(
        &workspace_with(
            "flags provider=\"flagd\" image=\"registry.acme.example/mirror/flagd:v0.16.1\"",
            "",
        ),
        &[("shop.kdl", &small_feature(8080, true, ""))],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    let flagd = container(pod_spec(&artifacts), "flagd").expect("a flagd sidecar");
    assert_eq!(flagd["image"], "registry.acme.example/mirror/flagd:v0.16.1");
}

#[test]
fn a_service_on_flagds_port_is_a_diagnostic() {
    // Found by the check, before any target runs.
    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", &small_feature(8013, true, ""))],
    );
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.id == "invalid-value" && d.message.contains("8013")),
        "{:?}",
        checked.diagnostics
    );
    // With the operator, which injects flagd itself, or without flags, the port is free.
    let operator = workspace(
        &workspace_with("flags provider=\"openfeature-operator\"", ""),
        &[("shop.kdl", &small_feature(8013, true, ""))],
    );
    assert!(
        emit(&operator, "prod").is_ok(),
        "{:?}",
        operator.diagnostics
    );
    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", &small_feature(8013, false, ""))],
    );
    assert!(emit(&checked, "prod").is_ok());
}

#[test]
fn an_exposed_service_gets_an_ingress_and_admits_the_controller() {
    let schemas = Schemas::new();
    let checked = workspace(
        &workspace_with(
            "flags provider=\"flagd\"",
            "ingress class=\"internal\" namespace=\"edge\"",
        ),
        &[(
            "shop.kdl",
            &small_feature(
                8080,
                false,
                "expose host=\"shop.acme.example\" path=\"/api\"",
            ),
        )],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    let ingress = find(&artifacts, "shop/ingress-shop-api.yaml");
    assert!(schemas.errors(ingress).is_empty());
    let spec = &ingress["spec"];
    assert_eq!(spec["ingressClassName"], "internal");
    assert_eq!(spec["tls"][0]["hosts"][0], "shop.acme.example");
    assert_eq!(spec["tls"][0]["secretName"], "shop-api-tls");
    let rule = &spec["rules"][0];
    assert_eq!(rule["host"], "shop.acme.example");
    let path = &rule["http"]["paths"][0];
    assert_eq!(path["path"], "/api");
    assert_eq!(path["pathType"], "Prefix");
    assert_eq!(path["backend"]["service"]["name"], "shop-api");
    assert_eq!(path["backend"]["service"]["port"]["number"], 8080);
    let policy = find(&artifacts, "shop/networkpolicy-shop-api.yaml");
    let admits_controller = policy["spec"]["ingress"]
        .as_array()
        .expect("ingress rules")
        .iter()
        .any(|rule| {
            rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                == "edge"
                && rule["ports"][0]["port"] == 8080
        });
    assert!(admits_controller, "{policy}");
}

#[test]
fn the_ingress_defaults_and_no_ingress_without_expose() {
    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[(
            "shop.kdl",
            &small_feature(8080, false, "expose host=\"shop.acme.example\""),
        )],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    let ingress = find(&artifacts, "shop/ingress-shop-api.yaml");
    assert_eq!(ingress["spec"]["ingressClassName"], "nginx");
    assert_eq!(ingress["spec"]["rules"][0]["http"]["paths"][0]["path"], "/");
    let policy = find(&artifacts, "shop/networkpolicy-shop-api.yaml");
    assert_eq!(
        policy["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "ingress-nginx"
    );

    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", &small_feature(8080, false, ""))],
    );
    let artifacts = emit(&checked, "prod").expect("emits");
    assert!(
        objects(&artifacts)
            .iter()
            .all(|(_, o)| o["kind"] != "Ingress"),
        "no Ingress without expose"
    );
    let policy = find(&artifacts, "shop/networkpolicy-shop-api.yaml");
    assert_eq!(
        policy["spec"]["ingress"],
        serde_json::json!([]),
        "nobody calls it, nothing exposes it: everything denied"
    );
}

/// A scaffold whose image was never set checks cleanly, but its workload would name no program:
/// the build refuses it at the service, and writes nothing.
#[test]
fn a_service_without_an_image_is_refused_by_the_build() {
    let spec = small_feature(8080, false, "").replace(
        "image \"registry.acme.example/api:1.0.0\" digest=\"sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\"",
        "",
    );
    assert!(!spec.contains("image "), "{spec}");
    let checked = workspace(&workspace_with("", ""), &[("shop.kdl", &spec)]);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let Err(diagnostics) = emit(&checked, "prod") else {
        panic!("a service without an image was emitted");
    };
    let found: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|d| (d.id, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "missing-required",
            "service `api` has no image: its workload would run nothing"
        )]
    );
}

/// The flagd definitions of a workspace with one feature `spec` that checks cleanly, after
/// flagd's schema has accepted its ConfigMap.
fn flagd_definitions(spec: &str) -> Value {
    let checked = workspace(
        &workspace_with("flags provider=\"flagd\"", ""),
        &[("shop.kdl", spec)],
    );
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let artifacts = emit(&checked, "prod").expect("emits");
    let config_map = find(&artifacts, "shop/configmap-shop-flags.yaml");
    let schemas = Schemas::new();
    assert!(
        schemas.errors(config_map).is_empty(),
        "{:?}",
        schemas.errors(config_map)
    );
    let flags: Value = serde_json::from_str(
        config_map["data"]["flags.flagd.json"]
            .as_str()
            .expect("flags"),
    )
    .expect("flagd JSON parses");
    flags
}

/// `default=50` with no variants serves that one value: its variant holds it, and flagd's
/// schema accepts the definition.
#[test]
fn a_flag_without_variants_serves_its_one_value() {
    let spec = small_feature(8080, true, "").replace(
        "flag \"dark-mode\" default=#false { rollout percent=10; }",
        "flag \"page-size\" default=50",
    );
    let flags = flagd_definitions(&spec);
    let flag = &flags["flags"]["page-size"];
    assert_eq!(flag["variants"], serde_json::json!({ "default": 50 }));
    assert_eq!(flag["defaultVariant"], "default");
}

/// A probe kind the spec does not declare is still there: a TCP check of the service's port,
/// which guesses no path.
#[test]
fn a_service_is_probed_on_its_port_by_default() {
    let spec =
        small_feature(8080, false, "").replace("        probe \"liveness\" path=\"/live\"\n", "");
    assert!(!spec.contains("liveness"), "{spec}");
    let checked = workspace(&workspace_with("", ""), &[("shop.kdl", &spec)]);
    let artifacts = emit(&checked, "prod").expect("emits");
    let api = container(pod_spec(&artifacts), "api").expect("the app's container");
    assert_eq!(
        api["livenessProbe"],
        serde_json::json!({ "tcpSocket": { "port": "http" } })
    );
    assert_eq!(api["readinessProbe"]["httpGet"]["path"], "/ready");
}

/// A variant without `value=` returns its name, and `rollout by=` names the field that splits
/// users between weighted variants; flagd's schema accepts the definition.
#[test]
fn weighted_variants_are_split_by_the_rollouts_field() {
    let spec = small_feature(8080, true, "").replace(
        "flag \"dark-mode\" default=#false { rollout percent=10; }",
        "flag \"ranker\" default=\"baseline\" {
            variant \"baseline\" weight=80
            variant \"neural\" weight=20
            rollout by=\"sessionId\"
        }",
    );
    let flags = flagd_definitions(&spec);
    let flag = &flags["flags"]["ranker"];
    assert_eq!(
        flag["variants"],
        serde_json::json!({ "baseline": "baseline", "neural": "neural" })
    );
    assert_eq!(flag["defaultVariant"], "baseline");
    assert_eq!(
        flag["targeting"],
        serde_json::json!({
            "fractional": [{ "var": "sessionId" }, ["baseline", 80], ["neural", 20]]
        })
    );
}

/// `step approve team="TEAM"` is the same step as `approve="TEAM"` and an `approve` child: the
/// Rollout pauses until a human promotes it, and promotes nothing on its own.
#[test]
fn every_form_of_an_approval_step_pauses_for_a_human() {
    let forms = [
        r#"step approve team="payments""#,
        r#"step approve="payments""#,
        r#"step { approve team="payments"; }"#,
    ];
    let mut rollouts = Vec::new();
    for form in forms {
        let steps = format!(
            "step weight=20 pause=\"5m\"\n        {form}\n        step weight=60 pause=\"5m\""
        );
        let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(&steps, "x", "y"))]);
        assert!(!checked.has_errors(), "{form}: {:?}", checked.diagnostics);
        let artifacts = emit(&checked, "prod").expect("emits");
        let rollout = find(&artifacts, "shop/rollout-shop-api.yaml").clone();
        let canary = &rollout["spec"]["strategy"]["canary"];
        let steps = canary["steps"].as_array().expect("steps");
        assert!(
            steps
                .iter()
                .any(|s| s == &serde_json::json!({ "pause": {} })),
            "{form}: {steps:?}"
        );
        rollouts.push(rollout);
    }
    assert!(rollouts.windows(2).all(|w| w[0] == w[1]));
}
