//! Merging of nodes: environment overlays over the base, and nodes over the presets they use
//! (DESIGN §3.2). Merged values keep the spans they were written at, in whichever file.

use std::borrow::Cow;

use crate::schema::{NodeSchema, Repeat};
use crate::source::Spanned;
use crate::syntax::{Entry, Node, RawValue};

/// How children that match are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An environment overlay: matching children merge recursively, so `service "api" {
    /// replicas … }` adjusts the replicas and keeps the rest.
    Overlay,
    /// A node over its preset: matching children of the node replace the preset's.
    Preset,
}

/// What makes two children "the same" when merging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    /// A child that appears once (`replicas`, `owner`): matched by node name.
    Single,
    /// A named entity (`service "api"`): matched by node name and first argument.
    Named,
    /// A repeated child named by a property (`deploy service="api"`): matched by its value.
    KeyedBy(&'static str),
    /// A repeated child with arguments (`allow "read" "k8s:*"`): matched when all arguments are
    /// equal, so other ones are added.
    ByArguments,
    /// A repeated child without required arguments (canary `step`s): a list, replaced whole.
    List,
}

fn identity_of(node: &Node, schema: Option<&crate::schema::Child>) -> Identity {
    match schema {
        Some(c) if c.repeat != Repeat::Many => Identity::Single,
        Some(c) if c.node.unique_name => Identity::Named,
        Some(c) if c.node.key_property.is_some() => {
            Identity::KeyedBy(c.node.key_property.unwrap_or_default())
        }
        // Optional arguments are a form of the item (`step approve`), not its identity.
        Some(c) if c.node.args.iter().all(|a| !a.required) => Identity::List,
        _ if node.args().next().is_some() => Identity::ByArguments,
        _ => Identity::List,
    }
}

/// Whether two children have the same identity: for a named entity the same first argument,
/// for a keyed child the same key (the last one given), otherwise the same arguments.
fn same_identity(a: &Node, b: &Node, identity: Identity) -> bool {
    match identity {
        Identity::Single | Identity::List => true,
        Identity::Named => same_values(a.args().take(1), b.args().take(1)),
        Identity::KeyedBy(key) => {
            same_values(key_value(a, key).into_iter(), key_value(b, key).into_iter())
        }
        Identity::ByArguments => same_values(a.args(), b.args()),
    }
}

fn key_value<'n>(node: &'n Node, key: &str) -> Option<&'n Spanned<RawValue>> {
    node.props()
        .filter(|(k, _)| k.value == key)
        .map(|(_, v)| v)
        .last()
}

/// Values equal as written: of the same type, and numbers bit for bit (so `1` is not `1.0`).
fn same_values<'v>(
    mut a: impl Iterator<Item = &'v Spanned<RawValue>>,
    mut b: impl Iterator<Item = &'v Spanned<RawValue>>,
) -> bool {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if same_value(&x.value, &y.value) => {}
            _ => return false,
        }
    }
}

fn same_value(a: &RawValue, b: &RawValue) -> bool {
    match (a, b) {
        (RawValue::Float(x), RawValue::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// A node with others merged onto its children: its own name and entries are `head`'s, its
/// children those of `head` and of what was merged, borrowed where merging left them alone.
#[derive(Debug)]
pub struct Merged<'n> {
    pub head: &'n Node,
    pub children: Vec<Cow<'n, Node>>,
}

impl<'n> Merged<'n> {
    pub fn children(&self) -> impl Iterator<Item = &Node> + Clone {
        self.children.iter().map(|c| &**c)
    }

    /// Whether `child` is one of `head`'s own children, borrowed as it was written: merging
    /// left it alone.
    pub fn left_alone(&self, child: &Node) -> bool {
        self.head
            .children
            .as_ptr_range()
            .contains(&std::ptr::from_ref(child))
    }
}

/// `over` merged onto `base`: `over`'s properties override, its children merge or replace
/// matching ones, the others are added. A repeated child without arguments (a canary `step`) is
/// a list: `over`'s list, when it has one, replaces `base`'s.
pub fn merge(base: &Node, over: &Node, schema: &'static NodeSchema, mode: Mode) -> Node {
    // A setting with two spellings (`runbook="x"`, `runbook "x"`): the one `over` gives
    // replaces `base`'s, whichever spelling each used.
    let given_by_over = |name: &str| {
        over.props().any(|(k, _)| k.value == name)
            || over.children.iter().any(|c| c.name.value == name)
    };
    let both_ways = |name: &str| schema.prop(name).is_some() && schema.child(name).is_some();
    let mut entries = base.entries.clone();
    entries.retain(|e| {
        !e.name
            .as_ref()
            .is_some_and(|k| both_ways(&k.value) && given_by_over(&k.value))
    });
    merge_entries(&mut entries, &over.entries);
    let children = base
        .children
        .iter()
        .filter(|c| !(both_ways(&c.name.value) && given_by_over(&c.name.value)))
        .map(Cow::Borrowed)
        .collect();
    Node {
        name: over.name.clone(),
        ty: base.ty.clone(),
        entries,
        children: merge_children(children, &over.children, schema, mode)
            .into_iter()
            .map(Cow::into_owned)
            .collect(),
        has_block: base.has_block || over.has_block,
        span: over.span,
    }
}

/// The children of a node of `schema`, `base`, with `over` merged onto them (see [`merge`]).
/// The children `over` leaves alone stay borrowed: merging an overlay onto a whole feature
/// copies only what it changes.
pub fn merge_children<'n>(
    base: Vec<Cow<'n, Node>>,
    over: impl IntoIterator<Item = &'n Node>,
    schema: &'static NodeSchema,
    mode: Mode,
) -> Vec<Cow<'n, Node>> {
    let mut out = base;
    let mut replaced_lists: Vec<&str> = Vec::new();
    for child in over {
        let child_schema = schema.child(&child.name.value);
        let identity = identity_of(child, child_schema);
        if identity == Identity::List {
            if !replaced_lists.contains(&child.name.value.as_str()) {
                out.retain(|n| n.name.value != child.name.value);
                replaced_lists.push(&child.name.value);
            }
            out.push(Cow::Borrowed(child));
            continue;
        }
        let matches =
            |n: &Node| n.name.value == child.name.value && same_identity(n, child, identity);
        match out.iter_mut().find(|n| matches(n)) {
            Some(existing) => {
                // A single child given another value (`image "api:nightly"` over
                // `image "api:1.4.2" digest=…`) is another thing: its properties described the
                // old value, so it is replaced, not merged.
                let new_value = identity == Identity::Single
                    && child.args().next().is_some()
                    && child
                        .args()
                        .map(|a| &a.value)
                        .ne(existing.args().map(|a| &a.value));
                *existing = match (mode, child_schema) {
                    (Mode::Overlay, Some(c)) if !new_value => {
                        Cow::Owned(merge(existing, child, c.node, mode))
                    }
                    _ => Cow::Borrowed(child),
                };
            }
            None => out.push(Cow::Borrowed(child)),
        }
    }
    out
}

fn merge_entries(base: &mut Vec<Entry>, over: &[Entry]) {
    let over_args: Vec<&Entry> = over.iter().filter(|e| e.name.is_none()).collect();
    if !over_args.is_empty() {
        base.retain(|e| e.name.is_some());
        let mut args: Vec<Entry> = over_args.into_iter().cloned().collect();
        args.append(base);
        *base = args;
    }
    for entry in over.iter().filter(|e| e.name.is_some()) {
        let key = entry.name.as_ref().map(|n| n.value.as_str());
        base.retain(|e| e.name.as_ref().map(|n| n.value.as_str()) != key);
        base.push(entry.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FEATURE;
    use crate::source::FileId;
    use crate::syntax::parse;

    fn node(text: &str) -> Node {
        parse(FileId(0), text).expect("parses").nodes.remove(0)
    }

    fn names(node: &Node) -> Vec<String> {
        node.children
            .iter()
            .map(|c| {
                let mut parts = vec![c.name.value.clone()];
                parts.extend(c.args().map(|a| format!("{:?}", a.value)));
                parts.extend(c.props().map(|(k, v)| format!("{}={:?}", k.value, v.value)));
                parts.join(" ")
            })
            .collect()
    }

    #[test]
    fn overlay_adjusts_matching_children_and_keeps_the_rest() {
        let base = node(
            r#"feature "f" { service "api" { port 80; replicas min=3 max=6 }; slo "a" objective=99.9 }"#,
        );
        let over =
            node(r#"env "staging" { service "api" { replicas min=1 }; slo "a" objective=99.0 }"#);
        let merged = merge(&base, &over, &FEATURE, Mode::Overlay);
        let api = &merged.children[0];
        assert_eq!(
            names(api),
            ["port Integer(80)", "replicas max=Integer(6) min=Integer(1)"]
        );
        assert_eq!(names(&merged)[1], "slo String(\"a\") objective=Float(99.0)");
    }

    #[test]
    fn a_new_value_replaces_a_single_child_and_deploys_match_by_service() {
        let base = node(
            r#"feature "f" { service "api" { image "api:1" digest="sha256:x"; replicas min=2 }; deploy service="api" strategy="canary"; deploy service="worker" strategy="rolling" }"#,
        );
        let over = node(
            r#"env "staging" { service "api" { image "api:nightly" }; deploy service="api" strategy="rolling" }"#,
        );
        let merged = merge(&base, &over, &FEATURE, Mode::Overlay);
        assert_eq!(
            names(&merged.children[0]),
            ["image String(\"api:nightly\")", "replicas min=Integer(2)"]
        );
        assert_eq!(
            names(&merged)[1..],
            [
                "deploy service=String(\"api\") strategy=String(\"rolling\")",
                "deploy service=String(\"worker\") strategy=String(\"rolling\")"
            ]
        );
    }

    #[test]
    fn a_setting_given_in_the_other_spelling_replaces_the_base() {
        let agent = crate::schema::FEATURE.child("agent").unwrap().node;
        let base = node(r#"agent "a" { runbook "old" }"#);
        let over = node(r#"agent "a" runbook="new""#);
        let merged = merge(&base, &over, agent, Mode::Overlay);
        assert!(merged.children.is_empty(), "{:?}", names(&merged));
        assert_eq!(merged.props().count(), 1);
        let merged = merge(&over, &base, agent, Mode::Overlay);
        assert_eq!(names(&merged), ["runbook String(\"old\")"]);
        assert_eq!(merged.props().count(), 0);
    }

    /// `over` merged over `base` as a deploy over its preset.
    fn merge_deploys(base: &Node, over: &Node) -> Node {
        merge(
            base,
            over,
            crate::schema::FEATURE.child("deploy").unwrap().node,
            Mode::Preset,
        )
    }

    #[test]
    fn lists_are_replaced_whole() {
        let base = node(
            r#"deploy strategy="canary" { step weight=5; step weight=50; rollback-when slo="a" }"#,
        );
        let over = node(r#"deploy { step weight=20 }"#);
        let merged = merge_deploys(&base, &over);
        assert_eq!(
            names(&merged),
            ["rollback-when slo=String(\"a\")", "step weight=Integer(20)"]
        );
        assert_eq!(merged.props().count(), 1);
    }

    #[test]
    fn a_step_approve_is_an_item_of_the_list() {
        let base = node(r#"deploy { step weight=5; step approve team="a"; step weight=50 }"#);
        let over = node(r#"deploy { step weight=20; step approve team="b" }"#);
        let merged = merge_deploys(&base, &over);
        assert_eq!(
            names(&merged),
            [
                "step weight=Integer(20)",
                "step String(\"approve\") team=String(\"b\")"
            ]
        );
    }
}
