use leptos::{html, prelude::*};

/// A labelled text input with its error message underneath, tied together for screen
/// readers (`aria-invalid`, `aria-describedby`). `children` go after the input (a
/// picker button, say); `input` lets them reach it. A field rendered with an error (the
/// page after a refused form post) takes the focus, so the keyboard lands where the
/// problem is; a page shows one refusal, so at most one field has it.
///
/// `Children` are an erased view, and every erased view brings its asynchronous
/// hydration into the wasm, which an island never uses. The island's one field with
/// something after its input renders [`FieldParts::view`] instead, which takes that
/// content with its type (about 13 KB of the wasm, bench/RESULTS.md).
#[component]
pub fn Field(
    label: &'static str,
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    /// What the field takes, said under it before anyone gets it wrong ("Up to 40
    /// characters.").
    #[prop(optional)]
    hint: &'static str,
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
    let parts = FieldParts {
        label,
        id,
        name,
        value,
        placeholder,
        hint,
        error,
        input: input.unwrap_or_default(),
        kind,
        autocomplete,
        class,
    };
    parts.view(children.map(|children| children()))
}

/// What a [`Field`] is made of, for rendering one with [`FieldParts::view`].
#[derive(Debug)]
pub struct FieldParts {
    pub label: &'static str,
    pub id: String,
    pub name: &'static str,
    pub value: String,
    pub placeholder: &'static str,
    pub hint: &'static str,
    pub error: Signal<Option<String>>,
    pub input: NodeRef<html::Input>,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub class: &'static str,
}

impl FieldParts {
    /// The field, with `after` (if any) after its input.
    pub fn view(self, after: Option<impl IntoView>) -> impl IntoView {
        let FieldParts {
            label,
            id,
            name,
            value,
            placeholder,
            hint,
            error,
            input,
            kind,
            autocomplete,
            class,
        } = self;
        // Joined with `concat`, not `format!`: the roster page has about twenty fields, and
        // the formatting machinery was 3% of the server's instructions for it
        // (bench/RESULTS.md).
        let error_id = [&id, "-error"].concat();
        let hint_id = [&id, "-hint"].concat();
        let described_by =
            if hint.is_empty() { error_id.clone() } else { [&hint_id, " ", &error_id].concat() };
        let hint =
            (!hint.is_empty()).then(|| view! { <p id=hint_id class="field-hint">{hint}</p> });
        // One template; only the server's copy has `autofocus` (a page with an error on
        // it is always rendered there), which keeps the attribute out of the wasm bundle.
        macro_rules! field {
            ($($focus:tt)*) => {
                view! {
                    <div class=["field ", class].concat()>
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
                            aria-describedby=described_by
                        />
                        {after}
                        {hint}
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
}
