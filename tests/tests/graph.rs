//! The dependency graph of the examples: a readable Mermaid snapshot per example and
//! environment, and impact queries whose answers the specs imply.

use gantry::check::{Checked, check_path};
use gantry::graph::{EdgeKind, Graph};
use gantry::vfs::OsFs;
use gantry_tests::repo_root;

fn example(name: &str) -> Checked {
    let (_, checked) =
        check_path(&OsFs, &repo_root().join("examples").join(name)).expect("example loads");
    assert!(!checked.has_errors(), "{name} has errors");
    checked
}

fn graph(checked: &Checked, env: &str) -> Graph {
    let view = checked
        .environments
        .iter()
        .find(|e| e.name == env)
        .expect("environment");
    Graph::build(checked.workspace.as_ref(), &view.features)
}

#[test]
fn mermaid_snapshots_of_the_examples() {
    for name in ["checkout", "platform"] {
        let checked = example(name);
        for env in &checked.environments {
            let g = Graph::build(checked.workspace.as_ref(), &env.features);
            insta::assert_snapshot!(format!("graph-{name}-{}", env.name), g.to_mermaid());
        }
    }
}

#[test]
fn a_change_to_payments_api_reaches_checkout_and_what_measures_it() {
    let checked = example("checkout");
    let g = graph(&checked, "prod");
    let start = g.lookup("payments/api").expect("payments/api");
    let reached: Vec<(String, EdgeKind, String)> = g
        .impact(start)
        .into_iter()
        .map(|r| (r.entity.id(), r.via, r.from.id()))
        .collect();
    let has = |id: &str, via: EdgeKind| reached.iter().any(|(e, v, _)| e == id && *v == via);
    assert!(
        has("service:checkout/api", EdgeKind::DependsOn),
        "{reached:#?}"
    );
    assert!(
        reached
            .iter()
            .any(|(e, v, _)| e.starts_with("slo:payments/") && *v == EdgeKind::Measures),
        "{reached:#?}"
    );
    // Through checkout/api, the checkout SLOs that measure it are reached too.
    assert!(
        has("slo:checkout/availability", EdgeKind::Measures),
        "{reached:#?}"
    );
    // The canaries of both services roll back on SLOs the change reaches.
    assert!(
        has("service:checkout/api", EdgeKind::TriggersRollback),
        "{reached:#?}"
    );
    assert!(
        has("service:payments/api", EdgeKind::TriggersRollback),
        "{reached:#?}"
    );
    // The checkout deploy agent may act on checkout's Kubernetes objects.
    assert!(
        has("agent:checkout/deploy-bot", EdgeKind::MayActOn),
        "{reached:#?}"
    );
    // Nothing reaches back into the payments datastore: a caller's change does not touch it.
    assert!(
        !reached.iter().any(|(e, _, _)| e.starts_with("datastore:")),
        "{reached:#?}"
    );
}

#[test]
fn a_team_reaches_its_features_and_gates() {
    let checked = example("checkout");
    let g = graph(&checked, "prod");
    let start = g.lookup("team:payments").expect("team");
    let ids: Vec<String> = g.impact(start).into_iter().map(|r| r.entity.id()).collect();
    assert!(ids.contains(&"feature:checkout".to_string()), "{ids:?}");
    assert!(
        ids.contains(&"gate:checkout/data-changes".to_string()),
        "{ids:?}"
    );
}

#[test]
fn lookups_explain_what_they_cannot_find() {
    let checked = example("checkout");
    let g = graph(&checked, "prod");
    let err = g.lookup("service:checkout/apj").unwrap_err();
    assert!(
        err.contains("did you mean `service:checkout/api`?"),
        "{err}"
    );
    // Without its kind, or its feature, the did-you-mean is still one `--impact` takes as is.
    let err = g.lookup("checkout/apj").unwrap_err();
    assert!(
        err.contains("did you mean `service:checkout/api`?"),
        "{err}"
    );
    let err = g.lookup("availabilty").unwrap_err();
    assert!(
        err.ends_with("did you mean `slo:checkout/availability`?"),
        "{err}"
    );
    // Both features have a service `api`: both are offered.
    let err = g.lookup("apj").unwrap_err();
    assert!(
        err.contains("did you mean `service:checkout/api` or `service:payments/api`?"),
        "{err}"
    );
    for suggested in ["service:checkout/api", "slo:checkout/availability"] {
        assert!(g.lookup(suggested).is_ok(), "{suggested}");
    }
}

#[test]
fn every_format_is_deterministic() {
    let checked = example("platform");
    let a = graph(&checked, "prod");
    let b = graph(&checked, "prod");
    assert_eq!(a.to_dot(), b.to_dot());
    assert_eq!(a.to_json(), b.to_json());
    let json: serde_json::Value = serde_json::from_str(&a.to_json()).expect("valid JSON");
    assert!(json["edges"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(a.to_dot().starts_with("digraph gantry {"));
}
