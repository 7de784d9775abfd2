//! The runbook templates: the stdlib's, and the workspace's own from its `templates` folder,
//! which replace stdlib templates of the same file name. The folder is read through the
//! [`Vfs`] when a workspace is loaded; checking parses every template so that a broken one is a
//! diagnostic at its file and line before anything is built.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use handlebars::TemplateErrorReason;
use handlebars::template::{HelperTemplate, Template, TemplateElement};

use crate::ast::Workspace;
use crate::check::Input;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span, Spanned};
use crate::stdlib;
use crate::suggest::did_you_mean;
use crate::syntax::Document;
use crate::vfs::Vfs;

/// The extension of a template file.
const EXTENSION: &str = ".hbs";

/// What the workspace's `templates` folder held when the workspace was loaded.
#[derive(Debug, Clone, Default)]
pub enum TemplateFolder {
    /// Not read: the checker was handed text only, so it says nothing about the folder.
    #[default]
    NotRead,
    /// The folder could not be listed; the reason.
    Unreadable(String),
    /// The `*.hbs` files found, each named by its path inside the folder.
    Files(Vec<Input>),
}

/// The `templates` folder a parsed `gantry.kdl` names, before the rest is checked.
pub fn folder_of(doc: Option<&Document>) -> Option<String> {
    doc?.nodes
        .iter()
        .find(|n| n.name.value == "workspace")?
        .children
        .iter()
        .rfind(|c| c.name.value == "templates")?
        .first_string_arg()
        .map(|a| a.value.to_string())
}

/// Reads the `*.hbs` files of the `templates` folder `folder` (relative to `root`). Nothing is
/// read for a folder that would leave the workspace; the check reports it.
pub fn read(vfs: &dyn Vfs, root: &Path, folder: &str) -> TemplateFolder {
    if !is_inside(folder) {
        return TemplateFolder::NotRead;
    }
    let dir = root.join(folder);
    let listed = match vfs.files_below(&dir, &|_| false) {
        Ok(files) => files,
        // The error names the absolute path; the diagnostic names the folder as written.
        Err(_) => return TemplateFolder::Unreadable("does not exist or cannot be read".into()),
    };
    let mut files = Vec::new();
    for path in listed.iter().filter(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(EXTENSION))
    }) {
        match vfs.read_to_string(path) {
            Ok(text) => files.push(Input {
                name: crate::workspace::display_path(&dir, path),
                text: text.into(),
            }),
            Err(error) => {
                return TemplateFolder::Unreadable(format!(
                    "has a file that cannot be read, {}: {}",
                    crate::workspace::display_path(root, path),
                    error.kind()
                ));
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    TemplateFolder::Files(files)
}

/// Whether a folder (`templates`, `output`) stays inside the workspace: relative, without `..`.
pub(crate) fn is_inside(folder: &str) -> bool {
    let path = Path::new(folder);
    !folder.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The templates the runbooks target renders with, by file name: every stdlib template, replaced
/// by the workspace's file of the same name. Each is added to `sources`, so that its span (the
/// whole file) lets a diagnostic point at a line of it. Problems with the folder or a template
/// are reported at the `templates` node or inside the template file.
pub fn collect(
    workspace: Option<&Workspace>,
    folder: TemplateFolder,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Spanned<String>> {
    let mut templates = BTreeMap::new();
    for (name, text) in stdlib::TEMPLATES {
        let file = sources.add(SourceFile::new(
            format!("{}/{name}", stdlib::TEMPLATE_DIR),
            *text,
        ));
        templates.insert(name.to_string(), whole_file(sources, file));
    }
    let Some(node) = workspace.and_then(|w| w.templates.as_ref()) else {
        return templates;
    };
    if !is_inside(&node.value) {
        diagnostics.push(
            Diagnostic::error(
                "invalid-value",
                node.span,
                format!(
                    "`{}` is not a folder inside the workspace",
                    node.value
                ),
            )
            .with_label("absolute, empty, or leaves the workspace with `..`")
            .with_help("name a folder relative to the workspace root, e.g. `templates \"runbook-templates\"`"),
        );
        return templates;
    }
    let files = match folder {
        TemplateFolder::NotRead => return templates,
        TemplateFolder::Unreadable(reason) => {
            diagnostics.push(missing_folder(node, &reason));
            return templates;
        }
        TemplateFolder::Files(files) => files,
    };
    if files.is_empty() {
        diagnostics.push(missing_folder(node, "holds no `*.hbs` template"));
        return templates;
    }
    let folder = node.value.trim_end_matches('/');
    for input in files {
        if !templates.contains_key(&input.name) {
            diagnostics.push(unknown_template(node, &input.name));
            continue;
        }
        let file = sources.add(SourceFile::new(
            format!("{folder}/{}", input.name),
            input.text,
        ));
        let template = whole_file(sources, file);
        if let Some(problem) = parse_problem(sources, &template) {
            diagnostics.push(problem.with_secondary(node.span, "templates are read from here"));
        }
        templates.insert(input.name, template);
    }
    templates
}

fn whole_file(sources: &SourceMap, file: FileId) -> Spanned<String> {
    let text = sources.get(file).text.to_string();
    Spanned::new(text.clone(), Span::new(file, 0..text.len()))
}

fn missing_folder(node: &Spanned<String>, what: &str) -> Diagnostic {
    Diagnostic::error(
        "unresolved-reference",
        node.span,
        format!("the templates folder `{}` {what}", node.value),
    )
    .with_label("no templates here")
    .with_help(format!(
        "create it with the templates to replace ({}), or remove the `templates` node",
        known_names()
    ))
}

fn unknown_template(node: &Spanned<String>, name: &str) -> Diagnostic {
    let help = match did_you_mean(name, stdlib::TEMPLATES.iter().map(|(n, _)| *n)) {
        Some(known) => format!("did you mean `{known}`?"),
        None => format!("gantry renders {}; rename or remove it", known_names()),
    };
    Diagnostic::error(
        "unresolved-reference",
        node.span,
        format!(
            "`{}/{name}` replaces no template gantry renders",
            node.value.trim_end_matches('/')
        ),
    )
    .with_label("in this folder")
    .with_help(help)
}

fn known_names() -> String {
    stdlib::TEMPLATES
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The span of a 1-based line and column of a template file (the rest of that line), or of the
/// whole file when the position is unknown or out of range.
pub fn position(
    sources: &SourceMap,
    template: &Spanned<String>,
    line: Option<usize>,
    column: Option<usize>,
) -> Span {
    let file = template.span.file;
    let text = &sources.get(file).text;
    let Some(line_text) = line.and_then(|l| text.split('\n').nth(l.checked_sub(1)?)) else {
        return template.span;
    };
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.unwrap_or(1).saturating_sub(1))
        .map(str::len)
        .sum();
    let column_offset = line_text
        .char_indices()
        .nth(column.unwrap_or(1).saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let start = line_start + column_offset;
    let end = (line_start + line_text.len())
        .max(start + 1)
        .min(text.len());
    Span::new(file, start.min(end)..end)
}

/// Why a template cannot be used: it does not parse, or prints data unescaped.
fn parse_problem(sources: &SourceMap, template: &Spanned<String>) -> Option<Diagnostic> {
    match Template::compile(&template.value) {
        Err(error) => {
            let (line, column) = error.pos().unzip();
            Some(
                Diagnostic::error(
                    "invalid-value",
                    position(sources, template, line, column),
                    match error.reason() {
                        // pest lists every token it expected: say what that means instead.
                        TemplateErrorReason::InvalidSyntax(_) => "the template does not parse: \
                            a `{{…}}` here is not Handlebars, or a `{{#block}}` is never closed"
                            .to_string(),
                        reason => format!("the template does not parse: {reason}"),
                    },
                )
                .with_label("here")
                .with_help(
                    "templates are Handlebars: close every `{{#block}}` with `{{/block}}`, \
                     and write `{{` as `\\{{` for literal braces",
                ),
            )
        }
        Ok(compiled) => unescaped(&compiled).map(|(line, column)| {
            Diagnostic::error(
                "invalid-value",
                position(sources, template, Some(line), Some(column)),
                "`{{{…}}}` prints spec text without escaping it",
            )
            .with_label("unescaped output")
            .with_help(
                "write `{{…}}`: it escapes Markdown and HTML, so a spec's text cannot add links, \
                 HTML or formatting to the page",
            )
        }),
    }
}

/// The position of the first `{{{…}}}` of a template, nested blocks included.
fn unescaped(template: &Template) -> Option<(usize, usize)> {
    template
        .elements
        .iter()
        .enumerate()
        .find_map(|(i, element)| {
            let at = template.mapping.get(i).map(|m| (m.0, m.1));
            match element {
                TemplateElement::HtmlExpression(_) => Some(at.unwrap_or((1, 1))),
                TemplateElement::HelperBlock(block) => nested(block),
                TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                    block.template.as_ref().and_then(unescaped)
                }
                _ => None,
            }
        })
}

fn nested(block: &HelperTemplate) -> Option<(usize, usize)> {
    block
        .template
        .as_ref()
        .and_then(unescaped)
        .or_else(|| block.inverse.as_ref().and_then(unescaped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(sources: &mut SourceMap, text: &str) -> Spanned<String> {
        let file = sources.add(SourceFile::new("t.hbs", text));
        whole_file(sources, file)
    }

    #[test]
    fn every_stdlib_template_parses_and_escapes() {
        let mut sources = SourceMap::default();
        for (name, text) in stdlib::TEMPLATES {
            let template = spanned(&mut sources, text);
            assert!(
                parse_problem(&sources, &template).is_none(),
                "{name} has a problem"
            );
        }
    }

    #[test]
    fn triple_braces_are_found_inside_blocks() {
        let mut sources = SourceMap::default();
        let template = spanned(&mut sources, "# x\n{{#each a}}\n  {{{b}}}\n{{/each}}\n");
        let problem = parse_problem(&sources, &template).expect("found");
        assert_eq!(sources.text(problem.primary.span), "{{{b}}}");
        let template = spanned(&mut sources, "{{#if a}}{{else}}{{{b}}}{{/if}}");
        assert!(parse_problem(&sources, &template).is_some());
    }

    #[test]
    fn a_parse_error_points_at_its_line() {
        let mut sources = SourceMap::default();
        let template = spanned(&mut sources, "# title\n\n{{#each steps}}\n- {{this}}\n");
        let problem = parse_problem(&sources, &template).expect("does not parse");
        let (line, _) = sources
            .get(template.span.file)
            .line_col(problem.primary.span.start);
        assert!(line >= 3, "line {line}");
    }

    #[test]
    fn positions_out_of_range_fall_back_to_the_file() {
        let mut sources = SourceMap::default();
        let template = spanned(&mut sources, "a\nbc\n");
        assert_eq!(
            position(&sources, &template, Some(9), Some(1)),
            template.span
        );
        let span = position(&sources, &template, Some(2), Some(2));
        assert_eq!(sources.text(span), "c");
        assert_eq!(position(&sources, &template, None, None), template.span);
    }

    #[test]
    fn only_folders_inside_the_workspace() {
        assert!(is_inside("templates"));
        assert!(is_inside("docs/templates/"));
        assert!(!is_inside("../elsewhere"));
        assert!(!is_inside("/etc"));
        assert!(!is_inside(""));
    }
}
