//! Helpers shared by the end-to-end tests: loading fixtures and rendering what a check found.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gantry::check::{Checked, Input, check_workspace};
use gantry::diagnostics::render_human;
use gantry::templates::TemplateFolder;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fixture case: `CASE.kdl`, with `CASE.workspace.kdl` as its gantry.kdl when present (else
/// the shared `fixtures/gantry.kdl`), `CASE.NAME.kdl` as further spec files `NAME.kdl`, and
/// `CASE.NAME.hbs` as the files `NAME.hbs` of the `templates` folder its workspace names.
pub struct Fixture {
    pub workspace: Input,
    pub specs: Vec<Input>,
    /// The template files, named by their path in the workspace (`FOLDER/NAME.hbs`).
    pub templates: Vec<Input>,
    /// Whether the workspace file is the case's own (then the snapshot shows it).
    pub own_workspace: bool,
}

impl Fixture {
    /// Loads the case whose main file is `path`; `None` for a companion file (`X.other.kdl`).
    pub fn load(path: &Path) -> Option<Fixture> {
        let stem = path.file_stem()?.to_str()?;
        if stem.contains('.') || stem == "gantry" {
            return None;
        }
        let dir = path.parent()?;
        let group = dir.file_name()?.to_str()?;
        let own = dir.join(format!("{stem}.workspace.kdl"));
        let (workspace_text, own_workspace) = if own.is_file() {
            (read(&own), true)
        } else {
            (read(&dir.parent()?.join("gantry.kdl")), false)
        };
        let mut specs = vec![Input {
            name: format!("{group}/{stem}.kdl"),
            text: read(path).into(),
        }];
        let mut companions: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with(&format!("{stem}."))
                    && name.ends_with(".kdl")
                    && name != format!("{stem}.kdl")
                    && !name.ends_with(".workspace.kdl")
            })
            .collect();
        companions.sort();
        for companion in companions {
            let name = companion.file_name()?.to_str()?;
            let rest = &name[stem.len() + 1..];
            specs.push(Input {
                name: format!("{group}/{rest}"),
                text: read(&companion).into(),
            });
        }
        let folder = gantry::templates::folder_of(
            gantry::syntax::parse(gantry::source::FileId(0), &workspace_text)
                .ok()
                .as_ref(),
        );
        let mut templates: Vec<Input> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.starts_with(&format!("{stem}.")) && name.ends_with(".hbs"))
            .map(|name| Input {
                name: format!(
                    "{}/{}",
                    folder
                        .as_deref()
                        .unwrap_or("templates")
                        .trim_end_matches('/'),
                    &name[stem.len() + 1..]
                ),
                text: read(&dir.join(&name)).into(),
            })
            .collect();
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        Some(Fixture {
            workspace: Input {
                name: "gantry.kdl".to_string(),
                text: workspace_text.into(),
            },
            specs,
            templates,
            own_workspace,
        })
    }

    pub fn check(&self) -> Checked {
        let in_folder = self
            .templates
            .iter()
            .map(|t| Input {
                name: t
                    .name
                    .split_once('/')
                    .map_or(&*t.name, |(_, n)| n)
                    .to_string(),
                text: t.text.clone(),
            })
            .collect();
        check_workspace(
            self.workspace.clone(),
            self.specs.clone(),
            TemplateFolder::Files(in_folder),
        )
    }

    /// Whether the case says it expects no diagnostic at all (`// expect: nothing`).
    pub fn expects_nothing(&self) -> bool {
        std::iter::once(&self.workspace)
            .chain(&self.specs)
            .chain(&self.templates)
            .any(|input| input.text.lines().any(|l| l.trim() == "// expect: nothing"))
    }

    /// `(file, id, line, column)` of every `// expect: ID at LINE:COL` comment.
    pub fn expected(&self) -> BTreeSet<(String, String, usize, usize)> {
        let mut out = BTreeSet::new();
        for input in std::iter::once(&self.workspace)
            .chain(&self.specs)
            .chain(&self.templates)
        {
            for line in input.text.lines() {
                let Some(rest) = line.trim().strip_prefix("// expect:") else {
                    continue;
                };
                if rest.trim() == "nothing" {
                    continue;
                }
                let (id, at) = rest
                    .trim()
                    .split_once(" at ")
                    .expect("`// expect: ID at LINE:COL`");
                let (l, c) = at.trim().split_once(':').expect("LINE:COL");
                out.insert((
                    input.name.clone(),
                    id.trim().to_string(),
                    l.parse().expect("line number"),
                    c.parse().expect("column number"),
                ));
            }
        }
        out
    }

    /// The snapshot: the case's files, then the rendered diagnostics.
    pub fn snapshot(&self, checked: &Checked) -> String {
        let mut out = String::new();
        let files = self
            .own_workspace
            .then_some(&self.workspace)
            .into_iter()
            .chain(&self.specs)
            .chain(&self.templates);
        for input in files {
            out.push_str(&format!("--- {}\n{}\n", input.name, input.text.trim_end()));
        }
        out.push_str("--- diagnostics\n");
        out.push_str(&render_human(&checked.diagnostics, &checked.sources));
        out
    }
}

/// `(file, id, line, column)` of every diagnostic of a check.
pub fn actual(checked: &Checked) -> BTreeSet<(String, String, usize, usize)> {
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let file = checked.sources.get(d.primary.span.file);
            let (line, column) = file.line_col(d.primary.span.start);
            (file.name.clone(), d.id.to_string(), line, column)
        })
        .collect()
}
