//! Running the rules: each by its [`Scope`], the whole workspace at once or feature by feature
//! and file by file, on every core. A [`Cache`] kept between checks holds the findings of each
//! feature and file, reused while they are the same values (by identity) as the last check's.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{Finding, Level, Levels, LintContext, Rule, Scope};
use crate::ast::{Feature, Workspace};
use crate::check::EnvironmentView;
use crate::diagnostics::{Diagnostic, Severity};
use crate::feature_index::FeatureIndex;
use crate::resolve::PresetIndex;
use crate::risk::RiskTable;
use crate::source::SourceMap;
use crate::syntax::Document;

/// Everything a check has built, for the rules: one [`LintContext`] per environment is made
/// from it.
pub struct Inputs<'a> {
    pub workspace: Option<&'a Workspace>,
    /// The features as written, before merging.
    pub written: &'a [Arc<Feature>],
    /// The parsed spec files and gantry.kdl (not the stdlib), by file name, for rules about text
    /// itself.
    pub documents: &'a [(&'a str, &'a Arc<Document>)],
    pub environments: &'a [EnvironmentView],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

/// The findings of the last check, per feature and per file, with the values they were found
/// in. Valid only while everything else a rule reads is the same: the workspace file, the
/// presets, the risk table and the environments. The checker drops it when one of them changes.
#[derive(Debug, Default)]
pub struct Cache {
    features: HashMap<String, (Versions, Vec<Diagnostic>)>,
    /// Findings before their severities are settled: a finding's severity follows its
    /// feature, which can change while the file does not.
    files: HashMap<String, (Arc<Document>, Vec<Found>)>,
}

/// A finding with the rule that made it.
type Found = (&'static Rule, Finding);

impl Cache {
    /// The first value of the feature named `name` the kept findings were found in.
    #[cfg(test)]
    pub(crate) fn versions_of(&self, name: &str) -> Option<Arc<Feature>> {
        let (versions, _) = self.features.get(name)?;
        versions.0.iter().flatten().next().cloned()
    }
}

/// Every value a feature-scoped rule may read of one feature: the features of that name as
/// written, then in each environment.
#[derive(Debug)]
struct Versions(Vec<Vec<Arc<Feature>>>);

impl Versions {
    fn same(&self, other: &Versions) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y)))
    }
}

/// Runs every rule over every environment and returns the diagnostics at their settled
/// severities; a finding repeated by several environments is reported once. With a cache, the
/// findings of features and files the last check saw as they are now are taken from it, and
/// the cache is left holding this check's.
pub fn run(
    rules: &[&'static Rule],
    inputs: &Inputs,
    mut cache: Option<&mut Cache>,
) -> Vec<Diagnostic> {
    let by_scope = |scope| -> Vec<&'static Rule> {
        rules.iter().copied().filter(|r| r.scope == scope).collect()
    };
    let written_index = FeatureIndex::new(inputs.written);
    let levels: Vec<Levels> = inputs
        .environments
        .iter()
        .map(|env| Levels::new(inputs.workspace, env, inputs.presets))
        .collect();
    let all_documents: Vec<&Document> = inputs.documents.iter().map(|(_, d)| &***d).collect();
    let runner = Runner {
        inputs,
        written_index: &written_index,
        all_documents: &all_documents,
        levels: &levels,
    };
    let keeping = cache.is_some();
    let mut previous = cache.as_deref_mut().map(std::mem::take).unwrap_or_default();
    let mut fresh = Cache::default();

    let mut out = Vec::new();
    for (view, levels) in inputs.environments.iter().zip(&levels) {
        for rule in by_scope(Scope::Workspace) {
            let cx = runner.context(view, &view.features, &all_documents);
            out.extend(runner.judge(rule, &cx, levels));
        }
    }

    let feature_rules = by_scope(Scope::Feature);
    if !feature_rules.is_empty() {
        let names = runner.feature_names();
        let found = crate::parallel::map(&names, |name| {
            let versions = runner.versions(name);
            match previous.features.get(*name) {
                Some((seen, diagnostics)) if seen.same(&versions) => (versions, None),
                _ => {
                    let diagnostics = runner.judge_feature(&feature_rules, &versions);
                    (versions, Some(diagnostics))
                }
            }
        });
        for (name, (versions, diagnostics)) in names.iter().zip(found) {
            let diagnostics = match diagnostics {
                Some(d) => d,
                None => previous
                    .features
                    .remove(*name)
                    .map(|(_, d)| d)
                    .unwrap_or_default(),
            };
            if keeping {
                out.extend(diagnostics.iter().cloned());
                fresh
                    .features
                    .insert((*name).to_string(), (versions, diagnostics));
            } else {
                out.extend(diagnostics);
            }
        }
    }

    let file_rules = by_scope(Scope::File);
    if let (false, Some((view, levels))) = (
        file_rules.is_empty(),
        inputs.environments.first().zip(levels.first()),
    ) {
        let found = crate::parallel::map(inputs.documents, |(name, doc)| {
            // Findings inside a preset may name its uses in any file: such a file is judged
            // again every time.
            let reusable = !defines_presets(doc);
            match previous.files.get(*name) {
                Some((seen, findings)) if reusable && Arc::ptr_eq(seen, doc) => findings.clone(),
                _ => {
                    let one = [&***doc];
                    let cx = runner.context(view, &view.features, &one);
                    file_rules
                        .iter()
                        .flat_map(|rule| find(rule, &cx).into_iter().map(move |f| (*rule, f)))
                        .collect()
                }
            }
        });
        for ((name, doc), findings) in inputs.documents.iter().zip(found) {
            let settled = findings
                .iter()
                .filter_map(|(rule, finding)| settle(rule, finding.clone(), levels));
            out.extend(settled);
            if keeping {
                fresh
                    .files
                    .insert((*name).to_string(), (Arc::clone(doc), findings));
            }
        }
    }

    if let Some(cache) = cache {
        *cache = fresh;
    }
    out
}

fn defines_presets(doc: &Document) -> bool {
    doc.nodes.iter().any(|n| n.name.value == "preset")
}

struct Runner<'r> {
    inputs: &'r Inputs<'r>,
    written_index: &'r FeatureIndex,
    all_documents: &'r [&'r Document],
    levels: &'r [Levels<'r>],
}

impl<'r> Runner<'r> {
    fn context(
        &self,
        view: &'r EnvironmentView,
        features: &'r [Arc<Feature>],
        documents: &'r [&'r Document],
    ) -> LintContext<'r> {
        LintContext {
            workspace: self.inputs.workspace,
            environment: &view.name,
            features,
            view,
            environments: self.inputs.environments,
            written: self.inputs.written,
            written_index: self.written_index,
            documents,
            all_documents: self.all_documents,
            presets: self.inputs.presets,
            risk: self.inputs.risk,
            sources: self.inputs.sources,
        }
    }

    /// Each feature name once, in the order the features are written.
    fn feature_names(&self) -> Vec<&'r str> {
        let mut seen = HashSet::new();
        let written = self.inputs.written.iter();
        let merged = self.inputs.environments.iter().flat_map(|e| &e.features);
        written
            .chain(merged)
            .map(|f| f.name.value.as_str())
            .filter(|name| seen.insert(*name))
            .collect()
    }

    fn versions(&self, name: &str) -> Versions {
        let named = |features: &[Arc<Feature>], index: &FeatureIndex| -> Vec<Arc<Feature>> {
            index
                .positions(name)
                .iter()
                .filter_map(|&i| features.get(i).cloned())
                .collect()
        };
        let mut versions = vec![named(self.inputs.written, self.written_index)];
        for env in self.inputs.environments {
            versions.push(named(&env.features, &env.index));
        }
        Versions(versions)
    }

    /// The findings of the feature-scoped rules about the features of one name, in every
    /// environment.
    fn judge_feature(&self, rules: &[&'static Rule], versions: &Versions) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let environments = self.inputs.environments.iter().zip(self.levels);
        for ((view, levels), features) in environments.zip(&versions.0[1..]) {
            for feature in features {
                let cx = self.context(view, std::slice::from_ref(feature), self.all_documents);
                for rule in rules {
                    out.extend(self.judge(rule, &cx, levels));
                }
            }
        }
        out
    }

    /// One rule's findings in `cx`, as diagnostics at their settled severities.
    fn judge(&self, rule: &'static Rule, cx: &LintContext, levels: &Levels) -> Vec<Diagnostic> {
        find(rule, cx)
            .into_iter()
            .filter_map(|finding| settle(rule, finding, levels))
            .collect()
    }
}

fn find(rule: &Rule, cx: &LintContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    (rule.check)(cx, &mut findings);
    findings
}

/// A finding as a diagnostic at the severity `levels` settle on; nothing if they silence it.
fn settle(rule: &Rule, finding: Finding, levels: &Levels) -> Option<Diagnostic> {
    let severity = match levels.level(rule, &finding.subject) {
        Level::Allow => return None,
        Level::Warn => Severity::Warning,
        Level::Deny => Severity::Error,
    };
    let mut d = Diagnostic::error(rule.id, finding.span, finding.message)
        .with_label(finding.label)
        .with_optional_help(finding.help);
    d.severity = severity;
    d.secondary = finding.secondary;
    Some(d)
}
