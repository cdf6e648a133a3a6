//! The benchmark's reference (`bench/http.mjs`): Guestroom's hottest requests written by
//! hand, the way a careful developer would write them without a framework — axum, sqlx,
//! jsonwebtoken and maud — on the database and with the guest cookie Guestroom made. It
//! does the same work per request: verifies the guest's HS256 token, reads or updates
//! the owner's rows, renders the same page HTML (the structure checked against
//! Guestroom's by the benchmark) and compresses it the same way. Nothing else:
//! no sign-in, no limits, no logs; a bad request is a bare status.
//!
//! Settings, as the benchmark starts Guestroom: `DATABASE_URL` (a SQLite file Guestroom
//! made), `AUTH_SECRET`, `PORT` (0: any free port). Prints `serving http://…` once it
//! serves.

mod guest;
mod page;
mod roster;

use std::sync::Arc;

use axum::{
    Router,
    http::{
        HeaderValue,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS},
    },
    routing::{get, post},
};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
use tower_http::{
    CompressionLevel, compression::CompressionLayer, set_header::SetResponseHeaderLayer,
};

/// For answers that are not pages.
const NOTHING_RENDERED: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What every handler reads: the pool and the key that signs guest tokens.
struct State {
    pool: sqlx::SqlitePool,
    guests: guest::Verifier,
}

type Shared = axum::extract::State<Arc<State>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let setting = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let url = setting("DATABASE_URL")?;
    let options = url
        .parse::<SqliteConnectOptions>()?
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    // As many connections as Guestroom's SQLite pool.
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    let fixed = HeaderValue::from_static;
    let state = State { pool, guests: guest::Verifier::new(&setting("AUTH_SECRET")?) };
    let app = Router::new()
        .route("/", get(page::roster_page))
        .route("/api/roster/list", post(roster::list))
        .route("/api/roster/activate", post(roster::activate))
        // Guestroom's headers on every answer (`middleware::headers`); a page sets its own
        // Content-Security-Policy.
        .layer(SetResponseHeaderLayer::if_not_present(CACHE_CONTROL, fixed("private, no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            fixed(NOTHING_RENDERED),
        ))
        .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, fixed("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            fixed("strict-origin-when-cross-origin"),
        ))
        // Guestroom's compression: brotli at quality 0 for dynamic answers, gzip at 1.
        .layer(CompressionLayer::new().no_gzip().quality(CompressionLevel::Precise(0)))
        .layer(CompressionLayer::new().no_br().quality(CompressionLevel::Precise(1)))
        .with_state(Arc::new(state));
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    eprintln!("serving http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
