//! The files a build generated, as the manifest lists them. A build can list hundreds of
//! thousands of files: each job keeps its paths back to back in one buffer, its files are
//! sorted in place, and the jobs' lists are read in the order of their paths by merging, never
//! copied into one.

use std::sync::Arc;

use gantry::build::{Entry, duplicate_path};
use gantry::diagnostics::Diagnostic;
use gantry::source::Span;

/// The files one job placed.
#[derive(Default)]
pub struct JobFiles {
    /// Every path, back to back.
    paths: String,
    files: Vec<File>,
    /// The distinct lists of spec sources: the files of a feature share one.
    sources: Vec<Arc<[String]>>,
}

struct File {
    /// Where the path lies in [`JobFiles::paths`].
    path: (u32, u32),
    sha256: [u8; 32],
    /// Which of [`JobFiles::sources`].
    sources: u32,
    /// Where a duplicate is reported.
    span: Span,
}

impl JobFiles {
    /// Lists the file at `path` with its digest and spec sources.
    pub fn push(&mut self, path: &str, sha256: [u8; 32], sources: Vec<String>, span: Span) {
        let same_as_last = self.sources.last().is_some_and(|last| **last == *sources);
        if !same_as_last {
            self.sources.push(sources.into());
        }
        let start = offset(self.paths.len());
        self.paths.push_str(path);
        self.files.push(File {
            path: (start, offset(path.len())),
            sha256,
            sources: offset(self.sources.len() - 1),
            span,
        });
    }

    fn path(&self, file: &File) -> &str {
        path_in(&self.paths, file)
    }

    fn entry<'a>(&'a self, file: &'a File) -> Entry<'a> {
        Entry {
            path: self.path(file),
            sha256: &file.sha256,
            sources: &self.sources[file.sources as usize],
        }
    }

    fn sort(&mut self) {
        let JobFiles { paths, files, .. } = self;
        // In place: a stable sort would take a buffer as large as the list.
        files.sort_unstable_by(|a, b| {
            path_in(paths, a)
                .cmp(path_in(paths, b))
                .then(a.span.cmp(&b.span))
        });
        files.shrink_to_fit();
        paths.shrink_to_fit();
    }
}

fn path_in<'a>(paths: &'a str, file: &File) -> &'a str {
    let (start, len) = (file.path.0 as usize, file.path.1 as usize);
    &paths[start..start + len]
}

/// Offsets fit in 32 bits: a job's paths would fill gigabytes first.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Each job's files, sorted by path.
pub struct Listing(Vec<JobFiles>);

impl Listing {
    /// The files of every job. Errors are the files two artifacts claim: of two files on one
    /// path, the one whose spec node comes first keeps it.
    pub fn new(mut jobs: Vec<JobFiles>) -> Result<Listing, Vec<Diagnostic>> {
        jobs.retain(|job| !job.files.is_empty());
        jobs.iter_mut().for_each(JobFiles::sort);
        let listing = Listing(jobs);
        let mut duplicates = Vec::new();
        let mut last: Option<&str> = None;
        for (entry, span) in listing.in_order() {
            if last == Some(entry.path) {
                duplicates.push(duplicate_path(entry.path, span));
            }
            last = Some(entry.path);
        }
        if duplicates.is_empty() {
            Ok(listing)
        } else {
            Err(duplicates)
        }
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|job| job.files.len()).sum()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.0.iter().any(|job| {
            job.files
                .binary_search_by(|file| job.path(file).cmp(path))
                .is_ok()
        })
    }

    /// Every file in the order of their paths (of two on one path, the one whose span comes
    /// first, then the earlier job's).
    fn in_order(&self) -> impl Iterator<Item = (Entry<'_>, Span)> {
        let mut next = vec![0; self.0.len()];
        std::iter::from_fn(move || {
            let mut first: Option<(usize, &File, &str)> = None;
            for (at, job) in self.0.iter().enumerate() {
                let Some(file) = job.files.get(next[at]) else {
                    continue;
                };
                let path = job.path(file);
                let earlier = first.is_none_or(|(_, other, other_path)| {
                    (path, file.span) < (other_path, other.span)
                });
                if earlier {
                    first = Some((at, file, path));
                }
            }
            let (at, file, _) = first?;
            next[at] += 1;
            Some((self.0[at].entry(file), file.span))
        })
    }

    /// These files and `others` (sorted by path, on other paths), in the order of their paths.
    pub fn merged_with<'a>(
        &'a self,
        others: impl IntoIterator<Item = Entry<'a>>,
    ) -> impl Iterator<Item = Entry<'a>> {
        let mut ours = self.in_order().map(|(entry, _)| entry).peekable();
        let mut theirs = others.into_iter().peekable();
        std::iter::from_fn(move || match (ours.peek(), theirs.peek()) {
            (Some(a), Some(b)) if b.path < a.path => theirs.next(),
            (Some(_), _) => ours.next(),
            (None, _) => theirs.next(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gantry::build::Listed;
    use gantry::source::FileId;

    fn job(paths: &[(&str, u32)]) -> JobFiles {
        let mut job = JobFiles::default();
        for (path, at) in paths {
            let span = Span::new(FileId(0), *at as usize..*at as usize + 1);
            let sources = vec![format!("{}.kdl", path.len())];
            job.push(path, gantry::build::digest(path.as_bytes()), sources, span);
        }
        job
    }

    #[test]
    fn jobs_are_read_in_the_order_of_their_paths() {
        let listing = Listing::new(vec![
            job(&[("prod/b/2", 0), ("prod/b/1", 0)]),
            job(&[]),
            job(&[("prod/a/9", 0), ("prod/c", 0)]),
        ])
        .expect("no duplicates");
        let kept = [Listed::of("prod/b/15".into(), b"", Vec::new().into())];
        let entries: Vec<Entry<'_>> = listing
            .merged_with(kept.iter().map(Listed::entry))
            .collect();
        let paths: Vec<&str> = entries.iter().map(|e| e.path).collect();
        assert_eq!(
            paths,
            ["prod/a/9", "prod/b/1", "prod/b/15", "prod/b/2", "prod/c"]
        );
        let first = &entries[0];
        assert_eq!(*first.sha256, gantry::build::digest(b"prod/a/9"));
        assert_eq!(first.sources, ["8.kdl".to_string()]);
        assert_eq!(entries[4].sources, ["6.kdl".to_string()]);
        assert_eq!(listing.len(), 4);
        assert!(listing.contains("prod/c") && !listing.contains("prod/b/15"));
    }

    #[test]
    fn a_path_two_files_claim_is_reported_at_the_later_spec_node() {
        for jobs in [
            vec![job(&[("p/x", 7), ("p/y", 1), ("p/x", 3)])],
            vec![job(&[("p/x", 7), ("p/y", 1)]), job(&[("p/x", 3)])],
        ] {
            let Err(found) = Listing::new(jobs) else {
                panic!("a duplicate is an error");
            };
            assert_eq!(found.len(), 1);
            assert!(found[0].message.contains("`p/x`"), "{}", found[0].message);
            assert_eq!(found[0].primary.span.start, 7);
        }
    }
}
