//! Serving connections: hyper, driven here rather than by `axum::serve`, because that
//! one has no header timeout (a client that sends its headers one byte a minute holds a
//! connection for ever) and no deadline on shutdown.

use std::{convert::Infallible, future::Future, io, net::SocketAddr, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{body::Incoming, service::service_fn};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use tokio::net::{TcpListener, TcpSocket};
use tower::ServiceExt;

use crate::config::Timeouts;

/// How many connections the kernel queues for the server to accept. Tokio's
/// `TcpListener::bind` asks for 128, the standard library's figure: a burst of more new
/// connections than that (clients reconnecting after a restart, a crowd arriving at once)
/// has the kernel drop the extra SYNs, and each of those clients waits a full second for
/// its retransmission: of a burst of 500 connections, 34 took 1.03 s (and a CI run of the
/// reliability suite's slowloris saw a page load caught in one). Linux caps the figure at
/// `net.core.somaxconn` (4,096 by default).
const LISTEN_BACKLOG: u32 = 4096;

/// Binds `address` with [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, as `TcpListener::bind`
/// sets it, so a restart need not wait out the old connections' `TIME_WAIT`).
pub fn listen(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `router` on `listener` until `stop` completes, then stops accepting, lets the
/// requests in flight finish for up to `timeouts.shutdown`, and returns.
///
/// Every connection gets `TCP_NODELAY` (without it, Nagle's algorithm and delayed ACKs
/// hold back a page's last chunk for ~40 ms), HTTP/1.1 or HTTP/2 as the client speaks,
/// and `timeouts.header` to send each request's headers — which also closes a keep-alive
/// connection that sits idle that long, since hyper times the wait for the next request's
/// headers from the moment the previous answer went out. Handlers see the peer's address
/// as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(timeouts.header);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(timeouts.header)
        .keep_alive_timeout(timeouts.header);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: give closing connections a
                    // moment rather than spinning.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
        let router = router.clone();
        let service = service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let answer = router.clone().oneshot(request);
            async move { Ok::<_, Infallible>(answer.await.unwrap_or_else(|never| match never {})) }
        });
        let connection =
            builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Clients that go away mid-request end up here; nothing to act on.
            if let Err(error) = connection.await {
                tracing::debug!(error = &*error as &dyn std::error::Error, "connection ended");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for requests in flight");
    if tokio::time::timeout(timeouts.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!(
            deadline = ?timeouts.shutdown,
            "requests still in flight at the shutdown deadline; exiting anyway"
        );
    }
    Ok(())
}
