//! The front end from text to checked AST: parse every file, validate it against the schema,
//! lower it, merge presets and environment overlays, and resolve references. Pure: files come in
//! as text; [`check_path`] is the one entry that reads them, through a [`Vfs`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::ast::{self, Feature, Workspace};
use crate::diagnostics::{self, Diagnostic};
use crate::feature_index::FeatureIndex;
use crate::graph::Graph;
use crate::resolve::{PresetIndex, Resolver};
use crate::risk::RiskTable;
use crate::schema::{self, NodeSchema};
use crate::source::{FileId, SourceFile, SourceMap, Span, Spanned};
use crate::syntax::{self, Document, Node};
use crate::templates::{self, TemplateFolder};
use crate::validate::validate_source;
use crate::vfs::Vfs;
use crate::workspace::{self, Layout, LoadError, WORKSPACE_FILE};
use crate::{limits, stdlib, suggest};

mod incremental;
mod lowering;

use incremental::Incremental;

pub use lowering::merged_feature;

/// The environment of a workspace that declares none.
pub const DEFAULT_ENVIRONMENT: &str = "default";

/// One file given to the checker: the name shown to users and its text.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    /// Shared: a checker that runs again (the language server) hands in the text it read last
    /// time, and a text that is the same value is known unchanged without comparing it.
    pub text: Arc<str>,
}

impl Input {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Input {
        Input {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// The features of one environment, with overlays and presets merged in.
#[derive(Debug)]
pub struct EnvironmentView {
    pub name: String,
    pub features: Vec<Arc<Feature>>,
    pub index: FeatureIndex,
}

impl EnvironmentView {
    pub fn new(name: String, features: Vec<Arc<Feature>>) -> EnvironmentView {
        let index = FeatureIndex::new(&features);
        EnvironmentView {
            name,
            features,
            index,
        }
    }

    /// This environment's feature named `name`.
    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.index.first(&self.features, name)
    }
}

/// Everything a check found and built.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub workspace: Option<Workspace>,
    /// The features as written, before merging. Shared: a feature no environment changes is
    /// one value in every environment, and between the checks of the language server.
    pub features: Vec<Arc<Feature>>,
    pub environments: Vec<EnvironmentView>,
    pub presets: PresetIndex,
    pub risk: RiskTable,
    /// The runbook templates by file name: the stdlib's, replaced by the workspace's own.
    pub templates: BTreeMap<String, Spanned<String>>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Finds the workspace around `path`, reads its files through `vfs` and checks them.
pub fn check_path(vfs: &dyn Vfs, path: &Path) -> Result<(PathBuf, Checked), LoadError> {
    check_path_cached(vfs, path, &mut ParseCache::none())
}

/// [`check_path`] with a [`ParseCache`] kept between checks.
pub fn check_path_cached(
    vfs: &dyn Vfs,
    path: &Path,
    cache: &mut ParseCache,
) -> Result<(PathBuf, Checked), LoadError> {
    let root = workspace::find_root(vfs, path)?;
    let read = |p: &Path| {
        vfs.read_shared(p).map_err(|error| LoadError::Io {
            path: p.to_path_buf(),
            error,
        })
    };
    let workspace_text = read(&root.join(WORKSPACE_FILE))?;
    // An oversized gantry.kdl is reported by the check below; its layout is not read.
    let workspace_doc = (workspace_text.len() <= limits::MAX_FILE_BYTES)
        .then(|| syntax::parse(FileId(0), &workspace_text).ok())
        .flatten();
    let layout = Layout::from_document(workspace_doc.as_ref());
    let template_folder = templates::folder_of(workspace_doc.as_ref())
        .map_or(TemplateFolder::NotRead, |folder| {
            templates::read(vfs, &root, &folder)
        });
    let files = workspace::spec_files(vfs, &root, &layout)?;
    // A spec that is not UTF-8 is checked as far as it decodes, and reported where it stops.
    let undecodable = Mutex::new(Vec::new());
    let specs = crate::parallel::map(&files, |file| {
        let name = workspace::display_path(&root, file);
        let text = match read(file) {
            Ok(text) => text,
            Err(LoadError::Io { error, .. }) if error.kind() == std::io::ErrorKind::InvalidData => {
                let bytes = vfs.read_bytes(file).map_err(|error| LoadError::Io {
                    path: file.to_path_buf(),
                    error,
                })?;
                let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
                let bad = bytes.get(valid).copied().unwrap_or_default();
                undecodable
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((name.clone(), valid, bad));
                Arc::from(String::from_utf8_lossy(&bytes).as_ref())
            }
            Err(e) => return Err(e),
        };
        Ok(Input::new(name, text))
    })
    .into_iter()
    .collect::<Result<Vec<Input>, LoadError>>()?;
    let workspace_input = Input {
        name: WORKSPACE_FILE.to_string(),
        text: workspace_text,
    };
    let mut checked = check_workspace_cached(cache, workspace_input, specs, template_folder);
    let undecodable = undecodable
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if !undecodable.is_empty() {
        for (name, offset, byte) in undecodable {
            let Some((file, _)) = checked.sources.files().find(|(_, f)| f.name == name) else {
                continue;
            };
            let start = u32::try_from(offset).unwrap_or(u32::MAX);
            // The byte is shown as the replacement character, three bytes of the checked text.
            let span = Span {
                file,
                start,
                end: start.saturating_add(3),
            };
            checked.diagnostics.push(
                Diagnostic::error(
                    "syntax",
                    span,
                    format!("this file is not UTF-8: byte 0x{byte:02X} does not decode"),
                )
                .with_label("not UTF-8")
                .with_help("KDL files are UTF-8: save the file as UTF-8, or remove the byte"),
            );
        }
        diagnostics::sort_and_dedup(&mut checked.diagnostics, &checked.sources);
    }
    Ok((root, checked))
}

struct Parsed {
    file: FileId,
    doc: Option<Arc<Document>>,
}

/// What one check keeps for the next: each file's syntax tree and schema findings, reused while
/// the file keeps its text and its place in the workspace. The language server checks again
/// after every change, and a change is one file's.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<String, CachedParse>,
    /// What else is kept for a checker that runs again and again (see
    /// [`ParseCache::incremental`]).
    incremental: Option<Incremental>,
    /// Nothing is kept: see [`ParseCache::none`].
    keeps_nothing: bool,
}

#[derive(Debug)]
struct CachedParse {
    file: FileId,
    text: Arc<str>,
    doc: Option<Arc<Document>>,
    diagnostics: Vec<Diagnostic>,
}

impl ParseCache {
    /// A cache for a checker that runs again and again (the language server). It also keeps
    /// each file's lowered features and the lint findings of each feature and file: a check
    /// then lowers and lints only what changed, unless a preset, the environments or gantry.kdl
    /// changed. It costs a copy of every feature.
    pub fn incremental() -> ParseCache {
        ParseCache {
            incremental: Some(Incremental::default()),
            ..ParseCache::default()
        }
    }

    /// A cache that keeps nothing, for a check that runs once (the command line): each file's
    /// syntax tree is freed as soon as its features are lowered, which lowers the check's peak
    /// memory by the size of the trees.
    pub fn none() -> ParseCache {
        ParseCache {
            keeps_nothing: true,
            ..ParseCache::default()
        }
    }

    /// The syntax tree the last check made of the file named `name`, if it parsed.
    pub fn document(&self, name: &str) -> Option<&Arc<Document>> {
        self.files.get(name)?.doc.as_ref()
    }

    /// The parse of `file` if the last check parsed the same text under the same name and id.
    fn lookup(&self, sources: &SourceMap, file: FileId) -> Option<Parse> {
        let source = sources.get(file);
        let hit = self.files.get(&source.name)?;
        let same_text = Arc::ptr_eq(&hit.text, &source.text) || *hit.text == *source.text;
        (hit.file == file && same_text).then(|| (hit.doc.clone(), hit.diagnostics.clone()))
    }
}

/// A file's syntax tree, if it parsed, and what is wrong with it.
type Parse = (Option<Arc<Document>>, Vec<Diagnostic>);

/// Checks a workspace given as text: `gantry.kdl` and the spec files.
pub fn check_files(workspace_file: Input, spec_files: Vec<Input>) -> Checked {
    check_workspace(workspace_file, spec_files, TemplateFolder::NotRead)
}

/// Checks a workspace given as text, with what its `templates` folder held.
pub fn check_workspace(
    workspace_file: Input,
    spec_files: Vec<Input>,
    template_folder: TemplateFolder,
) -> Checked {
    check_workspace_cached(
        &mut ParseCache::none(),
        workspace_file,
        spec_files,
        template_folder,
    )
}

/// [`check_workspace`], reusing what `cache` holds from the last check and leaving this one's
/// parses in it.
pub fn check_workspace_cached(
    cache: &mut ParseCache,
    workspace_file: Input,
    spec_files: Vec<Input>,
    template_folder: TemplateFolder,
) -> Checked {
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    // The stdlib is parsed once per process; its files take the first ids of every source map.
    let stdlib: Vec<Parsed> = stdlib::FILES
        .iter()
        .zip(stdlib::parsed())
        .map(|((name, text), parsed)| {
            diagnostics.extend(parsed.diagnostics.iter().cloned());
            Parsed {
                file: sources.add(SourceFile::new(*name, *text)),
                doc: parsed.doc.clone(),
            }
        })
        .collect();
    // Files take their ids in order; they are parsed and validated on every core.
    let mut add = |input: Input, diagnostics: &mut Vec<Diagnostic>| {
        // The size is checked before parsing, and an oversized text is not kept.
        if input.text.len() > limits::MAX_FILE_BYTES {
            let file = sources.add(SourceFile::new(input.name.clone(), ""));
            diagnostics.extend(limits::file_too_large(file, &input.name, input.text.len()));
            return (file, false);
        }
        (sources.add(SourceFile::new(input.name, input.text)), true)
    };
    let ws_added = add(workspace_file, &mut diagnostics);
    let specs_added: Vec<(FileId, bool)> = spec_files
        .into_iter()
        .map(|input| add(input, &mut diagnostics))
        .collect();
    let parse = |added: (FileId, bool), root: &'static NodeSchema| -> Parse {
        if !added.1 {
            return (None, Vec::new());
        }
        cache.lookup(&sources, added.0).unwrap_or_else(|| {
            let (doc, found) = parse_source(&sources, added, root);
            (doc.map(Arc::new), found)
        })
    };
    let ws_parse = parse(ws_added, &schema::WORKSPACE_FILE);
    let spec_parses = crate::parallel::map(&specs_added, |added| parse(*added, &schema::SPEC_FILE));
    let mut kept = HashMap::with_capacity(specs_added.len() + 1);
    let keeps_parses = !cache.keeps_nothing;
    let mut take = |(file, within_limits): (FileId, bool), (doc, found): Parse| {
        if within_limits && keeps_parses {
            let source = sources.get(file);
            kept.insert(
                source.name.clone(),
                CachedParse {
                    file,
                    text: source.text.clone(),
                    doc: doc.clone(),
                    diagnostics: found.clone(),
                },
            );
        }
        diagnostics.extend(found);
        Parsed { file, doc }
    };
    let ws_file = take(ws_added, ws_parse);
    let mut specs: Vec<Parsed> = specs_added
        .iter()
        .zip(spec_parses)
        .map(|(added, parsed)| take(*added, parsed))
        .collect();
    cache.files = kept;

    let workspace = ws_file
        .doc
        .as_ref()
        .and_then(|d| d.nodes.iter().find(|n| n.name.value == "workspace"))
        .and_then(ast::lower_workspace);

    let presets = collect_presets(
        &sources,
        stdlib.iter().chain([&ws_file]).chain(&specs),
        &mut diagnostics,
    );

    let all_features: Vec<&Node> = specs
        .iter()
        .filter_map(|p| p.doc.as_deref())
        .flat_map(feature_nodes)
        .collect();
    if let Some(too_many) = limits::too_many_features(&all_features) {
        // Nothing past parsing runs: its cost grows with every feature and entity.
        diagnostics.push(too_many);
        diagnostics::sort_and_dedup(&mut diagnostics, &sources);
        return Checked {
            sources,
            diagnostics,
            workspace,
            features: Vec::new(),
            environments: Vec::new(),
            presets,
            risk: RiskTable::default(),
            templates: BTreeMap::new(),
        };
    }
    let environment_names: Vec<String> = match &workspace {
        Some(ws) if !ws.environments.is_empty() => {
            ws.environments.iter().map(|e| e.value.clone()).collect()
        }
        _ => vec![DEFAULT_ENVIRONMENT.to_string()],
    };
    let context = lowering::Context::new(
        stdlib
            .iter()
            .chain([&ws_file])
            .chain(&specs)
            .filter_map(|p| p.doc.as_ref()),
        &environment_names,
    );
    let mut risk = RiskTable::default();
    for parsed in &stdlib {
        if let Some(doc) = &parsed.doc {
            risk.extend_from(&doc.nodes);
        }
    }
    if let Some(node) = ws_file
        .doc
        .as_ref()
        .and_then(|d| d.nodes.iter().find(|n| n.name.value == "workspace"))
    {
        risk.extend_from(&node.children);
    }

    // Without a readable gantry.kdl the environments are unknown: say nothing about them. Lint
    // severities live in it too: without it, lints would speak at the wrong volume.
    let workspace_known = ws_file.doc.is_some();
    let lints: Vec<&'static crate::lint::Rule> = if workspace_known {
        crate::rules::lints().collect()
    } else {
        Vec::new()
    };
    // The rules about the text of files run before the features are lowered: see `lower_features`.
    let file_findings = {
        let documents: Vec<(&str, &Arc<Document>)> = std::iter::once(&ws_file)
            .chain(&specs)
            .filter_map(|p| Some((sources.get(p.file).name.as_str(), p.doc.as_ref()?)))
            .collect();
        let kept_lints = cache
            .incremental
            .as_mut()
            .map(|kept| &mut kept.derived(&context, ws_file.doc.as_ref()).lints);
        crate::lint::run_files(
            &lints,
            &crate::lint::Files {
                workspace: workspace.as_ref(),
                environment: &environment_names[0],
                documents: &documents,
                presets: &presets,
                risk: &risk,
                sources: &sources,
            },
            kept_lints,
        )
    };

    let (features, by_environment) = lower_features(
        cache,
        &sources,
        &mut specs,
        &context,
        &presets,
        &mut diagnostics,
    );
    report_duplicate_features(&features, &mut diagnostics);

    for feature in features.iter().filter(|_| workspace_known) {
        for overlay in &feature.envs {
            if !environment_names.contains(&overlay.name.value) {
                diagnostics.push(unknown_environment(
                    &overlay.name,
                    &environment_names,
                    workspace.as_ref(),
                ));
            }
        }
    }

    // What the last check derived from the features, if it is kept and still valid.
    let mut derived = cache.incremental.as_mut().map(|kept| {
        kept.derived(&context, ws_file.doc.as_ref())
            .for_environments(environment_names.len())
    });
    // Each environment's references and dependency cycles, on every core.
    let jobs: Vec<Mutex<Option<EnvironmentJob>>> = {
        let mut kept = derived
            .as_deref_mut()
            .map(|kept| kept.resolved.iter_mut().zip(kept.cycles.iter_mut()));
        environment_names
            .iter()
            .zip(by_environment)
            .map(|(name, features)| {
                Mutex::new(Some(EnvironmentJob {
                    name: name.clone(),
                    features,
                    kept: kept.as_mut().and_then(Iterator::next),
                }))
            })
            .collect()
    };
    let resolve_in = |job: &Mutex<Option<EnvironmentJob>>| {
        let job = job.lock().unwrap_or_else(PoisonError::into_inner).take()?;
        let view = EnvironmentView::new(job.name, job.features);
        let mut found = Vec::new();
        let mut resolver = Resolver {
            workspace: workspace.as_ref(),
            environment: &view.name,
            features: &view.features,
            index: &view.index,
            presets: &presets,
            diagnostics: &mut found,
        };
        match job.kept {
            Some((resolved, cycles)) => {
                resolver.run_kept(resolved);
                found.extend(cycles.of(&view.features));
            }
            None => {
                resolver.run();
                found.extend(Graph::service_dependencies(&view.features).cycles());
            }
        }
        Some((view, found))
    };
    let mut environments: Vec<EnvironmentView> = Vec::new();
    for (view, found) in crate::parallel::map_jobs(&jobs, resolve_in)
        .into_iter()
        .flatten()
    {
        environments.push(view);
        diagnostics.extend(found);
    }

    if let Some(ws) = &workspace {
        let features = environments.iter().flat_map(|e| e.features.iter());
        crate::coherence::receivers::check_workspace(ws, features.map(|f| &**f), &mut |d| {
            diagnostics.push(d)
        });
    }

    let kept_lints = derived.map(|kept| &mut kept.lints);
    diagnostics.extend(crate::lint::run(
        &lints,
        &crate::lint::Inputs {
            workspace: workspace.as_ref(),
            written: &features,
            environments: &environments,
            presets: &presets,
            risk: &risk,
            sources: &sources,
        },
        file_findings,
        kept_lints,
    ));

    let templates = templates::collect(
        workspace.as_ref(),
        template_folder,
        &mut sources,
        &mut diagnostics,
    );

    quiet_files_with_syntax_errors(&mut diagnostics);
    diagnostics::sort_and_dedup(&mut diagnostics, &sources);
    Checked {
        sources,
        diagnostics,
        workspace,
        features,
        environments,
        presets,
        risk,
        templates,
    }
}

/// One environment to resolve: its features, and what the last check kept for it.
struct EnvironmentJob<'k> {
    name: String,
    features: Vec<Arc<Feature>>,
    kept: Option<(&'k mut crate::resolve::Kept, &'k mut incremental::Cycles)>,
}

/// The `feature` nodes of a spec file.
fn feature_nodes(doc: &Document) -> impl Iterator<Item = &Node> {
    doc.nodes.iter().filter(|n| n.name.value == "feature")
}

/// Every feature of the spec files as written and per environment (see [`lowering`]), in the
/// order of the files. What `cache` holds for a file whose tree and context did not change is
/// reused; the rest is lowered on every core.
fn lower_features(
    cache: &mut ParseCache,
    sources: &SourceMap,
    specs: &mut [Parsed],
    context: &lowering::Context,
    presets: &PresetIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Arc<Feature>>, Vec<Vec<Arc<Feature>>>) {
    let environments = context.environments();
    if cache.keeps_nothing && specs.len() >= MANY_FILES {
        let per_file = lower_and_free(specs, environments, presets);
        return gather(
            per_file.into_iter().flatten(),
            environments.len(),
            diagnostics,
        );
    }
    let mut previous = cache
        .incremental
        .as_mut()
        .map(|kept| kept.lowerings.take_valid(context))
        .unwrap_or_default();
    // Per spec file, what the last check lowered from the same tree.
    let mut per_file: Vec<Option<Vec<lowering::Lowered>>> = specs
        .iter()
        .map(|parsed| {
            let doc = parsed.doc.as_ref()?;
            let name = &sources.get(parsed.file).name;
            match previous.remove(name) {
                Some((kept, lowered)) if Arc::ptr_eq(&kept, doc) => Some(lowered),
                _ => None,
            }
        })
        .collect();
    let to_lower: Vec<(usize, FileId, &Node)> = specs
        .iter()
        .enumerate()
        .filter(|(i, _)| per_file[*i].is_none())
        .filter_map(|(i, p)| p.doc.as_ref().map(|d| (i, p.file, d)))
        .flat_map(|(i, file, d)| feature_nodes(d).map(move |n| (i, file, n)))
        .collect();
    let lowered = crate::parallel::map(&to_lower, |(_, file, node)| {
        lowering::lower(*file, node, environments, presets)
    });
    for ((i, _, _), lowered) in to_lower.iter().zip(lowered) {
        per_file[*i].get_or_insert_with(Vec::new).push(lowered);
    }
    let mut ordered = Vec::new();
    let mut kept = HashMap::new();
    for (parsed, lowered) in specs.iter().zip(per_file) {
        let (Some(doc), Some(lowered)) = (&parsed.doc, lowered) else {
            continue;
        };
        if cache.incremental.is_some() {
            ordered.extend(lowered.iter().cloned());
            kept.insert(
                sources.get(parsed.file).name.clone(),
                (doc.clone(), lowered),
            );
        } else {
            ordered.extend(lowered);
        }
    }
    if let Some(incremental) = cache.incremental.as_mut() {
        incremental.lowerings.refill(context.clone(), kept);
    }
    gather(ordered.into_iter(), environments.len(), diagnostics)
}

/// From this many spec files on, a check that keeps nothing lowers file by file (see
/// [`lower_and_free`]); below, feature by feature, which spreads a few large files over the
/// cores.
const MANY_FILES: usize = 64;

/// Lowers the features of every spec file on every core, and frees each file's syntax tree
/// (taken out of `specs`) as soon as its features are lowered: a large workspace never holds
/// every tree and every feature at once.
fn lower_and_free(
    specs: &mut [Parsed],
    environments: &[String],
    presets: &PresetIndex,
) -> Vec<Vec<lowering::Lowered>> {
    let trees: Vec<(FileId, Mutex<Option<Arc<Document>>>)> = specs
        .iter_mut()
        .map(|parsed| (parsed.file, Mutex::new(parsed.doc.take())))
        .collect();
    crate::parallel::map(&trees, |(file, tree)| {
        let Some(doc) = tree.lock().unwrap_or_else(PoisonError::into_inner).take() else {
            return Vec::new();
        };
        feature_nodes(&doc)
            .map(|node| lowering::lower(*file, node, environments, presets))
            .collect()
    })
}

/// The features of `lowered`, as written and per environment, in order; what merging found
/// goes to `diagnostics`.
fn gather(
    lowered: impl Iterator<Item = lowering::Lowered>,
    environments: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Arc<Feature>>, Vec<Vec<Arc<Feature>>>) {
    let mut written = Vec::new();
    let mut by_environment: Vec<Vec<Arc<Feature>>> = vec![Vec::new(); environments];
    for feature in lowered {
        diagnostics.extend(feature.found);
        written.extend(feature.written);
        for (features, one) in by_environment.iter_mut().zip(feature.per_environment) {
            features.extend(one);
        }
    }
    (written, by_environment)
}

/// A file's syntax tree, validated against the schema of its kind of file, and what is wrong
/// with it; nothing for a file over the size limit (already reported).
///
/// A spec file with syntax errors keeps the tree of what parses around them (see
/// [`syntax::parse_recovering`]), so its features still count for the rest of the workspace and
/// the editor can still navigate it; [`quiet_files_with_syntax_errors`] keeps what follows from
/// the lines left out from being reported. gantry.kdl keeps no partial tree: a team or an
/// environment left out of it would be reported as unknown in every spec.
fn parse_source(
    sources: &SourceMap,
    (file, within_limits): (FileId, bool),
    root: &'static NodeSchema,
) -> (Option<Document>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if !within_limits {
        return (None, diagnostics);
    }
    let text = &sources.get(file).text;
    let recovered = syntax::parse_recovering(file, text);
    let partial_allowed = !std::ptr::eq(root, &schema::WORKSPACE_FILE);
    let doc = match recovered.document {
        Some(doc) if recovered.errors.is_empty() => match limits::too_many_nodes(&doc) {
            Some(too_many) => {
                diagnostics.push(too_many);
                None
            }
            None => {
                validate_source(&doc, root, text, &mut diagnostics);
                Some(doc)
            }
        },
        Some(partial) if partial_allowed && limits::too_many_nodes(&partial).is_none() => {
            Some(partial)
        }
        _ => None,
    };
    diagnostics.extend(recovered.errors);
    (doc, diagnostics)
}

/// Keeps only the syntax errors of a file that has some: the rest of what is said of it follows
/// from the lines its partial tree leaves out (a node missing a property that was on a broken
/// line, a placeholder standing for a broken line that opened a block).
fn quiet_files_with_syntax_errors(diagnostics: &mut Vec<Diagnostic>) {
    let broken: HashSet<FileId> = diagnostics
        .iter()
        .filter(|d| d.id == "syntax")
        .map(|d| d.primary.span.file)
        .collect();
    if broken.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        matches!(d.id, "syntax" | "limit-exceeded") || !broken.contains(&d.primary.span.file)
    });
}

fn collect_presets<'a>(
    sources: &SourceMap,
    files: impl Iterator<Item = &'a Parsed>,
    diagnostics: &mut Vec<Diagnostic>,
) -> PresetIndex {
    let mut index = PresetIndex::default();
    for parsed in files {
        let Some(doc) = &parsed.doc else { continue };
        let from_stdlib = stdlib::is_stdlib(&sources.get(parsed.file).name);
        for node in doc.nodes.iter().filter(|n| n.name.value == "preset") {
            let Some(preset) = ast::lower_preset(node) else {
                continue;
            };
            if !from_stdlib && preset.name.value.starts_with("std/") {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-name",
                        preset.name.span,
                        format!(
                            "`{}`: preset names under `std/` belong to the standard library",
                            preset.name.value
                        ),
                    )
                    .with_label("reserved prefix")
                    .with_help(format!(
                        "name it after your workspace instead, e.g. `{}`",
                        preset.name.value.replacen("std/", "acme/", 1)
                    )),
                );
                continue;
            }
            if node.children.len() != 1 {
                let d = Diagnostic::error(
                    "missing-required",
                    preset.name.span,
                    format!("preset `{}` must hold exactly one node, found {}", preset.name.value, node.children.len()),
                )
                .with_label("one node expected inside")
                .with_help("write the node the preset stands for inside it, e.g. `preset \"acme/canary\" { deploy strategy=\"canary\" { … } }`");
                diagnostics.push(d);
                continue;
            }
            match index.presets.get(&preset.name.value) {
                Some(first) => diagnostics.push(
                    Diagnostic::error(
                        "duplicate-name",
                        preset.name.span,
                        format!("preset `{}` is defined twice", preset.name.value),
                    )
                    .with_label("defined again here")
                    .with_secondary(first.name.span, "first defined here")
                    .with_help("rename one of them"),
                ),
                None => {
                    index.presets.insert(preset.name.value.clone(), preset);
                }
            }
        }
    }
    index
}

fn report_duplicate_features(features: &[Arc<Feature>], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for feature in features {
        if let Some(first) = seen.insert(&feature.name.value, feature.name.span) {
            // Two features of one file are already reported by the schema check.
            if first.file != feature.name.span.file {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-name",
                        feature.name.span,
                        format!("feature `{}` is defined twice", feature.name.value),
                    )
                    .with_label("defined again here")
                    .with_secondary(first, "first defined here")
                    .with_help("a feature lives in one file; rename one of them or merge them"),
                );
            }
        }
    }
}

fn unknown_environment(
    name: &ast::Name,
    known: &[String],
    workspace: Option<&Workspace>,
) -> Diagnostic {
    let declared = workspace.is_some_and(|w| !w.environments.is_empty());
    let suggestion =
        suggest::did_you_mean(&name.value, known.iter().map(String::as_str)).filter(|_| declared);
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        _ if declared => format!(
            "the workspace's environments are: {}; declare it in gantry.kdl with `environment \"{}\"`",
            known.join(", "),
            name.value
        ),
        _ => format!(
            "declare it in gantry.kdl: `workspace \"…\" {{ environment \"{}\" }}`",
            name.value
        ),
    };
    let mut d = Diagnostic::error(
        "unknown-environment",
        name.span,
        format!("no environment named `{}` in the workspace", name.value),
    )
    .with_label("unknown environment")
    .with_help(help)
    .with_replacement(suggestion);
    if let Some(first) = workspace.and_then(|w| w.environments.first()) {
        d = d.with_secondary(first.span, "environments are declared here");
    }
    d
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    const WORKSPACE: &str = "workspace \"w\" {\n    team \"payments\" { oncall pager=\"pager\"; }\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"\n}\n";

    fn input(name: &str, text: &str) -> Input {
        Input {
            name: name.to_string(),
            text: text.into(),
        }
    }

    fn check(cache: &mut ParseCache, specs: &[(&str, &str)]) -> Checked {
        let specs = specs.iter().map(|(n, t)| input(n, t)).collect();
        check_workspace_cached(
            cache,
            input(WORKSPACE_FILE, WORKSPACE),
            specs,
            TemplateFolder::NotRead,
        )
    }

    fn messages(checked: &Checked) -> Vec<String> {
        checked
            .diagnostics
            .iter()
            .map(|d| {
                let secondary: Vec<_> = d.secondary.iter().map(|l| (l.span, &l.text)).collect();
                format!(
                    "{:?} {:?} {} {} {secondary:?}",
                    d.primary.span, d.severity, d.id, d.message
                )
            })
            .collect()
    }

    const SHOP: &str = "feature \"shop\" {\n    owner \"payments\"\n    servce \"api\" { }\n}\n";
    const BILLING: &str = "feature \"billing\" {\n    owner \"payments\"\n}\n";

    #[test]
    fn a_cached_check_finds_what_a_fresh_one_finds() {
        let mut cache = ParseCache::default();
        let first = check(&mut cache, &[("shop.kdl", SHOP), ("billing.kdl", BILLING)]);
        let billing_doc = cache.files["billing.kdl"].doc.clone().expect("parsed");
        assert!(messages(&first).iter().any(|m| m.contains("unknown-node")));

        let fixed = SHOP.replace("servce", "service");
        let again = check(
            &mut cache,
            &[("shop.kdl", &fixed), ("billing.kdl", BILLING)],
        );
        let fresh = check(
            &mut ParseCache::default(),
            &[("shop.kdl", &fixed), ("billing.kdl", BILLING)],
        );
        assert_eq!(messages(&again), messages(&fresh));
        assert!(!messages(&again).iter().any(|m| m.contains("unknown-node")));
        let reused = cache.files["billing.kdl"].doc.clone().expect("parsed");
        assert!(
            Arc::ptr_eq(&billing_doc, &reused),
            "the unchanged file is not parsed again"
        );
    }

    #[test]
    fn a_file_that_moves_to_another_id_is_parsed_again() {
        let mut cache = ParseCache::default();
        check(&mut cache, &[("shop.kdl", SHOP), ("billing.kdl", BILLING)]);
        let before = cache.files["billing.kdl"].doc.clone().expect("parsed");
        // Removing the first spec gives billing.kdl another file id: spans must follow.
        let after_removal = check(&mut cache, &[("billing.kdl", BILLING)]);
        let fresh = check(&mut ParseCache::default(), &[("billing.kdl", BILLING)]);
        assert_eq!(messages(&after_removal), messages(&fresh));
        let after = cache.files["billing.kdl"].doc.clone().expect("parsed");
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(
            !cache.files.contains_key("shop.kdl"),
            "a removed file leaves the cache"
        );
    }

    /// The features as written, and per environment.
    type Built = (Vec<Arc<Feature>>, Vec<(String, Vec<Arc<Feature>>)>);

    /// What a check built.
    fn built(checked: &Checked) -> Built {
        let environments = checked
            .environments
            .iter()
            .map(|e| (e.name.clone(), e.features.clone()))
            .collect();
        (checked.features.clone(), environments)
    }

    const PRESETS: &str = "preset \"shop/defaults\" doc=\"Shop services\" {\n    service \"defaults\" {\n        port 8080\n    }\n}\n";
    const SHOP_WITH_PRESET: &str = "feature \"shop\" {\n    owner \"payments\"\n    service \"api\" use=\"shop/defaults\" { image \"registry.example/api:1\"; }\n    env \"prod\" { service \"api\" { image \"registry.example/api:2\"; } }\n}\n";

    /// Checks `specs` with `cache` and without one, and requires the same result.
    fn check_both(cache: &mut ParseCache, workspace: &str, specs: &[(&str, &str)]) -> Built {
        compared(cache, workspace, specs).0
    }

    /// [`check_both`], with the diagnostics.
    fn compared(
        cache: &mut ParseCache,
        workspace: &str,
        specs: &[(&str, &str)],
    ) -> (Built, Vec<String>) {
        let inputs = |specs: &[(&str, &str)]| specs.iter().map(|(n, t)| input(n, t)).collect();
        let cached = check_workspace_cached(
            cache,
            input(WORKSPACE_FILE, workspace),
            inputs(specs),
            TemplateFolder::NotRead,
        );
        let fresh = check_workspace(
            input(WORKSPACE_FILE, workspace),
            inputs(specs),
            TemplateFolder::NotRead,
        );
        assert_eq!(messages(&cached), messages(&fresh));
        assert_eq!(built(&cached), built(&fresh));
        (built(&cached), messages(&cached))
    }

    /// The diagnostics of a rule, as [`messages`] shows them.
    fn of_rule<'a>(messages: &'a [String], id: &str) -> Vec<&'a String> {
        messages
            .iter()
            .filter(|m| m.contains(&format!(" {id} ")))
            .collect()
    }

    /// [`WORKSPACE`] with the environments `staging` and `prod`.
    fn staging_and_prod() -> String {
        WORKSPACE.replace(
            "workspace \"w\" {\n",
            "workspace \"w\" {\n    environment \"staging\"\n    environment \"prod\"\n",
        )
    }

    const LEAKY_PRESET: &str = "preset \"shop/leaky\" doc=\"Shop services\" {\n    service \"defaults\" {\n        env \"STRIPE_KEY\" value=\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n    }\n}\n";
    const USES_LEAKY: &str = "feature \"cart\" {\n    owner \"payments\"\n    service \"api\" use=\"shop/leaky\" { image \"registry.example/cart:1\"; }\n}\n";
    const UNOWNED: &str =
        "feature \"returns\" {\n    service \"api\" { image \"registry.example/returns:1\"; }\n}\n";
    const LEAK: &str = "feature \"refunds\" {\n    owner \"payments\"\n    service \"api\" {\n        image \"registry.example/refunds:1\"\n        env \"TOKEN\" value=\"ghp_0123456789abcdefghijABCDEFGHIJ012345\"\n    }\n}\n";

    #[test]
    fn kept_lint_findings_follow_edits_of_features_files_presets_and_settings() {
        let mut cache = ParseCache::incremental();
        let ws = staging_and_prod();
        let mut specs = vec![
            ("leaky.kdl", LEAKY_PRESET),
            ("refunds.kdl", LEAK),
            ("returns.kdl", UNOWNED),
        ];
        let (_, found) = compared(&mut cache, &ws, &specs);
        assert_eq!(of_rule(&found, "feature-without-owner").len(), 1);
        assert_eq!(of_rule(&found, "secret-literal").len(), 2);
        let kept_returns = |cache: &ParseCache| {
            let lints = &cache.incremental.as_ref().expect("kept").derived.lints;
            lints.versions_of("returns").expect("returns is kept")
        };
        let returns = kept_returns(&cache);

        // Another file's edit: the findings of `returns` are reused, not found again.
        let fixed = LEAK.replace("ghp_0123456789abcdefghijABCDEFGHIJ012345", "kept-elsewhere");
        specs[1] = ("refunds.kdl", &fixed);
        let (_, found) = compared(&mut cache, &ws, &specs);
        assert_eq!(of_rule(&found, "secret-literal").len(), 1);
        assert!(Arc::ptr_eq(&returns, &kept_returns(&cache)));

        // A new use of the preset adds a place to the preset's finding.
        specs.push(("cart.kdl", USES_LEAKY));
        let (_, found) = compared(&mut cache, &ws, &specs);
        let leak = of_rule(&found, "secret-literal");
        assert!(
            leak[0].contains("preset `shop/leaky` is used here"),
            "{leak:?}"
        );

        // An allowance in the feature silences its own finding.
        let allowed = UNOWNED.replace(
            "feature \"returns\" {\n",
            "feature \"returns\" {\n    allow \"feature-without-owner\" reason=\"a prototype\"\n",
        );
        specs[2] = ("returns.kdl", &allowed);
        let (_, found) = compared(&mut cache, &ws, &specs);
        assert!(of_rule(&found, "feature-without-owner").is_empty());
        specs[2] = ("returns.kdl", UNOWNED);

        // The workspace's settings and environments reach every finding.
        let warned = ws.replace(
            "    environment \"prod\"\n",
            "    environment \"prod\"\n    lint {\n        warn \"feature-without-owner\" \"secret-literal\"\n    }\n",
        );
        let (_, found) = compared(&mut cache, &warned, &specs);
        let unowned = of_rule(&found, "feature-without-owner");
        assert!(unowned[0].contains("Warning"), "{unowned:?}");
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert!(of_rule(&found, "feature-without-owner")[0].contains("Error"));
    }

    const CALLER: &str = "feature \"orders\" {\n    owner \"payments\"\n    service \"api\" {\n        image \"registry.example/orders:1\"\n        depends-on \"ledger/api\"\n    }\n}\n";
    const CALLED: &str = "feature \"ledger\" {\n    owner \"payments\"\n    service \"api\" {\n        image \"registry.example/ledger:1\"\n    }\n}\n";

    #[test]
    fn kept_references_and_cycles_follow_edits_of_the_features_they_lead_to() {
        let mut cache = ParseCache::incremental();
        let mut specs = vec![("orders.kdl", CALLER), ("ledger.kdl", CALLED)];
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert!(of_rule(&found, "unresolved-reference").is_empty());

        // The called service is renamed: the unchanged caller's reference no longer resolves.
        let renamed = CALLED.replace("service \"api\"", "service \"books\"");
        specs[1] = ("ledger.kdl", &renamed);
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert_eq!(of_rule(&found, "unresolved-reference").len(), 1);

        // The called feature goes away, then comes back calling its caller: a cycle.
        specs.pop();
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert_eq!(of_rule(&found, "unresolved-reference").len(), 1);
        let calls_back = CALLED.replace(
            "ledger:1\"\n",
            "ledger:1\"\n        depends-on \"orders/api\"\n",
        );
        specs.push(("ledger.kdl", &calls_back));
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert_eq!(of_rule(&found, "dependency-cycle").len(), 1);

        // An edit elsewhere in a feature of the cycle keeps it; breaking it ends it.
        let edited = calls_back.replace("ledger:1", "ledger:2");
        specs[1] = ("ledger.kdl", &edited);
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert_eq!(of_rule(&found, "dependency-cycle").len(), 1);
        specs[1] = ("ledger.kdl", CALLED);
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert!(of_rule(&found, "dependency-cycle").is_empty());
        let edited = CALLED.replace("ledger:1", "ledger:3");
        specs[1] = ("ledger.kdl", &edited);
        let (_, found) = compared(&mut cache, WORKSPACE, &specs);
        assert!(of_rule(&found, "dependency-cycle").is_empty());
        assert!(of_rule(&found, "unresolved-reference").is_empty());
    }

    #[test]
    fn a_check_that_frees_each_tree_once_lowered_finds_what_a_keeping_one_finds() {
        let texts: Vec<(String, String)> = (0..MANY_FILES + 6)
            .map(|i| {
                let spec = match i % 3 {
                    0 => UNOWNED.to_string(),
                    1 => LEAK.to_string(),
                    _ => CALLER.to_string(),
                };
                let name = ["returns", "refunds", "orders"][i % 3];
                (
                    format!("f{i:03}.kdl"),
                    spec.replace(name, &format!("{name}-{i}")),
                )
            })
            .collect();
        let mut specs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        specs.push(("leaky.kdl", LEAKY_PRESET));
        specs.push(("cart.kdl", USES_LEAKY));
        let ws = staging_and_prod();
        let (built, found) = compared(&mut ParseCache::incremental(), &ws, &specs);
        assert_eq!(built.0.len(), MANY_FILES + 7);
        assert_eq!(of_rule(&found, "feature-without-owner").len(), 24);
        assert_eq!(of_rule(&found, "secret-literal").len(), 24);
        assert!(!of_rule(&found, "unresolved-reference").is_empty());
    }

    #[test]
    fn kept_lowerings_follow_edits_of_specs_presets_and_environments() {
        let mut cache = ParseCache::incremental();
        let with_envs = staging_and_prod();
        fn specs<'a>(presets: &'a str, billing: &'a str) -> Vec<(&'a str, &'a str)> {
            vec![
                ("billing.kdl", billing),
                ("presets.kdl", presets),
                ("shop.kdl", SHOP_WITH_PRESET),
            ]
        }
        let first = check_both(&mut cache, &with_envs, &specs(PRESETS, BILLING));
        let lowered = |cache: &ParseCache, name: &str| {
            let files = &cache.incremental.as_ref().expect("kept").lowerings.files;
            files
                .get(name)
                .map(|(doc, lowered)| (doc.clone(), lowered.len()))
        };
        let (shop_doc, shop_features) = lowered(&cache, "shop.kdl").expect("shop is kept");
        assert_eq!(shop_features, 1);

        // An edit of another file: shop.kdl keeps its tree and its lowering.
        let billing = BILLING.replace("payments", "payment");
        check_both(&mut cache, &with_envs, &specs(PRESETS, &billing));
        let (kept_doc, _) = lowered(&cache, "shop.kdl").expect("shop is kept");
        assert!(Arc::ptr_eq(&shop_doc, &kept_doc));

        // A preset changes what every feature using it becomes.
        let moved = PRESETS.replace("8080", "9090");
        let after = check_both(&mut cache, &with_envs, &specs(&moved, BILLING));
        assert_ne!(first.1, after.1, "the new port reaches the merged features");

        // So do the environments.
        let fewer = check_both(&mut cache, WORKSPACE, &specs(PRESETS, BILLING));
        assert_eq!(fewer.1.len(), 1);
        assert_eq!(fewer.1[0].0, DEFAULT_ENVIRONMENT);
    }
}
