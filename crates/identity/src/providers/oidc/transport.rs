use std::time::Duration;

use openidconnect::reqwest;

/// Calls to the provider give up after this long: a person is waiting.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A connection to the provider left idle this long is closed, not used again.
///
/// A server closes an idle connection after a while of its own (Node's and Apache's
/// default is 5 s), and a request written into a connection just as the server closes it
/// fails as "could not be reached" with the provider up: CI once failed a sign-in that way.
/// Closing first, well under those 5 s, leaves no such moment. The calls of one sign-in
/// follow each other within milliseconds and still share a connection.
const IDLE: Duration = Duration::from_secs(2);
const _: () = assert!(IDLE.as_secs() < 5, "closed before common servers close them");

/// The client: no redirects (a provider's endpoints answer directly, and following them
/// would let a tampered discovery document point us anywhere), [`TIMEOUT`], [`IDLE`].
pub(super) fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .pool_idle_timeout(IDLE)
        .build()
        .map_err(|error| format!("HTTP client: {error}"))
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::{TcpListener, TcpStream},
    };

    use super::*;

    /// Answers each request on `stream` with an empty 200 and keeps the connection open.
    async fn answer_each(mut stream: TcpStream) {
        let mut head = Vec::new();
        let mut buffer = [0; 1024];
        while let Ok(read @ 1..) = stream.read(&mut buffer).await {
            head.extend_from_slice(&buffer[..read]);
            while let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                head = head.split_off(end + 4);
                let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                if stream.write_all(ok).await.is_err() {
                    return;
                }
            }
        }
    }

    #[tokio::test]
    async fn a_connection_is_used_again_soon_after_and_not_once_idle() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/", listener.local_addr().expect("bound"));
        let opened = Arc::new(AtomicUsize::new(0));
        tokio::spawn({
            let opened = opened.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    opened.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(answer_each(stream));
                }
            }
        });
        let client = client().expect("a client");
        let get = async || client.get(&url).send().await.expect("answered").status();

        assert!(get().await.is_success());
        // A connection goes back to the pool from a task of its own: given a moment.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(get().await.is_success());
        assert_eq!(opened.load(Ordering::SeqCst), 1, "one after the other: one connection");

        tokio::time::sleep(IDLE + Duration::from_millis(500)).await;
        assert!(get().await.is_success());
        assert_eq!(opened.load(Ordering::SeqCst), 2, "after IDLE: a new connection");
    }
}
