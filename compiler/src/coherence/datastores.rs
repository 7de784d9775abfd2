//! Datastores as the terraform target provisions them: postgres and mysql as RDS instances,
//! redis as an ElastiCache replication group, s3 as a bucket. What AWS would refuse, or what
//! the target cannot do without, is found here by the check; the target reads each value
//! through the same functions.

// A value fails once, on the failure path, and its diagnostic is reported as it is: boxing it
// would buy nothing measurable.
#![allow(clippy::result_large_err)]

use crate::ast::{Backup, Datastore, Feature, Workspace};
use crate::diagnostics::Diagnostic;
use crate::source::Spanned;

use super::aws_names;
use super::sizes::{self, Service};

/// The kinds of datastore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    Mysql,
    Redis,
    S3,
}

impl Kind {
    /// The datastore's kind; `None` for a kind the schema has already refused.
    pub fn of(datastore: &Datastore) -> Option<Kind> {
        match datastore.kind.as_ref()?.value.as_str() {
            "postgres" => Some(Kind::Postgres),
            "mysql" => Some(Kind::Mysql),
            "redis" => Some(Kind::Redis),
            "s3" => Some(Kind::S3),
            _ => None,
        }
    }
}

/// Reports what AWS would refuse about the datastores and secrets of one feature, in one
/// environment of the workspace.
pub fn check_feature(
    workspace: &Workspace,
    environment: &str,
    feature: &Feature,
    report: &mut impl FnMut(Diagnostic),
) {
    let feature_name = &feature.name.value;
    for datastore in &feature.datastores {
        let Some(kind) = Kind::of(datastore) else {
            continue;
        };
        let name =
            aws_names::datastore(&workspace.name.value, environment, feature_name, datastore);
        let mut found = vec![name.map(drop)];
        let service = match kind {
            Kind::Postgres | Kind::Mysql => Some(Service::Rds),
            Kind::Redis => Some(Service::ElastiCache),
            Kind::S3 => None,
        };
        if let Some(service) = service {
            found.extend([
                instance_class(datastore, service).map(drop),
                datastore
                    .version
                    .as_ref()
                    .map(engine_version)
                    .transpose()
                    .map(drop),
                backup_window(datastore.backup.as_ref()).map(drop),
            ]);
        }
        if matches!(kind, Kind::Postgres | Kind::Mysql) {
            found.push(storage_gb(datastore).map(drop));
        }
        found
            .into_iter()
            .filter_map(Result::err)
            .for_each(&mut *report);
    }
    for secret in feature
        .secrets
        .iter()
        .filter(|s| aws_names::is_aws_secret(s))
    {
        if let Err(d) = aws_names::secret(environment, feature_name, secret) {
            report(d);
        }
    }
}

/// The instance class of a database or cache, which it cannot do without.
pub fn instance_class(datastore: &Datastore, service: Service) -> Result<String, Diagnostic> {
    match &datastore.size {
        Some(size) => sizes::instance_class(size, service),
        None => Err(Diagnostic::error(
            "missing-required",
            datastore.name.span,
            format!(
                "datastore `{}` has no `size`: the terraform target needs its instance class",
                datastore.name.value
            ),
        )
        .with_label("this datastore")
        .with_help(match service {
            Service::Rds => "add `size=\"db.t4g.medium\"` (an RDS instance class)",
            Service::ElastiCache => "add `size=\"cache.t4g.medium\"` (an ElastiCache node type)",
        })),
    }
}

/// The allocated storage of an RDS database, which it cannot do without.
pub fn storage_gb(datastore: &Datastore) -> Result<u32, Diagnostic> {
    datastore
        .storage_gb
        .as_ref()
        .map(|s| s.value)
        .ok_or_else(|| {
            Diagnostic::error(
                "missing-required",
                datastore.name.span,
                format!(
                    "datastore `{}` has no `storage-gb`: RDS needs its allocated storage",
                    datastore.name.value
                ),
            )
            .with_label("this datastore")
            .with_help("add `storage-gb=20` (or the size the data needs)")
        })
}

/// An engine version as AWS writes them: up to three numbers separated by dots.
pub fn engine_version(version: &Spanned<String>) -> Result<String, Diagnostic> {
    let text = &version.value;
    let valid = !text.is_empty()
        && text.split('.').count() <= 3
        && text
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if valid {
        Ok(text.clone())
    } else {
        Err(Diagnostic::error(
            "invalid-value",
            version.span,
            format!("`{text}` is not an engine version"),
        )
        .with_label("this version")
        .with_help("write the engine's version as numbers and dots, e.g. `16`, `16.4` or `8.0`"))
    }
}

/// The daily backup window, if the spec gives one, in the `hh24:mi-hh24:mi` form RDS and
/// ElastiCache take it in.
pub fn backup_window(backup: Option<&Backup>) -> Result<Option<String>, Diagnostic> {
    backup
        .and_then(|b| b.window.as_ref())
        .map(daily_window)
        .transpose()
}

fn daily_window(window: &Spanned<String>) -> Result<String, Diagnostic> {
    let time = |t: &str| {
        let (h, m) = t.split_once(':')?;
        let valid = h.len() == 2
            && m.len() == 2
            && h.parse::<u32>().ok()? < 24
            && m.parse::<u32>().ok()? < 60;
        valid.then_some(())
    };
    let valid = window
        .value
        .split_once('-')
        .and_then(|(a, b)| time(a).and(time(b)));
    match valid {
        Some(()) => Ok(window.value.clone()),
        None => Err(Diagnostic::error(
            "invalid-value",
            window.span,
            format!("`{}` is not a daily window", window.value),
        )
        .with_label("this window")
        .with_help("write it in UTC as HH:MM-HH:MM, e.g. `03:00-04:00`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn spanned(text: &str) -> Spanned<String> {
        Spanned::new(text.to_string(), Span::new(FileId(0), 0..1))
    }

    #[test]
    fn versions_and_windows_are_read_as_aws_writes_them() {
        for good in ["16", "16.4", "8.0.35"] {
            assert_eq!(engine_version(&spanned(good)).ok().as_deref(), Some(good));
        }
        for bad in ["", "v16", "16.", "1.2.3.4", "16 .4"] {
            assert!(engine_version(&spanned(bad)).is_err(), "{bad:?}");
        }
        assert!(daily_window(&spanned("03:00-04:00")).is_ok());
        for bad in [
            "3am",
            "03:00",
            "24:00-01:00",
            "03:60-04:00",
            "3:00-4:00",
            "-",
        ] {
            assert!(daily_window(&spanned(bad)).is_err(), "{bad:?}");
        }
    }
}
