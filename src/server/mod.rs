//! `claimledger serve`: one ledger shared by a team, through a JSON API and web pages.
//!
//! Design decisions:
//! - axum on tokio. One writer thread owns the only write connection and takes jobs from a
//!   queue ([`writer`]); reads run on their own connections on blocking threads
//!   ([`state`]). SQLite in WAL mode lets them read while it writes.
//! - Every write calls the same use case as the command line ([`crate::ledger`]), with the
//!   requesting account's name as the journal actor: the server adds no ledger logic.
//! - Accounts and tokens ([`auth`]): `Authorization: Bearer TOKEN`, or the web pages'
//!   session cookie. Readers read, checkers write, editors also record checkpoints.
//! - SIGINT or SIGTERM stops taking connections, lets requests in flight finish, then lets
//!   the writer finish every queued job before the process exits.

pub mod api;
pub mod auth;
pub mod error;
pub mod state;
pub mod ui;
pub mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;

use error::ApiError;
use state::AppState;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// The ledger.
    pub db: PathBuf,
    /// Where to listen (port 0: any free port).
    pub listen: String,
    /// Reads need no token.
    pub public_read: bool,
    /// The largest request body taken, in bytes.
    pub max_body: usize,
}

/// The whole application.
pub fn app(state: AppState, max_body: usize) -> Router {
    api::routes()
        .merge(ui::routes())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such page or API endpoint; the API is under /api/ (see the README's Team use)",
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// Runs the server until SIGINT or SIGTERM; `ready` is told the address it listens on.
/// Returns how many writes the writer ran.
pub fn run(options: Options, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<u64> {
    let (writer, thread) = writer::Writer::start(&options.db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served: anyhow::Result<()> = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on {}: {e}; give another --listen address (HOST:PORT)",
                    options.listen
                )
            })?;
        ready(listener.local_addr()?);
        let state = AppState::new(options.db.clone(), options.public_read, writer);
        axum::serve(listener, app(state, options.max_body))
            .with_graceful_shutdown(stop_signal())
            .await?;
        Ok(())
    });
    // The router (and every handle to the writer) is gone: the writer drains its queue.
    drop(runtime);
    let writes = thread
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread failed"))?;
    served?;
    Ok(writes)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
