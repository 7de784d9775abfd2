//! One check of a workspace as the editor sees it, and what the server answers from it: the
//! compiler's diagnostics, the syntax trees (the check's own, else parsed on first use) and the
//! index of names (built on first use, so that typing only pays for the check).

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry::check::{Checked, Input, ParseCache, check_files, check_path_cached};
use gantry::source::{FileId, Span};
use gantry::syntax::{self, Document};
use gantry::vfs::Vfs;
use gantry::workspace::WORKSPACE_FILE;
use lsp_types::{Location, Range, Uri};

use crate::index::Index;
use crate::text::{LineIndex, path_to_uri};

pub struct Analysis {
    pub checked: Checked,
    /// The URI of every file of the check (the stdlib's have none).
    uris: BTreeMap<FileId, Uri>,
    lines: BTreeMap<FileId, OnceCell<LineIndex>>,
    docs: OnceCell<BTreeMap<FileId, Arc<Document>>>,
    /// The syntax trees the check made, by file: read from its parse cache.
    parsed: BTreeMap<FileId, Arc<Document>>,
    index: OnceCell<Index>,
}

impl Analysis {
    /// Checks the workspace around `path` through `vfs`, reusing the parses of the files that
    /// did not change since the check that filled `cache`; a file outside any workspace is
    /// checked on its own.
    pub fn run(vfs: &dyn Vfs, path: &Path, cache: &mut ParseCache) -> Analysis {
        match check_path_cached(vfs, path, cache) {
            Ok((root, checked)) => {
                let mut analysis = Analysis::new(root, checked);
                let names = &analysis.checked.sources;
                analysis.parsed = analysis
                    .uris
                    .keys()
                    .filter_map(|id| Some((*id, cache.document(&names.get(*id).name)?.clone())))
                    .collect();
                analysis
            }
            Err(_) => {
                let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let text = vfs.read_shared(path).unwrap_or_else(|_| Arc::from(""));
                let workspace = Input::new(WORKSPACE_FILE, "");
                let checked = if name == WORKSPACE_FILE {
                    check_files(Input::new(name, text), Vec::new())
                } else {
                    check_files(workspace, vec![Input::new(name, text)])
                };
                let mut analysis = Analysis::new(root, checked);
                // The empty stand-in for gantry.kdl is no file of the user's.
                if path.file_name().is_some_and(|n| n != WORKSPACE_FILE) {
                    let stand_in = analysis.checked.sources.find(WORKSPACE_FILE);
                    analysis.uris.retain(|id, _| Some(*id) != stand_in);
                }
                analysis
            }
        }
    }

    fn new(root: PathBuf, checked: Checked) -> Analysis {
        let mut uris = BTreeMap::new();
        let mut lines = BTreeMap::new();
        for (id, file) in checked.sources.files() {
            if gantry::stdlib::is_stdlib(&file.name) {
                continue;
            }
            if let Some(uri) = path_to_uri(&root.join(&file.name)) {
                uris.insert(id, uri);
                lines.insert(id, OnceCell::new());
            }
        }
        Analysis {
            checked,
            uris,
            lines,
            docs: OnceCell::new(),
            parsed: BTreeMap::new(),
            index: OnceCell::new(),
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &Uri)> {
        self.uris.iter().map(|(id, uri)| (*id, uri))
    }

    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        self.uris
            .iter()
            .find(|(_, u)| u.as_str() == uri.as_str())
            .map(|(id, _)| *id)
    }

    pub fn uri(&self, file: FileId) -> Option<&Uri> {
        self.uris.get(&file)
    }

    pub fn text(&self, file: FileId) -> &Arc<str> {
        &self.checked.sources.get(file).text
    }

    pub fn is_workspace_file(&self, file: FileId) -> bool {
        self.checked.sources.get(file).name == WORKSPACE_FILE
    }

    pub fn lines(&self, file: FileId) -> Option<&LineIndex> {
        self.lines
            .get(&file)
            .map(|cell| cell.get_or_init(|| LineIndex::new(self.text(file))))
    }

    pub fn range(&self, span: Span) -> Option<Range> {
        let lines = self.lines(span.file)?;
        Some(lines.range(self.text(span.file), span.range()))
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location::new(
            self.uri(span.file)?.clone(),
            self.range(span)?,
        ))
    }

    pub fn offset(&self, file: FileId, position: lsp_types::Position) -> Option<usize> {
        Some(self.lines(file)?.offset(self.text(file), position))
    }

    /// The syntax tree of every file of the user's, of what parses around its syntax errors: the
    /// check's own where it kept them, else parsed here.
    pub fn docs(&self) -> &BTreeMap<FileId, Arc<Document>> {
        self.docs.get_or_init(|| {
            self.uris
                .keys()
                .filter_map(|id| match self.parsed.get(id) {
                    Some(doc) => Some((*id, doc.clone())),
                    None => Some((
                        *id,
                        Arc::new(syntax::parse_recovering(*id, self.text(*id)).document?),
                    )),
                })
                .collect()
        })
    }

    pub fn doc(&self, file: FileId) -> Option<&Document> {
        self.docs().get(&file).map(|doc| &**doc)
    }

    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for (id, doc) in self.docs() {
                if self.is_workspace_file(*id) {
                    index.add_workspace_file(doc, self.text(*id));
                } else {
                    index.add_spec_file(doc, self.text(*id));
                }
            }
            index
        })
    }
}
