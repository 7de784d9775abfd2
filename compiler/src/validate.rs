//! Checks a syntax tree against the language schema: unknown nodes and properties, missing and
//! duplicated ones, and values of the wrong type, each with a did-you-mean where one is close.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::merge::Merged;
use crate::schema::{self, Arg, NodeSchema, Repeat, ValueKind};
use crate::source::{Span, Spanned};
use crate::suggest::did_you_mean;
use crate::syntax::{Document, Node, RawValue};
use crate::values;

/// Validates every node of a document against `root`'s children.
pub fn validate(doc: &Document, root: &'static NodeSchema, diagnostics: &mut Vec<Diagnostic>) {
    let mut v = Validator {
        diagnostics,
        merged: None,
        source: None,
    };
    v.children(doc.nodes.iter(), root, None, Mode::Complete);
}

/// Validates a document parsed from `source`, so that a fault inside a string (a PromQL
/// bracket) can be pointed at within it.
pub fn validate_source(
    doc: &Document,
    root: &'static NodeSchema,
    source: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut v = Validator {
        diagnostics,
        merged: None,
        source: Some(source),
    };
    v.children(doc.nodes.iter(), root, None, Mode::Complete);
}

/// Reports what a feature whose presets and overlays are merged in lacks: `use=` no longer
/// excuses a missing property. Only `missing-required` is looked for: merging joins nodes that
/// were validated as written, and adds nothing else to find. The children of `merged.head`
/// that `merged` still borrows are passed over: they were validated, complete, with their file,
/// and name no preset (merging copies those that do).
pub fn missing_after_merge(
    merged: &Merged,
    schema: &'static NodeSchema,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut v = Validator {
        diagnostics,
        merged: Some(merged),
        source: None,
    };
    v.node_with(merged.head, merged.children(), schema, Mode::Complete);
}

/// What `node`, of `schema`, lacks of what it requires when it stands alone, merged over
/// nothing (what an environment overlay adds to the base must have it all), as the messages of
/// `missing-required`. A node with `use=` is left to its preset, which [`missing_after_merge`]
/// checks.
pub fn missing_on_its_own(node: &Node, schema: &'static NodeSchema) -> Vec<String> {
    let mut found = Vec::new();
    let mut v = Validator {
        diagnostics: &mut found,
        merged: None,
        source: None,
    };
    let mode = if node.props().any(|(k, _)| k.value == "use") {
        Mode::Partial
    } else {
        Mode::Complete
    };
    v.node(node, schema, mode);
    found
        .into_iter()
        .filter(|d| d.id == "missing-required")
        .map(|d| d.message)
        .collect()
}

/// Whether a node must be complete, or may leave out what it requires (an environment overlay,
/// completed by merging; a node with `use=`, completed by its preset; a preset body, which
/// needs not even a name).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Complete,
    Partial,
    PresetBody,
}

/// The children of one node seen so far, to find those given twice.
#[derive(Default)]
struct Seen<'n> {
    /// By schema name, the first of each child that may be given once: at most one for each
    /// child of the schema, so a list is searched.
    once: Vec<(&'static str, &'n Node)>,
    /// By kind and entity name, where each entity was first named.
    names: BTreeMap<(&'static str, &'n str), Span>,
}

struct Validator<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
    /// The merge being checked for what it lacks (see [`missing_after_merge`]): presets are
    /// merged in, only what is missing is looked for, and the children it left alone, validated
    /// when their file was parsed, are passed over.
    merged: Option<&'d Merged<'d>>,
    /// The text of the file the document came from, when known.
    source: Option<&'d str>,
}

/// Where a node's name is, for messages: `service "api"` or `feature`.
fn describe(node: &Node) -> String {
    match node.first_string_arg() {
        Some(name) => format!("{} \"{}\"", node.name.value, name.value),
        None => node.name.value.clone(),
    }
}

impl Validator<'_> {
    /// Whether only `missing-required` is looked for: a merge is being checked.
    fn only_missing(&self) -> bool {
        self.merged.is_some()
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn children<'n>(
        &mut self,
        nodes: impl Iterator<Item = &'n Node> + Clone,
        parent: &'static NodeSchema,
        parent_node: Option<&Node>,
        mode: Mode,
    ) {
        let mut seen = Seen::default();
        for node in nodes.clone() {
            if self.merged.is_some_and(|m| m.left_alone(node)) {
                continue;
            }
            let Some(child) = pick_child(parent, node) else {
                if !self.only_missing() {
                    self.unknown_node(node, parent, parent_node);
                }
                continue;
            };
            if !self.only_missing() {
                self.duplicates(node, child, parent, parent_node, &mut seen);
            }
            let node_mode = if std::ptr::eq(parent, &schema::PRESET) || mode == Mode::PresetBody {
                Mode::PresetBody
            } else if child.node.name == "env" && std::ptr::eq(parent, &schema::FEATURE)
                || (self.merged.is_none() && node.props().any(|(k, _)| k.value == "use"))
            {
                Mode::Partial
            } else {
                mode
            };
            self.node(node, child.node, node_mode);
        }
        if mode == Mode::Complete
            && let Some(parent_node) = parent_node
        {
            for child in parent
                .children
                .iter()
                .filter(|c| c.repeat == Repeat::Required)
            {
                // A required child with a property spelling (`expr=` on an alert) is given so.
                let as_property = parent_node.props().any(|(k, _)| k.value == child.node.name);
                if !as_property && !nodes.clone().any(|n| n.name.value == child.node.name) {
                    self.push(
                        Diagnostic::error(
                            "missing-required",
                            parent_node.name.span,
                            format!(
                                "`{}` needs {} `{}`",
                                describe(parent_node),
                                article(child.node.name),
                                child.node.name
                            ),
                        )
                        .with_label(format!("no `{}` inside", child.node.name))
                        .with_help(format!(
                            "add `{}` inside its block{}: {}",
                            child.node.name,
                            if parent.prop(child.node.name).is_some() {
                                format!(", or `{}=…` on it", child.node.name)
                            } else {
                                String::new()
                            },
                            child.node.doc_first_sentence()
                        )),
                    );
                }
            }
        }
    }

    /// A child given twice where it may be given once, or an entity name given twice.
    fn duplicates<'n>(
        &mut self,
        node: &'n Node,
        child: &'static schema::Child,
        parent: &'static NodeSchema,
        parent_node: Option<&Node>,
        seen: &mut Seen<'n>,
    ) {
        if child.repeat != Repeat::Many {
            if let Some((_, first)) = seen.once.iter().find(|(name, _)| *name == child.node.name) {
                self.push(
                    Diagnostic::error(
                        "duplicate-name",
                        node.name.span,
                        format!(
                            "`{}` is given twice in `{}`",
                            node.name.value,
                            parent_label(parent, parent_node)
                        ),
                    )
                    .with_label("second one")
                    .with_secondary(first.name.span, "first one")
                    .with_help("keep one of them"),
                );
            } else {
                seen.once.push((child.node.name, node));
            }
        }
        if child.node.unique_name
            && let Some(name) = node.first_string_arg()
        {
            let key = (child.node.name, name.value);
            if let Some(first) = seen.names.get(&key) {
                self.push(
                    Diagnostic::error(
                        "duplicate-name",
                        name.span,
                        format!("{} `{}` is defined twice", child.node.name, name.value),
                    )
                    .with_label("defined again here")
                    .with_secondary(*first, "first defined here")
                    .with_help(format!(
                        "rename one of them or merge them into one `{}`",
                        child.node.name
                    )),
                );
            } else {
                seen.names.insert(key, name.span);
            }
        }
    }

    fn unknown_node(
        &mut self,
        node: &Node,
        parent: &'static NodeSchema,
        parent_node: Option<&Node>,
    ) {
        let name = node.name.value.as_str();
        let allowed: Vec<&str> = parent.children.iter().map(|c| c.node.name).collect();
        let at_top = parent_node.is_none();
        let homes = homes_of(name);
        let suggestion = did_you_mean(name, allowed.iter().copied());
        let help = if let Some(s) = suggestion {
            format!("did you mean `{s}`?")
        } else if name == "workspace" {
            "`workspace` belongs in gantry.kdl, at the root of the workspace".to_string()
        } else if !homes.is_empty() {
            format!("`{name}` belongs inside {}", one_of(&homes))
        } else if parent_node.is_some_and(|p| parent.prop(name).is_some() && p.name.value != name) {
            let p = parent_node.map_or(String::new(), describe);
            format!("`{name}` is a property: write it on the node, `{p} {name}=…`")
        } else if let Some((s, homes)) = nearest_anywhere(name) {
            format!("did you mean `{s}`? It belongs inside {}", one_of(&homes))
        } else if allowed.is_empty() {
            format!("`{}` takes no child nodes", parent.name)
        } else if at_top {
            format!("a {} may contain: {}", parent.name, allowed.join(", "))
        } else {
            format!("`{}` may contain: {}", parent.name, allowed.join(", "))
        };
        let where_ = if at_top {
            format!("at the top of a {}", parent.name)
        } else {
            format!("in `{}`", parent.name)
        };
        self.push(
            Diagnostic::error(
                "unknown-node",
                node.name.span,
                format!("unknown node `{name}` {where_}"),
            )
            .with_label("not known here")
            .with_help(help)
            .with_replacement(suggestion),
        );
    }

    fn node(&mut self, node: &Node, schema: &'static NodeSchema, mode: Mode) {
        self.node_with(node, node.children.iter(), schema, mode);
        if !self.only_missing() {
            self.given_both_ways(node, schema);
        }
    }

    /// A setting with two spellings, a property and a child (`runbook="page"` and
    /// `runbook "page"` on an agent), given both ways in one node: one of them would be ignored.
    fn given_both_ways(&mut self, node: &Node, schema: &'static NodeSchema) {
        for (key, _) in node.props() {
            if schema.child(&key.value).is_none() {
                continue;
            }
            let Some(child) = node.children.iter().find(|c| c.name.value == key.value) else {
                continue;
            };
            self.push(
                Diagnostic::error(
                    "duplicate-name",
                    child.name.span,
                    format!(
                        "`{}` is given twice on `{}`: as a property and as a child",
                        key.value,
                        describe(node)
                    ),
                )
                .with_label("given again here")
                .with_secondary(key.span, "first given here")
                .with_help("keep one of them"),
            );
        }
    }

    /// `node`, its children being `children` (those of a merge, or its own).
    fn node_with<'n>(
        &mut self,
        node: &Node,
        children: impl Iterator<Item = &'n Node> + Clone,
        schema: &'static NodeSchema,
        mode: Mode,
    ) {
        self.args(node, schema, mode);
        self.props(node, schema, mode);
        if node.has_block && schema.children.is_empty() {
            if !self.only_missing() {
                for child in children {
                    self.unknown_node(child, schema, Some(node));
                }
            }
            return;
        }
        self.children(children.clone(), schema, Some(node), mode);
        if !schema.one_of_children.is_empty() {
            let present: Vec<&Node> = children
                .filter(|c| schema.one_of_children.contains(&c.name.value.as_str()))
                .collect();
            let options = schema
                .one_of_children
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            if present.is_empty() && mode == Mode::Complete {
                self.push(
                    Diagnostic::error(
                        "missing-required",
                        node.name.span,
                        format!("`{}` needs one of {options}", describe(node)),
                    )
                    .with_label("nothing says what it measures")
                    .with_help(format!("add {options} inside its block")),
                );
            }
            if present.len() > 1 && !self.only_missing() {
                self.push(
                    Diagnostic::error(
                        "invalid-value",
                        present[1].name.span,
                        format!("`{}` has more than one of {options}", describe(node)),
                    )
                    .with_label("second one")
                    .with_secondary(present[0].name.span, "first one")
                    .with_help("split it into two, one for each"),
                );
            }
        }
    }

    fn args(&mut self, node: &Node, schema: &'static NodeSchema, mode: Mode) {
        let args: Vec<_> = node.args().collect();
        let mut index = 0;
        for spec in schema.args {
            if spec.variadic {
                // `histogram "x" buckets="…"`: the unknown property says where the values go.
                let given_as_property = node.props().any(|(k, _)| schema.prop(&k.value).is_none());
                if index >= args.len() && spec.required && !given_as_property {
                    self.missing_arg(node, schema, spec);
                }
                for arg in &args[index.min(args.len())..] {
                    self.arg(node, arg, spec);
                }
                index = args.len();
            } else if let Some(arg) = args.get(index) {
                self.arg(node, arg, spec);
                index += 1;
            } else if spec.required
                && match mode {
                    Mode::Complete => true,
                    Mode::Partial => spec.name == "NAME",
                    Mode::PresetBody => false,
                }
            {
                self.missing_arg(node, schema, spec);
            }
        }
        if index < args.len() && !self.only_missing() {
            let expected = match schema.args.len() {
                0 => "no arguments".to_string(),
                1 => "one argument".to_string(),
                n => format!("{n} arguments"),
            };
            for extra in &args[index..] {
                let help = match &extra.value {
                    RawValue::String(s)
                        if schema.prop(s).is_some() || schema.child(s).is_some() =>
                    {
                        format!("`{s}` is written `{s}=VALUE`")
                    }
                    _ => format!("`{}` takes {expected}", node.name.value),
                };
                self.push(
                    Diagnostic::error(
                        "invalid-value",
                        extra.span,
                        format!("unexpected argument to `{}`", node.name.value),
                    )
                    .with_label("not expected")
                    .with_help(help),
                );
            }
        }
    }

    fn arg(&mut self, node: &Node, arg: &Spanned<RawValue>, spec: &Arg) {
        if self.only_missing() {
            return;
        }
        self.value(&arg.value, arg.span, spec.kind, &|| {
            format!("{} of `{}`", spec.name, node.name.value)
        });
    }

    fn missing_arg(&mut self, node: &Node, schema: &NodeSchema, spec: &Arg) {
        let what = spec.name.to_lowercase();
        let first = schema.args.first().is_some_and(|a| std::ptr::eq(a, spec));
        let example = if first && !spec.variadic {
            format!("{} \"{}\"", node.name.value, spec.name)
        } else {
            usage(node, schema)
        };
        self.push(
            Diagnostic::error(
                "missing-required",
                node.name.span,
                format!("`{}` needs {} {what}", node.name.value, article(&what)),
            )
            .with_label(format!("no {what}"))
            .with_help(format!(
                "write `{example}`, {what} being {}. {}",
                spec.kind.describe(),
                spec.doc
            )),
        );
    }

    fn props(&mut self, node: &Node, schema: &'static NodeSchema, mode: Mode) {
        if !self.only_missing() {
            self.given_props(node, schema);
        }
        if mode == Mode::Complete {
            for spec in schema.props.iter().filter(|p| p.required) {
                if !node.props().any(|(k, _)| k.value == spec.name) {
                    self.push(
                        Diagnostic::error(
                            "missing-required",
                            node.name.span,
                            format!("`{}` needs `{}`", describe(node), spec.name),
                        )
                        .with_label(format!("no `{}=`", spec.name))
                        .with_help(format!(
                            "add `{}=…`, {}: {}",
                            spec.name,
                            spec.kind.describe(),
                            spec.doc
                        )),
                    );
                }
            }
        }
    }

    /// Each property given: known, given once, and of its kind.
    fn given_props(&mut self, node: &Node, schema: &'static NodeSchema) {
        // At most one for each property of the schema: a list is searched.
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for (key, value) in node.props() {
            let Some(spec) = schema.prop(&key.value) else {
                self.unknown_property(node, schema, key.span, &key.value);
                continue;
            };
            let first = match seen.iter_mut().find(|(name, _)| *name == spec.name) {
                Some((_, at)) => Some(std::mem::replace(at, key.span)),
                None => {
                    seen.push((spec.name, key.span));
                    None
                }
            };
            if let Some(first) = first {
                self.push(
                    Diagnostic::error(
                        "duplicate-name",
                        first,
                        format!(
                            "property `{}` is given twice on `{}`",
                            key.value,
                            describe(node)
                        ),
                    )
                    .with_label("this value is ignored")
                    .with_secondary(key.span, "KDL keeps this later one")
                    .with_help("remove one of them"),
                );
            }
            self.value(&value.value, value.span, spec.kind, &|| {
                format!("`{}`", key.value)
            });
        }
    }

    fn unknown_property(
        &mut self,
        node: &Node,
        schema: &'static NodeSchema,
        span: Span,
        key: &str,
    ) {
        let suggestion = did_you_mean(key, schema.props.iter().map(|p| p.name));
        let refused = schema.refused.iter().find(|(name, _)| *name == key);
        let help = if let Some((_, why)) = refused {
            Some(why.to_string())
        } else if schema.child(key).is_some() {
            Some(format!(
                "`{key}` is a child node: write it inside the block, `{} {{ {key} … }}`",
                describe(node)
            ))
        } else if let Some(s) = suggestion {
            Some(format!("did you mean `{s}`?"))
        } else if schema.props.is_empty() && schema.args.iter().any(|a| a.variadic) {
            Some(format!(
                "`{}` takes no properties: write the values as arguments, `{}`",
                node.name.value,
                usage(node, schema)
            ))
        } else if schema.props.is_empty() {
            Some(format!("`{}` takes no properties", node.name.value))
        } else {
            Some(format!(
                "`{}` has: {}",
                node.name.value,
                schema
                    .props
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        self.push(
            Diagnostic::error(
                "unknown-property",
                span,
                format!("unknown property `{key}` on `{}`", node.name.value),
            )
            .with_label("not known here")
            .with_optional_help(help)
            .with_replacement(
                suggestion.filter(|_| schema.child(key).is_none() && refused.is_none()),
            ),
        );
    }

    /// Checks a value; `what` names it in a message, and is only made for one.
    fn value(&mut self, raw: &RawValue, span: Span, kind: ValueKind, what: &dyn Fn() -> String) {
        if let ValueKind::RuleId = kind
            && let RawValue::String(id) = raw
        {
            if !crate::rules::all_ids().any(|r| r == id) {
                let suggestion = did_you_mean(id, crate::rules::all_ids());
                let help = suggestion
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| "`gantry rules` lists every rule".to_string());
                self.push(
                    Diagnostic::error("invalid-value", span, format!("`{id}` is not a rule id"))
                        .with_label("unknown rule")
                        .with_help(help)
                        .with_replacement(suggestion),
                );
            } else if !crate::rules::LINT_IDS.contains(&id.as_str()) {
                self.push(
                    Diagnostic::error(
                        "invalid-value",
                        span,
                        format!("`{id}` is an error of the language, not a lint rule"),
                    )
                    .with_label("always an error")
                    .with_help(
                        "errors of the language cannot be allowed or have their severity changed: fix what they report",
                    ),
                );
            }
            return;
        }
        if let (ValueKind::PromQl, RawValue::String(text)) = (kind, raw)
            && !text.trim().is_empty()
        {
            if let Err(e) = crate::promql_syntax::check(text) {
                self.promql_error(e, span, text, &what());
            }
            return;
        }
        if let Err(e) = values::check(kind, raw) {
            let id = if e.bad_name {
                "invalid-name"
            } else {
                "invalid-value"
            };
            self.push(
                Diagnostic::error(id, span, format!("invalid {}: {}", what(), e.message))
                    .with_label(if e.bad_name {
                        "not a valid name"
                    } else {
                        "invalid value"
                    })
                    .with_help(e.help),
            );
        }
    }
}

impl Validator<'_> {
    /// A PromQL fault, at the character inside the string when the literal can be read back.
    fn promql_error(
        &mut self,
        e: crate::promql_syntax::PromqlError,
        literal: Span,
        text: &str,
        what: &str,
    ) {
        let written = self
            .source
            .and_then(|s| s.get(literal.start as usize..literal.end as usize));
        let inside = |range: std::ops::Range<usize>| {
            written.and_then(|w| crate::promql_syntax::span_in_literal(literal, w, text, range))
        };
        let at = e.at.clone().and_then(&inside).unwrap_or(literal);
        let mut d = Diagnostic::error(
            "invalid-value",
            at,
            format!("invalid {what}: {}", e.message),
        )
        .with_label(e.label)
        .with_help(e.help);
        if let Some((range, label)) = e.related
            && let Some(span) = inside(range)
        {
            d = d.with_secondary(span, label);
        }
        self.push(d);
    }
}

/// How a node is written: its name and its arguments' names (`histogram METRIC BOUND…`).
fn usage(node: &Node, schema: &NodeSchema) -> String {
    let mut text = node.name.value.clone();
    for arg in schema.args {
        text.push(' ');
        text.push_str(arg.name);
        if arg.variadic {
            text.push('…');
        }
    }
    text
}

/// `a` or `an`, for the word that follows.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `` `gate` ``, `` `gate` or `deploy` ``, `` `gate`, `deploy` or `step` ``.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| format!("{} `{n}`", article(n)))
        .collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// The nodes that may hold a child named `name`.
fn homes_of(name: &str) -> Vec<&'static str> {
    let mut homes: Vec<&'static str> = schema::all_nodes()
        .into_iter()
        .filter(|(_, n)| n.children.iter().any(|c| c.node.name == name))
        .map(|(_, n)| n.name)
        .filter(|h| !h.is_empty() && *h != "preset" && *h != "env")
        .collect();
    homes.sort_unstable();
    homes.dedup();
    homes
}

/// The closest node name of the whole language, with where it belongs.
fn nearest_anywhere(name: &str) -> Option<(&'static str, Vec<&'static str>)> {
    let all: Vec<&'static str> = schema::all_nodes()
        .into_iter()
        .map(|(_, n)| n.name)
        .collect();
    let s = did_you_mean(name, all.iter().copied())?;
    let homes = homes_of(s);
    (!homes.is_empty()).then_some((s, homes))
}

fn parent_label(parent: &'static NodeSchema, node: Option<&Node>) -> String {
    node.map_or_else(|| parent.name.to_string(), describe)
}

/// The schema of a child node. Where two children share a name (an agent's `allow ACTION …` and
/// the `allow RULE reason=…` that silences a lint), the first argument decides.
fn pick_child(parent: &'static NodeSchema, node: &Node) -> Option<&'static schema::Child> {
    let mut candidates = parent
        .children
        .iter()
        .filter(|c| c.node.name == node.name.value);
    let first = candidates.next()?;
    if candidates.clone().next().is_none() {
        return Some(first);
    }
    // `reason=` marks the `allow` that silences a lint, whatever its first argument says.
    if node.props().any(|(k, _)| k.value == "reason") {
        let mut same_name = parent
            .children
            .iter()
            .filter(|c| c.node.name == node.name.value);
        if let Some(c) = same_name.find(|c| c.node.prop("reason").is_some()) {
            return Some(c);
        }
    }
    let fits = |c: &schema::Child| {
        let arg = node.args().next();
        match (c.node.args.first(), arg) {
            (Some(spec), Some(arg)) if spec.kind == ValueKind::RuleId => arg
                .value
                .as_str()
                .is_some_and(|id| crate::rules::all_ids().any(|r| r == id)),
            (Some(spec), Some(arg)) => values::check(spec.kind, &arg.value).is_ok(),
            _ => true,
        }
    };
    if fits(first) {
        return Some(first);
    }
    Some(candidates.find(|c| fits(c)).unwrap_or(first))
}
