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
    pub environments: &'a [EnvironmentView],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

/// What the file-scoped rules read: the files, before any feature is lowered.
pub struct Files<'a> {
    pub workspace: Option<&'a Workspace>,
    /// The first environment, the one file-scoped rules are run in.
    pub environment: &'a str,
    /// The parsed spec files and gantry.kdl (not the stdlib), by file name.
    pub documents: &'a [(&'a str, &'a Arc<Document>)],
    pub presets: &'a PresetIndex,
    pub risk: &'a RiskTable,
    pub sources: &'a SourceMap,
}

/// What the file-scoped rules found, their severities not yet settled: see [`run`].
#[derive(Debug, Default)]
pub struct FileFindings(Vec<Found>);

/// Runs the file-scoped rules over every file. A check runs them before it lowers the features,
/// so that one that keeps no syntax trees can free each file's as soon as it is lowered. With a
/// cache, a file the last check saw as it is now keeps its findings.
pub fn run_files(
    rules: &[&'static Rule],
    files: &Files,
    cache: Option<&mut Cache>,
) -> FileFindings {
    let rules: Vec<&'static Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.scope == Scope::File)
        .collect();
    if rules.is_empty() {
        return FileFindings::default();
    }
    // File-scoped rules see no features.
    let view = EnvironmentView::new(files.environment.to_string(), Vec::new());
    let no_index = FeatureIndex::default();
    let all_documents: Vec<&Document> = files.documents.iter().map(|(_, d)| &***d).collect();
    let mut scratch = Cache::default();
    let keeping = cache.is_some();
    let kept = cache.unwrap_or(&mut scratch);
    let judged = crate::parallel::map(files.documents, |(name, doc)| {
        // Findings inside a preset may name its uses in any file: such a file is judged again
        // every time.
        let unchanged = !defines_presets(doc)
            && kept
                .files
                .get(*name)
                .is_some_and(|(seen, _)| Arc::ptr_eq(seen, doc));
        (!unchanged).then(|| {
            let one = [&***doc];
            let cx = LintContext {
                workspace: files.workspace,
                environment: files.environment,
                features: &[],
                view: &view,
                environments: &[],
                written: &[],
                written_index: &no_index,
                documents: &one,
                all_documents: &all_documents,
                presets: files.presets,
                risk: files.risk,
                sources: files.sources,
            };
            rules
                .iter()
                .flat_map(|rule| find(rule, &cx).into_iter().map(move |f| (*rule, f)))
                .collect::<Vec<Found>>()
        })
    });
    let mut found = Vec::new();
    for ((name, doc), judged) in files.documents.iter().zip(judged) {
        match judged {
            Some(findings) if !keeping => found.extend(findings),
            Some(findings) => {
                found.extend(findings.iter().cloned());
                kept.files
                    .insert((*name).to_string(), (Arc::clone(doc), findings));
            }
            None => {
                let reused = kept.files.get(*name).map(|(_, f)| f.iter().cloned());
                found.extend(reused.into_iter().flatten());
            }
        }
    }
    if kept.files.len() > files.documents.len() {
        let current: HashSet<&str> = files.documents.iter().map(|(n, _)| *n).collect();
        kept.files.retain(|name, _| current.contains(name.as_str()));
    }
    FileFindings(found)
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

/// Runs every feature- and workspace-scoped rule over every environment and returns their
/// diagnostics, and those of `files`, at their settled severities; a finding repeated by several
/// environments is reported once. With a cache, the findings of features the last check saw as
/// they are now are taken from it, and the cache is left holding this check's.
pub fn run(
    rules: &[&'static Rule],
    inputs: &Inputs,
    files: FileFindings,
    cache: Option<&mut Cache>,
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
    let runner = Runner {
        inputs,
        written_index: &written_index,
        levels: &levels,
    };
    let mut scratch = Cache::default();
    let keeping = cache.is_some();
    // Entries are replaced where a feature changed, and left alone where it did not.
    let kept = cache.unwrap_or(&mut scratch);

    let mut out = Vec::new();
    for (view, levels) in inputs.environments.iter().zip(&levels) {
        for rule in by_scope(Scope::Workspace) {
            let cx = runner.context(view, &view.features);
            out.extend(runner.judge(rule, &cx, levels));
        }
    }

    let feature_rules = by_scope(Scope::Feature);
    if !feature_rules.is_empty() {
        let names = runner.feature_names();
        let judged = crate::parallel::map(&names, |name| match kept.features.get(*name) {
            Some((seen, diagnostics)) if runner.still(seen, name) => {
                Judged::Kept(diagnostics.clone())
            }
            _ => {
                let versions = runner.versions(name);
                let diagnostics = runner.judge_feature(&feature_rules, &versions);
                Judged::Found(versions, diagnostics)
            }
        });
        for (name, judged) in names.iter().zip(judged) {
            match judged {
                Judged::Kept(diagnostics) => out.extend(diagnostics),
                Judged::Found(_, diagnostics) if !keeping => out.extend(diagnostics),
                Judged::Found(versions, diagnostics) => {
                    out.extend(diagnostics.iter().cloned());
                    kept.features
                        .insert((*name).to_string(), (versions, diagnostics));
                }
            }
        }
        if kept.features.len() > names.len() {
            let current: HashSet<&str> = names.iter().copied().collect();
            kept.features
                .retain(|name, _| current.contains(name.as_str()));
        }
    }

    if let Some(levels) = levels.first() {
        let settled = files.0.into_iter();
        out.extend(settled.filter_map(|(rule, finding)| settle(rule, finding, levels)));
    }
    out
}

/// The findings about the features of one name: kept from the last check, or found now in
/// these values.
enum Judged {
    Kept(Vec<Diagnostic>),
    Found(Versions, Vec<Diagnostic>),
}

fn defines_presets(doc: &Document) -> bool {
    doc.nodes.iter().any(|n| n.name.value == "preset")
}

struct Runner<'r> {
    inputs: &'r Inputs<'r>,
    written_index: &'r FeatureIndex,
    levels: &'r [Levels<'r>],
}

impl<'r> Runner<'r> {
    fn context(&self, view: &'r EnvironmentView, features: &'r [Arc<Feature>]) -> LintContext<'r> {
        LintContext {
            workspace: self.inputs.workspace,
            environment: &view.name,
            features,
            view,
            environments: self.inputs.environments,
            written: self.inputs.written,
            written_index: self.written_index,
            // Files are for file-scoped rules, run before (see `run_files`).
            documents: &[],
            all_documents: &[],
            presets: self.inputs.presets,
            risk: self.inputs.risk,
            sources: self.inputs.sources,
        }
    }

    /// Each feature name once, in the order the features are written.
    fn feature_names(&self) -> Vec<&'r str> {
        let written = self.inputs.written.iter().enumerate();
        let mut names: Vec<&str> = written
            .map(|(i, f)| (i, f.name.value.as_str()))
            .filter(|(i, name)| self.written_index.positions(name).first() == Some(i))
            .map(|(_, name)| name)
            .collect();
        // Every merged feature is lowered from one as written; this is for safety's sake.
        let mut merged_only = HashSet::new();
        for env in self.inputs.environments {
            let unwritten = env
                .features
                .iter()
                .map(|f| f.name.value.as_str())
                .filter(|name| self.written_index.positions(name).is_empty());
            names.extend(unwritten.filter(|name| merged_only.insert(*name)));
        }
        names
    }

    /// Whether the features named `name` are still the values `seen` holds.
    fn still(&self, seen: &Versions, name: &str) -> bool {
        let same = |kept: &[Arc<Feature>], features: &[Arc<Feature>], index: &FeatureIndex| {
            let positions = index.positions(name);
            kept.len() == positions.len()
                && kept
                    .iter()
                    .zip(positions)
                    .all(|(was, &i)| features.get(i).is_some_and(|now| Arc::ptr_eq(was, now)))
        };
        let environments = self.inputs.environments;
        seen.0.len() == environments.len() + 1
            && same(&seen.0[0], self.inputs.written, self.written_index)
            && environments
                .iter()
                .zip(&seen.0[1..])
                .all(|(env, kept)| same(kept, &env.features, &env.index))
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
                let cx = self.context(view, std::slice::from_ref(feature));
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
