//! The benchmark's ceiling (`bench/http.mjs`): a bare axum handler answering a constant,
//! on the same runtime, in the same run as the server, so every figure of Guestroom's is
//! also a ratio of what this machine can do at all.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    eprintln!("serving http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
