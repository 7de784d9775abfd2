//! Reading generated files back with a parser for their format, to prove that no spec text
//! changed their structure. Shared by the property tests (`hostile_strings.rs`) and the
//! structured fuzzer (`fuzz/fuzz_targets/structured.rs`, which includes this file by path).

use std::fmt::Write;

use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::template::{Element, Template};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::Value;

/// A generated file as its format's parser reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The structure with every string value blanked: documents, keys, objects, blocks,
    /// Markdown elements. No text from a spec may change it.
    pub shape: String,
    /// Every string value (for Markdown, the text of every block) as the parser returns it.
    pub strings: Vec<String>,
}

/// Reads `text`, the content of the generated file `path`, with the parser for its extension:
/// YAML, JSON, Markdown or HCL. `Ok(None)` for a format read elsewhere (Cedar, Rego).
pub fn read_back(path: &str, text: &str) -> Result<Option<Reading>, String> {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    let reading = match extension {
        "yaml" | "yml" => {
            let documents: Vec<Value> =
                serde_saphyr::from_multiple(text).map_err(|e| format!("{path}: YAML: {e}"))?;
            of_values(&documents)
        }
        "json" => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("{path}: JSON: {e}"))?;
            of_values(std::slice::from_ref(&value))
        }
        "md" => of_markdown(text),
        "tf" => of_hcl(&hcl::parse(text).map_err(|e| format!("{path}: HCL: {e}"))?),
        _ => return Ok(None),
    };
    Ok(Some(reading))
}

fn of_values(documents: &[Value]) -> Reading {
    let mut reading = Reading {
        shape: format!("{} documents\n", documents.len()),
        strings: Vec::new(),
    };
    for document in documents {
        value_shape(document, &mut reading);
        reading.shape.push('\n');
    }
    reading
}

fn value_shape(value: &Value, out: &mut Reading) {
    match value {
        Value::Null => out.shape.push_str("null"),
        Value::Bool(_) => out.shape.push_str("bool"),
        Value::Number(_) => out.shape.push_str("number"),
        Value::String(s) => {
            out.shape.push_str("string");
            out.strings.push(s.clone());
        }
        Value::Array(items) => {
            out.shape.push('[');
            for item in items {
                value_shape(item, out);
                out.shape.push(',');
            }
            out.shape.push(']');
        }
        Value::Object(map) => {
            out.shape.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                let _ = write!(out.shape, "{key:?}:");
                match (&map[key], embedded_json(key, &map[key])) {
                    // A file inside a file (a ConfigMap's `flags.json`): its structure counts.
                    (_, Some(inner)) => {
                        out.shape.push_str("json:");
                        value_shape(&inner, out);
                    }
                    (value, None) => value_shape(value, out),
                }
                out.shape.push(',');
            }
            out.shape.push('}');
        }
    }
}

/// The JSON document held by a string under a key named like a JSON file.
fn embedded_json(key: &str, value: &Value) -> Option<Value> {
    let text = value.as_str().filter(|_| key.ends_with(".json"))?;
    serde_json::from_str(text).ok()
}

/// Markdown: the elements (headings, lists, tables, code blocks, links…) make the shape; the
/// text of each block, breaks read as spaces, is one string.
fn of_markdown(text: &str) -> Reading {
    let mut reading = Reading {
        shape: String::new(),
        strings: Vec::new(),
    };
    let mut run = String::new();
    let flush = |run: &mut String, strings: &mut Vec<String>| {
        if !run.is_empty() {
            strings.push(std::mem::take(run));
        }
    };
    for event in Parser::new(text) {
        match event {
            Event::Text(t) | Event::Code(t) => run.push_str(&t),
            Event::SoftBreak | Event::HardBreak => run.push(' '),
            Event::Start(tag) => {
                if is_block(&tag) {
                    flush(&mut run, &mut reading.strings);
                }
                let _ = write!(reading.shape, "<{}>", tag_name(&tag));
            }
            Event::End(tag) => {
                if is_block_end(tag) {
                    flush(&mut run, &mut reading.strings);
                }
                let _ = write!(reading.shape, "</{tag:?}>");
            }
            // Raw HTML in a page is gantry's own (comments); spec text is escaped as entities.
            Event::Html(h) | Event::InlineHtml(h) => {
                let _ = write!(reading.shape, "html({:?})", h.trim());
            }
            other => {
                let _ = write!(reading.shape, "{other:?}");
            }
        }
    }
    flush(&mut run, &mut reading.strings);
    reading
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

/// A tag without the text it carries, except link destinations (gantry's own paths and URLs).
fn tag_name(tag: &Tag<'_>) -> String {
    match tag {
        Tag::Heading { level, .. } => format!("{level:?}"),
        Tag::Link { dest_url, .. } => format!("link {dest_url}"),
        Tag::CodeBlock(kind) => format!("{kind:?}"),
        Tag::List(start) => format!("list {start:?}"),
        other => {
            let debug = format!("{other:?}");
            debug
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or_default()
                .to_string()
        }
    }
}

fn of_hcl(body: &hcl::Body) -> Reading {
    let mut reading = Reading {
        shape: String::new(),
        strings: Vec::new(),
    };
    body_shape(body, &mut reading);
    reading
}

fn body_shape(body: &hcl::Body, out: &mut Reading) {
    for attribute in body.attributes() {
        let _ = write!(out.shape, "{} = ", attribute.key());
        expression_shape(attribute.expr(), out);
        out.shape.push('\n');
    }
    for block in body.blocks() {
        let _ = write!(out.shape, "{}", block.identifier());
        for label in block.labels() {
            let _ = write!(out.shape, " {:?}", label.as_str());
        }
        out.shape.push_str(" {\n");
        body_shape(block.body(), out);
        out.shape.push_str("}\n");
    }
}

fn expression_shape(expr: &Expression, out: &mut Reading) {
    match expr {
        Expression::String(s) => {
            out.shape.push_str("string");
            out.strings.push(s.clone());
        }
        Expression::Array(items) => {
            out.shape.push('[');
            for item in items {
                expression_shape(item, out);
                out.shape.push(',');
            }
            out.shape.push(']');
        }
        Expression::Object(object) => {
            out.shape.push('{');
            for (key, value) in object {
                match key {
                    ObjectKey::Identifier(id) => {
                        let _ = write!(out.shape, "{id}");
                    }
                    ObjectKey::Expression(e) => expression_shape(e, out),
                    other => {
                        let _ = write!(out.shape, "{other:?}");
                    }
                }
                out.shape.push('=');
                expression_shape(value, out);
                out.shape.push(',');
            }
            out.shape.push('}');
        }
        Expression::TemplateExpr(template) => template_shape(template, out),
        Expression::FuncCall(call) => {
            let _ = write!(out.shape, "{}(", call.name);
            for arg in &call.args {
                expression_shape(arg, out);
                out.shape.push(',');
            }
            out.shape.push(')');
        }
        Expression::Parenthesis(inner) => {
            out.shape.push('(');
            expression_shape(inner, out);
            out.shape.push(')');
        }
        // Numbers, booleans, references and operators come from gantry, never from spec text.
        other => {
            let _ = write!(out.shape, "{other}");
        }
    }
}

/// A template's literal text is a string; an interpolation or a directive is structure, so a
/// `${` from a spec that came out live changes the shape.
fn template_shape(template: &TemplateExpr, out: &mut Reading) {
    let Ok(parsed) = Template::from_expr(template) else {
        let _ = write!(out.shape, "unreadable-template({template})");
        return;
    };
    out.shape.push_str("template(");
    let mut literal = String::new();
    for element in parsed.elements() {
        match element {
            Element::Literal(text) => literal.push_str(text),
            Element::Interpolation(i) => {
                if !literal.is_empty() {
                    out.shape.push_str("literal,");
                    out.strings.push(std::mem::take(&mut literal));
                }
                let _ = write!(out.shape, "${{{}}},", i.expr);
            }
            Element::Directive(_) => out.shape.push_str("directive,"),
        }
    }
    if !literal.is_empty() {
        out.shape.push_str("literal,");
        out.strings.push(literal);
    }
    out.shape.push(')');
}
