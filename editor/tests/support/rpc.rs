//! A JSON-RPC client of the language server, which it runs on a thread of its own over an
//! in-memory connection. Shared by the integration tests and the latency benchmark.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use serde_json::{Value, json};

/// How long an answer may take before the client gives up.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Rpc {
    connection: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    notifications: Vec<Notification>,
}

impl Rpc {
    /// Starts a server and initializes it for the workspace at `root_uri` with the client's
    /// `initializationOptions`.
    pub fn start(root_uri: &str, options: Value) -> Rpc {
        let (server, connection) = Connection::memory();
        let handle = std::thread::spawn(move || {
            gantry_lsp::run(server).expect("the server runs to the end");
        });
        let mut rpc = Rpc {
            connection,
            server: Some(handle),
            next_id: 0,
            notifications: Vec::new(),
        };
        rpc.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {},
                "initializationOptions": options,
            }),
        );
        rpc.notify("initialized", json!({}));
        rpc
    }

    pub fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.connection
            .sender
            .send(Message::Notification(n))
            .expect("send");
    }

    /// The answer to a request, success or error.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.to_string(), params);
        self.connection
            .sender
            .send(Message::Request(r))
            .expect("send");
        loop {
            match self
                .connection
                .receiver
                .recv_timeout(PATIENCE)
                .expect("an answer")
            {
                Message::Response(response) if response.id == id => {
                    return response.response_result;
                }
                Message::Notification(n) => self.notifications.push(n),
                _ => {}
            }
        }
    }

    /// The result of a request that must succeed.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e:?}"))
    }

    /// The first notification, received or still to come, that `wanted` accepts; the others
    /// are kept for later.
    pub fn notification(&mut self, wanted: impl Fn(&Notification) -> bool) -> Notification {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(i) = self.notifications.iter().position(&wanted) {
                return self.notifications.remove(i);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .connection
                .receiver
                .recv_timeout(left)
                .expect("a notification")
            {
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

impl Drop for Rpc {
    /// Shuts the server down and waits for it.
    fn drop(&mut self) {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let shutdown = Request::new(id, "shutdown".into(), Value::Null);
        let _ = self.connection.sender.send(Message::Request(shutdown));
        let exit = Notification::new("exit".into(), Value::Null);
        let _ = self.connection.sender.send(Message::Notification(exit));
        if let Some(handle) = self.server.take() {
            let _ = handle.join();
        }
    }
}
