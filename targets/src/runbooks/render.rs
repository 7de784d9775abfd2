//! Rendering pages with Handlebars. The registry is strict (a field that does not exist fails
//! the build, in `{{#if}}` too) and escapes for Markdown: `{{x}}` writes one line of text
//! escaped by [`markdown::text`]. The helpers:
//!
//! - `{{md x}}`: text that keeps its line breaks (paragraphs, list items);
//! - `{{code x}}`: an inline code span;
//! - `{{link text url}}`: a link, http(s) or relative;
//! - `{{fence lang lines}}`: a fenced code block of lines;
//! - `{{inc n}}`: `n + 1`, to number list items from `@index`.

use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::source::Span;
use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, JsonTruthy, Output, RenderContext,
    RenderError, RenderErrorReason, Renderable,
};
use serde_json::Value;

use super::markdown;

/// A registry holding the model's templates, or the diagnostics of those that do not parse.
pub fn registry(model: &Model) -> Result<Handlebars<'static>, Vec<Diagnostic>> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(markdown::text);
    registry.register_helper("if", Box::new(strict_if));
    registry.register_helper("unless", Box::new(strict_unless));
    registry.register_helper("md", Box::new(md));
    registry.register_helper("code", Box::new(code));
    registry.register_helper("link", Box::new(link));
    registry.register_helper("fence", Box::new(fence));
    registry.register_helper("inc", Box::new(inc));
    let mut problems = Vec::new();
    for (name, template) in model.templates {
        if let Err(error) = registry.register_template_string(name, &template.value) {
            let (line, column) = error.pos().unzip();
            problems.push(
                Diagnostic::error(
                    "invalid-value",
                    gantry::templates::position(model.sources, template, line, column),
                    format!("the template does not parse: {}", error.reason()),
                )
                .with_label("here")
                .with_help(
                    "fix the Handlebars here: values are `{{name}}`, and every `{{#each …}}` or \
                     `{{#if …}}` is closed by its `{{/each}}` or `{{/if}}`",
                ),
            );
        }
    }
    if problems.is_empty() {
        Ok(registry)
    } else {
        Err(problems)
    }
}

/// Renders one page; a failure is a diagnostic at the template's line, with the spec node the
/// page is about as a secondary label.
pub fn page(
    registry: &Handlebars,
    model: &Model,
    template: &str,
    data: &Value,
    about: (Span, &str),
) -> Result<String, Box<Diagnostic>> {
    registry.render(template, data).map_err(|error| {
        let name = error.template_name.as_deref().unwrap_or(template);
        let span = model
            .templates
            .get(name)
            .map(|t| gantry::templates::position(model.sources, t, error.line_no, error.column_no))
            .unwrap_or(about.0);
        let (message, help) = match error.reason() {
            RenderErrorReason::MissingVariable(path) => {
                let path = path.as_deref().unwrap_or("");
                (
                    format!("`{path}` is not a field of this page"),
                    format!(
                        "{}; a field that is absent on one page is `null`, test it with \
                         `{{{{#if …}}}}`",
                        fields_near(data, path)
                    ),
                )
            }
            reason => (
                format!("the template `{name}` cannot render: {reason}"),
                "see the helpers in the `templates` documentation: md, code, link, fence, inc"
                    .to_string(),
            ),
        };
        Box::new(
            Diagnostic::error("invalid-value", span, message)
                .with_label("fails here")
                .with_secondary(about.0, about.1.to_string())
                .with_help(help),
        )
    })
}

/// The fields of the deepest object a missing path reaches, e.g. those of `runbook` for
/// `runbook.sumary`.
fn fields_near(data: &Value, path: &str) -> String {
    let mut at = data;
    let mut reached = Vec::new();
    for segment in path.split('.') {
        match at.get(segment) {
            Some(next) if next.is_object() => {
                at = next;
                reached.push(segment);
            }
            _ => break,
        }
    }
    let fields: Vec<String> = at
        .as_object()
        .map(|o| o.keys().map(|k| format!("`{k}`")).collect())
        .unwrap_or_default();
    let owner = if reached.is_empty() {
        "the page".to_string()
    } else {
        format!("`{}`", reached.join("."))
    };
    format!("{owner} has the fields {}", fields.join(", "))
}

/// A parameter as text: strings as they are, numbers and booleans written out, `null` empty.
fn text_param(h: &Helper, index: usize) -> Result<String, RenderError> {
    let param = h
        .param(index)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("helper", index))?;
    if param.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
    }
    match param.value() {
        Value::Null => Ok(String::new()),
        Value::Array(_) | Value::Object(_) => {
            Err(RenderErrorReason::InvalidParamType("text, a number or a boolean").into())
        }
        value => Ok(value.render()),
    }
}

fn truthy<'rc>(h: &Helper<'rc>, name: &'static str) -> Result<bool, RenderError> {
    let param = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
    if param.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
    }
    Ok(param.value().is_truthy(false))
}

fn branch<'reg, 'rc>(
    h: &Helper<'rc>,
    take: bool,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    match if take { h.template() } else { h.inverse() } {
        Some(t) => t.render(r, ctx, rc, out),
        None => Ok(()),
    }
}

/// `{{#if}}` that, like every other access in strict mode, fails on a field that does not exist.
fn strict_if<'reg, 'rc>(
    h: &Helper<'rc>,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let take = truthy(h, "if")?;
    branch(h, take, r, ctx, rc, out)
}

fn strict_unless<'reg, 'rc>(
    h: &Helper<'rc>,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let take = !truthy(h, "unless")?;
    branch(h, take, r, ctx, rc, out)
}

fn md<'reg, 'rc>(
    h: &Helper<'rc>,
    _: &'reg Handlebars<'reg>,
    _: &'rc Context,
    _: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&markdown::multiline(&text_param(h, 0)?))?;
    Ok(())
}

fn code<'reg, 'rc>(
    h: &Helper<'rc>,
    _: &'reg Handlebars<'reg>,
    _: &'rc Context,
    _: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&markdown::code(&text_param(h, 0)?))?;
    Ok(())
}

fn link<'reg, 'rc>(
    h: &Helper<'rc>,
    _: &'reg Handlebars<'reg>,
    _: &'rc Context,
    _: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = text_param(h, 0)?;
    let url = text_param(h, 1)?;
    let destination = markdown::destination(&url).ok_or_else(|| {
        RenderError::from(RenderErrorReason::Other(format!(
            "`link` takes an http(s) or relative URL, not `{url}`"
        )))
    })?;
    out.write(&format!("[{}]({destination})", markdown::text(&text)))?;
    Ok(())
}

fn fence<'reg, 'rc>(
    h: &Helper<'rc>,
    _: &'reg Handlebars<'reg>,
    _: &'rc Context,
    _: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let language = text_param(h, 0)?;
    let lines = h
        .param(1)
        .filter(|p| !p.is_value_missing())
        .and_then(|p| p.value().as_array())
        .ok_or(RenderErrorReason::InvalidParamType("a list of lines"))?;
    let lines: Vec<String> = lines
        .iter()
        .map(|l| l.render().replace(['\r', '\n'], " "))
        .collect();
    let longest_run = lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`').map(str::len))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let language: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    out.write(&format!("{fence}{language}\n{}\n{fence}", lines.join("\n")))?;
    Ok(())
}

fn inc<'reg, 'rc>(
    h: &Helper<'rc>,
    _: &'reg Handlebars<'reg>,
    _: &'rc Context,
    _: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = h
        .param(0)
        .and_then(|p| p.value().as_u64())
        .ok_or(RenderErrorReason::InvalidParamType("a whole number"))?;
    out.write(&(n + 1).to_string())?;
    Ok(())
}
