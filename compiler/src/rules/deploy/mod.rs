//! Lint rules about how a feature ships: rollout strategies, their triggers and overrides, and
//! the images they roll out.

mod canary_without_rollback_trigger;
mod image_without_digest;
mod rollout_without_manual_override;

use crate::ast::{Deploy, Feature};
use crate::lint::origin::{self, Written};
use crate::lint::{LintContext, Rule};
use crate::source::{Span, Spanned};

pub static RULES: &[&Rule] = &[
    &canary_without_rollback_trigger::CANARY_WITHOUT_ROLLBACK_TRIGGER,
    &rollout_without_manual_override::ROLLOUT_WITHOUT_MANUAL_OVERRIDE,
    &image_without_digest::IMAGE_WITHOUT_DIGEST,
];

/// The strategy of a deploy that shifts traffic step by step under analysis (canary or
/// blue-green), as opposed to a rolling update.
fn progressive(deploy: &Deploy) -> Option<&Spanned<String>> {
    deploy
        .strategy
        .as_ref()
        .filter(|s| matches!(s.value.as_str(), "canary" | "blue-green"))
}

/// How a message names a deploy, e.g. "canary of service `api`".
fn rollout_name(feature: &Feature, deploy: &Deploy, strategy: &str) -> String {
    let what = if strategy == "canary" {
        "canary"
    } else {
        "blue-green deploy"
    };
    match (&deploy.service, &feature.services[..]) {
        (Some(service), _) => format!("{what} of service `{}`", service.value),
        (None, [only]) => format!("{what} of service `{}`", only.name.value),
        _ => format!("{what} of feature `{}`", feature.name.value),
    }
}

/// Where to point at a deploy's strategy, and what else to show: the deploy's `use=` when a
/// preset set the strategy (with the preset's `strategy=` as a second label); the overlay's
/// `strategy=` when an environment set it (with the deploy it changes).
fn strategy_place(
    cx: &LintContext,
    feature: &Feature,
    deploy: &Deploy,
    strategy: &Spanned<String>,
) -> (Span, Option<(Span, String)>) {
    if let Some(preset) = origin::preset_at(cx, strategy.span) {
        let text = format!("`{}` set by preset `{}`", strategy.value, preset.name.value);
        let at = deploy.preset.as_ref().map_or(strategy.span, |p| p.span);
        return (at, Some((strategy.span, text)));
    }
    if strategy.span.file != feature.file {
        return (strategy.span, None);
    }
    let written = Written::of(cx, feature);
    let Some(env) = written.overlay_at(strategy.span) else {
        return (strategy.span, None);
    };
    let service = deploy.service.as_ref().map(|s| s.value.as_str());
    let also = match written.base_deploy(service) {
        Some(base) => (base, format!("`{}` replaces this deploy", env.value)),
        None => (env.span, format!("only `{}` has this deploy", env.value)),
    };
    (strategy.span, Some(also))
}
