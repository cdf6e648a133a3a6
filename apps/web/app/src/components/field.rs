use leptos::{html, prelude::*};

/// A labelled text input with its error message underneath, tied together for screen
/// readers (`aria-invalid`, `aria-describedby`). `children` go after the input (a
/// picker button, say); `input` lets them reach it. A field rendered with an error (the
/// page after a refused form post) takes the focus, so the keyboard lands where the
/// problem is; a page shows one refusal, so at most one field has it.
#[component]
pub fn Field(
    label: &'static str,
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    error: Signal<Option<String>>,
    #[prop(optional)] input: Option<NodeRef<html::Input>>,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The input's `autocomplete`: `email`, `current-password`… let password managers
    /// do their job.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// An extra class for the wrapper (the emoji field is laid out with its picker).
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let input = input.unwrap_or_default();
    // One template; only the server's copy has `autofocus` (a page with an error on it
    // is always rendered there), which keeps the attribute out of the wasm bundle.
    macro_rules! field {
        ($($focus:tt)*) => {
            view! {
                <div class=format!("field {class}")>
                    <label for=id.clone()>{label}</label>
                    <input
                        $($focus)*
                        node_ref=input
                        id=id
                        name=name
                        type=kind
                        value=value
                        placeholder=placeholder
                        autocomplete=autocomplete
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby=error_id.clone()
                    />
                    {children.map(|children| children())}
                    <p id=error_id class="field-error">{move || error.get()}</p>
                </div>
            }
        };
    }
    #[cfg(feature = "ssr")]
    let field = field!(autofocus = error.with_untracked(Option::is_some));
    #[cfg(not(feature = "ssr"))]
    let field = field!();
    field
}
