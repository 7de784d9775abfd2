use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, Subject};
use crate::source::Span;
use crate::syntax::Node;

use super::is_secret_name;

crate::declare_rule! {
    /// ## What it does
    /// Reports a string, anywhere in a spec file or in `gantry.kdl`, that looks like a
    /// credential: an AWS access key id or secret key, a private key, a GitHub, Slack or Stripe
    /// token, a Slack webhook URL, a JSON Web Token, a Google API key, a connection string with
    /// a password, or a high-entropy value under a name like `password`, `secret`, `token` or
    /// `api-key`.
    ///
    /// ## Why is this bad?
    /// A spec is committed, reviewed, copied into CI logs and rendered into manifests that many
    /// people and tools can read. A credential written in it is leaked the moment it is pushed:
    /// scrapers find keys on public repositories within minutes, and on a private one every
    /// clone, fork and build log keeps a copy. Deleting the line does not help, since the value
    /// stays in the history; the key must be rotated, and until then whoever found it acts as
    /// the feature.
    ///
    /// Strings are recognised by their format (`AKIA…`, `ghp_…`, `glpat-…`, `xoxb-…`,
    /// `sk_live_…`, `sk-ant-…`, `sk-proj-…`,
    /// `-----BEGIN … PRIVATE KEY-----`, `scheme://user:password@host`, a JWT whose header names
    /// its `alg`), and under a secret-sounding name also by their randomness: a value of 20
    /// characters or more whose Shannon entropy is above 3.5 bits per character and that mixes
    /// letters and digits or both cases (or above 3.0 bits for a hexadecimal value). Random
    /// keys of 20 characters score above 3.6 almost always; names, paths and passphrases of
    /// words stay below or use a single case. References are not secrets: `${VAR}`, file paths,
    /// `arn:` names and image digests are left alone.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     service "api" {
    ///         env "AWS_ACCESS_KEY_ID" value="AKIAIOSFODNN7EXAMPLE"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     service "api" {
    ///         env "AWS_ACCESS_KEY_ID" secret="shop-aws" key="access-key-id"
    ///     }
    ///     secret "shop-aws" from="aws-secretsmanager"
    /// }
    /// ```
    pub SECRET_LITERAL = ("secret-literal", Severity::Error, Scope::File, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    let mut scan = Scan {
        out: Vec::new(),
        in_presets: Vec::new(),
    };
    for doc in cx.documents {
        for node in &doc.nodes {
            scan.top(node);
        }
    }
    // A credential in a preset reaches every place that uses the preset: name them all. They
    // are looked for only when a preset holds one.
    if !scan.in_presets.is_empty() {
        let mut uses: BTreeMap<String, Vec<Span>> = BTreeMap::new();
        for doc in cx.all_documents {
            for node in &doc.nodes {
                collect_uses(node, &mut uses);
            }
        }
        for (at, preset) in scan.in_presets {
            for used in uses.get(&preset).into_iter().flatten() {
                scan.out[at].secondary.push(crate::diagnostics::Label::new(
                    *used,
                    format!("preset `{preset}` is used here, which brings the credential in"),
                ));
            }
        }
    }
    out.extend(scan.out);
}

/// Where presets are used: a finding in a preset's body also points at them.
fn collect_uses(node: &Node, uses: &mut BTreeMap<String, Vec<Span>>) {
    for (key, value) in node.props() {
        if let ("use" | "preset", Some(name)) = (key.value.as_str(), value.value.as_str()) {
            uses.entry(name.to_string()).or_default().push(value.span);
        }
    }
    for child in &node.children {
        collect_uses(child, uses);
    }
}

/// What a string belongs to: for the finding's subject (so `allow` silences it) and its labels.
#[derive(Debug, Clone, Default)]
struct Place<'n> {
    feature: &'n str,
    entity: Option<(&'static str, Cow<'n, str>)>,
    /// The `env "NAME"` overlay the string is written in: its name and span.
    overlay: Option<(&'n str, Span)>,
    /// The preset whose body holds the string.
    preset: Option<&'n str>,
    /// In a receiver of gantry.kdl, whose secrets live in files the Alertmanager mounts.
    receiver: bool,
}

const ENTITIES: &[&str] = &[
    "service",
    "datastore",
    "secret",
    "flag",
    "deploy",
    "slo",
    "alert",
    "runbook",
    "agent",
    "gate",
];

struct Scan {
    out: Vec<Finding>,
    /// The findings inside a preset, by position in `out`, with the preset's name.
    in_presets: Vec<(usize, String)>,
}

impl Scan {
    fn top(&mut self, node: &Node) {
        let name = node.first_string_arg().map(|a| a.value);
        match (node.name.value.as_str(), name) {
            ("feature", Some(feature)) => {
                let place = Place {
                    feature,
                    ..Place::default()
                };
                self.strings(node, &place);
                self.entities(&node.children, &place);
            }
            ("preset", Some(preset)) => {
                let place = Place {
                    preset: Some(preset),
                    ..Place::default()
                };
                self.visit(node, &place);
            }
            _ => self.visit(node, &Place::default()),
        }
    }

    /// The children of a feature or of one of its overlays: each is an entity of the feature.
    fn entities<'n>(&mut self, children: &'n [Node], place: &Place<'n>) {
        let mut deploys = 0;
        for child in children {
            let kind = ENTITIES.iter().find(|k| **k == child.name.value);
            let mut inner = place.clone();
            match (child.name.value.as_str(), kind) {
                ("env", _) if place.overlay.is_none() => {
                    if let Some(env) = child.first_string_arg() {
                        inner.overlay = Some((env.value, env.span));
                    }
                    self.strings(child, &inner);
                    self.entities(&child.children, &inner);
                    continue;
                }
                ("deploy", Some(kind)) => {
                    // A deploy is known by the service it picks, or by its position.
                    let name = child
                        .props()
                        .find(|(k, _)| k.value == "service")
                        .and_then(|(_, v)| v.value.as_str().map(Cow::Borrowed))
                        .unwrap_or_else(|| Cow::Owned(format!("#{deploys}")));
                    deploys += 1;
                    inner.entity = Some((kind, name));
                }
                (_, Some(kind)) => {
                    inner.entity = child
                        .first_string_arg()
                        .map(|a| (*kind, Cow::Borrowed(a.value)));
                }
                _ => {}
            }
            self.visit(child, &inner);
        }
    }

    fn visit(&mut self, node: &Node, place: &Place) {
        let mut place = place.clone();
        place.receiver |= node.name.value == "receiver";
        self.strings(node, &place);
        for child in &node.children {
            self.visit(child, &place);
        }
    }

    /// Checks every string argument and property of one node.
    fn strings(&mut self, node: &Node, place: &Place) {
        for entry in &node.entries {
            let Some(text) = entry.value.value.as_str() else {
                continue;
            };
            // The name a value is written under: its property's, or for `env "NAME" value=…`
            // the variable's. `secret=` names a secret of the store; it is not one.
            let name = match &entry.name {
                Some(key) if key.value == "value" => node.first_string_arg().map(|a| a.value),
                Some(key) if matches!(key.value.as_str(), "secret" | "use" | "preset") => None,
                Some(key) => Some(key.value.as_str()),
                None => None,
            };
            if let Some(found) = detect(text, name) {
                self.report(entry.value.span, &found, place);
            }
        }
    }

    fn report(&mut self, span: Span, found: &Detection, place: &Place) {
        let (what, masked) = (found.what, &found.shown);
        let help = if place.receiver {
            format!(
                "rotate `{masked}`, then write the new value to a file the Alertmanager mounts from the secret store and name the file instead (`routing-key-file=`, `api-url-file=`, `api-key-file=`)"
            )
        } else {
            format!(
                "rotate `{masked}`, store the new value in the secret store, declare it with `secret \"NAME\" from=\"aws-secretsmanager\"` (or `from=\"vault\"`) and reference it with `env \"VAR\" secret=\"NAME\"`"
            )
        };
        let subject = Subject {
            feature: place.feature.to_string(),
            entity: place
                .entity
                .as_ref()
                .map(|(kind, name)| (*kind, name.to_string())),
        };
        let mut finding = Finding::new(
            subject,
            span,
            format!("this string looks like {what} (`{masked}`)"),
        )
        .label("a credential in plain text: whoever reads the repository can use it")
        .help(help);
        if let Some((environment, name)) = place.overlay {
            finding = finding.secondary(
                name,
                format!("written in the overlay of environment `{environment}`"),
            );
        }
        if let Some(preset) = place.preset {
            self.in_presets.push((self.out.len(), preset.to_string()));
        }
        self.out.push(finding);
    }
}

/// A credential found in a string: what it looks like, and how a message may show it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Detection {
    what: &'static str,
    shown: String,
    /// Where in the string the credential is.
    range: Range<usize>,
}

/// Finds a credential in a string: the byte range of what it found.
type Detector = fn(&str) -> Option<Range<usize>>;

/// Shows what a detector found without its secret part.
type Mask = fn(&str) -> String;

/// Credentials recognised by their format, whatever they are written under.
const BY_FORMAT: &[(&str, Detector, Mask)] = &[
    ("a private key", private_key, mask_private_key),
    ("a JSON Web Token", json_web_token, mask),
    ("a GitHub token", github_token, mask),
    ("a Slack token", slack_token, mask),
    ("a Slack webhook URL", slack_webhook, mask_slack_webhook),
    ("a Stripe API key", stripe_key, mask),
    ("an AI provider's API key", ai_provider_key, mask),
    ("a GitLab token", gitlab_token, mask),
    ("a Google API key", google_api_key, mask),
    ("an AWS access key id", aws_access_key_id, mask),
    (
        "a connection string with a password",
        url_with_password,
        mask_url_password,
    ),
];

/// Credentials recognised only under a secret-sounding name: their format alone is too common.
const BY_NAME: &[(&str, Detector, Mask)] = &[
    ("an AWS secret access key", aws_secret_key, mask),
    ("a secret (a long random value)", high_entropy, mask),
];

/// The length of the shortest credential a detector finds (a Slack token: `xoxb-` and ten
/// characters), but for a connection string with a password, which has an `@`. Most strings of
/// a spec are names shorter than this, and are passed over at once.
const SHORTEST_CREDENTIAL: usize = 15;

/// The first credential `value` looks like; `name` is what it is written under, if anything.
fn detect(value: &str, name: Option<&str>) -> Option<Detection> {
    if value.len() < SHORTEST_CREDENTIAL && !value.contains('@') {
        return None;
    }
    let by_name = if name.is_some_and(is_secret_name) {
        BY_NAME
    } else {
        &[]
    };
    BY_FORMAT
        .iter()
        .chain(by_name)
        .find_map(|(what, detector, mask)| {
            detector(value).map(|range| Detection {
                what,
                shown: mask(&value[range.clone()]),
                range,
            })
        })
}

/// At most the first four characters of a secret, then `…`: enough to find it, too little to
/// use it.
fn mask(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

/// A PEM block by its header, which says what kind of key it is: none of the key.
fn mask_private_key(pem: &str) -> String {
    format!("{}…", pem.lines().next().unwrap_or("").trim())
}

/// A webhook URL up to its secret path.
fn mask_slack_webhook(url: &str) -> String {
    let marker = "/services/";
    match url.find(marker) {
        Some(i) => format!("{}…", &url[..i + marker.len()]),
        None => mask(url),
    }
}

/// `scheme://user:…@host`: where the password is, none of it.
fn mask_url_password(url: &str) -> String {
    let parsed = url.split_once("://").and_then(|(scheme, rest)| {
        let (userinfo, host) = rest.rsplit_once('@')?;
        let (user, _) = userinfo.split_once(':')?;
        Some(format!("{scheme}://{user}:…@{host}"))
    });
    parsed.unwrap_or_else(|| mask(url))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The positions where `prefix` (ASCII, so every match is on a character boundary) starts a
/// word of `s`.
fn starts<'s>(s: &'s str, prefix: &'s str) -> impl Iterator<Item = usize> + 's {
    let bytes = s.as_bytes();
    occurrences(s, prefix).filter(move |&i| i == 0 || !is_word(bytes[i - 1]))
}

/// Where `pattern` (ASCII, non-empty) occurs in `s`. Every string of a workspace is searched
/// for a dozen markers, most of them short strings: finding the first byte by `memchr`, then
/// comparing, costs less than setting up a substring searcher for each.
fn occurrences<'s>(s: &'s str, pattern: &'s str) -> impl Iterator<Item = usize> + 's {
    let (bytes, pattern) = (s.as_bytes(), pattern.as_bytes());
    let first = pattern.first().copied().unwrap_or_default();
    memchr::memchr_iter(first, bytes).filter(move |&i| bytes[i..].starts_with(pattern))
}

/// How many bytes from `from` on satisfy `f`.
fn run(s: &str, from: usize, f: impl Fn(u8) -> bool) -> usize {
    s.as_bytes()
        .get(from..)
        .map_or(0, |rest| rest.iter().take_while(|b| f(**b)).count())
}

/// `AKIA` (a long-term key) or `ASIA` (a temporary one) and 16 uppercase letters or digits.
fn aws_access_key_id(s: &str) -> Option<Range<usize>> {
    ["AKIA", "ASIA"].into_iter().find_map(|prefix| {
        starts(s, prefix).find_map(|i| {
            let body = i + prefix.len();
            let n = run(s, body, |b| b.is_ascii_uppercase() || b.is_ascii_digit());
            let ends = !s.as_bytes().get(body + n).copied().is_some_and(is_alnum);
            (n == 16 && ends).then_some(i..body + n)
        })
    })
}

/// A whole value of 40 base64 characters mixing cases and digits (or `+`, `/`): the shape of an
/// AWS secret access key. Only under a secret-sounding name: a git commit hash has 40 characters
/// too (but one case).
fn aws_secret_key(s: &str) -> Option<Range<usize>> {
    let t = s.trim();
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let bytes = t.as_bytes();
    let has = |f: fn(&u8) -> bool| bytes.iter().any(f);
    let fits = bytes.len() == 40
        && bytes.iter().all(|b| b64(*b))
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && (has(u8::is_ascii_digit) || has(|b| *b == b'+' || *b == b'/'));
    let start = s.len() - s.trim_start().len();
    fits.then_some(start..start + 40)
}

/// A PEM block of a private key: `-----BEGIN PRIVATE KEY-----`, `-----BEGIN RSA PRIVATE
/// KEY-----`, `-----BEGIN OPENSSH PRIVATE KEY-----`…
fn private_key(s: &str) -> Option<Range<usize>> {
    let marker = "-----BEGIN ";
    occurrences(s, marker).find_map(|i| {
        let label = i + marker.len();
        let n = run(s, label, |b| b.is_ascii_uppercase() || b == b' ');
        let end = label + n;
        (s[label..end].ends_with("PRIVATE KEY") && s[end..].starts_with("-----"))
            .then_some(i..end + 5)
    })
}

/// `ghp_`, `gho_`, `ghu_`, `ghs_` or `ghr_` and 36 letters or digits; a fine-grained
/// `github_pat_` token.
fn github_token(s: &str) -> Option<Range<usize>> {
    prefixed(s, &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], is_alnum, 36)
        .or_else(|| prefixed(s, &["github_pat_"], is_word, 22))
}

/// Slack bot, user and app tokens: `xoxb-`, `xoxp-`, `xoxa-`, `xapp-` and their numbered parts.
fn slack_token(s: &str) -> Option<Range<usize>> {
    ["xoxb-", "xoxp-", "xoxa-", "xapp-"]
        .into_iter()
        .find_map(|prefix| {
            starts(s, prefix).find_map(|i| {
                let body = i + prefix.len();
                let n = run(s, body, |b| is_alnum(b) || b == b'-');
                let numbered = s.as_bytes()[body..body + n].iter().any(u8::is_ascii_digit);
                (n >= 10 && numbered).then_some(i..body + n)
            })
        })
}

/// An incoming-webhook URL of Slack: whoever has it can post to the channel.
fn slack_webhook(s: &str) -> Option<Range<usize>> {
    let marker = "hooks.slack.com/services/";
    occurrences(s, marker).find_map(|i| {
        let n = run(s, i + marker.len(), |b| is_alnum(b) || b == b'/');
        let start = s[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(p, c)| p + c.len_utf8());
        (n >= 8).then_some(start..i + marker.len() + n)
    })
}

/// Stripe secret and restricted keys, live or test.
fn stripe_key(s: &str) -> Option<Range<usize>> {
    let prefixes = ["sk_live_", "rk_live_", "sk_test_", "rk_test_"];
    prefixed(s, &prefixes, is_alnum, 16)
}

/// Anthropic (`sk-ant-…`) and OpenAI (`sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, and the older
/// `sk-` and 48 letters or digits) API keys: whoever has one spends the account's budget.
fn ai_provider_key(s: &str) -> Option<Range<usize>> {
    let scoped = ["sk-ant-", "sk-proj-", "sk-svcacct-", "sk-admin-"];
    prefixed(s, &scoped, is_key, 20).or_else(|| {
        starts(s, "sk-").find_map(|i| {
            let n = run(s, i + 3, is_alnum);
            let ends = !s.as_bytes().get(i + 3 + n).copied().is_some_and(is_key);
            (n == 48 && ends).then_some(i..i + 3 + n)
        })
    })
}

/// A GitLab personal, project or group access token: `glpat-` and 20 or more letters, digits,
/// `-` or `_`.
fn gitlab_token(s: &str) -> Option<Range<usize>> {
    prefixed(s, &["glpat-"], is_key, 20)
}

/// The first token that starts a word with one of `prefixes` and goes on with at least
/// `shortest` bytes that `body` accepts: the shape of most vendors' tokens.
fn prefixed(
    s: &str,
    prefixes: &[&str],
    body: fn(u8) -> bool,
    shortest: usize,
) -> Option<Range<usize>> {
    prefixes.iter().find_map(|prefix| {
        starts(s, prefix).find_map(|i| {
            let n = run(s, i + prefix.len(), body);
            (n >= shortest).then_some(i..i + prefix.len() + n)
        })
    })
}

/// A byte of a key that may hold `-` and `_` besides letters and digits.
fn is_key(b: u8) -> bool {
    is_alnum(b) || b == b'-' || b == b'_'
}

/// `AIza` and 35 letters, digits, `-` or `_`.
fn google_api_key(s: &str) -> Option<Range<usize>> {
    starts(s, "AIza").find_map(|i| (run(s, i + 4, is_key) == 35).then_some(i..i + 39))
}

/// Three base64url segments separated by dots, the first of which decodes to a JSON object with
/// an `alg`: a signed token that grants what its claims say until it expires.
fn json_web_token(s: &str) -> Option<Range<usize>> {
    let token = |b: u8| is_alnum(b) || matches!(b, b'-' | b'_' | b'.');
    let mut i = 0;
    while i < s.len() {
        let n = run(s, i, token);
        if n == 0 {
            i += s[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let candidate = &s[i..i + n];
        // The header is a JSON object: its `{` encodes to an `e`. Host names and versions,
        // dotted too, are passed over without decoding.
        let three_parts = memchr::memchr_iter(b'.', candidate.as_bytes()).count() == 2;
        if candidate.starts_with('e') && three_parts {
            let parts: Vec<&str> = candidate.split('.').collect();
            let header = base64url_decode(parts[0])
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
            if !parts[1].is_empty() && header.is_some_and(|h| h.get("alg").is_some()) {
                return Some(i..i + n);
            }
        }
        i += n;
    }
    None
}

/// Decodes base64url (or standard base64) without padding; `None` if it is not base64.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for b in s.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `scheme://user:password@host`: a connection string (or any URL) that carries its password.
/// A placeholder (`${DB_PASSWORD}`, `<password>`, `****`) is not a password.
fn url_with_password(s: &str) -> Option<Range<usize>> {
    occurrences(s, "://").find_map(|i| {
        let scheme = s[..i]
            .bytes()
            .rev()
            .take_while(|b| is_alnum(*b) || matches!(b, b'+' | b'.' | b'-'))
            .count();
        let start = i - scheme;
        if scheme == 0 || !s.as_bytes()[start].is_ascii_alphabetic() {
            return None;
        }
        let authority_start = i + 3;
        let n = run(s, authority_start, |b| {
            !matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'') && !b.is_ascii_whitespace()
        });
        let authority = &s[authority_start..authority_start + n];
        let (userinfo, _) = authority.rsplit_once('@')?;
        let (_, password) = userinfo.split_once(':')?;
        let placeholder = password.starts_with(['$', '{', '<', '%'])
            || password.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.'));
        (!password.is_empty() && !placeholder).then_some(start..authority_start + n)
    })
}

/// A value too random to be a name, under a secret-sounding name. 20 characters or more, no
/// spaces, not a reference (`${VAR}`, a path, a URL, an `arn:`, a digest); then, in bits of
/// Shannon entropy per character:
/// - hexadecimal: above 3.0 (truffleHog's threshold; 99 % of random 32-digit hex values score
///   3.27 or more, and a hex value of 20 digits has at most 4.0);
/// - otherwise above 3.5 and at least two of lowercase, uppercase and digits: 99 % of random
///   20-character base62 values score 3.65 or more (median 4.0), while names, paths and
///   passphrases of words (`orders-db-credentials` 3.5, `correct-horse-battery-staple` 3.5) are
///   lower, or use a single case.
fn high_entropy(s: &str) -> Option<Range<usize>> {
    const REFERENCES: &[&str] = &[
        "${", "$(", "{{", "<", "/", "./", "~/", "arn:", "sha256:", "sha512:", "vault:",
    ];
    let t = s.trim();
    if t.chars().count() < 20
        || t.chars().any(char::is_whitespace)
        || REFERENCES.iter().any(|r| t.starts_with(r))
        || t.contains("://")
    {
        return None;
    }
    let entropy = shannon_entropy(t);
    let hex = t.bytes().all(|b| b.is_ascii_hexdigit());
    let classes = [
        t.bytes().any(|b| b.is_ascii_lowercase()),
        t.bytes().any(|b| b.is_ascii_uppercase()),
        t.bytes().any(|b| b.is_ascii_digit()),
    ]
    .into_iter()
    .filter(|c| *c)
    .count();
    let random = if hex {
        entropy > 3.0
    } else {
        classes >= 2 && entropy > 3.5
    };
    let start = s.len() - s.trim_start().len();
    random.then_some(start..start + t.len())
}

/// Shannon entropy in bits per character.
fn shannon_entropy(s: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test tokens are assembled from parts, so that no scanner mistakes this file for a leak;
    // each is obviously fake (sequential characters, `EXAMPLE`, zeros).
    const DIGITS_LETTERS: &str = "0123456789abcdefghijklmnopqrstuvwxyz";

    fn what(value: &str, name: Option<&str>) -> Option<&'static str> {
        detect(value, name).map(|d| d.what)
    }

    /// What a message shows of the credential found.
    fn shown(value: &str, name: Option<&str>) -> Option<String> {
        detect(value, name).map(|d| d.shown)
    }

    /// The part of `value` that the first detector to fire found.
    fn found(value: &str, name: Option<&str>) -> Option<String> {
        detect(value, name).map(|d| value[d.range].to_string())
    }

    #[test]
    fn aws_access_key_ids() {
        let key = format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE");
        assert_eq!(what(&key, None), Some("an AWS access key id"));
        let temporary = format!("{}{}", "ASIA", "0000000000EXAMPL");
        assert_eq!(found(&format!("id={temporary};"), None), Some(temporary));
        // 15 or 17 characters, lowercase, or inside a word: not a key id.
        assert_eq!(
            what(&format!("{}{}", "AKIA", "IOSFODNN7EXAMPL"), None),
            None
        );
        assert_eq!(
            what(&format!("{}{}", "AKIA", "IOSFODNN7EXAMPLEX"), None),
            None
        );
        assert_eq!(
            what(&format!("{}{}", "AKIA", "iosfodnn7example"), None),
            None
        );
        assert_eq!(
            what(&format!("X{}{}", "AKIA", "IOSFODNN7EXAMPLE"), None),
            None
        );
    }

    #[test]
    fn aws_secret_keys_under_secret_names_only() {
        let secret = format!("{}{}", "wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY");
        assert_eq!(
            what(&secret, Some("AWS_SECRET_ACCESS_KEY")),
            Some("an AWS secret access key")
        );
        assert_eq!(what(&secret, Some("LOG_FORMAT")), None);
        assert_eq!(what(&secret, None), None);
        // A commit hash has one case.
        let sha = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3";
        assert_ne!(what(sha, Some("SECRET")), Some("an AWS secret access key"));
    }

    #[test]
    fn private_keys() {
        for kind in ["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "] {
            let pem = format!(
                "-----BEGIN {kind}PRIVATE KEY-----\nMIIfake\n-----END {kind}PRIVATE KEY-----"
            );
            assert_eq!(what(&pem, None), Some("a private key"), "{kind}");
            assert!(found(&pem, None).is_some_and(|s| s.starts_with("-----BEGIN")));
        }
        assert_eq!(what("-----BEGIN CERTIFICATE-----\nMIIfake", None), None);
        assert_eq!(what("-----BEGIN PUBLIC KEY-----\nMIIfake", None), None);
    }

    #[test]
    fn github_tokens() {
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            let token = format!("{prefix}{DIGITS_LETTERS}");
            assert_eq!(what(&token, None), Some("a GitHub token"), "{prefix}");
            assert_eq!(found(&format!("Bearer {token}"), None), Some(token));
        }
        let pat = format!(
            "{}{}_{}",
            "github_pat_", "11AAAAAAA0000000000000", DIGITS_LETTERS
        );
        assert_eq!(what(&pat, None), Some("a GitHub token"));
        // Too short, or a word that merely contains the prefix.
        assert_eq!(what("ghp_0123456789", None), None);
        assert_eq!(what(&format!("xghp_{DIGITS_LETTERS}"), None), None);
    }

    #[test]
    fn the_shortest_credentials_are_found() {
        assert_eq!(what("xoxb-123456789a", None), Some("a Slack token"));
        assert_eq!(
            what("a://b:c@d", None),
            Some("a connection string with a password")
        );
    }

    #[test]
    fn slack_tokens_and_webhooks() {
        for prefix in ["xoxb-", "xoxp-", "xoxa-", "xapp-"] {
            let token = format!("{prefix}{}", "0000000000-0000000000-EXAMPLEexample");
            assert_eq!(what(&token, None), Some("a Slack token"), "{prefix}");
        }
        assert_eq!(what("xoxb-not-a-token", None), None);
        let hook = format!(
            "https://{}/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "hooks.slack.com/services"
        );
        assert_eq!(what(&hook, None), Some("a Slack webhook URL"));
        assert_eq!(found(&hook, None), Some(hook.clone()));
        // After a space of more than one byte, the URL starts at a character boundary.
        let spaced = format!("hook:\u{3000}{hook}");
        assert_eq!(found(&spaced, None), Some(hook.clone()));
        assert_eq!(what("https://hooks.slack.com/", None), None);
        assert_eq!(what("https://slack.com/services/", None), None);
    }

    #[test]
    fn stripe_keys() {
        for prefix in ["sk_live_", "rk_live_", "sk_test_"] {
            let key = format!("{prefix}{DIGITS_LETTERS}");
            assert_eq!(what(&key, None), Some("a Stripe API key"), "{prefix}");
        }
        assert_eq!(what("sk_live_", None), None);
        assert_eq!(what("pk_live_0123456789abcdefghij", None), None);
    }

    #[test]
    fn ai_provider_and_gitlab_keys() {
        for prefix in ["sk-ant-api03-", "sk-proj-", "sk-svcacct-", "sk-admin-"] {
            let key = format!("{prefix}{DIGITS_LETTERS}");
            assert_eq!(
                what(&key, None),
                Some("an AI provider's API key"),
                "{prefix}"
            );
        }
        let legacy = format!("sk-{}", "aB3".repeat(16));
        assert_eq!(what(&legacy, None), Some("an AI provider's API key"));
        let gitlab = format!("glpat-{DIGITS_LETTERS}");
        assert_eq!(what(&gitlab, None), Some("a GitLab token"));
        // Words that merely start the same way.
        assert_eq!(what("sk-ant-short", None), None);
        assert_eq!(what("desk-proj-0123456789abcdefghij", None), None);
        assert_eq!(what("sk-learn-and-pandas-tutorial", None), None);
        assert_eq!(what("glpat-", None), None);
    }

    #[test]
    fn json_web_tokens() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"fixture"} . a fake signature
        let jwt = format!(
            "{}.{}.{}",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            "eyJzdWIiOiJmaXh0dXJlIn0",
            "ZmFrZS1zaWduYXR1cmU"
        );
        assert_eq!(what(&jwt, None), Some("a JSON Web Token"));
        assert_eq!(found(&format!("Bearer {jwt}"), None), Some(jwt));
        // Three dotted segments whose first is no JSON header: versions, hosts.
        assert_eq!(what("1.4.2", None), None);
        assert_eq!(what("api.payments.svc", None), None);
        // {"typ":"JWT"}: JSON, but no `alg`.
        assert_eq!(what("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln", None), None);
    }

    #[test]
    fn google_api_keys() {
        let key = format!("{}{}{}{}", "AIza", "SyA-", "0".repeat(23), "EXAMPLE0");
        assert_eq!(key.len(), 39);
        assert_eq!(what(&key, None), Some("a Google API key"));
        assert_eq!(what(&format!("{key}0"), None), None);
        assert_eq!(what("AIzaShort", None), None);
    }

    #[test]
    fn connection_strings_with_a_password() {
        let url = "postgres://app:hunter2hunter2@db.internal:5432/orders";
        assert_eq!(what(url, None), Some("a connection string with a password"));
        assert_eq!(
            found(url, None).as_deref(),
            Some("postgres://app:hunter2hunter2@db.internal:5432")
        );
        assert_eq!(
            what("mongodb+srv://u:p4ss@cluster0.example.net", None),
            Some("a connection string with a password")
        );
        for clean in [
            "https://runbooks.acme.example/",
            "http://api.payments.svc:8080",
            "postgres://app@db.internal:5432/orders",
            "postgres://app:${DB_PASSWORD}@db.internal/orders",
            "postgres://app:****@db.internal/orders",
            "postgres://app:@db.internal/orders",
            "alice@acme.example",
            "https://example.com/path?next=a:b@c",
        ] {
            assert_eq!(what(clean, None), None, "{clean}");
        }
    }

    #[test]
    fn high_entropy_values_under_secret_names() {
        let random = "q8Xv2LmN4pR7sT1wZ9yB";
        assert_eq!(
            what(random, Some("SESSION_SECRET")),
            Some("a secret (a long random value)")
        );
        assert_eq!(
            what(random, Some("api-key")),
            Some("a secret (a long random value)")
        );
        let hex = "9f86d081884c7d659a2feaa0c55ad015";
        assert_eq!(
            what(hex, Some("API_TOKEN")),
            Some("a secret (a long random value)")
        );
        // The same values under other names are not reported: they could be anything.
        assert_eq!(what(random, Some("BUILD_ID")), None);
        assert_eq!(what(random, None), None);
        // Under a secret name: names, paths, references, short values, words.
        for clean in [
            "orders-db-credentials",
            "payments/ledger-db-credentials",
            "/etc/alertmanager/secrets/payments",
            "${SESSION_SECRET_FROM_CI_VARIABLES}",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop",
            "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "correct-horse-battery-staple",
            "q8Xv2LmN4pR7",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "deadbeefdeadbeefdeadbeef",
            "correct Horse battery staple 2024",
        ] {
            assert_eq!(what(clean, Some("SECRET")), None, "{clean}");
        }
    }

    #[test]
    fn repository_strings_are_not_credentials() {
        for clean in [
            "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "registry.acme.example/checkout-api:1.4.2",
            "sum(rate(http_requests_total{job=\"checkout-api\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{job=\"checkout-api\"}[5m]))",
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
            "https://runbooks.acme.example/",
            "/etc/alertmanager/secrets/payments",
            "kv/payments/psp",
            "github:acme/checkout/pulls",
            "datastore:checkout/orders",
            "alice@acme.example",
        ] {
            assert_eq!(what(clean, None), None, "{clean}");
            assert_eq!(what(clean, Some("path")), None, "{clean}");
        }
    }

    #[test]
    fn any_text_is_safe_to_scan() {
        for text in [
            "",
            "€://é:ü@ß",
            "x://:@",
            "AKIA€€€€",
            "ghp_€",
            "-----BEGIN €",
            "-----BEGIN PRIVATE KEY",
            "hooks.slack.com/services/€",
            "\u{3000}eyJ.€.x",
            "é.é.é",
            "€€€€€€€€€€€€€€€€€€€€€€€€",
        ] {
            let _ = detect(text, Some("SECRET"));
        }
    }

    #[test]
    fn masks_keep_four_characters_at_most() {
        assert_eq!(mask(&format!("ghp_{DIGITS_LETTERS}")), "ghp_…");
        assert_eq!(mask("ab"), "ab…");
        assert_eq!(mask("éèêëa"), "éèêë…");
    }

    #[test]
    fn messages_show_no_secret() {
        let cases = [
            (format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE"), None, "AKIA…"),
            (format!("Bearer {}{DIGITS_LETTERS}", "ghp_"), None, "ghp_…"),
            (
                format!(
                    "-----BEGIN {}-----\nMIIfake\n-----END PRIVATE KEY-----",
                    "RSA PRIVATE KEY"
                ),
                None,
                "-----BEGIN RSA PRIVATE KEY-----…",
            ),
            (
                format!(
                    "https://{}/T00000000/B00000000/XXXXXXXX",
                    "hooks.slack.com/services"
                ),
                None,
                "https://hooks.slack.com/services/…",
            ),
            (
                "postgres://app:hunter2hunter2@db.internal:5432/orders".to_string(),
                None,
                "postgres://app:…@db.internal:5432",
            ),
            (
                "q8Xv2LmN4pR7sT1wZ9yB".to_string(),
                Some("SESSION_SECRET"),
                "q8Xv…",
            ),
        ];
        for (value, name, expected) in cases {
            assert_eq!(shown(&value, name).as_deref(), Some(expected), "{value}");
        }
    }

    #[test]
    fn entropy_is_in_bits_per_character() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy(DIGITS_LETTERS) - 36f64.log2()).abs() < 1e-9);
    }

    #[test]
    fn base64url_decodes_without_padding() {
        assert_eq!(
            base64url_decode("eyJhbGciOiJub25lIn0").as_deref(),
            Some(&br#"{"alg":"none"}"#[..])
        );
        assert_eq!(base64url_decode("not base64!"), None);
    }
}
