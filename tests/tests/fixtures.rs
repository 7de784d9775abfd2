//! Every fixture under tests/fixtures/ gives exactly the diagnostics its `// expect:` comments
//! name, rendered as its snapshot shows.

use gantry_tests::{Fixture, actual};

#[test]
fn fixtures() {
    insta::glob!("../fixtures", "*/*.kdl", |path| {
        let Some(fixture) = Fixture::load(path) else { return };
        let checked = fixture.check();
        let expected = fixture.expected();
        assert!(!expected.is_empty(), "{} has no `// expect:` comment", path.display());
        assert_eq!(actual(&checked), expected, "diagnostics of {}", path.display());
        let name = fixture.specs[0].name.trim_end_matches(".kdl").replace('/', "__");
        insta::assert_snapshot!(name, fixture.snapshot(&checked));
    });
}
