//! Connections that take too long, attacked: headers sent a byte at a time, a body that
//! never ends, an idle keep-alive connection; and a shutdown with a request in flight, or
//! with mail waiting to be sent.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::oneshot::{self, Sender},
};

use crate::{
    accounts::{browser, sign_up},
    helpers::{TestApp, logged, spawn_app_until, spawn_app_with, wait_until},
    limits::open_slow_post,
    mail::{RESET, address, ask, wait_for_mails},
};

/// How long until the server closes `stream`, reading (and dropping) whatever it sends;
/// `None` if it is still open after `patience`.
async fn closed_after(stream: &mut TcpStream, patience: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        let left = patience.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn headers_that_trickle_in_are_cut_off_at_the_header_timeout() {
    let app = spawn_app_with(&[("HEADER_TIMEOUT_SECS", "1")]).await;
    let address = app.address.trim_start_matches("http://");
    let mut slow = TcpStream::connect(address).await.expect("connect");
    slow.write_all(b"GET / HTTP/1.1\r\nHost: ").await.expect("send");
    let closed = closed_after(&mut slow, Duration::from_secs(5)).await;
    assert!(closed.is_some_and(|after| after < Duration::from_secs(3)), "{closed:?}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = spawn_app_with(&[("HEADER_TIMEOUT_SECS", "1")]).await;
    let address = app.address.trim_start_matches("http://");
    let mut idle = TcpStream::connect(address).await.expect("connect");
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n");
    idle.write_all(request.as_bytes()).await.expect("send");
    let closed = closed_after(&mut idle, Duration::from_secs(5)).await;
    assert!(closed.is_some_and(|after| after < Duration::from_secs(3)), "{closed:?}");
}

#[tokio::test]
async fn a_request_past_its_deadline_is_answered_503() {
    let app = spawn_app_with(&[("REQUEST_TIMEOUT_SECS", "1"), ("HEADER_TIMEOUT_SECS", "5")]).await;
    let mut slow = open_slow_post(&app).await;
    let mut answer = String::new();
    let read = tokio::time::timeout(Duration::from_secs(4), slow.read_to_string(&mut answer));
    let _ = read.await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.ends_with("\"unavailable\""), "the typed error: {answer}");
}

#[tokio::test]
async fn shutting_down_finishes_the_request_in_flight_then_stops_at_the_deadline() {
    let (stop, stopped) = oneshot::channel::<()>();
    let (app, serving) = spawn_app_until(&[("SHUTDOWN_TIMEOUT_SECS", "2")], async {
        let _ = stopped.await;
    })
    .await;
    // In flight when the shutdown begins: its answer still arrives.
    let mut finishing = open_slow_post(&app).await;
    // In flight and never finished: the deadline ends it.
    let _stuck = open_slow_post(&app).await;
    let started = Instant::now();
    stop.send(()).expect("the server is running");
    // The shutdown has begun once the server no longer accepts connections.
    let address = app.address.trim_start_matches("http://");
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(address).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting connections 10 s after the stop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    finishing.write_all(b"y").await.expect("the rest of the body");
    let mut answer = [0u8; 12];
    finishing.read_exact(&mut answer).await.expect("an answer during shutdown");
    assert!(answer.starts_with(b"HTTP/1.1"), "{}", String::from_utf8_lossy(&answer));
    let ended = tokio::time::timeout(Duration::from_secs(6), serving).await;
    assert!(ended.is_ok(), "the server stopped within the deadline");
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2), "it waited for the stuck request: {took:?}");
    assert!(
        TcpStream::connect(app.address.trim_start_matches("http://")).await.is_err(),
        "no longer listening"
    );
}

/// How an instance's serving ends.
type Serving = tokio::task::JoinHandle<std::io::Result<()>>;

/// An instance with `settings` that stops when the sender is used, its serving handle, and
/// a member (`ada`, with her address) who has just asked for a reset link: its mail is
/// taken, maybe not yet sent.
async fn reset_asked_then_stopping(
    settings: &[(&str, &str)],
) -> (TestApp, Sender<()>, Serving, String) {
    let (stop, stopped) = oneshot::channel::<()>();
    let (app, serving) = spawn_app_until(settings, async {
        let _ = stopped.await;
    })
    .await;
    let ada = address("ada");
    assert_eq!(sign_up(&app, &browser(), &ada).await.status(), 200);
    assert_eq!(ask(&app, &browser(), &ada).await.status(), 200);
    (app, stop, serving, ada)
}

#[tokio::test]
async fn a_mail_asked_for_just_before_a_shutdown_is_sent_before_the_server_stops() {
    let (app, stop, serving, ada) = reset_asked_then_stopping(&[]).await;
    stop.send(()).expect("the server is running");
    let ended = tokio::time::timeout(Duration::from_secs(10), serving).await;
    assert!(ended.is_ok_and(|served| served.is_ok_and(|served| served.is_ok())), "stopped");
    // Sent by the time the server stopped, not after: the process would be gone by then.
    assert_eq!(app.state.outbox.unsettled(), 0, "nothing left waiting");
    assert_eq!(wait_for_mails(&ada, RESET, 1).await.len(), 1);
}

#[tokio::test]
async fn mail_that_cannot_be_sent_holds_a_shutdown_only_until_its_deadline() {
    // Nothing listens on this loopback port: every try fails, and is tried again 1, 2, 4
    // and 8 s later.
    let settings = [("SMTP_URL", "smtp://127.0.0.1:9"), ("SHUTDOWN_TIMEOUT_SECS", "2")];
    let (app, stop, serving, _) = reset_asked_then_stopping(&settings).await;
    wait_until("the first retry", || {
        app.state.outbox.counts().retried.load(std::sync::atomic::Ordering::Relaxed) >= 1
    })
    .await;
    let started = Instant::now();
    stop.send(()).expect("the server is running");
    let ended = tokio::time::timeout(Duration::from_secs(10), serving).await;
    assert!(ended.is_ok(), "the server stopped within 10 s");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1500), "it waited for the mail: {took:?}");
    assert!(took < Duration::from_secs(5), "and no longer than its deadline: {took:?}");
    assert!(
        logged().contains("mail still unsent at the shutdown deadline"),
        "the loss is logged: {}",
        logged()
    );
}
