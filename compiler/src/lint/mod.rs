//! The lint framework: rules look at the checked features of one environment and report
//! findings; the framework gives each its rule id and the severity the workspace, the feature's
//! tier and the node's own `allow` settle on.

mod levels;
pub mod origin;
#[cfg(test)]
pub mod testing;

pub use levels::{DEFAULT_TIER, Level, Levels};

use crate::ast::{Feature, Workspace};
use crate::check::EnvironmentView;
use crate::diagnostics::{Diagnostic, Label, Severity};
use crate::feature_index::FeatureIndex;
use crate::resolve::PresetIndex;
use crate::risk::RiskTable;
use crate::source::{SourceMap, Span};
use crate::syntax::Document;
use std::sync::Arc;

/// A lint rule. Its documentation is the doc comment of its declaration (see [`declare_rule!`]),
/// printed by `gantry explain`.
pub struct Rule {
    pub id: &'static str,
    pub default: Severity,
    pub doc: &'static str,
    pub check: fn(&LintContext, &mut Vec<Finding>),
}

impl Rule {
    /// The first paragraph of the documentation's "What it does" section, for `gantry rules`.
    pub fn summary(&self) -> &'static str {
        let body = self
            .doc
            .split("## What it does")
            .nth(1)
            .unwrap_or(self.doc)
            .trim_start();
        let end = body.find("\n\n").unwrap_or(body.len());
        body[..end].trim()
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// Declares a lint rule: `declare_rule! { /// docs… pub NAME = ("rule-id", Severity::Error, check_fn); }`.
/// The doc comment becomes the rule's `explain` text.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub $name:ident = ($id:literal, $severity:expr, $check:path);) => {
        $(#[doc = $doc])*
        pub static $name: $crate::lint::Rule = $crate::lint::Rule {
            id: $id,
            default: $severity,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

/// What a finding is about: a feature, or one entity of it. `allow "RULE" reason=…` on that node
/// (or on its feature) silences the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub feature: String,
    /// The entity's node name and name, e.g. `("agent", "deploy-bot")`.
    pub entity: Option<(&'static str, String)>,
}

/// One problem a rule found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub subject: Subject,
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub secondary: Vec<Label>,
}

impl Finding {
    pub fn new(subject: Subject, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            subject,
            span,
            message: message.into(),
            label: String::new(),
            help: None,
            secondary: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn secondary(mut self, span: Span, text: impl Into<String>) -> Finding {
        self.secondary.push(Label::new(span, text));
        self
    }
}

/// What a rule sees: one environment of the workspace, its features merged.
pub struct LintContext<'a> {
    pub workspace: Option<&'a Workspace>,
    pub environment: &'a str,
    pub features: &'a [Arc<Feature>],
    /// `features` by name.
    pub index: &'a FeatureIndex,
    /// Every environment, for rules that compare them.
    pub environments: &'a [EnvironmentView],
    /// The features as written, before merging: see [`origin`].
    pub written: &'a [Arc<Feature>],
    /// `written` by name.
    pub written_index: &'a FeatureIndex,
    /// The parsed spec files and gantry.kdl (not the stdlib).
    pub documents: &'a [&'a Document],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

impl<'a> LintContext<'a> {
    pub fn feature(&self, name: &str) -> Option<&'a Feature> {
        self.index.first(self.features, name)
    }
}

/// Subject helpers for rules.
pub fn about_feature(feature: &Feature) -> Subject {
    Subject {
        feature: feature.name.value.clone(),
        entity: None,
    }
}

pub fn about(feature: &Feature, kind: &'static str, name: &str) -> Subject {
    Subject {
        feature: feature.name.value.clone(),
        entity: Some((kind, name.to_string())),
    }
}

/// A deploy has no name: it is known by the service it picks, or by its position.
pub fn about_deploy(feature: &Feature, index: usize) -> Subject {
    let name = feature.deploys[index]
        .service
        .as_ref()
        .map_or_else(|| format!("#{index}"), |s| s.value.clone());
    about(feature, "deploy", &name)
}

/// Everything a check has built, for the rules: one [`LintContext`] per environment is made
/// from it.
pub struct Inputs<'a> {
    pub workspace: Option<&'a Workspace>,
    /// The features as written, before merging.
    pub written: &'a [Arc<Feature>],
    /// The parsed spec files and gantry.kdl (not the stdlib), for rules about text itself.
    pub documents: &'a [&'a Document],
    pub environments: &'a [EnvironmentView],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

/// Runs every rule over every environment and returns the diagnostics at their settled
/// severities. A finding repeated by several environments is reported once.
pub fn run(rules: &[&'static Rule], inputs: &Inputs) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let written_index = FeatureIndex::new(inputs.written);
    for env in inputs.environments {
        let cx = LintContext {
            workspace: inputs.workspace,
            environment: &env.name,
            features: &env.features,
            index: &env.index,
            environments: inputs.environments,
            written: inputs.written,
            written_index: &written_index,
            documents: inputs.documents,
            presets: inputs.presets,
            risk: inputs.risk,
            sources: inputs.sources,
        };
        let levels = Levels::new(inputs.workspace, &env.features, inputs.presets);
        for rule in rules {
            let mut findings = Vec::new();
            (rule.check)(&cx, &mut findings);
            for finding in findings {
                let severity = match levels.level(rule, &finding.subject) {
                    Level::Allow => continue,
                    Level::Warn => Severity::Warning,
                    Level::Deny => Severity::Error,
                };
                let mut d = Diagnostic::error(rule.id, finding.span, finding.message)
                    .with_label(finding.label)
                    .with_optional_help(finding.help);
                d.severity = severity;
                d.secondary = finding.secondary;
                out.push(d);
            }
        }
    }
    out
}
