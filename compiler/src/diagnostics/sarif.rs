//! `--format sarif`: a SARIF 2.1.0 log, for code-scanning services (GitHub code scanning, IDE
//! SARIF viewers). One run, one result per diagnostic, the metadata of every rule the results
//! name, and the files they point into.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Diagnostic, Label};
use crate::rules;
use crate::source::{FileId, SourceMap, Span};
use crate::stdlib;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Spec files: their names are relative to the workspace root, the folder of `gantry.kdl`.
const SRCROOT: &str = "%SRCROOT%";
/// Stdlib files are embedded in the binary; their uri is the file in gantry's own repository.
const GANTRY_REPOSITORY: &str = "GANTRY_REPOSITORY";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    artifacts: Vec<Artifact<'a>>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
}

/// A SARIF `multiformatMessageString`: plain text, and the same in Markdown.
#[derive(Serialize)]
struct Text {
    text: String,
    markdown: String,
}

impl Text {
    fn from_markdown(markdown: &str) -> Text {
        Text {
            text: plain_text(markdown),
            markdown: markdown.to_string(),
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct BaseId {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact<'a> {
    location: ArtifactLocation,
    length: usize,
    source_language: &'static str,
    /// The text of files that are not on disk (the stdlib), so that a viewer can show them.
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Contents<'a>>,
}

#[derive(Serialize)]
struct Contents<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<MessageRef<'a>>,
}

#[derive(Serialize)]
struct MessageRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

/// One-based lines and columns; columns count characters (`columnKind: unicodeCodePoints`) and
/// the end column is the one after the last character, as SARIF has it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// A SARIF 2.1.0 log of the diagnostics, pretty-printed, ending in a newline. Deterministic:
/// keys in a fixed order, rules sorted by id, files in source-map order, no timestamps.
pub fn render_sarif<'a>(diagnostics: &'a [Diagnostic], sources: &'a SourceMap) -> String {
    let rule_ids: BTreeSet<&'static str> = diagnostics.iter().map(|d| d.id).collect();
    let rule_index: BTreeMap<&str, usize> = rule_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let files: BTreeSet<FileId> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary))
        .map(|l| l.span.file)
        .collect();
    let file_index: BTreeMap<FileId, usize> =
        files.iter().enumerate().map(|(i, f)| (*f, i)).collect();

    let location = |label: &'a Label| -> Location<'a> {
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    index: file_index.get(&label.span.file).copied(),
                    ..artifact_location(sources.display_name(label.span.file))
                },
                region: region(label.span, sources),
            },
            message: (!label.text.is_empty()).then_some(MessageRef { text: &label.text }),
        }
    };
    let results = diagnostics
        .iter()
        .map(|d| SarifResult {
            rule_id: d.id,
            rule_index: rule_index[d.id],
            level: d.severity.as_str(),
            message: Message {
                text: match &d.help {
                    Some(help) => format!("{}\nhelp: {help}", d.message),
                    None => d.message.clone(),
                },
            },
            locations: [location(&d.primary)],
            related_locations: d.secondary.iter().map(location).collect(),
        })
        .collect();

    let artifacts = files
        .iter()
        .map(|&id| {
            let file = sources.get(id);
            Artifact {
                location: artifact_location(sources.display_name(id)),
                length: file.text.len(),
                source_language: "kdl",
                contents: stdlib::is_stdlib(&file.name).then_some(Contents { text: &file.text }),
            }
        })
        .collect();

    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT,
        BaseId {
            description: Message {
                text: "The folder gantry was run from (the workspace root, holding gantry.kdl, when it was run there).".to_string(),
            },
        },
    );
    if files
        .iter()
        .any(|&f| stdlib::is_stdlib(&sources.get(f).name))
    {
        base_ids.insert(
            GANTRY_REPOSITORY,
            BaseId {
                description: Message {
                    text: format!(
                        "The gantry repository ({}) at version {}: its stdlib/ folder holds the \
                         standard library built into the gantry binary.",
                        env!("CARGO_PKG_REPOSITORY"),
                        env!("CARGO_PKG_VERSION")
                    ),
                },
            },
        );
    }

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "gantry",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rule_ids.into_iter().map(rule_descriptor).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: base_ids,
            artifacts,
            results,
        }],
    };
    // Serialising plain structs of strings and integers cannot fail.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn region(span: Span, sources: &SourceMap) -> Region {
    let file = sources.get(span.file);
    let (start_line, start_column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

/// Where a file is: a spec relative to the folder gantry was run from, a stdlib file (`<stdlib>/slo.kdl`)
/// as `stdlib/slo.kdl` in gantry's repository.
fn artifact_location(name: std::borrow::Cow<'_, str>) -> ArtifactLocation {
    let (path, base) = match name.strip_prefix("<stdlib>/") {
        Some(rest) => (format!("stdlib/{rest}"), GANTRY_REPOSITORY),
        None => (name.to_string(), SRCROOT),
    };
    ArtifactLocation {
        uri: uri_path(&path),
        uri_base_id: base,
        index: None,
    }
}

/// A relative path as a URI reference: `/` separators, every byte but the unreserved ones
/// percent-encoded (a space, `#`, `%` or `?` in a file name would otherwise change the URI).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(id: &'static str) -> RuleDescriptor {
    let mut descriptor = RuleDescriptor {
        id,
        name: pascal_case(id),
        short_description: None,
        full_description: None,
        help: None,
        default_configuration: None,
    };
    if let Some((severity, doc)) = rules::explain(id) {
        let doc = dedent(doc);
        let description = doc.split("## Example").next().unwrap_or(&doc).trim_end();
        descriptor.short_description = Some(Text::from_markdown(&summary(&doc).replace('\n', " ")));
        descriptor.full_description = Some(Text::from_markdown(description));
        descriptor.help = Some(Text::from_markdown(&doc));
        descriptor.default_configuration = Some(Configuration {
            level: severity.as_str(),
        });
    }
    descriptor
}

/// `service-without-slo` → `ServiceWithoutSlo`, the form SARIF suggests for a rule's name.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The first paragraph of the "What it does" section (as [`crate::lint::Rule::summary`]).
fn summary(doc: &str) -> &str {
    let body = doc
        .split("## What it does")
        .nth(1)
        .unwrap_or(doc)
        .trim_start();
    let end = body.find("\n\n").unwrap_or(body.len());
    body[..end].trim()
}

/// Doc comments keep the space after `///`: take off the indentation all lines share.
fn dedent(doc: &str) -> String {
    let indent = doc
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = doc
        .lines()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect();
    lines.join("\n").trim().to_string() + "\n"
}

/// The Markdown of a rule's documentation as plain text: headings without `#`, code blocks
/// indented by four spaces instead of fenced, inline code without its backticks.
fn plain_text(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if in_code {
            out.push(format!("    {line}"));
        } else if line.starts_with('#') {
            out.push(line.trim_start_matches('#').trim_start().to_string());
        } else {
            out.push(line.replace('`', ""));
        }
    }
    out.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("service-without-slo"), "ServiceWithoutSlo");
        assert_eq!(pascal_case("syntax"), "Syntax");
    }

    #[test]
    fn uris_are_relative_references_and_stdlib_files_live_in_the_repository() {
        let spec = artifact_location("specs/my shop#1.kdl".into());
        assert_eq!(spec.uri, "specs/my%20shop%231.kdl");
        assert_eq!(spec.uri_base_id, SRCROOT);
        let std = artifact_location("<stdlib>/slo.kdl".into());
        assert_eq!(std.uri, "stdlib/slo.kdl");
        assert_eq!(std.uri_base_id, GANTRY_REPOSITORY);
        assert_eq!(uri_path("spécs\\a.kdl"), "sp%C3%A9cs/a.kdl");
    }

    #[test]
    fn docs_become_plain_text() {
        let doc = dedent(" ## What it does\n Reports `x`.\n\n ## Example\n ```kdl\n a 1\n ```\n");
        assert_eq!(
            doc,
            "## What it does\nReports `x`.\n\n## Example\n```kdl\na 1\n```\n"
        );
        assert_eq!(summary(&doc), "Reports `x`.");
        assert_eq!(
            plain_text(&doc),
            "What it does\nReports x.\n\nExample\n    a 1"
        );
    }

    #[test]
    fn a_rule_without_documentation_still_has_its_id() {
        let descriptor = rule_descriptor("not-a-rule");
        assert_eq!(descriptor.id, "not-a-rule");
        assert!(descriptor.help.is_none());
    }

    #[test]
    fn empty_run_is_a_valid_log_shape() {
        let out = render_sarif(&[], &SourceMap::default());
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
        assert!(out.ends_with("}\n"));
    }

    #[test]
    fn a_stdlib_location_embeds_the_file() {
        let mut sources = SourceMap::default();
        let std = sources.add(SourceFile::new("<stdlib>/slo.kdl", "preset \"x\" { }\n"));
        let d = Diagnostic::error("syntax", Span::new(std, 7..10), "bad")
            .with_label("here")
            .with_help("fix it");
        let v: serde_json::Value =
            serde_json::from_str(&render_sarif(&[d], &sources)).expect("json");
        let run = &v["runs"][0];
        assert_eq!(run["artifacts"][0]["location"]["uri"], "stdlib/slo.kdl");
        assert_eq!(
            run["artifacts"][0]["contents"]["text"],
            "preset \"x\" { }\n"
        );
        let result = &run["results"][0];
        assert_eq!(result["message"]["text"], "bad\nhelp: fix it");
        assert_eq!(result["locations"][0]["message"]["text"], "here");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startColumn"].as_u64(), region["endColumn"].as_u64()),
            (Some(8), Some(11))
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "error"
        );
    }
}
