//! A feature's flags as flagd flag definitions: a ConfigMap `FEATURE-flags` holding
//! `flags.flagd.json` for a flagd sidecar, and an OpenFeature `FeatureFlag` with the same flags
//! when the workspace says `flags provider="openfeature-operator"`.

use gantry::ast::{Feature, Flag, Scalar};
use gantry::model::Model;
use serde_json::{Map, Value, json};

use super::labels;

/// The key the flagd sidecar reads.
pub const FLAGS_KEY: &str = "flags.flagd.json";
const FLAGD_SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";
/// What flagd buckets users by when the spec does not say: the evaluation's targeting key.
const DEFAULT_BUCKET_BY: &str = "targetingKey";

pub fn objects(model: &Model, feature: &Feature) -> Vec<Value> {
    if feature.flags.is_empty() {
        return Vec::new();
    }
    let mut flags = Map::new();
    for flag in &feature.flags {
        if let Some(definition) = definition(flag) {
            flags.insert(flag.name.value.clone(), definition);
        }
    }
    let name = format!("{}-flags", feature.name.value);
    let metadata = json!({
        "name": name,
        "namespace": feature.name.value,
        "labels": labels::common(feature, &name),
    });
    let document = json!({ "$schema": FLAGD_SCHEMA, "flags": flags });
    // Sorted keys, whichever serde_json features the build turned on.
    let text = gantry::build::render_json(&document).unwrap_or_default();
    let mut objects = vec![json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata,
        "data": { FLAGS_KEY: text },
    })];
    let operator = model
        .workspace
        .flags_provider
        .as_ref()
        .is_some_and(|p| p.value == "openfeature-operator");
    if operator {
        objects.push(json!({
            "apiVersion": "core.openfeature.dev/v1beta1",
            "kind": "FeatureFlag",
            "metadata": metadata,
            "spec": { "flagSpec": { "flags": flags } },
        }));
    }
    objects
}

/// One flag: `{state, variants, defaultVariant, targeting}`.
fn definition(flag: &Flag) -> Option<Value> {
    let state = match flag.state.as_ref().map(|s| s.value.as_str()) {
        Some("disabled") => "DISABLED",
        _ => "ENABLED",
    };
    let (variants, default_variant, targeting) = if flag.variants.is_empty() {
        match flag.default.as_ref().map(|d| &d.value) {
            None | Some(Scalar::Bool(_)) => boolean(flag),
            Some(value) => single_value(value),
        }
    } else {
        multi_variant(flag)?
    };
    Some(json!({
        "state": state,
        "variants": variants,
        "defaultVariant": default_variant,
        "targeting": targeting,
    }))
}

type Parts = (Value, String, Value);

/// A flag that serves one value, a string or a number (`default=50`) with no variants: one
/// variant, `default`, holds it, and the flag's definition can change it without a deploy.
fn single_value(value: &Scalar) -> Parts {
    (
        json!({ SINGLE_VARIANT: scalar(value) }),
        SINGLE_VARIANT.to_string(),
        json!({}),
    )
}

/// The variant of a flag that serves one value.
const SINGLE_VARIANT: &str = "default";

/// An on/off flag; `rollout percent=P` turns it on for P % of users.
fn boolean(flag: &Flag) -> Parts {
    let default_on = matches!(
        flag.default.as_ref().map(|d| &d.value),
        Some(Scalar::Bool(true))
    );
    let default_variant = if default_on { "on" } else { "off" };
    let mut targeting = json!({});
    if let Some(rollout) = &flag.rollout
        && let Some(percent) = &rollout.percent
    {
        // Whole percents: `gantry::coherence` reports a fraction of one.
        let on = percent.value as u32;
        targeting = fractional(
            rollout.by.as_ref().map(|b| b.value.as_str()),
            &[("on", on), ("off", 100u32.saturating_sub(on))],
        );
    }
    (
        json!({ "on": true, "off": false }),
        default_variant.to_string(),
        targeting,
    )
}

/// A flag with named variants; weights, when given, split users between them.
fn multi_variant(flag: &Flag) -> Option<Parts> {
    let mut variants = Map::new();
    for variant in &flag.variants {
        let value = variant
            .value
            .as_ref()
            .map_or_else(|| json!(variant.name.value), |v| scalar(&v.value));
        variants.insert(variant.name.value.clone(), value);
    }
    let default_variant = match flag.default.as_ref() {
        None => flag.variants.first().map(|v| v.name.value.clone()),
        Some(default) => flag
            .variants
            .iter()
            .find(|v| matches!(&default.value, Scalar::String(s) if *s == v.name.value))
            .or_else(|| {
                flag.variants
                    .iter()
                    .find(|v| v.value.as_ref().is_some_and(|x| x.value == default.value))
            })
            .map(|v| v.name.value.clone()),
    };
    // A default that names no variant was reported by `gantry::coherence`.
    let default_variant = default_variant?;
    let weighted: Vec<(&str, u32)> = flag
        .variants
        .iter()
        .filter_map(|v| v.weight.as_ref().map(|w| (v.name.value.as_str(), w.value)))
        .collect();
    let by = flag
        .rollout
        .as_ref()
        .and_then(|r| r.by.as_ref())
        .map(|b| b.value.as_str());
    let targeting = if weighted.is_empty() {
        json!({})
    } else {
        fractional(by, &weighted)
    };
    Some((Value::Object(variants), default_variant, targeting))
}

/// flagd's `fractional`: users bucketed by a context attribute into integer shares.
fn fractional(by: Option<&str>, shares: &[(&str, u32)]) -> Value {
    let mut args = vec![json!({ "var": by.unwrap_or(DEFAULT_BUCKET_BY) })];
    args.extend(shares.iter().map(|(name, weight)| json!([name, weight])));
    json!({ "fractional": args })
}

fn scalar(value: &Scalar) -> Value {
    match value {
        Scalar::Bool(b) => json!(b),
        Scalar::String(s) => json!(s),
        Scalar::Integer(i) => json!(i),
        Scalar::Float(f) => json!(f),
    }
}
