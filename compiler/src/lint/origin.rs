//! Where a value of a merged feature was written. Rules see each feature with its environment's
//! overlay and its presets merged in, and every merged value keeps the span it was written at:
//! in the feature, inside one of its `env "NAME" { … }` blocks, or in a preset (often in another
//! file, such as `<stdlib>/deploy.kdl`). A finding about a value that came from an overlay or a
//! preset shows both places.

use crate::ast::{Feature, Name, Preset};
use crate::source::Span;

use super::LintContext;

/// Whether `outer` holds all of `inner`.
pub fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

/// The preset whose text holds `span`.
pub fn preset_at<'a>(cx: &LintContext<'a>, span: Span) -> Option<&'a Preset> {
    cx.presets.presets.values().find(|p| contains(p.span, span))
}

/// Where a merged value was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin<'a> {
    /// In the feature's base, or anywhere that is neither of the others.
    Base,
    /// In the feature's `env "NAME"` overlay; the span is the overlay's name.
    Overlay { environment: String, name: Span },
    /// In the body of a preset.
    Preset(&'a Preset),
}

/// The feature as its author wrote it, before overlays and presets are merged: merging moves the
/// name of an entity an overlay adjusts into the overlay, so only the written feature says where
/// the overlays are.
pub struct Written<'a> {
    feature: Option<&'a Feature>,
}

impl<'a> Written<'a> {
    pub fn of(cx: &LintContext<'a>, feature: &Feature) -> Written<'a> {
        Written {
            feature: cx
                .written_index
                .all(cx.written, &feature.name.value)
                .find(|f| f.file == feature.file),
        }
    }

    /// The environment whose overlay holds `span`, with the span of its name.
    pub fn overlay_at(&self, span: Span) -> Option<Name> {
        self.feature?
            .envs
            .iter()
            .find(|e| contains(e.span, span))
            .map(|e| e.name.clone())
    }

    /// Where the value at `span` was written.
    pub fn origin(&self, cx: &LintContext<'a>, span: Span) -> Origin<'a> {
        if let Some(preset) = preset_at(cx, span) {
            return Origin::Preset(preset);
        }
        match self.overlay_at(span) {
            Some(env) => Origin::Overlay {
                environment: env.value,
                name: env.span,
            },
            None => Origin::Base,
        }
    }

    /// The name of `kind "name"` where the base of the feature defines it.
    pub fn base_name(&self, kind: &str, name: &str) -> Option<Span> {
        let entities = self.feature?.named_entities(kind);
        let (found, _) = entities
            .into_iter()
            .find(|(entity, _)| entity.value == name)?;
        Some(found.span)
    }

    /// The `deploy` keyword of the base's deploy for `service` (`None`: the deploy for every
    /// service).
    pub fn base_deploy(&self, service: Option<&str>) -> Option<Span> {
        self.feature?
            .deploys
            .iter()
            .find(|d| d.service.as_ref().map(|s| s.value.as_str()) == service)
            .map(|d| d.keyword)
    }
}

/// Where to point at an entity of a merged feature, given its merged name: its name in the base
/// when the base defines it, so that every environment reports it at the same place; else where
/// an overlay adds it, with a second label on that overlay's environment.
pub fn entity(
    cx: &LintContext,
    feature: &Feature,
    kind: &str,
    name: &Name,
) -> (Span, Option<(Span, String)>) {
    if preset_at(cx, name.span).is_some() || name.span.file != feature.file {
        return (name.span, None);
    }
    let written = Written::of(cx, feature);
    let Some(env) = written.overlay_at(name.span) else {
        return (name.span, None);
    };
    match written.base_name(kind, &name.value) {
        Some(base) => (base, None),
        None => (
            name.span,
            Some((env.span, format!("only `{}` has this {kind}", env.value))),
        ),
    }
}

/// A setting of an entity that a finding is about: where it is written and what it is called.
pub struct Setting<'a> {
    /// The entity's kind (`slo`, `agent`) and name, for the finding's subject.
    pub kind: &'static str,
    pub name: &'a Name,
    /// How labels name the entity ("SLO") and the setting ("window").
    pub noun: &'static str,
    pub setting: &'static str,
    /// The value's span, and the `use=` of the node that holds it.
    pub value: Span,
    pub preset_use: Option<&'a Name>,
}

/// A finding about a setting, where its author can change it: at the `use=` when a preset set
/// the value (the preset's value as a secondary label), else at the value, naming the base
/// entity when an environment overlay overrides it.
pub fn finding_at_setting(
    cx: &LintContext,
    feature: &Feature,
    at: &Setting,
    message: String,
    label: String,
) -> super::Finding {
    let subject = super::about(feature, at.kind, &at.name.value);
    if let (Some(preset), Some(use_site)) = (preset_at(cx, at.value), at.preset_use) {
        return super::Finding::new(subject, use_site.span, message)
            .label(label)
            .secondary(
                at.value,
                format!("{} set by preset `{}`", at.setting, preset.name.value),
            );
    }
    let mut finding = super::Finding::new(subject, at.value, message).label(label);
    if at.value.file == feature.file {
        let written = Written::of(cx, feature);
        if let (Some(env), Some(base)) = (
            written.overlay_at(at.value),
            written.base_name(at.kind, &at.name.value),
        ) {
            finding = finding.secondary(
                base,
                format!(
                    "`{}` overrides the {} of this {}",
                    env.value, at.setting, at.noun
                ),
            );
        }
    }
    finding
}
