//! Secret-bearing values never leave the diff: under a key that names a secret, token, password,
//! key or webhook URL the value is replaced by a marker, and the key stays, so a reviewer still
//! sees which setting changed. A key naming a file (`routing_key_file`) holds a path, not the
//! secret, and is shown.

use std::collections::BTreeMap;

use serde_json::Value;

/// What a redacted value becomes.
pub const REDACTED: &str = "<redacted>";
/// What a redacted value becomes on the side where it differs from the other side's.
pub const REDACTED_CHANGED: &str = "<redacted: changed>";

/// Whether a key's value may be a credential.
pub fn is_secret_key(key: &str) -> bool {
    let words = crate::rules::secrets::words(key);
    let has = |w: &str| words.iter().any(|x| x == w);
    if has("file") || has("path") || has("ref") || has("name") {
        return false;
    }
    const SECRET: [&str; 11] = [
        "secret",
        "secrets",
        "token",
        "password",
        "passwd",
        "passphrase",
        "key",
        "apikey",
        "credential",
        "credentials",
        "private",
    ];
    SECRET.iter().any(|w| has(w))
        || has("webhook") && has("url")
        || has("api") && has("url")
        || has("authorization")
        || has("dsn")
}

/// The secret-bearing values of a value, by their JSON pointer (`/a/b/0`).
pub fn secrets_of_value(value: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(value, String::new(), false, &mut out);
    out
}

fn collect(value: &Value, path: String, secret: bool, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                collect(
                    v,
                    format!("{path}/{escaped}"),
                    secret || is_secret_key(k),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect(v, format!("{path}/{i}"), secret, out);
            }
        }
        Value::Null | Value::Bool(_) => {}
        other if secret => {
            out.insert(path, other.to_string());
        }
        _ => {}
    }
}

/// A copy of `value` with its secret-bearing values replaced; those that differ from `other`
/// (the other side's secrets, by path) are marked as changed.
pub fn redact_value(value: &Value, other: &BTreeMap<String, String>) -> Value {
    let mine = secrets_of_value(value);
    let mut out = value.clone();
    for (path, original) in &mine {
        if let Some(slot) = out.pointer_mut(path) {
            let changed = other.get(path).is_none_or(|o| o != original);
            *slot = Value::String(
                if changed && !other.is_empty() {
                    REDACTED_CHANGED
                } else {
                    REDACTED
                }
                .to_string(),
            );
        }
    }
    out
}

/// The secret-bearing values of a text (`key = value`, `key: value` lines), by line key.
pub fn secrets_of_text(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if let Some((key, value)) = secret_line(line) {
            out.insert(format!("{n}:{key}"), value.to_string());
        }
    }
    out
}

/// A line's key and value when the key names a secret.
fn secret_line(line: &str) -> Option<(&str, &str)> {
    let at = line.find(['=', ':'])?;
    let key = line.get(..at)?.trim().trim_matches('"');
    let value = line.get(at + 1..)?.trim();
    let simple_key = !key.is_empty() && !key.contains(char::is_whitespace);
    (simple_key && !value.is_empty() && !value.starts_with(['{', '[']) && is_secret_key(key))
        .then_some((key, value))
}

/// A copy of `text` with the values of its secret-bearing lines replaced.
pub fn redact_text(text: &str, other: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        match secret_line(body) {
            Some((key, value)) => {
                let at = body.find(value).unwrap_or(body.len());
                let changed = other.get(&format!("{n}:{key}")).is_none_or(|o| o != value);
                let marker = if changed && !other.is_empty() {
                    REDACTED_CHANGED
                } else {
                    REDACTED
                };
                out.push_str(body.get(..at).unwrap_or(body));
                out.push_str(marker);
                out.push_str(&line[body.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_that_name_secrets() {
        for key in [
            "routing_key",
            "routingKey",
            "api_key",
            "password",
            "DB_PASSWORD",
            "token",
            "secret_string",
            "api_url",
            "slack_api_url",
            "webhook_url",
            "client-secret",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "routing_key_file",
            "api_url_file",
            "name",
            "secretKeyRef",
            "image",
            "replicas",
            "monkey",
            "keyboard_layout",
            "kms_key_arn_name",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn values_are_replaced_and_keys_kept() {
        let base = json!({"receivers": [{"name": "p", "pagerduty_configs": [{"routing_key": "R0UT1NG", "routing_key_file": "/etc/x"}]}]});
        let head = json!({"receivers": [{"name": "p", "pagerduty_configs": [{"routing_key": "N3W", "routing_key_file": "/etc/x"}]}]});
        let redacted = redact_value(&head, &secrets_of_value(&base));
        let text = redacted.to_string();
        assert!(!text.contains("N3W") && !text.contains("R0UT1NG"), "{text}");
        assert!(text.contains("routing_key") && text.contains("/etc/x"));
        assert!(text.contains(REDACTED_CHANGED));
        let same = redact_value(&base, &secrets_of_value(&base)).to_string();
        assert!(same.contains(REDACTED) && !same.contains(REDACTED_CHANGED));
    }

    #[test]
    fn text_lines_are_redacted() {
        let text = "resource \"x\" \"y\" {\n  secret_string = \"hunter2\"\n  name = \"n\"\n}\n";
        let out = redact_text(text, &BTreeMap::new());
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("secret_string = <redacted>\n"));
        assert!(out.contains("name = \"n\""));
    }
}
