//! The gantry language server. It runs the compiler's pure front end over the workspace as the
//! editor sees it (open buffers over the files on disk) and answers from that check:
//! diagnostics for the whole workspace, hover with what a spec implies, completion, go to
//! definition, references, rename, symbols, quick fixes and formatting.
//!
//! Synchronous: one thread reads messages; changes are debounced, and a request first brings the
//! check up to date, so answers always reflect the text the editor has.

mod actions;
mod analysis;
mod complete;
mod cursor;
mod diagnostics;
mod hover;
mod index;
mod overlay;
mod symbols;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gantry::check::ParseCache;
use gantry::schema::ValueKind;
use gantry::syntax::RawValue;
use gantry::vfs::Vfs;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, CompletionOptions, CompletionResponse,
    DocumentSymbolResponse, GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability,
    InitializeParams, Location, MarkupContent, MarkupKind, OneOf, PrepareRenameResponse,
    PublishDiagnosticsParams, RenameOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
    WorkspaceSymbolResponse,
};
use serde_json::Value;

use crate::analysis::Analysis;
use crate::index::{Key, Kind, content_range};
use crate::overlay::OverlayFs;
use crate::text::{LineIndex, path_to_uri, uri_to_path};

pub use gantry::format::format;

/// How long the server waits after a change for the next one before checking again.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(20);

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves one client on `connection` until it says `exit`.
pub fn run(connection: Connection) -> Result<()> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let debounce = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounceMs"))
        .and_then(Value::as_u64)
        .map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "gantry".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        overlay: OverlayFs::default(),
        versions: HashMap::new(),
        analyses: BTreeMap::new(),
        parses: HashMap::new(),
        pending: BTreeSet::new(),
        deadline: None,
        debounce,
        published: HashMap::new(),
        shut_down: false,
    };
    // The workspace the editor opened is checked at once, so its problems show before any file
    // is opened.
    #[allow(deprecated)] // `root_uri` is what older clients (Neovim 0.7) send
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone());
    if let Some(root) = root.as_ref().and_then(uri_to_path)
        && server
            .overlay
            .is_file(&root.join(gantry::workspace::WORKSPACE_FILE))
    {
        server.pending.insert(root);
        server.deadline = Some(Instant::now());
    }
    server.main_loop()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "=".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

struct Server {
    connection: Connection,
    overlay: OverlayFs,
    versions: HashMap<String, i32>,
    /// The last check of each workspace (by root), or of a lone file (by its path).
    analyses: BTreeMap<PathBuf, Analysis>,
    /// The parses each workspace's next check reuses for the files that did not change.
    parses: HashMap<PathBuf, ParseCache>,
    /// Workspaces to check again.
    pending: BTreeSet<PathBuf>,
    deadline: Option<Instant>,
    debounce: Duration,
    /// Per workspace, the files last given diagnostics, so that fixed files are cleared.
    published: HashMap<PathBuf, HashSet<String>>,
    shut_down: bool,
}

impl Server {
    fn main_loop(&mut self) -> Result<()> {
        loop {
            let message = match self.deadline {
                Some(deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(m) => Some(m),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return Ok(()),
                },
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(()),
                },
            };
            match message {
                None => self.flush()?,
                Some(Message::Request(request)) => {
                    self.shut_down |= request.method == req::Shutdown::METHOD;
                    // After `shutdown` only `exit` is expected; a client that asks again (Neovim
                    // may) is answered the same.
                    let response = if request.method == req::Shutdown::METHOD {
                        Response::new_ok(request.id, Value::Null)
                    } else if self.shut_down {
                        Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".to_string(),
                        )
                    } else {
                        self.request(request)
                    };
                    self.connection.sender.send(Message::Response(response))?;
                }
                Some(Message::Notification(n)) => {
                    if n.method == notify::Exit::METHOD {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Some(Message::Response(_)) => {}
            }
        }
    }

    /// The key of the analysis a file belongs to: its workspace root, or itself.
    fn key_of(&self, path: &Path) -> PathBuf {
        gantry::workspace::find_root(&self.overlay, path).unwrap_or_else(|_| path.to_path_buf())
    }

    fn touch(&mut self, path: &Path, delay: Duration) {
        let key = self.key_of(path);
        self.pending.insert(key);
        self.deadline = Some(Instant::now() + delay);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notify::DidOpenTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    notify::DidOpenTextDocument::METHOD,
                ) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.versions.insert(
                        p.text_document.uri.as_str().to_string(),
                        p.text_document.version,
                    );
                    self.overlay
                        .open(path.clone(), Arc::from(p.text_document.text));
                    self.touch(&path, Duration::ZERO);
                }
            }
            notify::DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    notify::DidChangeTextDocument::METHOD,
                ) else {
                    return;
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return;
                };
                // Full synchronisation: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.versions.insert(
                        p.text_document.uri.as_str().to_string(),
                        p.text_document.version,
                    );
                    self.overlay.open(path.clone(), Arc::from(change.text));
                    self.touch(&path, self.debounce);
                }
            }
            notify::DidCloseTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    notify::DidCloseTextDocument::METHOD,
                ) else {
                    return;
                };
                if let Some(path) = uri_to_path(&p.text_document.uri) {
                    self.versions.remove(p.text_document.uri.as_str());
                    self.overlay.close(&path);
                    self.touch(&path, Duration::ZERO);
                }
            }
            notify::DidSaveTextDocument::METHOD | notify::DidChangeWatchedFiles::METHOD => {
                self.overlay.forget_reads();
                let keys: Vec<PathBuf> = self.analyses.keys().cloned().collect();
                self.pending.extend(keys);
                self.deadline = Some(Instant::now());
            }
            _ => {}
        }
    }

    /// Checks every workspace that changed and publishes its diagnostics.
    fn flush(&mut self) -> Result<()> {
        self.deadline = None;
        for key in std::mem::take(&mut self.pending) {
            let cache = self
                .parses
                .entry(key.clone())
                .or_insert_with(ParseCache::incremental);
            let analysis = Analysis::run(&self.overlay, &key, cache);
            let files = diagnostics::by_file(&analysis);
            let before = self.published.remove(&key).unwrap_or_default();
            let mut now = HashSet::new();
            for (uri_text, (uri, diagnostics)) in files {
                // A clean file is told so when it is open (the editor waits on its version) or
                // had diagnostics before; other clean files need no message.
                let open = self.versions.contains_key(&uri_text);
                if diagnostics.is_empty() && !before.contains(&uri_text) && !open {
                    continue;
                }
                if !diagnostics.is_empty() {
                    now.insert(uri_text.clone());
                }
                self.publish(uri, diagnostics, self.versions.get(&uri_text).copied())?;
            }
            // Files that left the workspace (deleted, renamed) lose their diagnostics too.
            for gone in before.difference(&now) {
                if analysis.files().all(|(_, u)| u.as_str() != gone)
                    && let Ok(uri) = gone.parse::<Uri>()
                {
                    self.publish(uri, Vec::new(), None)?;
                }
            }
            self.published.insert(key.clone(), now);
            if let Some(old) = self.analyses.insert(key, analysis) {
                // Freeing a large workspace's trees and model takes a while: not on the path of
                // the next answer.
                std::thread::spawn(move || drop(old));
            }
        }
        Ok(())
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<()> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(notify::PublishDiagnostics::METHOD.to_string(), params);
        self.connection.sender.send(Message::Notification(n))?;
        Ok(())
    }

    /// The up-to-date analysis holding a document, and the document's file in it.
    fn analysis_for(&mut self, uri: &Uri) -> Option<(&Analysis, gantry::source::FileId)> {
        let path = uri_to_path(uri)?;
        let key = self.key_of(&path);
        if self.pending.contains(&key) || !self.analyses.contains_key(&key) {
            self.pending.insert(key.clone());
            // A failure to publish is the client gone; the main loop sees it next.
            let _ = self.flush();
        }
        let analysis = self.analyses.get(&key)?;
        let file = analysis.file_of(uri)?;
        Some((analysis, file))
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        match self.answer(request) {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        }
    }

    fn answer(&mut self, request: Request) -> std::result::Result<Value, String> {
        fn params<P: serde::de::DeserializeOwned>(
            request: Request,
            method: &str,
        ) -> std::result::Result<(RequestId, P), String> {
            request.extract(method).map_err(|e| format!("{e:?}"))
        }
        let json = |v: Option<Value>| v.unwrap_or(Value::Null);
        match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let (_, p) = params::<lsp_types::HoverParams>(request, req::HoverRequest::METHOD)?;
                let at = &p.text_document_position_params;
                let found =
                    self.analysis_for(&at.text_document.uri)
                        .and_then(|(analysis, file)| {
                            let offset = analysis.offset(file, at.position)?;
                            hover::hover(analysis, file, offset)
                        });
                Ok(json(found.map(|value| {
                    to_json(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        }),
                        range: None,
                    })
                })))
            }
            req::Completion::METHOD => {
                let (_, p) =
                    params::<lsp_types::CompletionParams>(request, req::Completion::METHOD)?;
                let at = &p.text_document_position;
                let items = self
                    .analysis_for(&at.text_document.uri)
                    .map(|(analysis, file)| {
                        let text = analysis.text(file).clone();
                        let offset = analysis.offset(file, at.position).unwrap_or(text.len());
                        complete::complete(analysis, file, &text, offset)
                    });
                Ok(to_json(CompletionResponse::Array(
                    items.unwrap_or_default(),
                )))
            }
            req::GotoDefinition::METHOD => {
                let (_, p) = params::<lsp_types::GotoDefinitionParams>(
                    request,
                    req::GotoDefinition::METHOD,
                )?;
                let at = &p.text_document_position_params;
                let locations =
                    self.occurrences(&at.text_document.uri, at.position, |o| o.definition);
                Ok(json(
                    locations.map(|l| to_json(GotoDefinitionResponse::Array(l))),
                ))
            }
            req::References::METHOD => {
                let (_, p) =
                    params::<lsp_types::ReferenceParams>(request, req::References::METHOD)?;
                let at = &p.text_document_position;
                let with_declaration = p.context.include_declaration;
                let locations = self.occurrences(&at.text_document.uri, at.position, |o| {
                    with_declaration || !o.definition
                });
                Ok(json(locations.map(to_json)))
            }
            req::PrepareRenameRequest::METHOD => {
                let (_, p) = params::<lsp_types::TextDocumentPositionParams>(
                    request,
                    req::PrepareRenameRequest::METHOD,
                )?;
                let range = self
                    .analysis_for(&p.text_document.uri)
                    .and_then(|(analysis, file)| {
                        let offset = analysis.offset(file, p.position)?;
                        let occurrence = analysis.index().at(file, offset)?;
                        if occurrence.key.name.starts_with("std/") {
                            return None;
                        }
                        Some(PrepareRenameResponse::Range(
                            analysis.range(occurrence.name)?,
                        ))
                    });
                Ok(json(range.map(to_json)))
            }
            req::Rename::METHOD => {
                let (_, p) = params::<lsp_types::RenameParams>(request, req::Rename::METHOD)?;
                let at = &p.text_document_position;
                let Some((analysis, file)) = self.analysis_for(&at.text_document.uri) else {
                    return Ok(Value::Null);
                };
                rename(analysis, file, at.position, &p.new_name).map(|edit| json(edit.map(to_json)))
            }
            req::Formatting::METHOD => {
                let (_, p) = params::<lsp_types::DocumentFormattingParams>(
                    request,
                    req::Formatting::METHOD,
                )?;
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let text = self
                    .overlay
                    .read_to_string(&path)
                    .map_err(|e| e.to_string())?;
                match gantry::format::format(&text) {
                    Ok(formatted) if formatted == text => Ok(to_json(Vec::<TextEdit>::new())),
                    Ok(formatted) => {
                        let lines = LineIndex::new(&text);
                        Ok(to_json(vec![TextEdit::new(
                            lines.range(&text, 0..text.len()),
                            formatted,
                        )]))
                    }
                    // Text that does not parse is left alone; its diagnostics say why.
                    Err(_) => Ok(Value::Null),
                }
            }
            req::CodeActionRequest::METHOD => {
                let (_, p) =
                    params::<lsp_types::CodeActionParams>(request, req::CodeActionRequest::METHOD)?;
                let actions = self
                    .analysis_for(&p.text_document.uri)
                    .map(|(analysis, file)| {
                        let start = analysis.offset(file, p.range.start).unwrap_or(0);
                        let end = analysis.offset(file, p.range.end).unwrap_or(start);
                        actions::code_actions(analysis, file, start..end)
                    });
                let actions: Vec<CodeActionOrCommand> = actions
                    .unwrap_or_default()
                    .into_iter()
                    .map(CodeActionOrCommand::CodeAction)
                    .collect();
                Ok(to_json(actions))
            }
            req::DocumentSymbolRequest::METHOD => {
                let (_, p) = params::<lsp_types::DocumentSymbolParams>(
                    request,
                    req::DocumentSymbolRequest::METHOD,
                )?;
                let symbols = self
                    .analysis_for(&p.text_document.uri)
                    .map(|(analysis, file)| symbols::document_symbols(analysis, file));
                Ok(to_json(DocumentSymbolResponse::Nested(
                    symbols.unwrap_or_default(),
                )))
            }
            req::WorkspaceSymbolRequest::METHOD => {
                let (_, p) = params::<lsp_types::WorkspaceSymbolParams>(
                    request,
                    req::WorkspaceSymbolRequest::METHOD,
                )?;
                if !self.pending.is_empty() {
                    let _ = self.flush();
                }
                let found: Vec<_> = self
                    .analyses
                    .values()
                    .flat_map(|a| symbols::workspace_symbols(a, &p.query))
                    .collect();
                Ok(to_json(WorkspaceSymbolResponse::Flat(found)))
            }
            method => Err(format!("`{method}` is not supported")),
        }
    }

    /// Locations of the entity under the cursor, filtered.
    fn occurrences(
        &mut self,
        uri: &Uri,
        position: lsp_types::Position,
        keep: impl Fn(&index::Occurrence) -> bool,
    ) -> Option<Vec<Location>> {
        let (analysis, file) = self.analysis_for(uri)?;
        let offset = analysis.offset(file, position)?;
        let key = analysis.index().at(file, offset)?.key.clone();
        let found: Vec<Location> = analysis
            .index()
            .all_of(&key)
            .filter(|o| keep(o))
            .filter_map(|o| analysis.location(o.name))
            .collect();
        (!found.is_empty()).then_some(found)
    }
}

fn to_json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Renames an entity everywhere it is written. Names must stay valid for their kind.
// lsp_types keys a workspace edit by `Uri`, which clippy cannot tell is never mutated.
#[allow(clippy::mutable_key_type)]
fn rename(
    analysis: &Analysis,
    file: gantry::source::FileId,
    position: lsp_types::Position,
    new_name: &str,
) -> std::result::Result<Option<WorkspaceEdit>, String> {
    let Some(offset) = analysis.offset(file, position) else {
        return Ok(None);
    };
    let Some(occurrence) = analysis.index().at(file, offset) else {
        return Ok(None);
    };
    let key = occurrence.key.clone();
    if key.kind == Kind::Preset {
        if key.name.starts_with("std/") || new_name.starts_with("std/") {
            return Err("names under `std/` belong to the standard library".to_string());
        }
        if new_name.is_empty()
            || new_name.contains(['"', '\\'])
            || new_name.chars().any(char::is_whitespace)
        {
            return Err(format!("`{new_name}` is not a valid preset name"));
        }
    } else if let Err(e) =
        gantry::values::check(ValueKind::Name, &RawValue::String(new_name.to_string()))
    {
        return Err(e.message);
    }
    if new_name != key.name
        && analysis
            .index()
            .names(key.kind, key.feature.as_deref())
            .iter()
            .any(|n| n == new_name)
    {
        let taken = Key {
            name: new_name.to_string(),
            ..key.clone()
        };
        return Err(format!("{} already exists", taken.describe()));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for o in analysis.index().all_of(&key) {
        let Some(uri) = analysis.uri(o.name.file) else {
            continue;
        };
        let text = analysis.text(o.name.file);
        // A bare identifier becomes a quoted string: a new name need not be a valid identifier.
        let quoted = content_range(text, o.value).is_some_and(|c| c != o.value.range());
        let (span, replacement) = if quoted {
            (o.name, new_name.to_string())
        } else {
            (o.value, format!("\"{new_name}\""))
        };
        if let Some(range) = analysis.range(span) {
            changes
                .entry(uri.clone())
                .or_default()
                .push(TextEdit::new(range, replacement));
        }
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}

/// The `file://` URI of a path, for clients of this crate (tests, benchmarks).
pub fn uri_of(path: &Path) -> Option<Uri> {
    path_to_uri(path)
}
