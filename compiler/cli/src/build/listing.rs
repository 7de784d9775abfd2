//! The files a build generated, as the manifest lists them: each job's list sorted in place
//! and read in the order of their paths by merging, never copied into one list (a build can
//! list hundreds of thousands of files).

use gantry::build::{Listed, duplicate_path};
use gantry::diagnostics::Diagnostic;
use gantry::source::Span;

/// Each job's files, sorted by path.
pub struct Listing(Vec<Vec<(Listed, Span)>>);

impl Listing {
    /// The files of every job, each with the span a duplicate is reported at. Errors are the
    /// files two artifacts claim: of two files on one path, the one whose spec node comes first
    /// keeps it.
    pub fn new(mut jobs: Vec<Vec<(Listed, Span)>>) -> Result<Listing, Vec<Diagnostic>> {
        for files in &mut jobs {
            // In place: a stable sort would take a buffer as large as the list.
            files.sort_unstable_by(|a, b| a.0.path.cmp(&b.0.path).then(a.1.cmp(&b.1)));
            files.shrink_to_fit();
        }
        jobs.retain(|files| !files.is_empty());
        let listing = Listing(jobs);
        let mut duplicates = Vec::new();
        let mut last: Option<&Listed> = None;
        for (file, span) in listing.in_order() {
            if last.is_some_and(|last| last.path == file.path) {
                duplicates.push(duplicate_path(&file.path, *span));
            }
            last = Some(file);
        }
        if duplicates.is_empty() {
            Ok(listing)
        } else {
            Err(duplicates)
        }
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.0.iter().any(|files| {
            files
                .binary_search_by(|(file, _)| file.path.as_str().cmp(path))
                .is_ok()
        })
    }

    /// Every file in the order of their paths (of two on one path, the one whose span comes
    /// first, then the earlier job's).
    fn in_order(&self) -> impl Iterator<Item = &(Listed, Span)> {
        let mut next = vec![0; self.0.len()];
        std::iter::from_fn(move || {
            let mut first: Option<(usize, &(Listed, Span))> = None;
            for (job, files) in self.0.iter().enumerate() {
                let Some(candidate) = files.get(next[job]) else {
                    continue;
                };
                let earlier = first.is_none_or(|(_, (file, span))| {
                    (candidate.0.path.as_str(), candidate.1) < (file.path.as_str(), *span)
                });
                if earlier {
                    first = Some((job, candidate));
                }
            }
            let (job, file) = first?;
            next[job] += 1;
            Some(file)
        })
    }

    /// These files and `others` (sorted by path, on other paths), in the order of their paths.
    pub fn merged_with<'a>(&'a self, others: &'a [Listed]) -> impl Iterator<Item = &'a Listed> {
        let mut ours = self.in_order().map(|(file, _)| file).peekable();
        let mut theirs = others.iter().peekable();
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
    use gantry::source::FileId;

    fn job(paths: &[(&str, u32)]) -> Vec<(Listed, Span)> {
        paths
            .iter()
            .map(|(path, at)| {
                let listed = Listed::of(path.to_string(), path.as_bytes(), Vec::new().into());
                (listed, Span::new(FileId(0), *at as usize..*at as usize + 1))
            })
            .collect()
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
        let paths: Vec<&str> = listing
            .merged_with(&kept)
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(
            paths,
            ["prod/a/9", "prod/b/1", "prod/b/15", "prod/b/2", "prod/c"]
        );
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
