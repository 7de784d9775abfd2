//! Where every entity of a workspace is defined and referenced, read from the syntax trees as
//! written (environment overlays included), with the span of the name itself, so that go to
//! definition, find references and rename work for every kind of reference, across files.

use std::ops::Range;

use gantry::source::{FileId, Span};
use gantry::syntax::{Document, Node, RawValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Feature,
    Team,
    Receiver,
    Environment,
    Preset,
    Service,
    Datastore,
    Secret,
    Flag,
    Slo,
    Alert,
    Runbook,
    Agent,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Feature => "feature",
            Kind::Team => "team",
            Kind::Receiver => "receiver",
            Kind::Environment => "environment",
            Kind::Preset => "preset",
            Kind::Service => "service",
            Kind::Datastore => "datastore",
            Kind::Secret => "secret",
            Kind::Flag => "flag",
            Kind::Slo => "slo",
            Kind::Alert => "alert",
            Kind::Runbook => "runbook",
            Kind::Agent => "agent",
        }
    }

    /// The entity kind a feature child node defines.
    fn of_feature_child(node: &str) -> Option<Kind> {
        Some(match node {
            "service" => Kind::Service,
            "datastore" => Kind::Datastore,
            "secret" => Kind::Secret,
            "flag" => Kind::Flag,
            "slo" => Kind::Slo,
            "alert" => Kind::Alert,
            "runbook" => Kind::Runbook,
            "agent" => Kind::Agent,
            _ => return None,
        })
    }
}

/// One entity: its kind, the feature it belongs to (for feature entities) and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: Kind,
    pub feature: Option<String>,
    pub name: String,
}

impl Key {
    pub fn describe(&self) -> String {
        match &self.feature {
            Some(f) => format!("{} `{}` of feature `{f}`", self.kind.word(), self.name),
            None => format!("{} `{}`", self.kind.word(), self.name),
        }
    }
}

/// A place where an entity's name is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub key: Key,
    /// The name itself, without quotes or prefixes (`api` in `"k8s:checkout/api"`).
    pub name: Span,
    /// The whole value as written (quotes included), to replace a bare identifier.
    pub value: Span,
    pub definition: bool,
    /// For a definition: the whole node.
    pub node: Span,
}

#[derive(Debug, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    pub fn add_workspace_file(&mut self, doc: &Document, text: &str) {
        let mut walker = Walker { text, out: self };
        for node in &doc.nodes {
            match node.name.value.as_str() {
                "workspace" => walker.workspace(node),
                "preset" => walker.preset(node),
                _ => {}
            }
        }
    }

    pub fn add_spec_file(&mut self, doc: &Document, text: &str) {
        let mut walker = Walker { text, out: self };
        for node in &doc.nodes {
            match node.name.value.as_str() {
                "feature" => walker.feature(node),
                "preset" => walker.preset(node),
                _ => {}
            }
        }
    }

    /// The occurrence whose name holds `offset` in `file`.
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        self.occurrences.iter().find(|o| {
            o.name.file == file && (o.name.start as usize..=o.name.end as usize).contains(&offset)
        })
    }

    pub fn definitions<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.definition && &o.key == key)
    }

    pub fn all_of<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.key == key)
    }

    /// Names of defined entities of a kind, in a feature for feature entities.
    pub fn names(&self, kind: Kind, feature: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = self
            .occurrences
            .iter()
            .filter(|o| o.definition && o.key.kind == kind)
            .filter(|o| feature.is_none() || o.key.feature.as_deref() == feature)
            .map(|o| o.key.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Every defined entity of a kind, across features.
    pub fn keys(&self, kind: Kind) -> Vec<&Key> {
        let mut keys: Vec<&Key> = self
            .occurrences
            .iter()
            .filter(|o| o.definition && o.key.kind == kind)
            .map(|o| &o.key)
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The range of a string value's content in `text`, when its characters are written as they
/// read (no escapes): `"api"` → `api`, `#"api"#` → `api`, a bare `api` → itself.
pub fn content_range(text: &str, value: Span) -> Option<Range<usize>> {
    let raw = text.get(value.range())?;
    let hashes = raw.len() - raw.trim_start_matches('#').len();
    let inner = &raw[hashes..];
    let range = if let Some(quoted) = inner.strip_prefix('"') {
        if quoted.starts_with("\"\"") || quoted.contains('\\') {
            return None;
        }
        let close = 1 + hashes;
        if raw.len() < hashes + 1 + close {
            return None;
        }
        value.start as usize + hashes + 1..value.end as usize - close
    } else if hashes == 0 {
        value.range()
    } else {
        return None;
    };
    Some(range)
}

struct Walker<'a> {
    text: &'a str,
    out: &'a mut Index,
}

impl Walker<'_> {
    /// Records `name` as written in `value` (the content ends with the name).
    fn push(&mut self, key: Key, value: Span, definition: bool, node: Span) {
        let Some(content) = content_range(self.text, value) else {
            return;
        };
        let name_len = key.name.len();
        if content.len() < name_len
            || self.text.get(content.end - name_len..content.end) != Some(key.name.as_str())
        {
            return;
        }
        let name = Span::new(value.file, content.end - name_len..content.end);
        self.out.occurrences.push(Occurrence {
            key,
            name,
            value,
            definition,
            node,
        });
    }

    /// A name at the start of a value's content (`payments` in `"payments/api"`).
    fn push_prefix(&mut self, key: Key, value: Span, offset: usize) {
        let Some(content) = content_range(self.text, value) else {
            return;
        };
        let start = content.start + offset;
        let end = start + key.name.len();
        if self.text.get(start..end) != Some(key.name.as_str()) {
            return;
        }
        self.out.occurrences.push(Occurrence {
            key,
            name: Span::new(value.file, start..end),
            value,
            definition: false,
            node: value,
        });
    }

    fn reference(&mut self, kind: Kind, feature: Option<&str>, name: &str, value: Span) {
        if name.is_empty() || name == "*" {
            return;
        }
        let key = Key {
            kind,
            feature: feature.map(str::to_string),
            name: name.to_string(),
        };
        self.push(key, value, false, value);
    }

    fn define(&mut self, kind: Kind, feature: Option<&str>, node: &Node) {
        if let Some(name) = node.first_string_arg() {
            let key = Key {
                kind,
                feature: feature.map(str::to_string),
                name: name.value.to_string(),
            };
            self.push(key, name.span, true, node.span);
        }
    }

    fn first_arg_ref(&mut self, kind: Kind, feature: Option<&str>, node: &Node) {
        if let Some(arg) = node.first_string_arg() {
            self.reference(kind, feature, arg.value, arg.span);
        }
    }

    fn prop_ref(&mut self, node: &Node, prop: &str, kind: Kind, feature: Option<&str>) {
        for (key, value) in node.props().filter(|(k, _)| k.value == prop) {
            let _ = key;
            if let RawValue::String(s) = &value.value {
                self.reference(kind, feature, s, value.span);
            }
        }
    }

    /// References any node may hold: `use=` and `preset=` presets, `team=` teams.
    fn common(&mut self, node: &Node) {
        self.prop_ref(node, "use", Kind::Preset, None);
        self.prop_ref(node, "preset", Kind::Preset, None);
        self.prop_ref(node, "team", Kind::Team, None);
        for child in &node.children {
            self.common(child);
        }
    }

    fn workspace(&mut self, node: &Node) {
        for child in &node.children {
            match child.name.value.as_str() {
                "team" => {
                    self.define(Kind::Team, None, child);
                    for c in &child.children {
                        self.prop_ref(c, "pager", Kind::Receiver, None);
                    }
                }
                "receiver" => self.define(Kind::Receiver, None, child),
                "environment" => {
                    for arg in child.args() {
                        if let RawValue::String(s) = &arg.value {
                            let key = Key {
                                kind: Kind::Environment,
                                feature: None,
                                name: s.clone(),
                            };
                            self.push(key, arg.span, true, child.span);
                        }
                    }
                }
                _ => {}
            }
            self.common(child);
        }
    }

    fn preset(&mut self, node: &Node) {
        self.define(Kind::Preset, None, node);
        for child in &node.children {
            self.common(child);
        }
    }

    fn feature(&mut self, node: &Node) {
        self.define(Kind::Feature, None, node);
        let Some(name) = node.first_string_arg() else {
            return;
        };
        self.feature_children(name.value, node, false);
    }

    fn feature_children(&mut self, feature: &str, node: &Node, in_overlay: bool) {
        let f = Some(feature);
        for child in &node.children {
            self.common(child);
            let name = child.name.value.as_str();
            if let Some(kind) = Kind::of_feature_child(name) {
                if in_overlay {
                    self.first_arg_ref(kind, f, child);
                } else {
                    self.define(kind, f, child);
                }
            }
            match name {
                "owner" => self.first_arg_ref(Kind::Team, None, child),
                "tier" => self.first_arg_ref(Kind::Preset, None, child),
                "env" => {
                    self.first_arg_ref(Kind::Environment, None, child);
                    if !in_overlay {
                        self.feature_children(feature, child, true);
                    }
                }
                "service" => self.service(feature, child),
                "slo" => {
                    self.prop_ref(child, "service", Kind::Service, f);
                    self.prop_ref(child, "runbook", Kind::Runbook, f);
                }
                "alert" => self.prop_ref(child, "runbook", Kind::Runbook, f),
                "deploy" => {
                    self.prop_ref(child, "service", Kind::Service, f);
                    for c in child
                        .children
                        .iter()
                        .filter(|c| c.name.value == "rollback-when")
                    {
                        self.prop_ref(c, "slo", Kind::Slo, f);
                        self.prop_ref(c, "alert", Kind::Alert, f);
                    }
                }
                "agent" => self.agent(feature, child),
                _ => {}
            }
        }
    }

    fn service(&mut self, feature: &str, node: &Node) {
        for child in &node.children {
            match child.name.value.as_str() {
                "env" => self.prop_ref(child, "secret", Kind::Secret, Some(feature)),
                "depends-on" => {
                    for arg in child.args() {
                        if let RawValue::String(s) = &arg.value {
                            self.service_ref(feature, s, arg.span);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `NAME` in the feature, or `FEATURE/NAME`.
    fn service_ref(&mut self, feature: &str, text: &str, span: Span) {
        match text.split_once('/') {
            Some((other, name)) => {
                self.feature_prefix(other, span);
                self.reference(Kind::Service, Some(other), name, span);
            }
            None => self.reference(Kind::Service, Some(feature), text, span),
        }
    }

    fn feature_prefix(&mut self, feature: &str, span: Span) {
        if feature.is_empty() {
            return;
        }
        let key = Key {
            kind: Kind::Feature,
            feature: None,
            name: feature.to_string(),
        };
        self.push_prefix(key, span, 0);
    }

    fn agent(&mut self, feature: &str, node: &Node) {
        for child in &node.children {
            match child.name.value.as_str() {
                "owner" => self.first_arg_ref(Kind::Team, None, child),
                "runbook" => self.first_arg_ref(Kind::Runbook, Some(feature), child),
                "allow" | "deny" if !child.props().any(|(k, _)| k.value == "reason") => {
                    for arg in child.args().skip(1) {
                        if let RawValue::String(s) = &arg.value {
                            self.resource(feature, s, arg.span);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `k8s:FEATURE/NAME`, `datastore:NAME`, `flag:FEATURE/*`, …
    fn resource(&mut self, feature: &str, text: &str, span: Span) {
        let Some((prefix, rest)) = text.split_once(':') else {
            return;
        };
        let kind = match prefix {
            "k8s" => Kind::Service,
            "datastore" => Kind::Datastore,
            "secret" => Kind::Secret,
            "flag" => Kind::Flag,
            "agent" => Kind::Agent,
            _ => return,
        };
        match rest.split_once('/') {
            Some((other, name)) => {
                let key = Key {
                    kind: Kind::Feature,
                    feature: None,
                    name: other.to_string(),
                };
                if !other.is_empty() {
                    self.push_prefix(key, span, prefix.len() + 1);
                }
                self.reference(kind, Some(other), name, span);
            }
            None => self.reference(kind, Some(feature), rest, span),
        }
    }
}
