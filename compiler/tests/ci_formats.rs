//! The CI output formats: SARIF validated against the vendored SARIF 2.1.0 schema, and GitHub
//! Actions workflow commands, line for line. The workspace is checked in memory.

use gantry::check::{Checked, Input, check_files};
use gantry::diagnostics::{Diagnostic, render_github, render_sarif};
use gantry::rules::LINT_IDS;
use gantry::source::Span;
use serde_json::{Value, json};

const SARIF_SCHEMA: &str = include_str!("../../stdlib/schemas/sarif-schema-2.1.0.json");

/// A workspace whose lints are all allowed but `service-without-slo`, which warns, so that the
/// test does not move when a rule is added.
fn workspace_file() -> String {
    let allowed: Vec<String> = LINT_IDS
        .iter()
        .filter(|id| **id != "service-without-slo")
        .map(|id| format!("\"{id}\""))
        .collect();
    format!(
        "workspace \"ci\" {{\n    team \"payments\" {{\n        oncall pager=\"payments-pager\"\n    }}\n    \
         receiver \"payments-pager\" kind=\"pagerduty\" routing-key-file=\"/etc/am/payments\"\n    \
         lint {{\n        warn \"service-without-slo\"\n        allow {}\n    }}\n}}\n",
        allowed.join(" ")
    )
}

/// Line 2: an unresolved owner; line 3: a service without an SLO (a warning); line 6: a
/// misspelt node after a comment with a two-byte character, so that byte and character columns
/// differ.
const SHOP: &str = "feature \"shop\" {
    owner \"paymnts\"
    service \"api\" {
        port 8080
    }
    /* café */ servce \"worker\"
}
";

/// The same feature again, in a second file: a `duplicate-name` error whose secondary label
/// points into `specs/shop.kdl`.
const SHOP_AGAIN: &str = "// A copy.
feature \"shop\" {
    owner \"payments\"
}
";

fn checked() -> Checked {
    let checked = check_files(
        Input {
            name: "gantry.kdl".to_string(),
            text: workspace_file().into(),
        },
        vec![
            Input {
                name: "specs/shop.kdl".to_string(),
                text: SHOP.into(),
            },
            Input {
                name: "specs/shop-again.kdl".to_string(),
                text: SHOP_AGAIN.into(),
            },
        ],
    );
    let found: Vec<(&str, &str)> = checked
        .diagnostics
        .iter()
        .map(|d| (d.id, checked.sources.get(d.primary.span.file).name.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("duplicate-name", "specs/shop-again.kdl"),
            ("unresolved-reference", "specs/shop.kdl"),
            ("service-without-slo", "specs/shop.kdl"),
            ("unknown-node", "specs/shop.kdl"),
        ],
        "{:#?}",
        checked.diagnostics
    );
    checked
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).expect("the vendored schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sarif(checked: &Checked) -> Value {
    let out = render_sarif(&checked.diagnostics, &checked.sources);
    assert!(out.ends_with("}\n"), "ends in a newline");
    serde_json::from_str(&out).expect("SARIF is JSON")
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let checked = checked();
    let doc = sarif(&checked);
    let errors = schema_errors(&validator(), &doc);
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

/// A way to break a SARIF document, named.
type Breakage = (&'static str, fn(&mut Value));

/// A file and a region: start line, start column, end line, end column.
type Place = (String, [u64; 4]);

#[test]
fn broken_sarif_is_rejected() {
    let validator = validator();
    let doc = sarif(&checked());
    let broken: [Breakage; 6] = [
        ("wrong version", |d| d["version"] = json!("2.0.0")),
        ("unknown level", |d| {
            d["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("result without a message", |d| {
            let result = d["runs"][0]["results"][0].as_object_mut().expect("result");
            result.remove("message");
        }),
        ("line zero", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        }),
        ("unknown property", |d| {
            d["runs"][0]["colour"] = json!("red")
        }),
        ("tool URI that is no URI", |d| {
            d["runs"][0]["tool"]["driver"]["informationUri"] = json!("gantry-dev/gantry")
        }),
    ];
    for (what, breaks) in broken {
        let mut bad = doc.clone();
        breaks(&mut bad);
        assert!(
            !validator.is_valid(&bad),
            "a SARIF document with a {what} passed the schema"
        );
    }
    assert!(validator.is_valid(&doc));
}

#[test]
fn sarif_describes_the_run_and_its_rules() {
    let doc = sarif(&checked());
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"].as_array().map(Vec::len), Some(1));
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "gantry");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "duplicate-name",
            "service-without-slo",
            "unknown-node",
            "unresolved-reference"
        ]
    );
    let slo = &rules[1];
    assert_eq!(slo["name"], "ServiceWithoutSlo");
    assert_eq!(
        slo["shortDescription"]["text"],
        "Reports a service that no SLO of its feature measures."
    );
    assert_eq!(slo["defaultConfiguration"]["level"], "error");
    let markdown = slo["help"]["markdown"].as_str().expect("help.markdown");
    assert!(
        markdown.starts_with("## What it does\nReports a service"),
        "{markdown}"
    );
    assert!(
        markdown.contains("```kdl\nfeature \"shop\" {"),
        "{markdown}"
    );
    let text = slo["help"]["text"].as_str().expect("help.text");
    assert!(
        text.starts_with("What it does\nReports a service"),
        "{text}"
    );
    assert!(!text.contains("```") && !text.contains("## "), "{text}");
    let full = slo["fullDescription"]["text"]
        .as_str()
        .expect("fullDescription");
    assert!(
        full.contains("Why is this bad?") && !full.contains("Example"),
        "{full}"
    );

    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    let artifacts: Vec<&Value> = run["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| &a["location"])
        .collect();
    assert_eq!(
        artifacts,
        [
            &json!({"uri": "specs/shop.kdl", "uriBaseId": "%SRCROOT%"}),
            &json!({"uri": "specs/shop-again.kdl", "uriBaseId": "%SRCROOT%"}),
        ]
    );
    assert_eq!(run["artifacts"][0]["length"], SHOP.len());
}

#[test]
fn sarif_results_point_at_the_right_regions() {
    let doc = sarif(&checked());
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let location = |result: &Value| {
        let physical = &result["physicalLocation"];
        let region = &physical["region"];
        (
            physical["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
                .to_string(),
            [
                &region["startLine"],
                &region["startColumn"],
                &region["endLine"],
                &region["endColumn"],
            ]
            .map(|n| n.as_u64().expect("a number")),
        )
    };
    let primary: Vec<(&str, &str, Place)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().expect("ruleId"),
                r["level"].as_str().expect("level"),
                location(&r["locations"][0]),
            )
        })
        .collect();
    let at = |file: &str, region: [u64; 4]| (file.to_string(), region);
    assert_eq!(
        primary,
        [
            // `"shop"` on line 2 of the second file.
            (
                "duplicate-name",
                "error",
                at("specs/shop-again.kdl", [2, 9, 2, 15])
            ),
            // `"paymnts"`.
            (
                "unresolved-reference",
                "error",
                at("specs/shop.kdl", [2, 11, 2, 20])
            ),
            // `"api"`.
            (
                "service-without-slo",
                "warning",
                at("specs/shop.kdl", [3, 13, 3, 18])
            ),
            // `servce`, after `/* café */`: column 16 in characters, 17 in bytes.
            (
                "unknown-node",
                "error",
                at("specs/shop.kdl", [6, 16, 6, 22])
            ),
        ]
    );

    let duplicate = &results[0];
    let related = duplicate["relatedLocations"]
        .as_array()
        .expect("relatedLocations");
    assert_eq!(related.len(), 1);
    assert_eq!(location(&related[0]), at("specs/shop.kdl", [1, 9, 1, 15]));
    assert_eq!(related[0]["message"]["text"], "first defined here");
    assert_eq!(
        duplicate["locations"][0]["message"]["text"],
        "defined again here"
    );
    assert_eq!(
        duplicate["message"]["text"],
        "feature `shop` is defined twice\nhelp: a feature lives in one file; rename one of them or merge them"
    );
    assert!(results[1].get("relatedLocations").is_none());
}

#[test]
fn sarif_is_deterministic() {
    let a = checked();
    let b = checked();
    assert_eq!(
        render_sarif(&a.diagnostics, &a.sources),
        render_sarif(&b.diagnostics, &b.sources)
    );
}

#[test]
fn github_lines_are_exact() {
    let mut checked = checked();
    let shop = checked.sources.find("specs/shop.kdl").expect("shop.kdl");
    // A message with every character the workflow commands escape.
    checked.diagnostics.push(
        Diagnostic::warning(
            "invalid-value",
            Span::new(shop, 0..7),
            "objective 100%, expected: below 100\nsecond line",
        )
        .with_help("write 99.9, say"),
    );
    assert_eq!(
        render_github(&checked.diagnostics, &checked.sources),
        "::error file=specs/shop-again.kdl,line=2,col=9,endLine=2,endColumn=15,title=duplicate-name::feature `shop` is defined twice%0Ahelp: a feature lives in one file; rename one of them or merge them\n\
         ::error file=specs/shop.kdl,line=2,col=11,endLine=2,endColumn=20,title=unresolved-reference::no team named `paymnts` in the workspace%0Ahelp: did you mean `payments`?\n\
         ::warning file=specs/shop.kdl,line=3,col=13,endLine=3,endColumn=18,title=service-without-slo::service `api` has no SLO%0Ahelp: add an objective, e.g. `slo \"availability\" service=\"api\" objective=99.9 runbook=\"…\" { ratio preset=\"std/http-availability\" }`\n\
         ::error file=specs/shop.kdl,line=6,col=16,endLine=6,endColumn=22,title=unknown-node::unknown node `servce` in `feature`%0Ahelp: did you mean `service`?\n\
         ::warning file=specs/shop.kdl,line=1,col=1,endLine=1,endColumn=8,title=invalid-value::objective 100%25, expected: below 100%0Asecond line%0Ahelp: write 99.9, say\n"
    );
}

#[test]
fn stdlib_files_are_reported_in_the_repository() {
    let mut checked = checked();
    let slo = checked
        .sources
        .find("<stdlib>/slo.kdl")
        .expect("the stdlib's slo.kdl");
    let shop = checked.sources.find("specs/shop.kdl").expect("shop.kdl");
    checked.diagnostics.push(
        Diagnostic::error(
            "unknown-node",
            Span::new(shop, 0..7),
            "a finding about a preset",
        )
        .with_secondary(Span::new(slo, 0..0), "the preset is here"),
    );
    let doc = sarif(&checked);
    let errors = schema_errors(&validator(), &doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &doc["runs"][0];
    let stdlib = run["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .find(|a| a["location"]["uri"] == "stdlib/slo.kdl")
        .expect("an artifact for the stdlib file");
    assert_eq!(stdlib["location"]["uriBaseId"], "GANTRY_REPOSITORY");
    assert_eq!(
        stdlib["contents"]["text"].as_str(),
        Some(&*checked.sources.get(slo).text)
    );
    assert!(run["originalUriBaseIds"]["GANTRY_REPOSITORY"]["description"]["text"].is_string());
    let related = &run["results"][4]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "stdlib/slo.kdl");
    assert_eq!(
        related["region"],
        json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
    );
}
