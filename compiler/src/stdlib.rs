//! The standard library: presets written in the spec language, embedded in the binary and
//! shown to users under `<stdlib>/…` paths.

/// Every stdlib file: its virtual path and its text.
pub const FILES: &[(&str, &str)] = &[
    ("<stdlib>/slo.kdl", include_str!("../../stdlib/slo.kdl")),
    (
        "<stdlib>/deploy.kdl",
        include_str!("../../stdlib/deploy.kdl"),
    ),
    ("<stdlib>/tiers.kdl", include_str!("../../stdlib/tiers.kdl")),
    (
        "<stdlib>/agents.kdl",
        include_str!("../../stdlib/agents.kdl"),
    ),
];

/// Whether a file name is a stdlib file.
pub fn is_stdlib(name: &str) -> bool {
    name.starts_with("<stdlib>/")
}
