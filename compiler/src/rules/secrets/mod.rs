//! Lint rules: secrets. A credential belongs in a secret store; a spec names it.

mod secret_in_plain_env;
mod secret_literal;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[
    &secret_literal::SECRET_LITERAL,
    &secret_in_plain_env::SECRET_IN_PLAIN_ENV,
];

/// Words that make a name say it holds a secret, wherever they stand in it.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "secrets",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "credential",
    "credentials",
    "creds",
];

/// Pairs of words that together name a secret (`API_KEY`, `private-key`, `accessKey`), where
/// either word alone does not (`KEY_PREFIX`, `ACCESS_LOG`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("routing", "key"),
    ("integration", "key"),
];

/// Last words that make a secret-sounding name about something else: where the secret is
/// (`PASSWORD_FILE`, `TOKEN_URL`), what it is called (`SECRET_NAME`) or a setting about it
/// (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`).
const NOT_A_SECRET_WHEN_LAST: &[&str] = &[
    "file", "path", "dir", "name", "id", "url", "uri", "endpoint", "host", "port", "ttl", "arn",
    "ref", "source", "from", "length", "len", "type", "header", "prefix", "version", "mode",
    "count", "timeout", "expiry", "expires", "rotation", "policy", "provider", "enabled",
    "required", "issuer", "audience", "scope", "store",
];

/// The words of a name, lowercase: split at anything but letters and digits, and where a
/// lowercase letter meets an uppercase one (`apiKey` → `api`, `key`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a name (an env var's, a property's) says its value is a secret: one of its words is
/// `password`, `secret`, `token`, `credentials`… or two of them make `api key`, `private key`,
/// `access key`…, and its last word does not make it about something else (`PASSWORD_FILE`).
/// `PASS` counts as the last word only (`DB_PASS`, not `PASS_THROUGH`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    // The shell's working directory, not a password.
    if words == ["pwd"] || NOT_A_SECRET_WHEN_LAST.contains(&last.as_str()) {
        return false;
    }
    last == "pass"
        || words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| SECRET_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("private-key"), ["private", "key"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
    }

    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "PASSWORD",
            "SECRET",
            "PSP_WEBHOOK_SECRET",
            "SLACK_BOT_TOKEN",
            "API_KEY",
            "STRIPE_APIKEY",
            "PRIVATE_KEY",
            "GCP_CREDENTIALS",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY",
            "DB_PASS",
            "apiKey",
            "api-key",
            "client-secret",
            "routing-key",
        ] {
            assert!(is_secret_name(name), "{name} should look secret");
        }
    }

    #[test]
    fn names_that_are_not_secrets() {
        for name in [
            "LOG_LEVEL",
            "PAYMENTS_URL",
            "DATABASE_URL",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "PASS_THROUGH",
            "PWD",
            "CACHE_KEY",
            "KEY_PREFIX",
            "routing-key-file",
            "api-url-file",
            "tokens-per-run",
            "digest",
            "",
        ] {
            assert!(!is_secret_name(name), "{name} should not look secret");
        }
    }
}
