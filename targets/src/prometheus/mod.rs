//! The prometheus target (DESIGN §5): per feature one rule file `FEATURE/slo-rules.yaml` with,
//! per SLO, Sloth-compatible recording rules (`slo:sli_error:ratio_rate<W>` and the metadata
//! rules) and one multi-window multi-burn-rate alert per window pair of
//! `consequences::burn_rate_windows`; the feature's explicit `alert` nodes as written; and beside
//! it `FEATURE/slo-rules.test.yaml`, a `promtool test rules` file proving every burn-rate alert
//! fires just above its threshold and stays silent just below.
//!
//! Every rule is built as a `serde_json::Value` and serialized by the writer.

mod rules;
mod tests;

use gantry::artifact::{Artifact, Content};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;

pub const RULES_FILE: &str = "slo-rules.yaml";
pub const TESTS_FILE: &str = "slo-rules.test.yaml";

/// The prometheus target's entry point.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let mut artifacts = Vec::new();
    let mut errors = Vec::new();
    for feature in &model.features {
        let slos = match rules::slo_rules(model, feature) {
            Ok(slos) => slos,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        let explicit = rules::explicit_alerts(model, feature);
        if slos.is_empty() && explicit.is_none() {
            continue;
        }
        let mut groups = Vec::new();
        for slo in &slos {
            groups.extend(slo.groups());
        }
        groups.extend(explicit);
        let source = model.file_name(feature).to_string();
        let name = &feature.name.value;
        artifacts.push(Artifact {
            path: format!("{name}/{RULES_FILE}"),
            content: Content::Yaml(vec![serde_json::json!({ "groups": groups })]),
            sources: vec![source.clone()],
            origin: Some(feature.name.span),
        });
        artifacts.push(Artifact {
            path: format!("{name}/{TESTS_FILE}"),
            content: Content::Yaml(vec![tests::test_file(&slos)]),
            sources: vec![source],
            origin: Some(feature.name.span),
        });
    }
    if errors.is_empty() {
        Ok(artifacts)
    } else {
        Err(errors)
    }
}
