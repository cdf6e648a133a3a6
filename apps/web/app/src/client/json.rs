//! The JSON every server function answers in: written by serde on the server
//! ([`JsonText`]), read in the browser by the browser's own `JSON.parse` ([`FromJson`]).
//!
//! The browser reads few types (the roster's page data, an avatar, a list of them, a
//! refused form, an error code), and serde_json's reader, serde's derived visitors and
//! the float formatting its error messages reach were a seventh of the browser's
//! wasm: `bench/RESULTS.md`, "JSON read by the browser".

use leptos::{
    server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType},
    wasm_bindgen::{JsCast, JsValue},
    web_sys::js_sys,
};
use serde::{Serialize, de::DeserializeOwned};

/// Every server function's answer format (`output = Json`): serde_json writes it. Leptos's
/// own client would read it back with the decoder below; the browser reads it with
/// [`FromJson`] instead (`transport::call`), so that decoder is never compiled into the
/// wasm.
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
fn read_text(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(bytes)
        .map_err(|_| <serde_json::Error as serde::de::Error>::custom("the answer is not UTF-8"))
}

/// An error answer's body: the error's code as a JSON string (`"signed_out"`). Codes are
/// ASCII words without escapes (`error::code`), so anything else is not one.
pub fn read_code(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let code = text.strip_prefix('"')?.strip_suffix('"')?;
    (!code.contains(['"', '\\'])).then_some(code)
}

/// A type the browser reads from JSON: from a value `JSON.parse` made, `None` when the
/// value is not of its shape.
pub trait FromJson: Sized {
    fn from_json(value: &JsValue) -> Option<Self>;
}

/// Reads `text` as a `T` (browser only: `JSON.parse` is the browser's).
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&js_sys::JSON::parse(text).ok()?)
}

/// The member `name` of the object `value`.
pub fn member<T: FromJson>(value: &JsValue, name: &str) -> Option<T> {
    T::from_json(&js_sys::Reflect::get(value, &JsValue::from_str(name)).ok()?)
}

impl FromJson for String {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJson for bool {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJson for i32 {
    fn from_json(value: &JsValue) -> Option<Self> {
        let number = value.as_f64()?;
        let whole = number as i32;
        (f64::from(whole) == number).then_some(whole)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &JsValue) -> Option<Self> {
        let array = value.dyn_ref::<js_sys::Array>()?;
        array.iter().map(|item| T::from_json(&item)).collect()
    }
}

/// As serde writes a `Result`: `{"Ok": …}` or `{"Err": …}`.
impl<T: FromJson, E: FromJson> FromJson for Result<T, E> {
    fn from_json(value: &JsValue) -> Option<Self> {
        member(value, "Ok").map(Ok).or_else(|| member(value, "Err").map(Err))
    }
}

/// Implements [`FromJson`] for structs serde writes as objects, member by member.
#[macro_export]
macro_rules! from_json {
    ($($type:ident { $($field:ident),* $(,)? })*) => {
        $(
            impl $crate::client::json::FromJson for $type {
                fn from_json(value: &leptos::wasm_bindgen::JsValue) -> Option<Self> {
                    use $crate::client::json::member;
                    Some($type { $($field: member(value, stringify!($field))?),* })
                }
            }
        )*
    };
}
