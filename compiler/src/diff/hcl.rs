//! Splitting Terraform's HCL into its top-level blocks, so that a `.tf` file is compared resource
//! by resource. Only the block structure is read: strings (with `${…}` templates), heredocs and
//! comments are skipped so that a brace inside them never ends a block.

/// One top-level block: its address and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// `aws_db_instance.checkout_orders`, `data.aws_iam_policy_document.x`, `provider.aws`,
    /// `terraform`, `variable.region`, `module.vpc`, `locals`.
    pub address: String,
    pub text: String,
    /// The block's own `name = value` lines (not those of nested blocks), as written.
    pub attributes: Vec<(String, String)>,
}

/// The top-level blocks of `text`, or `None` when its braces do not balance (the file is then
/// compared as a whole).
pub fn blocks(text: &str) -> Option<Vec<Block>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start_of_block = None;
    let mut depth = 0usize;
    let mut attributes = Vec::new();
    let mut line_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find(text, i + 2, "*/").map_or(bytes.len(), |end| end + 2)
            }
            b'"' => i = skip_string(bytes, i + 1)?,
            b'<' if bytes.get(i + 1) == Some(&b'<') => i = skip_heredoc(text, i)?,
            b'{' => {
                if depth == 0 {
                    start_of_block = Some(line_start);
                    attributes.clear();
                }
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                if depth == 0 {
                    let start = start_of_block.take()?;
                    let block_text = text.get(start..i)?.to_string();
                    let address = address(&block_text)?;
                    out.push(Block {
                        address,
                        text: block_text,
                        attributes: std::mem::take(&mut attributes),
                    });
                }
            }
            b'\n' => {
                i += 1;
                line_start = i;
                if depth == 1
                    && let Some(attribute) = attribute(text.get(i..).unwrap_or(""))
                {
                    attributes.push(attribute);
                }
            }
            _ => i += 1,
        }
    }
    (depth == 0).then_some(out)
}

fn skip_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn find(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|p| from + p)
}

/// Past the closing quote of a string that starts at `from`; `${…}` templates may hold quotes.
fn skip_string(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut template_depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' | b'%'
                if bytes.get(i + 1) == Some(&b'{')
                    && bytes.get(i.wrapping_sub(1)) != Some(&bytes[i]) =>
            {
                template_depth += 1;
                i += 2;
            }
            b'}' if template_depth > 0 => {
                template_depth -= 1;
                i += 1;
            }
            b'"' if template_depth > 0 => i = skip_string(bytes, i + 1)?,
            b'"' => return Some(i + 1),
            b'\n' if template_depth == 0 => return None,
            _ => i += 1,
        }
    }
    None
}

/// Past the closing marker of a `<<EOF` or `<<-EOF` heredoc.
fn skip_heredoc(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from + 2..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if marker.is_empty() {
        return Some(from + 2);
    }
    let body = find(text, from, "\n")?;
    let mut at = body + 1;
    loop {
        let end = find(text, at, "\n").unwrap_or(text.len());
        if text.get(at..end)?.trim() == marker {
            return Some(end);
        }
        if end >= text.len() {
            return None;
        }
        at = end + 1;
    }
}

/// `resource "aws_db_instance" "orders" {` → `aws_db_instance.orders`.
fn address(block: &str) -> Option<String> {
    let head = block.split('{').next()?;
    let mut words = Vec::new();
    let mut rest = head.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            words.push(quoted.get(..end)?.to_string());
            rest = quoted.get(end + 1..)?.trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            words.push(rest.get(..end)?.to_string());
            rest = rest.get(end..)?.trim_start();
        }
    }
    let (kind, labels) = words.split_first()?;
    Some(match (kind.as_str(), labels) {
        ("resource", [kind, name]) => format!("{kind}.{name}"),
        (_, []) => kind.clone(),
        (kind, labels) => format!("{kind}.{}", labels.join(".")),
    })
}

/// `  engine = "postgres"` → (`engine`, `"postgres"`).
fn attribute(line: &str) -> Option<(String, String)> {
    let line = line.lines().next()?.trim();
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (is_name && !value.starts_with('=')).then(|| (name.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_resources_past_strings_heredocs_and_comments() {
        let text = r#"
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.80.0" }
  }
}
# a } in a comment
resource "aws_db_instance" "checkout_orders" {
  engine     = "postgres"
  identifier = "checkout-orders"
  tags = { note = "a } in a string ${var.x}" }
  policy = <<EOF
{ "unbalanced": "{" 
EOF
}
data "aws_iam_policy_document" "bot" {
  statement { actions = ["rds:*"] }
}
"#;
        let blocks = blocks(text).expect("balanced");
        let addresses: Vec<&str> = blocks.iter().map(|b| b.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "terraform",
                "aws_db_instance.checkout_orders",
                "data.aws_iam_policy_document.bot"
            ]
        );
        let db = &blocks[1];
        assert!(db.text.starts_with("resource \"aws_db_instance\""));
        assert!(db.text.ends_with('}'));
        assert_eq!(
            db.attributes[..2],
            [
                ("engine".to_string(), "\"postgres\"".to_string()),
                ("identifier".to_string(), "\"checkout-orders\"".to_string())
            ]
        );
        assert!(blocks[0].attributes.is_empty());
    }

    #[test]
    fn unbalanced_text_is_not_split() {
        assert_eq!(blocks("resource \"a\" \"b\" {\n"), None);
        assert_eq!(blocks("}\n"), None);
    }
}
