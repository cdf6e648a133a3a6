//! The JSON every server function answers in, read from text (below the error type,
//! which reads its codes with it, and the transport, which calls with it).

use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{Serialize, de::DeserializeOwned};

/// JSON read with `serde_json::from_str` where Leptos's encoding uses `from_slice`. The
/// island's props are read from text, and every type read both ways has its decoder
/// compiled into the wasm twice (bench/RESULTS.md).
#[derive(Debug)]
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        serde_json::from_str(read_text(&bytes)?)
    }
}

/// `bytes` as text, for [`JsonText`]; JSON is UTF-8 by definition.
pub fn read_text(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(bytes)
        .map_err(|_| <serde_json::Error as serde::de::Error>::custom("the answer is not UTF-8"))
}
