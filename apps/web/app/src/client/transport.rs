//! How the browser calls a server function: Leptos's own `fetch` client, with error
//! answers read by their HTTP status first ([`ApiError::from_answer`]).
//!
//! Leptos's client hands an error answer's body to the error decoder and drops its
//! status, so a refusal whose body is not our JSON (a proxy's error page, a body limit
//! hit before any handler) would read as "no answer" and be retried. Here the status
//! decides: a 401 is `SignedOut`, a 429 `TooManyRequests`, any 5xx `Unavailable`,
//! whatever the body says. (Headers are not read: turning the browser's headers into
//! `http` types compiles the `http` crate's header tables into the wasm: bench/RESULTS.md,
//! "Figures behind the code's choices". Our 429s carry `retry_after` in the body.)

use std::future::Future;

use super::json::{FromJson, JsonText};
use crate::{components::form::ToFields, error::ApiError};
use futures::{Sink, Stream};
use leptos::server_fn::{
    Bytes,
    client::{Client, browser::BrowserClient},
    codec::Post,
    request::browser::BrowserRequest,
    response::{ClientRes, browser::BrowserResponse},
};

thread_local! {
    /// The idempotency key of the change whose request is made next
    /// ([`send_next_with_key`]).
    static SENDING: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The next request made carries the change's idempotency `key`, and whose page made it
/// (`sync::owner`), in its headers (`roster::once`). Called just before the change's call
/// is first polled, which makes the request at once; the request takes the key.
pub fn send_next_with_key(key: &str) {
    SENDING.set(Some(key.to_owned()));
}

/// A new idempotency key: unique to the change, not secret (a key only ever names a
/// change of its own owner's). The time and two random numbers, in base 36.
pub fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::js_sys::{Date, Math, Number};
        // Written by the browser (`toString(36)`): no number formatting in the wasm.
        let base36 =
            |n: f64| String::from(Number::from(n).to_string_with_radix(36).unwrap_or_default());
        base36(Date::now()) + &base36(Math::random()) + &base36(Math::random())
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Every server function's answer (`output = Json`): JSON, as Leptos's own `Json`
/// writes it, read back as text.
pub type Json = Post<JsonText>;

/// Calls the server function `S` from the browser as its form posts it: its fields
/// URL-encoded, its answer read as JSON ([`FromJson`]), a refusal read by its status. One
/// request path for every function, where Leptos's client compiles one per function (its
/// query-string serializer, its request, its answer): bench/RESULTS.md, "One request path
/// for every server function". The request is made when the call is first polled, and
/// takes the key of the change that makes it ([`send_next_with_key`]).
pub async fn call<S>(args: S) -> Result<S::Output, ApiError>
where
    S: ToFields,
    S::Output: FromJson,
{
    let answer = post(S::PATH, &args.to_fields()).await?;
    super::json::parse(&answer).ok_or(ApiError::Unreachable)
}

/// Posts `fields` to `path`; the answer's body, or the refusal it means.
async fn post(path: &'static str, fields: &[(&'static str, String)]) -> Result<String, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::server_fn::request::ClientReq;
        let body = web_sys::UrlSearchParams::new().map_err(|_| ApiError::Unreachable)?;
        for (name, value) in fields {
            body.append(name, value);
        }
        let body = String::from(body.to_string());
        let form = "application/x-www-form-urlencoded";
        let request = <BrowserRequest as ClientReq<ApiError>>::try_new_post(
            path,
            form,
            "application/json",
            body,
        )?;
        let answer = <ApiClient as Client<ApiError>>::send(request).await?;
        let bytes = ClientRes::<ApiError>::try_into_bytes(answer).await?;
        String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::Unreachable)
    }
    // The server runs its functions itself; it never calls them as a browser does.
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (path, fields);
        Err(ApiError::Unreachable)
    }
}

/// The client every server function of the app is called with (`client = ApiClient`).
#[derive(Debug)]
pub struct ApiClient;

/// An answer, with what is needed to read an error from its status.
pub struct ApiResponse {
    inner: BrowserResponse,
    status: u16,
}

impl Client<ApiError> for ApiClient {
    type Request = BrowserRequest;
    type Response = ApiResponse;

    fn send(request: BrowserRequest) -> impl Future<Output = Result<ApiResponse, ApiError>> + Send {
        if let Some(key) = SENDING.take() {
            let headers = request.headers();
            headers.set("idempotency-key", &key);
            if let Some(owner) = super::sync::owner() {
                headers.set("guestroom-made-by", &owner);
            }
        }
        let sent = <BrowserClient as Client<ApiError>>::send(request);
        async move {
            let inner = sent.await?;
            let status = ClientRes::<ApiError>::status(&inner);
            Ok(ApiResponse { inner, status })
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl Sink<Bytes> + Send + 'static,
            ),
            ApiError,
        >,
    > + Send {
        <BrowserClient as Client<ApiError>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<ApiError>>::spawn(future)
    }
}

impl std::fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse").field("status", &self.status).finish_non_exhaustive()
    }
}

impl ApiResponse {
    fn is_error(&self) -> bool {
        (400..=599).contains(&self.status)
    }
}

impl ClientRes<ApiError> for ApiResponse {
    fn try_into_string(self) -> impl Future<Output = Result<String, ApiError>> + Send {
        self.inner.try_into_string()
    }

    /// The body; for an error answer, the error it means (returned as the `Err` that
    /// the call then fails with).
    fn try_into_bytes(self) -> impl Future<Output = Result<Bytes, ApiError>> + Send {
        let (is_error, status) = (self.is_error(), self.status);
        let body = self.inner.try_into_bytes();
        async move {
            let body = body.await?;
            if is_error { Err(ApiError::from_answer(status, &body)) } else { Ok(body) }
        }
    }

    fn try_into_stream(
        self,
    ) -> Result<impl Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, ApiError> {
        self.inner.try_into_stream()
    }

    fn status(&self) -> u16 {
        self.status
    }

    fn status_text(&self) -> String {
        ClientRes::<ApiError>::status_text(&self.inner)
    }

    fn location(&self) -> String {
        ClientRes::<ApiError>::location(&self.inner)
    }

    fn has_redirect(&self) -> bool {
        ClientRes::<ApiError>::has_redirect(&self.inner)
    }
}
