//! Lowering the feature nodes of a workspace: each as written, and as every environment sees it
//! (its overlay merged over the base, presets merged under the nodes that use them), with what
//! merging left incomplete. The language server keeps the result per file between checks: a
//! keystroke lowers again only the file it changed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{self, Feature};
use crate::diagnostics::Diagnostic;
use crate::merge::{self, merge};
use crate::resolve::PresetIndex;
use crate::schema::{self, NodeSchema};
use crate::source::FileId;
use crate::suggest::did_you_mean;
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
    let written = ast::lower_feature(node, file).map(Arc::new);
    // Each overlay with its strays, found once: reported here, left out of the merge below.
    let overlays: Vec<Option<(&Node, Vec<Stray>)>> = environments
        .iter()
        .map(|env| overlay_of(node, env).map(|overlay| (overlay, strays(node, overlay))))
        .collect();
    for (overlay, strays) in overlays.iter().flatten() {
        found.extend(
            strays
                .iter()
                // An overlay that names an entity by the valid name of one whose name is
                // invalid (`service "API"`) is not reported again: `invalid-name` says why.
                .filter(|(stray, _)| !meant_by_invalid_name(node, stray))
                .map(|(stray, lacks)| stray_diagnostic(node, overlay, stray, lacks)),
        );
    }
    let mut lower_in = |overlay: Option<&(&Node, Vec<Stray>)>| {
        let overlay = overlay.map(|(overlay, strays)| (*overlay, strays.as_slice()));
        let merged = merged_feature_without_strays(node, overlay, presets);
        // Merging can leave a node without what it requires: a `use=` preset that does not
        // give it.
        crate::validate::missing_after_merge(&merged, &schema::FEATURE, &mut found);
        ast::lower_merged_feature(&merged, written.as_deref(), file).map(Arc::new)
    };
    let shared = overlays
        .iter()
        .any(Option::is_none)
        .then(|| lower_in(None))
        .flatten();
    let per_environment = overlays
        .iter()
        .map(|overlay| match overlay {
            Some(overlay) => lower_in(Some(overlay)),
            None => shared.clone(),
        })
        .collect();
    Lowered {
        written,
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

/// An entity of an overlay that names no entity of the base, with what it lacks (see [`strays`]).
type Stray<'n> = (&'n Node, Vec<String>);

/// The entities of `overlay`, an `env` block of the feature `node`, that name no entity of the
/// base and are not complete on their own, each with what it lacks: most likely a misspelt name
/// (`service "apii"`), which merging would turn into a new, half-defined entity of that
/// environment. An entity complete on its own is one the environment adds on purpose.
fn strays<'n>(node: &'n Node, overlay: &'n Node) -> Vec<Stray<'n>> {
    overlay
        .children
        .iter()
        .filter_map(|child| {
            let child_schema = schema::FEATURE
                .child(&child.name.value)
                .filter(|c| c.node.unique_name)?;
            let name = child.first_string_arg()?;
            let in_base = node.children.iter().any(|c| {
                c.name.value == child.name.value
                    && c.first_string_arg().is_some_and(|n| n.value == name.value)
            });
            if in_base {
                return None;
            }
            let lacks = lacks_on_its_own(child, child_schema.node);
            (!lacks.is_empty()).then_some((child, lacks))
        })
        .collect()
}

/// Whether `stray` names, by its valid name, an entity of the base whose name is invalid.
fn meant_by_invalid_name(node: &Node, stray: &Node) -> bool {
    let Some(name) = stray.first_string_arg() else {
        return false;
    };
    node.children
        .iter()
        .filter(|c| c.name.value == stray.name.value)
        .filter_map(Node::first_string_arg)
        .any(|n| crate::values::meant_by_invalid_name(name.value, n.value))
}

/// What an entity new in an overlay lacks without a base to merge over: what its schema
/// requires and, for a service, an image (the kubernetes target cannot deploy one without),
/// unless it names a preset that may give one.
fn lacks_on_its_own(node: &Node, node_schema: &'static NodeSchema) -> Vec<String> {
    let mut lacks = crate::validate::missing_on_its_own(node, node_schema);
    if node.name.value == "service"
        && !node.props().any(|(k, _)| k.value == "use")
        && !node.children.iter().any(|c| c.name.value == "image")
    {
        lacks.push(format!(
            "`service \"{}\"` needs an `image`",
            node.first_string_arg().map_or("", |n| n.value)
        ));
    }
    lacks
}

/// `unresolved-reference` at a stray's name (see [`strays`]), with the entity of the base it
/// most likely meant.
fn stray_diagnostic(node: &Node, overlay: &Node, stray: &Node, lacks: &[String]) -> Diagnostic {
    let kind = stray.name.value.as_str();
    let name = stray.first_string_arg();
    let name_value = name.as_ref().map_or("", |n| n.value);
    let span = name.as_ref().map_or(stray.name.span, |n| n.span);
    let feature = node.first_string_arg().map_or("", |n| n.value);
    let env = overlay.first_string_arg().map_or("", |n| n.value);
    let same_kind: Vec<&str> = node
        .children
        .iter()
        .filter(|c| c.name.value == kind)
        .filter_map(|c| c.first_string_arg().map(|n| n.value))
        .collect();
    let suggestion = did_you_mean(name_value, same_kind.iter().copied());
    let to_add = format!(
        "to add this {kind} only in `{env}`, give it all it needs on its own ({})",
        lacks.join("; ")
    );
    let help = match (suggestion, same_kind.as_slice()) {
        (Some(s), _) => format!("did you mean `{s}`? {}", capitalised(&to_add)),
        (None, []) => format!("the feature has no {kind} in its base; {to_add}"),
        (None, names) => format!(
            "the {kind}s of the base are: {}; {to_add}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Diagnostic::error(
        "unresolved-reference",
        span,
        format!(
            "`env \"{env}\"` changes {kind} `{name_value}`, which feature `{feature}` does not have"
        ),
    )
    .with_label(format!("no {kind} `{name_value}` in the base"))
    .with_help(help)
    .with_replacement(suggestion)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A feature node as an environment sees it: its `overlay` for that environment (see
/// [`overlay_of`]) merged over the base, then every `use=` preset merged under the node that
/// uses it. Only the children that merging changes are copied.
pub fn merged_feature<'n>(
    node: &'n Node,
    overlay: Option<&'n Node>,
    presets: &PresetIndex,
) -> merge::Merged<'n> {
    let strays = overlay.map(|overlay| strays(node, overlay));
    merged_feature_without_strays(node, overlay.zip(strays.as_deref()), presets)
}

/// [`merged_feature`], given the overlay's strays (see [`strays`]): they are reported, not
/// merged, since each would add a half-defined entity that every later check would report
/// again.
fn merged_feature_without_strays<'n>(
    node: &'n Node,
    overlay: Option<(&'n Node, &[Stray<'n>])>,
    presets: &PresetIndex,
) -> merge::Merged<'n> {
    let base: Vec<Cow<'n, Node>> = node
        .children
        .iter()
        .filter(|c| c.name.value != "env")
        .map(Cow::Borrowed)
        .collect();
    let mut children = match overlay {
        // The overlay's own name and entries (`env "staging"`) are not the feature's: only its
        // children are merged.
        Some((overlay, strays)) => merge::merge_children(
            base,
            overlay
                .children
                .iter()
                .filter(|c| !strays.iter().any(|(s, _)| std::ptr::eq(*s, *c))),
            &schema::FEATURE,
            merge::Mode::Overlay,
        ),
        None => base,
    };
    for child in &mut children {
        let Some(child_schema) = schema::FEATURE.child(&child.name.value) else {
            continue;
        };
        if names_a_preset(child) {
            apply_preset(child.to_mut(), child_schema.node, presets, 0);
        }
    }
    merge::Merged {
        head: node,
        children,
    }
}

/// Whether `node` or a node below it names a preset (`use=`, or `preset=` on an SLO's
/// indicator): only those change when presets are merged in.
fn names_a_preset(node: &Node) -> bool {
    node.props()
        .any(|(k, _)| matches!(k.value.as_bytes(), b"use" | b"preset"))
        || node.children.iter().any(names_a_preset)
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
        if let Some(child_schema) = schema.child(&child.name.value) {
            apply_preset(child, child_schema.node, presets, depth);
        }
    }
}

/// Merges `node`, of `schema`, over the preset it uses if any, then does the same below it.
fn apply_preset(node: &mut Node, schema: &'static NodeSchema, presets: &PresetIndex, depth: usize) {
    // An SLO's indicator names its preset with `preset=` or, like every other node, `use=`.
    let indicator = matches!(node.name.value.as_str(), "ratio" | "latency");
    let preset = node
        .props()
        .find(|(k, _)| k.value == "use" || indicator && k.value == "preset")
        .and_then(|(_, v)| v.value.as_str())
        .and_then(|name| presets.get(name))
        .filter(|p| p.kind.as_ref().is_some_and(|k| k.value == node.name.value));
    if let (Some(body), true) = (
        preset.and_then(|p| p.body.as_ref()),
        depth < MAX_PRESET_DEPTH,
    ) {
        let mut body = body.clone();
        apply_presets(&mut body, schema, presets, depth + 1);
        *node = merge(&body, node, schema, merge::Mode::Preset);
    }
    apply_presets(node, schema, presets, depth);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn merging_copies_only_the_children_an_overlay_or_a_preset_changes() {
        let doc = parse(
            FileId(0),
            r#"
            preset "t/triage" {
                runbook { summary "Something is wrong"; step "Look" }
            }
            feature "shop" {
                owner "payments"
                service "api" { port 8080 }
                service "worker" { port 9000 }
                runbook "triage" use="t/triage"
                runbook "manual" { summary "By hand" }
                env "staging" {
                    service "api" { port 8081 }
                }
            }
            "#,
        )
        .expect("parses");
        let mut presets = PresetIndex::default();
        let preset = ast::lower_preset(&doc.nodes[0]).expect("a preset");
        presets.presets.insert(preset.name.value.clone(), preset);
        let feature = &doc.nodes[1];
        let copied = |merged: &merge::Merged| -> Vec<String> {
            merged
                .children
                .iter()
                .filter(|c| matches!(c, Cow::Owned(_)))
                .map(|c| {
                    format!(
                        "{} {:?}",
                        c.name.value,
                        c.first_string_arg().map(|a| a.value)
                    )
                })
                .collect()
        };

        let prod = merged_feature(feature, None, &presets);
        assert_eq!(copied(&prod), [r#"runbook Some("triage")"#]);
        assert_eq!(prod.children.len(), 5, "every child but the overlay");

        let staging = merged_feature(feature, overlay_of(feature, "staging"), &presets);
        assert_eq!(
            copied(&staging),
            [r#"service Some("api")"#, r#"runbook Some("triage")"#]
        );
        let lowered = ast::lower_merged_feature(&staging, None, FileId(0)).expect("a feature");
        assert_eq!(
            lowered.services[0].port.as_ref().map(|p| p.number.value),
            Some(8081)
        );
        assert_eq!(
            lowered.runbooks[0]
                .summary
                .as_ref()
                .map(|s| s.value.as_str()),
            Some("Something is wrong")
        );
        assert!(lowered.envs.is_empty(), "overlays are merged, not kept");
        // The entities merging left alone are copied from the feature as written: the same
        // values as lowering them again.
        let written = ast::lower_feature(feature, FileId(0)).expect("a feature");
        for merged in [&prod, &staging] {
            assert_eq!(
                ast::lower_merged_feature(merged, Some(&written), FileId(0)),
                ast::lower_merged_feature(merged, None, FileId(0))
            );
        }
    }
}
