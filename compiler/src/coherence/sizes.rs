//! A datastore's `size` is the instance class AWS sells (`db.t4g.medium` for RDS,
//! `cache.t4g.medium` for ElastiCache). gantry does not translate sizes: it checks that the
//! family and size are ones AWS has, so that a typo is a diagnostic with a suggestion rather
//! than a failed apply. Which sizes a family comes in is AWS's to check at apply time.

// A value fails once, on the failure path, and its diagnostic is reported as it is: boxing it
// would buy nothing measurable.
#![allow(clippy::result_large_err)]

use crate::diagnostics::Diagnostic;
use crate::source::Spanned;
use crate::suggest::did_you_mean;

/// RDS instance families (MySQL and PostgreSQL).
const RDS_FAMILIES: &[&str] = &[
    "t3", "t4g", "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m6idn", "m6in", "m7g", "m7i", "m8g",
    "r5", "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r7g", "r7i", "r8g", "x2g",
    "x2idn", "x2iedn", "x2iezn", "z1d",
];

/// ElastiCache node families.
const CACHE_FAMILIES: &[&str] = &["t3", "t4g", "m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g"];

const SIZES: &[&str] = &[
    "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
    "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal",
];

/// Which service a size is for.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    Rds,
    ElastiCache,
}

impl Service {
    fn prefix(self) -> &'static str {
        match self {
            Service::Rds => "db",
            Service::ElastiCache => "cache",
        }
    }

    fn families(self) -> &'static [&'static str] {
        match self {
            Service::Rds => RDS_FAMILIES,
            Service::ElastiCache => CACHE_FAMILIES,
        }
    }

    fn example(self) -> &'static str {
        match self {
            Service::Rds => "db.t4g.medium",
            Service::ElastiCache => "cache.t4g.medium",
        }
    }
}

/// The instance class of a `size`, or why AWS would not have it.
pub fn instance_class(size: &Spanned<String>, service: Service) -> Result<String, Diagnostic> {
    let text = size.value.as_str();
    let prefix = service.prefix();
    let parts: Vec<&str> = text.split('.').collect();
    let problem = match parts.as_slice() {
        [p, family, class] if *p == prefix => {
            if !service.families().contains(family) {
                let suggestion = did_you_mean(family, service.families().iter().copied())
                    .map(|f| format!("did you mean `{prefix}.{f}.{class}`?"));
                Some((
                    format!("`{family}` is not an instance family AWS has"),
                    suggestion,
                ))
            } else if !SIZES.contains(class) {
                let suggestion = did_you_mean(class, SIZES.iter().copied())
                    .map(|s| format!("did you mean `{prefix}.{family}.{s}`?"));
                Some((format!("`{class}` is not an instance size"), suggestion))
            } else {
                None
            }
        }
        _ => Some((
            format!("an instance class here is `{prefix}.FAMILY.SIZE`"),
            Some(format!(
                "write an instance class such as `{}`",
                service.example()
            )),
        )),
    };
    match problem {
        None => Ok(text.to_string()),
        Some((why, help)) => Err(Diagnostic::error(
            "invalid-value",
            size.span,
            format!("size `{text}` is not an instance class AWS sells: {why}"),
        )
        .with_label("this size")
        .with_help(help.unwrap_or_else(|| {
            format!(
                "the families are {}",
                service
                    .families()
                    .iter()
                    .map(|f| format!("{prefix}.{f}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn size(text: &str) -> Spanned<String> {
        Spanned::new(text.to_string(), Span::new(FileId(0), 0..1))
    }

    #[test]
    fn known_classes_pass_and_typos_are_diagnosed() {
        assert_eq!(
            instance_class(&size("db.r6g.large"), Service::Rds).ok(),
            Some("db.r6g.large".to_string())
        );
        assert!(instance_class(&size("cache.t4g.micro"), Service::ElastiCache).is_ok());
        let typo = instance_class(&size("db.t4g.medum"), Service::Rds).unwrap_err();
        assert_eq!(typo.help.as_deref(), Some("did you mean `db.t4g.medium`?"));
        let family = instance_class(&size("db.t4x.medium"), Service::Rds).unwrap_err();
        assert!(family.message.contains("t4x"), "{}", family.message);
        let wrong_service = instance_class(&size("db.t4g.medium"), Service::ElastiCache);
        assert!(wrong_service.is_err());
        assert!(instance_class(&size("large"), Service::Rds).is_err());
    }
}
