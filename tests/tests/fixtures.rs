//! Every fixture under tests/fixtures/ gives exactly the diagnostics its `// expect:` comments
//! name (none for `// expect: nothing`), rendered as its snapshot shows, and every
//! `invalid-value` among them says how to fix it. Every rule has a folder of cases that make it
//! fire and cases that pass.

use std::cell::RefCell;

use gantry_tests::{Fixture, actual};

#[test]
fn fixtures() {
    let mismatches = RefCell::new(Vec::new());
    insta::glob!("../fixtures", "*/*/*.kdl", |path| {
        let Some(fixture) = Fixture::load(path) else {
            return;
        };
        let checked = fixture.check();
        let expected = fixture.expected();
        let found = actual(&checked);
        // Every invalid value says how to fix it.
        for d in checked
            .diagnostics
            .iter()
            .filter(|d| d.id == "invalid-value")
        {
            if d.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
                mismatches.borrow_mut().push(format!(
                    "{}: invalid-value without a help: {}",
                    path.display(),
                    d.message
                ));
            }
        }
        if expected.is_empty() && !fixture.expects_nothing() {
            mismatches.borrow_mut().push(format!(
                "{}: no `// expect:` comment (write `// expect: nothing` for a case that passes)",
                path.display()
            ));
        } else if found != expected {
            mismatches.borrow_mut().push(format!(
                "{}:\n  missing:    {:?}\n  unexpected: {:?}",
                path.display(),
                expected.difference(&found).collect::<Vec<_>>(),
                found.difference(&expected).collect::<Vec<_>>()
            ));
        }
        let name = fixture.specs[0]
            .name
            .trim_end_matches(".kdl")
            .replace('/', "__");
        insta::assert_snapshot!(name, fixture.snapshot(&checked));
    });
    let mismatches = mismatches.into_inner();
    assert!(
        mismatches.is_empty(),
        "{} fixtures differ from their expectations:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_rule_has_fixtures_that_fire_and_pass() {
    let root = gantry_tests::repo_root().join("tests/fixtures");
    let mut missing = Vec::new();
    for id in gantry::rules::all_ids() {
        let group = if gantry::rules::LINT_IDS.contains(&id) {
            "rules"
        } else {
            "language"
        };
        let dir = root.join(group).join(id);
        let cases: Vec<Fixture> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| Fixture::load(&e.path()))
                    .collect()
            })
            .unwrap_or_default();
        let fires = cases
            .iter()
            .any(|c| c.expected().iter().any(|(_, rule, _, _)| rule == id));
        let passes = cases.iter().any(Fixture::expects_nothing);
        if !fires {
            missing.push(format!("{group}/{id}: no case where it fires"));
        }
        if group == "rules" && !passes {
            missing.push(format!("{group}/{id}: no case that passes"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
