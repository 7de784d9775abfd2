//! Building HCL expressions and serializing bodies with hcl-rs. Every string literal goes through
//! [`literal`], which escapes it for a quoted HCL template itself: hcl-rs's own escaping leaves
//! `%${` live and skips quotes in strings it takes for templates, so no string from a spec may
//! reach it unescaped.

use hcl::expr::{Expression, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, Variable};
use hcl::{Block, Body, Identifier};

/// A quoted string whose value is exactly `text`: no interpolation, no directive, no escape of
/// the spec's can change what Terraform reads.
pub fn literal(text: &str) -> Expression {
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(escape(text))))
}

/// `text` escaped for the inside of a quoted HCL template. `${` and `%{` are doubled wherever
/// they occur (so `$${` becomes `$$${`, which reads back as `$${`), then quotes, backslashes and
/// control characters are escaped.
pub fn escape(text: &str) -> String {
    let markers = text.replace("${", "$${").replace("%{", "%%{");
    let mut out = String::with_capacity(markers.len());
    for c in markers.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// A list of string literals.
pub fn literals<'a>(items: impl IntoIterator<Item = &'a str>) -> Expression {
    Expression::Array(items.into_iter().map(literal).collect())
}

/// A reference such as `aws_db_instance.checkout_orders.arn`, from names gantry chose (every
/// segment an identifier or an index).
pub fn reference(path: &str) -> Expression {
    let mut segments = path.split('.');
    let root = Variable::sanitized(segments.next().unwrap_or("_"));
    let mut traversal = Traversal::builder(root);
    for segment in segments {
        // A number is an index into a list (`master_user_secret.0` is `master_user_secret[0]`).
        traversal = match segment.parse::<u64>() {
            Ok(index) => traversal.index(Expression::from(index)),
            Err(_) => traversal.attr(Identifier::sanitized(segment)),
        };
    }
    Expression::from(traversal.build())
}

/// A call of one of Terraform's functions.
pub fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut builder = FuncCall::builder(Identifier::sanitized(name));
    for arg in args {
        builder = builder.arg(arg);
    }
    Expression::from(builder.build())
}

/// A type constraint or keyword: `string`, `number`.
pub fn keyword(name: &str) -> Expression {
    Expression::Variable(Variable::sanitized(name))
}

/// An object with quoted keys, in the order given.
pub fn object(entries: Vec<(&str, Expression)>) -> Expression {
    let mut out = Object::new();
    for (key, value) in entries {
        out.insert(ObjectKey::Expression(literal(key)), value);
    }
    Expression::Object(out)
}

/// A block: `TYPE "LABEL" … { attributes, nested blocks }`.
pub struct BlockBuilder {
    inner: hcl::structure::BlockBuilder,
}

impl BlockBuilder {
    pub fn new(kind: &str, labels: &[&str]) -> BlockBuilder {
        let mut inner = Block::builder(Identifier::sanitized(kind));
        for label in labels {
            inner = inner.add_label(*label);
        }
        BlockBuilder { inner }
    }

    pub fn attr(mut self, key: &str, value: impl Into<Expression>) -> BlockBuilder {
        self.inner = self
            .inner
            .add_attribute((Identifier::sanitized(key), value.into()));
        self
    }

    /// An attribute only when there is a value.
    pub fn attr_opt(self, key: &str, value: Option<Expression>) -> BlockBuilder {
        match value {
            Some(value) => self.attr(key, value),
            None => self,
        }
    }

    pub fn block(mut self, block: Block) -> BlockBuilder {
        self.inner = self.inner.add_block(block);
        self
    }

    pub fn build(self) -> Block {
        self.inner.build()
    }
}

/// The text of a body of blocks, a blank line between top-level blocks.
pub fn render(blocks: Vec<Block>) -> Result<String, String> {
    let mut out = String::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = Body::builder().add_block(block).build();
        out.push_str(&hcl::to_string(&body).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Terraform reads back from the attribute `value`, parsed by hcl-rs.
    fn read_back(text: &str) -> String {
        let block = BlockBuilder::new("locals", &[])
            .attr("value", literal(text))
            .build();
        let rendered = render(vec![block]).expect("renders");
        let body: Body = hcl::parse(&rendered).expect("parses");
        let locals = body.blocks().next().expect("a block");
        let attribute = locals.body().attributes().next().expect("an attribute");
        match attribute.expr() {
            Expression::String(s) => s.clone(),
            other => panic!("{text:?} came back as {other:?} from {rendered}"),
        }
    }

    #[test]
    fn strings_come_back_exactly() {
        for text in [
            "plain",
            "x ${a} %${b}",
            "$${already}",
            "%%{y}",
            "${",
            "%{",
            "$",
            "%",
            "a\"b\\c",
            "\\\"${x}\\",
            "line\nbreak\ttab\r",
            "\u{7}\u{0}\u{1b}",
            "ünïcødé 😀",
            "",
            "%{ if true }x%{ endif }",
            "\"}\n]\nresource \"x\" \"y\" {",
        ] {
            assert_eq!(read_back(text), text);
        }
    }
}
