//! Forms that work without JavaScript and are taken over when it runs.

use leptos::{
    prelude::*,
    server_fn::ServerFn,
    wasm_bindgen::JsCast,
    web_sys::{FormData, HtmlFormElement, HtmlInputElement, SubmitEvent},
};

use crate::{
    error::ApiError,
    roster::once::{KEY_FIELD, form_key},
};

/// A form that posts to the server function `S`. Without JavaScript that post is the whole
/// story, with the form's idempotency key in a hidden field (`roster::once`); with it,
/// the submit is taken over and `on_submit` makes the change instead.
/// `unreadable` hears of a submit whose fields do not make `S`'s arguments (only a
/// tampered page sends those).
pub fn form<S>(
    class: &'static str,
    label: Option<&'static str>,
    on_submit: impl Fn(S, HtmlFormElement) + 'static,
    unreadable: impl Fn(ApiError) + 'static,
    children: impl IntoView,
) -> impl IntoView
where
    S: FromFields + 'static,
{
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(form) = event.current_target().and_then(|form| form.dyn_into().ok()) else {
            return;
        };
        match FormData::new_with_form(&form).ok().and_then(|data| S::from_fields(&Fields(data))) {
            Some(args) => on_submit(args, form),
            None => unreadable(ApiError::BadRequest),
        }
    };
    view! {
        <form method="post" action=S::url() class=class aria-label=label on:submit=submit>
            <input type="hidden" name=KEY_FIELD value=form_key() />
            {children}
        </form>
    }
}

/// A submitted form's fields.
#[derive(Debug)]
pub struct Fields(FormData);

impl Fields {
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }

    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.text(name)?.parse().ok()
    }
}

/// Reads a server function's arguments from its form: what Leptos's `FromFormData` does,
/// without compiling a query-string deserializer into the wasm (bench/RESULTS.md, "Figures
/// behind the code's choices").
/// Written with [`form_fields!`](crate::form_fields).
pub trait FromFields: ServerFn {
    fn from_fields(fields: &Fields) -> Option<Self>;
}

/// Writes a server function's arguments as its form posts them, each field's name and
/// text: how the browser calls it (`client::transport::call`), without compiling a
/// query-string serializer into the wasm. Written with [`form_fields!`](crate::form_fields).
pub trait ToFields: ServerFn {
    fn to_fields(&self) -> Vec<(&'static str, String)>;
}

/// Implements [`FromFields`] and [`ToFields`] for server functions, naming each
/// argument's reading: `text` for a string, `parse` for anything with `FromStr` (and
/// `Display`, to write it).
///
/// ```text
/// form_fields! { CreateAvatar { emoji: text, name: text } }
/// ```
#[macro_export]
macro_rules! form_fields {
    ($($function:ident { $($argument:ident: $read:ident),* $(,)? })*) => {
        $(
            impl $crate::components::form::FromFields for $function {
                fn from_fields(fields: &$crate::components::form::Fields) -> Option<Self> {
                    Some($function { $($argument: fields.$read(stringify!($argument))?),* })
                }
            }

            impl $crate::components::form::ToFields for $function {
                fn to_fields(&self) -> Vec<(&'static str, String)> {
                    vec![$((stringify!($argument), self.$argument.to_string())),*]
                }
            }
        )*
    };
}

/// Puts `values` back into the form's empty fields (after a refusal of a form that was
/// cleared at once).
pub fn refill(form: &HtmlFormElement, values: &[(&str, String)]) {
    for (name, value) in values {
        let field = form.query_selector(&format!("[name={name}]")).ok().flatten();
        if let Some(input) = field.and_then(|field| field.dyn_into::<HtmlInputElement>().ok())
            && input.value().is_empty()
        {
            input.set_value(value);
        }
    }
}
