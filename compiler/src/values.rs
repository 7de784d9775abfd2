//! Typed values of the language: durations, quantities, names, references. The checker and the
//! lowering to the AST parse values with the same functions, so they cannot disagree.

use std::fmt;

use crate::schema::{ACTIONS, ValueKind};
use crate::syntax::RawValue;

/// Why a value is not what its place needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError {
    pub message: String,
    /// How to fix it: every invalid value says.
    pub help: String,
    /// The value breaks the naming rule (`invalid-name`) rather than a type (`invalid-value`).
    pub bad_name: bool,
}

impl ValueError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> ValueError {
        ValueError {
            message: message.into(),
            help: help.into(),
            bad_name: false,
        }
    }
}

/// A length of time, kept in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub millis: u64,
}

impl Duration {
    pub const fn from_minutes(minutes: u64) -> Duration {
        Duration {
            millis: minutes * 60_000,
        }
    }

    pub fn as_seconds(&self) -> f64 {
        self.millis as f64 / 1000.0
    }

    pub fn as_minutes(&self) -> f64 {
        self.millis as f64 / 60_000.0
    }

    pub fn as_hours(&self) -> f64 {
        self.millis as f64 / 3_600_000.0
    }

    pub fn as_days(&self) -> f64 {
        self.millis as f64 / 86_400_000.0
    }

    /// Parses `300ms`, `30s`, `5m`, `1h`, `30d`, `2w` and sums such as `1h30m`.
    pub fn parse(text: &str) -> Result<Duration, ValueError> {
        let bad = || {
            ValueError::new(
                format!("`{text}` is not a duration"),
                "write a whole number and a unit: 300ms, 30s, 5m, 1h, 30d, 1w (or sums like 1h30m)",
            )
        };
        if text.is_empty() {
            return Err(bad());
        }
        let mut total: u64 = 0;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return Err(bad());
            }
            let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .len();
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let factor: u64 = match unit {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "w" => 604_800_000,
                _ => return Err(bad()),
            };
            total = number
                .checked_mul(factor)
                .and_then(|n| total.checked_add(n))
                .ok_or_else(|| {
                    ValueError::new(
                        format!("`{text}` is too long a duration"),
                        "write a shorter one: durations here are minutes to weeks (`30d`, `4w`)",
                    )
                })?;
        }
        Ok(Duration { millis: total })
    }
}

impl fmt::Display for Duration {
    /// The shortest exact form: `5m`, `30d`, `1h30m`, `250ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
            ("ms", 1),
        ] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

/// A CPU quantity in thousandths of a core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Millicores(pub u64);

impl Millicores {
    pub fn parse(raw: &RawValue) -> Result<Millicores, ValueError> {
        let text = match raw {
            RawValue::String(s) => s.clone(),
            RawValue::Integer(i) => i.to_string(),
            RawValue::Float(f) => f.to_string(),
            other => {
                return Err(ValueError::new(
                    format!("{} is not a CPU quantity", other.describe()),
                    "write cores (`1`, `0.5`) or millicores (`\"500m\"`)",
                ));
            }
        };
        let bad = || {
            ValueError::new(
                format!("`{text}` is not a CPU quantity"),
                "write cores (`1`, `0.5`) or millicores (`500m`)",
            )
        };
        let millis = if let Some(m) = text.strip_suffix('m') {
            m.parse::<u64>().map_err(|_| bad())?
        } else {
            let cores: f64 = text.parse().map_err(|_| bad())?;
            if !cores.is_finite() || !(0.0..=1e6).contains(&cores) {
                return Err(bad());
            }
            (cores * 1000.0).round() as u64
        };
        if millis == 0 {
            return Err(ValueError::new(
                "a CPU quantity must be more than zero",
                "request at least a millicore, e.g. `100m` (a tenth of a core)",
            ));
        }
        Ok(Millicores(millis))
    }
}

/// A memory or storage quantity in bytes, with the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes {
    pub bytes: u64,
    pub text: String,
}

impl Bytes {
    pub fn parse(text: &str) -> Result<Bytes, ValueError> {
        let bad = || {
            ValueError::new(
                format!("`{text}` is not a memory quantity"),
                "write a number and a unit: 512Mi, 1Gi, 256M",
            )
        };
        let split = text
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number.parse().map_err(|_| bad())?;
        let factor: f64 = match unit {
            "" => 1.0,
            "Ki" => 1024.0,
            "Mi" => 1024.0 * 1024.0,
            "Gi" => 1024.0 * 1024.0 * 1024.0,
            "Ti" => 1024.0f64.powi(4),
            "K" | "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            _ => return Err(bad()),
        };
        let bytes = number * factor;
        if !bytes.is_finite() || !(1.0..=1e18).contains(&bytes) {
            return Err(bad());
        }
        Ok(Bytes {
            bytes: bytes.round() as u64,
            text: text.to_string(),
        })
    }
}

/// Whether `reference`, a valid name, is what the invalid name `name` was meant to be: its
/// nearest valid name, or close to it. A reference to it then fails because of the name, which
/// `invalid-name` reports: the reference is not reported again.
pub fn meant_by_invalid_name(reference: &str, name: &str) -> bool {
    !is_dns_label(name)
        && to_dns_label(name).is_some_and(|fixed| {
            fixed == reference
                || crate::suggest::did_you_mean(reference, [fixed.as_str()]).is_some()
        })
}

/// Whether `text` is a lowercase DNS label.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Checks a name, saying what is wrong and suggesting the nearest valid one.
pub fn check_name(text: &str) -> Result<(), ValueError> {
    if is_dns_label(text) {
        return Ok(());
    }
    let reason = if text.is_empty() {
        "a name cannot be empty".to_string()
    } else if text.len() > 63 {
        format!("`{text}` is longer than 63 characters")
    } else {
        format!("`{text}` is not a valid name")
    };
    let suggestion = to_dns_label(text);
    let help = match suggestion {
        Some(s) if s != text => format!(
            "names are lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters: try `{s}`"
        ),
        _ => "names are lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters".to_string(),
    };
    Err(ValueError {
        message: reason,
        help,
        bad_name: true,
    })
}

pub(crate) fn to_dns_label(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(63).collect();
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// A service reference: `NAME` (in the same feature) or `FEATURE/NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceRef {
    pub feature: Option<String>,
    pub name: String,
}

impl ServiceRef {
    pub fn parse(text: &str) -> Result<ServiceRef, ValueError> {
        let (feature, name) = match text.split_once('/') {
            Some((f, n)) => (Some(f), n),
            None => (None, text),
        };
        for part in feature.iter().chain(std::iter::once(&name)) {
            if !is_dns_label(part) {
                return Err(ValueError::new(
                    format!("`{text}` is not a service reference"),
                    "write `NAME` for a service of this feature or `FEATURE/NAME` for another feature's",
                ));
            }
        }
        Ok(ServiceRef {
            feature: feature.map(str::to_string),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.feature {
            Some(feature) => write!(f, "{feature}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// The kinds of resource an agent rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    K8s,
    Datastore,
    Secret,
    Flag,
    Agent,
    Github,
}

impl ResourceKind {
    pub const ALL: [(&'static str, ResourceKind); 6] = [
        ("k8s", ResourceKind::K8s),
        ("datastore", ResourceKind::Datastore),
        ("secret", ResourceKind::Secret),
        ("flag", ResourceKind::Flag),
        ("agent", ResourceKind::Agent),
        ("github", ResourceKind::Github),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("k8s", |(s, _)| s)
    }
}

/// Which entities of a kind a rule covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// One entity: the feature is `None` when the rule means the agent's own feature.
    One {
        feature: Option<String>,
        name: String,
    },
    /// Every entity of the kind in a feature (`None`: the agent's own).
    All { feature: Option<String> },
    /// An external GitHub scope: `ORG/REPO/SCOPE`.
    Github {
        org: String,
        repo: String,
        scope: String,
    },
}

/// A resource an agent may act on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resource {
    pub kind: ResourceKind,
    pub target: Target,
}

impl Resource {
    pub fn parse(text: &str) -> Result<Resource, ValueError> {
        let kinds = ResourceKind::ALL.map(|(s, _)| s).join(":, ");
        let Some((prefix, rest)) = text.split_once(':') else {
            return Err(ValueError::new(
                format!("`{text}` is not a resource"),
                format!("a resource starts with its kind: {kinds}: (e.g. `k8s:checkout/api`)"),
            ));
        };
        let Some(kind) = ResourceKind::ALL
            .iter()
            .find(|(s, _)| *s == prefix)
            .map(|(_, k)| *k)
        else {
            let help = match crate::suggest::did_you_mean(
                prefix,
                ResourceKind::ALL.iter().map(|(s, _)| *s),
            ) {
                Some(s) => format!("did you mean `{s}:`?"),
                None => format!("the kinds are {kinds}:"),
            };
            return Err(ValueError::new(
                format!("`{prefix}:` is not a kind of resource"),
                help,
            ));
        };
        if kind == ResourceKind::Github {
            let parts: Vec<&str> = rest.split('/').collect();
            let valid_part = |p: &str| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*'))
            };
            if parts.len() != 3 || !parts.iter().all(|p| valid_part(p)) {
                return Err(ValueError::new(
                    format!("`{text}` is not a GitHub resource"),
                    "write `github:ORG/REPO/SCOPE`, e.g. `github:acme/checkout/pulls`",
                ));
            }
            return Ok(Resource {
                kind,
                target: Target::Github {
                    org: parts[0].to_string(),
                    repo: parts[1].to_string(),
                    scope: parts[2].to_string(),
                },
            });
        }
        let (feature, name) = match rest.split_once('/') {
            Some((f, n)) => (Some(f), n),
            None => (None, rest),
        };
        let bad = || {
            ValueError::new(
                format!("`{text}` is not a resource"),
                format!(
                    "write `{prefix}:FEATURE/NAME`, `{prefix}:FEATURE/*`, or `{prefix}:NAME` for the agent's own feature"
                ),
            )
        };
        if feature.is_some_and(|f| !is_dns_label(f)) {
            return Err(bad());
        }
        let feature = feature.map(str::to_string);
        let target = if name == "*" {
            Target::All { feature }
        } else if is_dns_label(name) {
            Target::One {
                feature,
                name: name.to_string(),
            }
        } else {
            return Err(bad());
        };
        Ok(Resource { kind, target })
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.kind.as_str())?;
        match &self.target {
            Target::One {
                feature: Some(feature),
                name,
            } => write!(f, "{feature}/{name}"),
            Target::One {
                feature: None,
                name,
            } => f.write_str(name),
            Target::All {
                feature: Some(feature),
            } => write!(f, "{feature}/*"),
            Target::All { feature: None } => f.write_str("*"),
            Target::Github { org, repo, scope } => write!(f, "{org}/{repo}/{scope}"),
        }
    }
}

/// Checks a raw value against the kind its place in the schema needs.
pub fn check(kind: ValueKind, raw: &RawValue) -> Result<(), ValueError> {
    use ValueKind::*;
    let text = raw.as_str();
    let need_string = |what: &str| {
        let help = match raw {
            RawValue::Integer(_) | RawValue::Float(_) => "quote it to make it a string".to_string(),
            _ => format!("write {what} in quotes, e.g. `\"…\"`"),
        };
        ValueError::new(format!("expected {what}, found {}", raw.describe()), help)
    };
    match kind {
        Scalar => match raw {
            RawValue::Null => Err(ValueError::new(
                "expected a string, number or boolean, found #null",
                "write a value in place of #null, or leave the property out",
            )),
            _ => Ok(()),
        },
        Integer { min, max } => {
            let n = match raw {
                RawValue::Integer(n) => *n,
                RawValue::Float(f) if f.fract() == 0.0 && f.is_finite() => *f as i128,
                RawValue::String(s) if s.parse::<i128>().is_ok() => {
                    return Err(ValueError::new(
                        format!("expected a whole number, found the string \"{s}\""),
                        format!("write the number without quotes: {s}"),
                    ));
                }
                other => {
                    return Err(ValueError::new(
                        format!("expected a whole number, found {}", other.describe()),
                        format!("write {}, without quotes", kind.describe()),
                    ));
                }
            };
            if n < min as i128 || n > max as i128 {
                return Err(ValueError::new(
                    format!("{n} is out of range"),
                    format!("expected {}", kind.describe()),
                ));
            }
            Ok(())
        }
        Number {
            min,
            max,
            exclusive,
        } => {
            let n = match raw {
                RawValue::Integer(n) => *n as f64,
                RawValue::Float(f) => *f,
                RawValue::String(s) if s.trim_end_matches('%').parse::<f64>().is_ok() => {
                    return Err(ValueError::new(
                        format!("expected a number, found the string \"{s}\""),
                        format!(
                            "write the number without quotes or `%`: {}",
                            s.trim_end_matches('%')
                        ),
                    ));
                }
                other => {
                    return Err(ValueError::new(
                        format!("expected a number, found {}", other.describe()),
                        format!("write {}, without quotes", kind.describe()),
                    ));
                }
            };
            let inside = if exclusive {
                n > min && n < max
            } else {
                n >= min && n <= max
            };
            if !n.is_finite() || !inside {
                return Err(ValueError::new(
                    format!("{n} is out of range"),
                    format!("expected {}", kind.describe()),
                ));
            }
            Ok(())
        }
        Bool => match raw {
            RawValue::Bool(_) => Ok(()),
            RawValue::String(s) if matches!(s.as_str(), "true" | "false" | "yes" | "no") => {
                let b = matches!(s.as_str(), "true" | "yes");
                Err(ValueError::new(
                    format!("expected #true or #false, found the string \"{s}\""),
                    format!("KDL v2 writes booleans as #true and #false: write #{b}"),
                ))
            }
            other => Err(ValueError::new(
                format!("expected #true or #false, found {}", other.describe()),
                "KDL v2 writes booleans as #true and #false",
            )),
        },
        Cpu => Millicores::parse(raw).map(|_| ()),
        _ => {
            let Some(text) = text else {
                return Err(need_string(&kind.describe()));
            };
            check_text(kind, text)
        }
    }
}

fn check_text(kind: ValueKind, text: &str) -> Result<(), ValueError> {
    use ValueKind::*;
    match kind {
        Text | PromQl | Glob => {
            if text.trim().is_empty() {
                Err(ValueError::new(
                    "this cannot be empty",
                    "write something between the quotes, or leave the property out",
                ))
            } else {
                Ok(())
            }
        }
        Name => check_name(text),
        NameOrAll if text == "*" => Ok(()),
        NameOrAll => check_name(text),
        OneOf(words) => {
            if words.contains(&text) {
                return Ok(());
            }
            let help = match crate::suggest::did_you_mean(text, words.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (expected {})", kind.describe()),
                None => format!("expected {}", kind.describe()),
            };
            Err(ValueError::new(
                format!("`{text}` is not allowed here"),
                help,
            ))
        }
        Action => {
            if ACTIONS.contains(&text) {
                return Ok(());
            }
            let help = match crate::suggest::did_you_mean(text, ACTIONS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the actions are {}", ACTIONS.join(", ")),
            };
            Err(ValueError::new(format!("`{text}` is not an action"), help))
        }
        Duration => crate::values::Duration::parse(text).map(|_| ()),
        Memory => Bytes::parse(text).map(|_| ()),
        Image => check_image(text),
        Digest => check_digest(text),
        Url => {
            let rest = text
                .strip_prefix("https://")
                .or_else(|| text.strip_prefix("http://"));
            match rest {
                Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) => Ok(()),
                _ => Err(ValueError::new(
                    format!("`{text}` is not an http(s) URL"),
                    "write a full URL such as `https://runbooks.example.com/`",
                )),
            }
        }
        Email => {
            let valid = text.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
            });
            if valid {
                Ok(())
            } else {
                Err(ValueError::new(
                    format!("`{text}` is not an e-mail address"),
                    "write an address such as `alice@acme.example`",
                ))
            }
        }
        HttpPath => {
            if text.starts_with('/') && !text.contains(char::is_whitespace) {
                Ok(())
            } else {
                Err(ValueError::new(
                    format!("`{text}` is not an absolute path"),
                    format!("paths start with `/`: `/{}`", text.trim_start_matches('/')),
                ))
            }
        }
        EnvName => {
            let valid = text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if valid {
                Ok(())
            } else {
                Err(ValueError::new(
                    format!("`{text}` is not an environment variable name"),
                    "use letters, digits and `_`, not starting with a digit",
                ))
            }
        }
        ServiceRef => crate::values::ServiceRef::parse(text).map(|_| ()),
        Resource => crate::values::Resource::parse(text).map(|_| ()),
        RuleId => Ok(()),
        Preset => {
            let valid = text.split('/').all(is_dns_label);
            if valid {
                Ok(())
            } else {
                Err(ValueError::new(
                    format!("`{text}` is not a preset name"),
                    "preset names are names joined by `/`, like `std/canary-standard`",
                ))
            }
        }
        Integer { .. } | Number { .. } | Bool | Cpu | Scalar => Ok(()),
    }
}

fn check_image(text: &str) -> Result<(), ValueError> {
    let bad = |why: &str| {
        ValueError::new(
            format!("`{text}` is not an image reference: {why}"),
            "write `registry/repository:tag`, e.g. `registry.example.com/team/api:1.4.2`",
        )
    };
    if text.is_empty() || text.contains(char::is_whitespace) {
        return Err(bad("it is empty or contains spaces"));
    }
    let without_digest = text.split('@').next().unwrap_or(text);
    let name_start = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repository = match without_digest[name_start..].find(':') {
        Some(i) if name_start + i + 1 == without_digest.len() => {
            return Err(bad("the tag after `:` is empty"));
        }
        Some(i) => &without_digest[..name_start + i],
        None => without_digest,
    };
    let path = repository
        .split_once('/')
        .map_or(repository, |(first, rest)| {
            if first.contains('.') || first.contains(':') || first == "localhost" {
                rest
            } else {
                repository
            }
        });
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(bad("repository names are lowercase"));
    }
    if let Some((_, digest)) = text.split_once('@') {
        check_digest(digest)?;
    }
    Ok(())
}

fn check_digest(text: &str) -> Result<(), ValueError> {
    let valid = match text.split_once(':') {
        Some(("sha256", hex)) => hex.len() == 64,
        Some(("sha512", hex)) => hex.len() == 128,
        _ => false,
    } && text.split_once(':').is_some_and(|(_, hex)| {
        hex.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    });
    if valid {
        Ok(())
    } else {
        Err(ValueError::new(
            format!("`{text}` is not a digest"),
            "write `sha256:` and the 64 lowercase hex digits of the image's digest",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        for (text, millis) in [
            ("300ms", 300),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("30d", 2_592_000_000),
        ] {
            let d = Duration::parse(text).expect(text);
            assert_eq!(d.millis, millis);
            assert_eq!(d.to_string(), text);
        }
        for bad in ["", "5", "m", "5 m", "5x", "1.5h", "-1m"] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(
            Millicores::parse(&RawValue::String("500m".into()))
                .unwrap()
                .0,
            500
        );
        assert_eq!(Millicores::parse(&RawValue::Float(1.5)).unwrap().0, 1500);
        assert_eq!(Bytes::parse("512Mi").unwrap().bytes, 512 * 1024 * 1024);
        assert!(Bytes::parse("12 GB").is_err());
    }

    #[test]
    fn names_are_dns_labels() {
        assert!(is_dns_label("checkout-api"));
        for bad in ["", "Api", "-a", "a-", "a_b", "../x", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        assert!(
            check_name("Checkout API")
                .unwrap_err()
                .help
                .contains("checkout-api")
        );
    }

    #[test]
    fn resources_parse() {
        let r = Resource::parse("k8s:checkout/*").unwrap();
        assert_eq!(
            r.target,
            Target::All {
                feature: Some("checkout".into())
            }
        );
        assert_eq!(r.to_string(), "k8s:checkout/*");
        assert!(Resource::parse("github:acme/checkout/pulls").is_ok());
        assert!(Resource::parse("github:acme/checkout").is_err());
        assert_eq!(
            Resource::parse("k8z:a/b").unwrap_err().help,
            "did you mean `k8s:`?"
        );
    }

    #[test]
    fn images_and_digests() {
        assert!(check_image("registry.acme.example/checkout-api:1.4.2").is_ok());
        assert!(check_image("localhost:5000/a/b:1").is_ok());
        assert!(check_image("Registry/App:1").is_err());
        assert!(check_digest(&format!("sha256:{}", "0f".repeat(32))).is_ok());
        assert!(check_digest("sha256:abc").is_err());
    }
}
