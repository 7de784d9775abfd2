//! Every fixture under tests/fixtures/ gives exactly the diagnostics its `// expect:` comments
//! name, rendered as its snapshot shows.

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
        if expected.is_empty() {
            mismatches
                .borrow_mut()
                .push(format!("{}: no `// expect:` comment", path.display()));
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
