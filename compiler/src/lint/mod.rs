//! The lint framework: rules look at the checked features of one environment and report
//! findings; the framework gives each its rule id and the severity the workspace, the feature's
//! tier and the node's own `allow` settle on.

mod levels;
pub mod origin;
mod run;
#[cfg(test)]
pub mod testing;

pub use levels::{DEFAULT_TIER, Level, Levels};
pub use run::{Cache, FileFindings, Files, Inputs, run, run_files};

use crate::ast::{Feature, Workspace};
use crate::check::EnvironmentView;
use crate::diagnostics::{Label, Severity};
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
    pub scope: Scope,
    pub check: fn(&LintContext, &mut Vec<Finding>),
}

/// What a rule's findings depend on. It says how a rule is run, and what a check that runs again
/// after an edit (the language server's) can keep from the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings about a feature come from that feature alone (as written, and merged in every
    /// environment: [`EnvironmentView::feature`] with its own name), the workspace settings,
    /// the presets and the risk table. The rule is run feature by feature: `cx.features` holds
    /// one, and a feature no edit touched keeps its findings.
    Feature,
    /// Findings about a spec file come from its text alone (`cx.documents` holds it), save those
    /// inside a preset, which may name every place the preset is used (`cx.all_documents`).
    /// The rule is run file by file, in the first environment only (files are the same in
    /// every environment), before the features are lowered: it sees no features.
    File,
    /// Findings may come from any feature: the rule sees every feature of each environment,
    /// every time.
    Workspace,
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

/// Declares a lint rule:
/// `declare_rule! { /// docs… pub NAME = ("rule-id", Severity::Error, Scope::Feature, check_fn); }`.
/// The doc comment becomes the rule's `explain` text.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub $name:ident = ($id:literal, $severity:expr, $scope:expr, $check:path);) => {
        $(#[doc = $doc])*
        pub static $name: $crate::lint::Rule = $crate::lint::Rule {
            id: $id,
            default: $severity,
            doc: concat!($($doc, "\n"),*),
            scope: $scope,
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
    /// The features to judge: every feature of the environment, or one (see [`Scope`]).
    pub features: &'a [Arc<Feature>],
    /// The environment, every feature of it.
    pub view: &'a EnvironmentView,
    /// Every environment, for rules that compare them.
    pub environments: &'a [EnvironmentView],
    /// The features as written, before merging: see [`origin`].
    pub written: &'a [Arc<Feature>],
    /// `written` by name.
    pub written_index: &'a FeatureIndex,
    /// The file to judge, for a rule of [`Scope::File`]; none for the others.
    pub documents: &'a [&'a Document],
    /// Every parsed spec file and gantry.kdl, for a rule of [`Scope::File`]; none for the others.
    pub all_documents: &'a [&'a Document],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

impl<'a> LintContext<'a> {
    /// The environment's feature named `name`, whichever features are judged.
    pub fn feature(&self, name: &str) -> Option<&'a Feature> {
        self.view.feature(name)
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
