//! Lowering the feature nodes of a workspace: each as written, and as every environment sees it
//! (its overlay merged over the base, presets merged under the nodes that use them), with what
//! merging left incomplete. The language server keeps the result per file between checks: a
//! keystroke lowers again only the file it changed.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{self, Feature};
use crate::diagnostics::Diagnostic;
use crate::merge::{self, merge};
use crate::resolve::PresetIndex;
use crate::schema::{self, NodeSchema};
use crate::source::FileId;
use crate::syntax::{Document, Node};

/// One feature node lowered.
#[derive(Debug, Clone)]
pub(super) struct Lowered {
    /// The feature as written, before merging.
    pub written: Option<Arc<Feature>>,
    /// The feature as each environment sees it, in the order of the environments; one value
    /// for all the environments without an overlay.
    pub per_environment: Vec<Option<Arc<Feature>>>,
    /// What merging left incomplete.
    pub found: Vec<Diagnostic>,
}

/// Lowers one feature node of `file` for `environments`. The environments without an overlay
/// for the feature see the same feature: it is built once for them.
pub(super) fn lower(
    file: FileId,
    node: &Node,
    environments: &[String],
    presets: &PresetIndex,
) -> Lowered {
    let mut found = Vec::new();
    let mut lower_in = |overlay: Option<&Node>| {
        let merged = merged_feature(node, overlay, presets);
        validate_merged(&merged, &mut found);
        ast::lower_feature(&merged, file).map(Arc::new)
    };
    let overlays: Vec<Option<&Node>> = environments
        .iter()
        .map(|env| overlay_of(node, env))
        .collect();
    let shared = overlays
        .iter()
        .any(Option::is_none)
        .then(|| lower_in(None))
        .flatten();
    let per_environment = overlays
        .into_iter()
        .map(|overlay| match overlay {
            Some(overlay) => lower_in(Some(overlay)),
            None => shared.clone(),
        })
        .collect();
    Lowered {
        written: ast::lower_feature(node, file).map(Arc::new),
        per_environment,
        found,
    }
}

/// What lowering depends on beyond a feature's own node: the trees that define presets (in
/// order) and the environments.
#[derive(Debug, Default, Clone)]
pub(super) struct Context {
    preset_trees: Vec<Arc<Document>>,
    environments: Vec<String>,
}

impl Context {
    pub fn new<'a>(
        trees: impl Iterator<Item = &'a Arc<Document>>,
        environments: &[String],
    ) -> Context {
        Context {
            preset_trees: trees
                .filter(|doc| doc.nodes.iter().any(|n| n.name.value == "preset"))
                .cloned()
                .collect(),
            environments: environments.to_vec(),
        }
    }

    pub fn environments(&self) -> &[String] {
        &self.environments
    }

    /// The same trees (not equal ones: the same parses) and the same environments.
    pub fn is(&self, other: &Context) -> bool {
        self.environments == other.environments
            && self.preset_trees.len() == other.preset_trees.len()
            && self
                .preset_trees
                .iter()
                .zip(&other.preset_trees)
                .all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

/// Each spec file's lowered feature nodes, by file name, with the tree they were lowered from.
#[derive(Debug, Default)]
pub(super) struct Cache {
    context: Context,
    pub(super) files: HashMap<String, (Arc<Document>, Vec<Lowered>)>,
}

impl Cache {
    /// The entries still valid in `context`; the cache is left empty.
    pub fn take_valid(
        &mut self,
        context: &Context,
    ) -> HashMap<String, (Arc<Document>, Vec<Lowered>)> {
        let files = std::mem::take(&mut self.files);
        if self.context.is(context) {
            files
        } else {
            HashMap::new()
        }
    }

    pub fn refill(
        &mut self,
        context: Context,
        files: HashMap<String, (Arc<Document>, Vec<Lowered>)>,
    ) {
        self.context = context;
        self.files = files;
    }
}

/// A feature's `env` block for `environment`, if it has one.
pub(super) fn overlay_of<'n>(node: &'n Node, environment: &str) -> Option<&'n Node> {
    node.children.iter().find(|c| {
        c.name.value == "env" && c.first_string_arg().is_some_and(|a| a.value == environment)
    })
}

/// A feature node as an environment sees it: its `overlay` for that environment (see
/// [`overlay_of`]) merged over the base, then every `use=` preset merged under the node that
/// uses it.
pub fn merged_feature(node: &Node, overlay: Option<&Node>, presets: &PresetIndex) -> Node {
    // The base is the node without its `env` blocks, built without copying them.
    let mut base = Node {
        name: node.name.clone(),
        ty: node.ty.clone(),
        entries: node.entries.clone(),
        children: Vec::with_capacity(node.children.len()),
        has_block: node.has_block,
        span: node.span,
    };
    base.children.extend(
        node.children
            .iter()
            .filter(|c| c.name.value != "env")
            .cloned(),
    );
    let mut merged = match overlay {
        Some(overlay) => {
            let overlay = Node {
                entries: base.entries.clone(),
                ..overlay.clone()
            };
            // The merge takes the name and span of the node merged over, here `env "…"`: the
            // result is the feature, and is validated and reported on as one.
            Node {
                name: base.name.clone(),
                span: base.span,
                ..merge(&base, &overlay, &schema::FEATURE, merge::Mode::Overlay)
            }
        }
        None => base,
    };
    apply_presets(&mut merged, &schema::FEATURE, presets, 0);
    merged
}

/// Preset bodies may use presets themselves; a cycle stops here.
const MAX_PRESET_DEPTH: usize = 8;

/// Merges every `use=` (or `preset=`) below `node` over its preset's body, in place: only
/// preset bodies are copied.
fn apply_presets(
    node: &mut Node,
    schema: &'static NodeSchema,
    presets: &PresetIndex,
    depth: usize,
) {
    for child in &mut node.children {
        let Some(child_schema) = schema.child(&child.name.value) else {
            continue;
        };
        let preset_prop = if matches!(child.name.value.as_str(), "ratio" | "latency") {
            "preset"
        } else {
            "use"
        };
        let preset = child
            .props()
            .find(|(k, _)| k.value == preset_prop)
            .and_then(|(_, v)| v.value.as_str())
            .and_then(|name| presets.get(name))
            .filter(|p| p.kind.as_ref().is_some_and(|k| k.value == child.name.value));
        if let (Some(body), true) = (
            preset.and_then(|p| p.body.as_ref()),
            depth < MAX_PRESET_DEPTH,
        ) {
            let mut body = body.clone();
            apply_presets(&mut body, child_schema.node, presets, depth + 1);
            *child = merge(&body, child, child_schema.node, merge::Mode::Preset);
        }
        apply_presets(child, child_schema.node, presets, depth);
    }
}

/// Merging can leave a node without what it requires (a `use=` preset that did not provide
/// `strategy`); check the merged feature as a whole.
fn validate_merged(feature: &Node, diagnostics: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    crate::validate::validate_merged(
        std::slice::from_ref(feature),
        &schema::SPEC_FILE,
        &mut found,
    );
    diagnostics.extend(found.into_iter().filter(|d| d.id == "missing-required"));
}
