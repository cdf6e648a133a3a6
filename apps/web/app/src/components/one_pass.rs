//! An erased view that the server writes straight into the page.
//!
//! Leptos renders a page through its streaming writer (`to_html_async_with_buf`), which
//! writes each element's opening and closing tags into two strings of their own, grows
//! them as the attributes are written, and then copies them into the page. On the roster
//! page that growth and copying was 12% of the server's instructions for the whole request
//! (bench/RESULTS.md, "the page written in one pass"). Nothing in the island waits on
//! data (the page's data is loaded before rendering starts), so streaming buys it nothing:
//! this view takes the writer's default, which renders the whole view in one synchronous
//! pass into the page's own buffer. The HTML is the same byte for byte.

use leptos::tachys::{
    html::attribute::{Attribute, any_attribute::AnyAttribute},
    hydration::Cursor,
    view::{
        Position, PositionState, Render, RenderHtml,
        add_attr::AddAnyAttr,
        any_view::{AnyView, AnyViewState, AnyViewWithAttrs},
    },
};

/// An `AnyView` rendered in one pass when the page is streamed (see the module's note).
pub struct InOnePass(pub AnyView);

impl Render for InOnePass {
    type State = AnyViewState;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl AddAnyAttr for InOnePass {
    type Output<SomeNewAttr: Attribute> = AnyViewWithAttrs;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

/// Everything but `to_html_async_with_buf` is `AnyView`'s; that one is left to the trait's
/// default, which is the point of this type.
impl RenderHtml for InOnePass {
    type AsyncOutput = Self;
    type Owned = Self;
    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        Self(self.0.resolve().await)
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}
