//! The bundled examples, the specs of DESIGN.md and the standard library check without a single
//! diagnostic, in every environment.

use std::path::Path;

use gantry::check::check_path;
use gantry::diagnostics::render_human;
use gantry::vfs::OsFs;
use gantry_tests::repo_root;

fn assert_clean(workspace: &Path) {
    assert_clean_but(workspace, &[]);
}

/// Clean but for the warnings `expected` names.
fn assert_clean_but(workspace: &Path, expected: &[&str]) {
    let (_, mut checked) =
        check_path(&OsFs, workspace).unwrap_or_else(|e| panic!("{}: {e}", workspace.display()));
    let mut found: Vec<&str> = Vec::new();
    checked.diagnostics.retain(|d| {
        let known = !d.is_error() && expected.contains(&d.id);
        if known {
            found.push(d.id);
        }
        !known
    });
    assert_eq!(found, expected, "{}", workspace.display());
    assert!(
        checked.diagnostics.is_empty(),
        "{} is not clean:\n{}",
        workspace.display(),
        render_human(&checked.diagnostics, &checked.sources)
    );
    assert!(
        !checked.features.is_empty(),
        "{} has no feature",
        workspace.display()
    );
    let environments = checked
        .workspace
        .as_ref()
        .map_or(0, |w| w.environments.len())
        .max(1);
    assert_eq!(checked.environments.len(), environments);
    for env in &checked.environments {
        assert_eq!(
            env.features.len(),
            checked.features.len(),
            "environment {}",
            env.name
        );
    }
}

#[test]
fn every_example_checks_cleanly() {
    let examples = repo_root().join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&examples).expect("examples/") {
        let path = entry.expect("entry").path();
        if path.join("gantry.kdl").is_file() {
            assert_clean(&path);
            count += 1;
        }
    }
    assert!(count >= 2, "expected at least two examples, found {count}");
}

#[test]
fn design_specs_check_cleanly() {
    // §2's team chats on `#payments-oncall`, a channel no receiver of §2 posts to.
    assert_clean_but(
        &repo_root().join("tests/design"),
        &["team-chat-without-receiver"],
    );
}

#[test]
fn stdlib_checks_cleanly() {
    for parsed in gantry::stdlib::parsed() {
        assert!(
            parsed.doc.is_some(),
            "a stdlib file does not parse: {:?}",
            parsed.diagnostics
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    }
}

#[test]
fn the_design_checkout_feature_lowers_completely() {
    let (_, checked) = check_path(&OsFs, &repo_root().join("tests/design")).expect("workspace");
    let checkout = checked
        .features
        .iter()
        .find(|f| f.name.value == "checkout")
        .expect("checkout");
    assert_eq!(
        checkout.owner.as_ref().map(|o| o.value.as_str()),
        Some("payments")
    );
    let api = &checkout.services[0];
    assert_eq!(api.port.as_ref().map(|p| p.number.value), Some(8080));
    assert_eq!(
        api.replicas
            .as_ref()
            .and_then(|r| r.max.as_ref())
            .map(|m| m.value),
        Some(12)
    );
    assert_eq!(
        api.resources
            .as_ref()
            .and_then(|r| r.cpu.as_ref())
            .map(|c| c.value.0),
        Some(500)
    );
    assert_eq!(api.depends_on[0].value.to_string(), "payments/api");
    let deploy = &checkout.deploys[0];
    assert_eq!(deploy.steps.len(), 3);
    assert_eq!(
        deploy.steps[1].pause.as_ref().map(|p| p.value.as_minutes()),
        Some(10.0)
    );
    let agent = &checkout.agents[0];
    assert_eq!(agent.rules.len(), 4);
    assert_eq!(
        agent
            .budget
            .as_ref()
            .and_then(|b| b.usd_per_month.as_ref())
            .map(|u| u.value),
        Some(400.0)
    );
    // The staging overlay lowers the objective and the replicas; prod keeps the base.
    let objective = |env: &str| {
        let view = checked
            .environments
            .iter()
            .find(|e| e.name == env)
            .expect("environment");
        let feature = view
            .features
            .iter()
            .find(|f| f.name.value == "checkout")
            .expect("checkout");
        let slo = feature
            .slos
            .iter()
            .find(|s| s.name.value == "availability")
            .expect("slo");
        let min = feature.services[0]
            .replicas
            .as_ref()
            .and_then(|r| r.min.as_ref())
            .map(|m| m.value);
        (
            slo.objective.as_ref().map(|o| o.value),
            min,
            feature.services[0].image.is_some(),
        )
    };
    assert_eq!(objective("staging"), (Some(99.0), Some(1), true));
    assert_eq!(objective("prod"), (Some(99.9), Some(3), true));
}

/// A feature that uses `preset` the way its kind is used, clean of every rule otherwise.
fn feature_using(kind: &str, preset: &str) -> String {
    let deploy = match kind {
        "deploy" => format!("deploy use=\"{preset}\" {{ manual-override team=\"payments\" }}"),
        _ => String::new(),
    };
    let indicator = match kind {
        "ratio" => format!("ratio preset=\"{preset}\""),
        "latency" => format!("latency preset=\"{preset}\""),
        _ => "ratio preset=\"std/http-availability\"".to_string(),
    };
    let tier = match kind {
        "tier" => format!("tier \"{preset}\""),
        _ => String::new(),
    };
    let agent = match kind {
        "agent" => format!(
            "agent \"bot\" use=\"{preset}\" {{\n        purpose \"Tests the preset\"\n        model \"claude-sonnet\" provider=\"anthropic\"\n    }}"
        ),
        _ => String::new(),
    };
    format!(
        r#"feature "shop" {{
    owner "payments"
    {tier}
    service "api" {{
        image "registry.acme.example/api:1.0.0" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        port 8080
        replicas min=3 max=6
    }}
    {deploy}
    telemetry {{ metrics path="/metrics" port=9090; }}
    slo "quality" objective=99.5 runbook="api-down" {{
        {indicator}
    }}
    runbook "api-down" {{ summary "The API fails"; step "Roll back the last deploy"; }}
    {agent}
}}
"#
    )
}

#[test]
fn every_preset_checks_cleanly_where_it_is_used() {
    let workspace = gantry::check::Input {
        name: "gantry.kdl".into(),
        text: gantry_tests::read(&repo_root().join("tests/fixtures/rules/gantry.kdl")).into(),
    };
    let checked = gantry::check::check_files(workspace.clone(), Vec::new());
    let presets: Vec<(String, String)> = checked
        .presets
        .presets
        .values()
        .map(|p| {
            (
                p.name.value.clone(),
                p.kind.as_ref().map(|k| k.value.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert!(presets.len() >= 15, "{presets:?}");
    for (name, kind) in presets {
        let spec = gantry::check::Input {
            name: "shop.kdl".into(),
            text: feature_using(&kind, &name).into(),
        };
        let checked = gantry::check::check_files(workspace.clone(), vec![spec.clone()]);
        assert!(
            checked.diagnostics.is_empty(),
            "preset `{name}` ({kind}) in\n{}\n{}",
            spec.text,
            render_human(&checked.diagnostics, &checked.sources)
        );
    }
}

#[test]
fn the_risk_table_is_loaded_and_grades() {
    let checked = gantry::check::check_files(
        gantry::check::Input {
            name: "gantry.kdl".into(),
            text: "workspace \"w\" {\n    risk \"flag\" change=\"delete\" tier=\"irreversible\" reason=\"our flags gate migrations\"\n}\n".into(),
        },
        Vec::new(),
    );
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert!(checked.risk.rows.len() > 30);
    use gantry::risk::RiskTier::*;
    let grade = |kind, change, field| checked.risk.grade(kind, change, field).tier;
    assert_eq!(grade("datastore", "delete", None), Irreversible);
    assert_eq!(grade("service", "update", Some("image")), Reversible);
    assert_eq!(grade("datastore", "update", Some("backup")), Irreversible);
    // The workspace's row overrides the stdlib's.
    assert_eq!(grade("flag", "delete", None), Irreversible);
    // What no row covers needs a human.
    assert_eq!(grade("service", "widen", None), Irreversible);
}
