//! The risk table: which change to which kind of thing is reversible, and which needs a human.

use super::ValueKind::*;
use super::*;

/// What the risk table grades.
pub const RISK_KINDS: &[&str] = &[
    "feature",
    "service",
    "datastore",
    "secret",
    "flag",
    "deploy",
    "telemetry",
    "slo",
    "alert",
    "runbook",
    "dashboard",
    "agent",
    "gate",
    "iam",
    "rbac",
    "policy",
    "budget",
];

pub const CHANGES: &[&str] = &["create", "update", "delete", "replace", "widen", "narrow"];

pub static RISK: NodeSchema = NodeSchema {
    name: "risk",
    doc: "One row of the risk table: a kind of change, whether it can be undone, and why. \
          `gantry diff` grades changes with it, gates and lints decide with it. The most \
          specific row wins (one naming a `field` over one that does not).",
    args: &[arg("KIND", OneOf(RISK_KINDS), "What changes.")],
    props: &[
        required(
            "change",
            OneOf(CHANGES),
            "How it changes (`widen`/`narrow`: rights and budgets).",
        ),
        prop(
            "field",
            Text,
            "The field that changes, when the row is about one (`image`, `engine`).",
        ),
        required(
            "tier",
            OneOf(&["reversible", "irreversible"]),
            "Whether the change can be undone.",
        ),
        required("reason", Text, "Why, in a sentence a reviewer reads."),
    ],
    example: "risk \"datastore\" change=\"delete\" tier=\"irreversible\" reason=\"the data goes with it\"",
    ..BLANK
};

/// The stdlib's files: presets and the risk table.
pub static STDLIB_FILE: NodeSchema = NodeSchema {
    name: "stdlib file",
    doc: "A file of the standard library.",
    children: &[many(&crate::schema::PRESET), many(&RISK)],
    ..BLANK
};
