//! A rule of `Scope::Feature` is run feature by feature, and the language server keeps a
//! feature's findings until that feature changes. That is sound only if the rule reads no other
//! feature: here every such rule, run over each whole environment of every fixture and example,
//! finds exactly what it finds run one feature at a time.

use std::path::Path;
use std::sync::Arc;

use gantry::ast::Feature;
use gantry::check::{Checked, EnvironmentView};
use gantry::feature_index::FeatureIndex;
use gantry::lint::{Finding, LintContext, Rule, Scope};
use gantry_tests::{Fixture, repo_root};

/// What `rule` finds in every environment when it sees `environments` and `written`.
fn run(
    checked: &Checked,
    rule: &Rule,
    environments: &[EnvironmentView],
    written: &[Arc<Feature>],
) -> Vec<String> {
    let written_index = FeatureIndex::new(written);
    let mut out = Vec::new();
    for view in environments {
        let cx = LintContext {
            workspace: checked.workspace.as_ref(),
            environment: &view.name,
            features: &view.features,
            view,
            environments,
            written,
            written_index: &written_index,
            documents: &[],
            all_documents: &[],
            presets: &checked.presets,
            risk: &checked.risk,
            sources: &checked.sources,
        };
        let mut found: Vec<Finding> = Vec::new();
        (rule.check)(&cx, &mut found);
        out.extend(found.iter().map(|f| {
            format!(
                "{} {:?} {} {:?} {:?}",
                view.name, f.span, f.message, f.subject, f.secondary
            )
        }));
    }
    out
}

/// What `rule` finds in `checked`: over every feature at once, or feature by feature with only
/// what a feature-scoped rule may read (the features of that name, in every environment and as
/// written) in sight.
fn findings(checked: &Checked, rule: &Rule, one_at_a_time: bool) -> Vec<String> {
    let mut out = if one_at_a_time {
        let mut names: Vec<&str> = checked
            .features
            .iter()
            .map(|f| f.name.value.as_str())
            .collect();
        names.dedup();
        let named = |features: &[Arc<Feature>], name: &str| -> Vec<Arc<Feature>> {
            features
                .iter()
                .filter(|f| f.name.value == name)
                .cloned()
                .collect()
        };
        let mut out = Vec::new();
        for name in names {
            let environments: Vec<EnvironmentView> = checked
                .environments
                .iter()
                .map(|e| EnvironmentView::new(e.name.clone(), named(&e.features, name)))
                .collect();
            out.extend(run(
                checked,
                rule,
                &environments,
                &named(&checked.features, name),
            ));
        }
        out
    } else {
        run(checked, rule, &checked.environments, &checked.features)
    };
    out.sort();
    out.dedup();
    out
}

fn workspaces() -> Vec<(String, Checked)> {
    let root = repo_root();
    let mut out = Vec::new();
    for example in ["examples/checkout", "examples/platform"] {
        let (_, checked) =
            gantry::check::check_path(&gantry::vfs::OsFs, &root.join(example)).expect("an example");
        out.push((example.to_string(), checked));
    }
    let pattern = root.join("tests/fixtures");
    let mut fixtures: Vec<_> = walk(&pattern);
    fixtures.sort();
    for path in fixtures {
        if let Some(fixture) = Fixture::load(&path) {
            out.push((path.display().to_string(), fixture.check()));
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a fixtures folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
    out
}

#[test]
fn feature_scoped_rules_find_the_same_one_feature_at_a_time() {
    let rules: Vec<&Rule> = gantry::rules::lints()
        .filter(|r| r.scope == Scope::Feature)
        .collect();
    assert!(rules.len() > 20, "most rules are feature-scoped");
    let workspaces = workspaces();
    assert!(workspaces.len() > 100, "the fixtures are read");
    let mut judged = 0;
    for (name, checked) in &workspaces {
        for rule in &rules {
            let whole = findings(checked, rule, false);
            let apart = findings(checked, rule, true);
            assert_eq!(whole, apart, "{} in {name}", rule.id);
            judged += whole.len();
        }
    }
    assert!(
        judged > 100,
        "the rules find something to compare: {judged}"
    );
}
