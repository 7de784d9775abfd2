//! `gantry lsp`: the language server on stdin and stdout.

use crate::exit;

pub fn run() -> u8 {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let served = gantry_lsp::run(connection);
    let joined = io_threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => exit::OK,
        (Err(e), _) => {
            eprintln!("error: the language server stopped: {e}");
            exit::ERRORS
        }
        (_, Err(e)) => {
            eprintln!("error: the language server's connection failed: {e}");
            exit::ERRORS
        }
    }
}
