//! The language reference, generated from the schema the checker validates against.

use std::fmt::Write;

use crate::schema::{self, NodeSchema, Repeat};

/// The Markdown of `docs/language.md`.
pub fn language_reference() -> String {
    let mut out = String::new();
    out.push_str(
        "# The gantry language reference\n\n\
         <!-- Generated from compiler/src/schema by `gantry docs`; do not edit by hand. -->\n\n\
         Specs are KDL v2. A workspace has `gantry.kdl` at its root, holding one `workspace` \
         node; every other `.kdl` file below it holds `feature` and `preset` nodes. Strings are \
         quoted, booleans are `#true` and `#false`, numbers are bare, and values with units \
         (durations, sizes) are strings: `pause=\"5m\"`.\n\n\
         Each section below is one node, in the context it appears in (`slo` in a feature \
         differs from `slo` in an agent).\n\n",
    );
    out.push_str("## Contents\n\n");
    let nodes = schema::all_nodes();
    for (parent, node) in &nodes {
        let _ = writeln!(
            out,
            "- [{}](#{})",
            title(parent, node),
            anchor(parent, node)
        );
    }
    out.push('\n');
    let anchor_of = |target: &NodeSchema| -> String {
        nodes
            .iter()
            .find(|(_, n)| std::ptr::eq(*n, target))
            .map(|(p, n)| anchor(p, n))
            .unwrap_or_default()
    };
    for (parent, node) in &nodes {
        section(&mut out, parent, node, &anchor_of);
    }
    out
}

fn title(parent: &str, node: &NodeSchema) -> String {
    if parent.is_empty() {
        format!("`{}`", node.name)
    } else {
        format!("`{}` in `{parent}`", node.name)
    }
}

fn anchor(parent: &str, node: &NodeSchema) -> String {
    let raw = if parent.is_empty() {
        node.name.to_string()
    } else {
        format!("{}-in-{parent}", node.name)
    };
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase()
}

fn section(
    out: &mut String,
    parent: &str,
    node: &NodeSchema,
    anchor_of: &dyn Fn(&NodeSchema) -> String,
) {
    let _ = writeln!(out, "## {}\n\n{}\n", title(parent, node), node.doc);
    let mut usage = node.name.to_string();
    for arg in node.args {
        usage.push_str(&match (arg.variadic, arg.required) {
            (true, _) => format!(" {}…", arg.name),
            (false, true) => format!(" {}", arg.name),
            (false, false) => format!(" [{}]", arg.name),
        });
    }
    for prop in node.props.iter().filter(|p| p.required) {
        let _ = write!(usage, " {}=…", prop.name);
    }
    if !node.children.is_empty() {
        usage.push_str(" { … }");
    }
    let _ = writeln!(out, "```kdl\n{usage}\n```\n");
    if !node.example.is_empty() {
        let _ = writeln!(out, "Example:\n\n```kdl\n{}\n```\n", node.example);
    }
    if !node.args.is_empty() {
        out.push_str("| argument | type | |\n|---|---|---|\n");
        for arg in node.args {
            let _ = writeln!(
                out,
                "| `{}`{} | {} | {} |",
                arg.name,
                match (arg.variadic, arg.required) {
                    (true, _) => " (one or more)",
                    (false, false) => " (optional)",
                    (false, true) => "",
                },
                cell(&arg.kind.describe()),
                cell(arg.doc)
            );
        }
        out.push('\n');
    }
    if !node.props.is_empty() {
        out.push_str("| property | type | required | |\n|---|---|---|---|\n");
        for prop in node.props {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                prop.name,
                cell(&prop.kind.describe()),
                if prop.required { "yes" } else { "" },
                cell(prop.doc)
            );
        }
        out.push('\n');
    }
    if !node.children.is_empty() {
        out.push_str("Children: ");
        let children: Vec<String> = node
            .children
            .iter()
            .map(|c| {
                let how = match c.repeat {
                    Repeat::Once => "",
                    Repeat::Required => " (required)",
                    Repeat::Many => " (any number)",
                };
                format!("[`{}`](#{}){how}", c.node.name, anchor_of(c.node))
            })
            .collect();
        out.push_str(&children.join(", "));
        out.push_str(".\n\n");
        if !node.one_of_children.is_empty() {
            let _ = writeln!(
                out,
                "Exactly one of: {}.\n",
                node.one_of_children
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
}

/// The Markdown of `docs/rules.md`: every rule's documentation, as `gantry explain` prints it.
pub fn rules_reference() -> String {
    let mut out = String::from(
        "# The gantry rules\n\n\
         <!-- Generated from compiler/src/rules by `gantry docs`; do not edit by hand. -->\n\n\
         Every diagnostic has a stable id. The errors of the language are always errors. Lint \
         rules have a default severity that `gantry.kdl` changes for the whole workspace \
         (`lint { deny \"ID\"; warn \"ID\"; allow \"ID\" }`), a tier changes for its features, \
         and `allow \"ID\" reason=\"…\"` on a node silences for that node.\n\n\
         | id | kind | default |\n|---|---|---|\n",
    );
    for e in crate::rules::language::ERRORS {
        let _ = writeln!(out, "| [`{}`](#{}) | language | error |", e.id, e.id);
    }
    for rule in crate::rules::lints() {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | lint | {} |",
            rule.id,
            rule.id,
            rule.default.as_str()
        );
    }
    out.push('\n');
    let docs = crate::rules::language::ERRORS
        .iter()
        .map(|e| (e.id, e.doc))
        .chain(crate::rules::lints().map(|r| (r.id, r.doc)));
    for (id, doc) in docs {
        let body = doc.trim_end().replace("\n## ", "\n### ");
        let body = body
            .strip_prefix("## ")
            .map_or(body.clone(), |b| format!("### {b}"));
        let _ = writeln!(out, "## {id}\n\n{body}\n");
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
