//! The schema of the spec language: every node, its arguments, properties and children, with
//! their types and documentation. The checker validates against it, the language reference in
//! docs/ is generated from it and the language server's hover and completion read it, so the
//! three cannot drift.

mod agent;
mod deploy;
mod feature;
mod observe;
mod risk;
mod service;
mod workspace;

pub use feature::{FEATURE, PRESET, SPEC_FILE};
pub use risk::{CHANGES, RISK, RISK_KINDS, STDLIB_FILE};
pub use workspace::WORKSPACE_FILE;

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// Free text.
    Text,
    /// A lowercase DNS label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    Name,
    /// A name, or `*` for every one.
    NameOrAll,
    /// One of a fixed set of words.
    OneOf(&'static [&'static str]),
    /// A whole number in a range (inclusive).
    Integer {
        min: i64,
        max: i64,
    },
    /// A number in a range; `exclusive` makes both bounds exclusive.
    Number {
        min: f64,
        max: f64,
        exclusive: bool,
    },
    Bool,
    /// `300ms`, `30s`, `5m`, `1h`, `30d`, `1w`, or combinations such as `1h30m`.
    Duration,
    /// CPU: `500m`, `1`, `2.5`.
    Cpu,
    /// Memory or storage: `512Mi`, `1Gi`, `128M`.
    Memory,
    /// A container image reference, `registry/repository:tag`.
    Image,
    /// A content digest, `sha256:` and 64 hex digits.
    Digest,
    /// An `http://` or `https://` URL.
    Url,
    /// An e-mail address.
    Email,
    /// An absolute HTTP path, `/healthz`.
    HttpPath,
    /// An environment variable name, `[A-Za-z_][A-Za-z0-9_]*`.
    EnvName,
    /// A service: `NAME` in its feature, `FEATURE/NAME` across features.
    ServiceRef,
    /// A resource an agent acts on: `k8s:`, `datastore:`, `secret:`, `flag:`, `agent:` then
    /// `FEATURE/NAME`, `NAME` or `*`; or `github:ORG/REPO/SCOPE`.
    Resource,
    /// An action an agent may take.
    Action,
    /// The id of a diagnostic rule.
    RuleId,
    /// A preset of the standard library (`std/…`) or of the workspace.
    Preset,
    /// A PromQL expression.
    PromQl,
    /// A glob of workspace paths.
    Glob,
    /// A string, number or boolean (flag variants).
    Scalar,
}

impl ValueKind {
    /// How the kind reads in documentation and messages.
    pub fn describe(&self) -> String {
        match self {
            ValueKind::Text => "text".into(),
            ValueKind::Name => "a lowercase DNS label".into(),
            ValueKind::NameOrAll => "a name, or `*` for all".into(),
            ValueKind::OneOf(words) => format!("one of {}", words.join(", ")),
            ValueKind::Integer { min, max } => {
                if *max == i64::MAX {
                    format!("a whole number ≥ {min}")
                } else {
                    format!("a whole number from {min} to {max}")
                }
            }
            ValueKind::Number {
                min,
                max,
                exclusive: true,
            } => format!("a number between {min} and {max}, exclusive"),
            ValueKind::Number { min, max, .. } => format!("a number from {min} to {max}"),
            ValueKind::Bool => "#true or #false".into(),
            ValueKind::Duration => "a duration (300ms, 30s, 5m, 1h, 30d)".into(),
            ValueKind::Cpu => "a CPU quantity (500m, 1, 2.5)".into(),
            ValueKind::Memory => "a memory quantity (512Mi, 1Gi)".into(),
            ValueKind::Image => "an image reference (registry/repository:tag)".into(),
            ValueKind::Digest => "a digest (sha256:<64 hex digits>)".into(),
            ValueKind::Url => "an http(s) URL".into(),
            ValueKind::Email => "an e-mail address".into(),
            ValueKind::HttpPath => "an absolute path (/healthz)".into(),
            ValueKind::EnvName => "an environment variable name".into(),
            ValueKind::ServiceRef => "a service (NAME or FEATURE/NAME)".into(),
            ValueKind::Resource => "a resource (k8s:FEATURE/NAME, github:ORG/REPO/SCOPE, …)".into(),
            ValueKind::Action => format!("an action: {}", ACTIONS.join(", ")),
            ValueKind::RuleId => "a rule id".into(),
            ValueKind::Preset => "a preset (std/NAME or one of the workspace's)".into(),
            ValueKind::PromQl => "a PromQL expression".into(),
            ValueKind::Glob => "a path glob".into(),
            ValueKind::Scalar => "a string, number or boolean".into(),
        }
    }
}

/// The actions an agent rule can name.
pub const ACTIONS: &[&str] = &["read", "write", "deploy", "rollback", "migrate", "delete"];

/// A positional argument.
#[derive(Debug)]
pub struct Arg {
    /// The argument's name in documentation (`NAME`, `EXPR`).
    pub name: &'static str,
    pub kind: ValueKind,
    pub required: bool,
    /// Takes every remaining argument.
    pub variadic: bool,
    pub doc: &'static str,
}

/// A property `name=value`.
#[derive(Debug)]
pub struct Prop {
    pub name: &'static str,
    pub kind: ValueKind,
    pub required: bool,
    pub doc: &'static str,
}

/// How often a child node may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// At most once.
    Once,
    /// Exactly once.
    Required,
    /// Any number of times.
    Many,
}

#[derive(Debug)]
pub struct Child {
    pub node: &'static NodeSchema,
    pub repeat: Repeat,
}

/// The schema of one node in one context (a `slo` in a feature differs from a `slo` in an agent).
#[derive(Debug)]
pub struct NodeSchema {
    pub name: &'static str,
    pub doc: &'static str,
    pub args: &'static [Arg],
    pub props: &'static [Prop],
    pub children: &'static [Child],
    /// Which children one node of this kind must have at least one of (an SLO's indicator).
    pub one_of_children: &'static [&'static str],
    /// Names (first arguments) must be unique among siblings of this node name.
    pub unique_name: bool,
    /// For a repeated node without a name: the property that tells one from another when
    /// merging (`deploy service="api"`).
    pub key_property: Option<&'static str>,
    /// A short example of the node, for the language reference.
    pub example: &'static str,
    /// Properties users reach for that the node refuses on purpose, each with the help that
    /// says why and what to write instead (a secret's `value`).
    pub refused: &'static [(&'static str, &'static str)],
}

impl NodeSchema {
    pub fn child(&self, name: &str) -> Option<&'static Child> {
        self.children.iter().find(|c| c.node.name == name)
    }

    pub fn prop(&self, name: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    /// The first sentence of the documentation, for help lines.
    pub fn doc_first_sentence(&self) -> &'static str {
        match self.doc.find(". ") {
            Some(i) => &self.doc[..=i],
            None => self.doc,
        }
    }
}

/// Shorthands that keep the definitions readable.
pub(crate) const fn arg(name: &'static str, kind: ValueKind, doc: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: true,
        variadic: false,
        doc,
    }
}

pub(crate) const fn args_many(name: &'static str, kind: ValueKind, doc: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: true,
        variadic: true,
        doc,
    }
}

pub(crate) const fn prop(name: &'static str, kind: ValueKind, doc: &'static str) -> Prop {
    Prop {
        name,
        kind,
        required: false,
        doc,
    }
}

pub(crate) const fn required(name: &'static str, kind: ValueKind, doc: &'static str) -> Prop {
    Prop {
        name,
        kind,
        required: true,
        doc,
    }
}

pub(crate) const fn once(node: &'static NodeSchema) -> Child {
    Child {
        node,
        repeat: Repeat::Once,
    }
}

pub(crate) const fn must(node: &'static NodeSchema) -> Child {
    Child {
        node,
        repeat: Repeat::Required,
    }
}

pub(crate) const fn many(node: &'static NodeSchema) -> Child {
    Child {
        node,
        repeat: Repeat::Many,
    }
}

/// A node with nothing set; definitions override what they need.
pub(crate) const BLANK: NodeSchema = NodeSchema {
    name: "",
    doc: "",
    args: &[],
    props: &[],
    children: &[],
    one_of_children: &[],
    unique_name: false,
    key_property: None,
    example: "",
    refused: &[],
};

/// Every node schema reachable from the roots, each once (for documentation and completion).
pub fn all_nodes() -> Vec<(&'static str, &'static NodeSchema)> {
    let mut out: Vec<(&'static str, &'static NodeSchema)> = Vec::new();
    fn walk(
        path: &'static str,
        node: &'static NodeSchema,
        out: &mut Vec<(&'static str, &'static NodeSchema)>,
    ) {
        if out.iter().any(|(_, n)| std::ptr::eq(*n, node)) {
            return;
        }
        out.push((path, node));
        for child in node.children {
            walk(node.name, child.node, out);
        }
    }
    // Features before presets, so that each node is documented where it is usually written.
    for root in [&workspace::WORKSPACE, &FEATURE, &PRESET] {
        walk("", root, &mut out);
    }
    out
}
