use leptos::{html, prelude::*};

/// A labelled text input with its error message underneath, tied together for screen
/// readers (`aria-invalid`, `aria-describedby`). `children` go after the input (a
/// picker button, say); `input` lets them reach it.
#[component]
pub fn Field(
    label: &'static str,
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    error: Signal<Option<String>>,
    #[prop(optional)] input: Option<NodeRef<html::Input>>,
    /// The input's `type` ("text" when not given).
    #[prop(optional)]
    kind: Option<&'static str>,
    /// The input's `autocomplete` ("off" when not given): `email`, `current-password`…
    /// let password managers do their job.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// A line of help under the label, announced with the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// An extra class for the wrapper (the emoji field is laid out with its picker).
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described_by = match &hint_id {
        Some(hint_id) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    let input = input.unwrap_or_default();
    view! {
        <div class=format!("field {class}")>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p id=hint_id class="field-hint">{hint}</p> })}
            <input
                node_ref=input
                id=id
                name=name
                type=kind.unwrap_or("text")
                value=value
                placeholder=placeholder
                autocomplete=autocomplete.unwrap_or("off")
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
            />
            {children.map(|children| children())}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
    .into_any()
}
