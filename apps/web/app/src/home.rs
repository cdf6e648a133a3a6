//! The home page (`/`) in its plain state, written from a template of itself.
//!
//! With its rows written from their templates, Leptos's render of the rest of the page
//! (the shell, the header, the add form, the router and the reactive graph under them)
//! still ran through twice the instruction cache the hand-written page does, and was
//! the whole of its gap (bench/RESULTS.md, "where the page's time goes, bounded"). Most
//! pages are plain: a guest or a member with no message to show, no refused form and a
//! list that was read. Such a page is the same HTML each time but for its nonce, who is
//! asking, the roster's data, the rows and the form keys; so the server (`pages`) renders
//! the page once for a stand-in request ([`stand_in`]), cuts it at the marks there
//! (`server::template`), and writes every plain page ([`plain`]) from that template.
//! Anything else — a notice, an Undo, a refused form, a sign-in's waiting guest, a list
//! that could not be read, a query — is rendered in full.
//!
//! The render stays the one source of the page's HTML. A template is checked when it is
//! made, against a render for other stand-in values, and in debug builds every page
//! written from one is checked against its full render (so every page the browser
//! suite loads is).

use http::{Method, request::Parts};
use identity::{
    OwnerId, Viewer, WaitingGuest,
    http::cookies::{GUEST_COOKIE, SESSION_COOKIE, cookies},
};

use crate::{
    account::{SessionEnded, ViewerView, guest_tag},
    roster::{AvatarView, LIST_HOLE, ListHole, RosterPageData, Rows, waiting::Waiting},
    server::template::{Escape, Mark},
};

/// What varies in the page besides its values: who it is for, and whether the list is
/// empty (its place then says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub member: bool,
    pub empty: bool,
}

impl Shape {
    /// How many shapes there are: [`Shape::index`] is below it.
    pub const COUNT: usize = 4;

    pub fn index(self) -> usize {
        usize::from(self.member) | usize::from(self.empty) << 1
    }
}

/// A page's values, in the order of its marks: who is asking (a guest's tag, a member's
/// name), and the roster's data as its section carries it (JSON). Its rows follow, where
/// the last mark is ([`Plain::rows`]).
pub type Values = [String; 2];

/// A request whose page can be written from a template: see [`plain`].
#[derive(Debug)]
pub struct Plain<'a> {
    pub shape: Shape,
    who: String,
    data: &'a RosterPageData,
}

impl Plain<'_> {
    /// The page's values.
    pub fn values(&self) -> Option<Values> {
        Some([self.who.clone(), serde_json::to_string(self.data).ok()?])
    }

    /// The page's rows; `None` when one would be rendered as a view (or the rows'
    /// templates are not made yet: they are made with the page's).
    pub fn rows(&self) -> Option<Rows<'_>> {
        Rows::of(self.data.roster.as_ref().ok()?)
    }
}

/// The request's page, when it is plain: a GET of `/` with no query, carrying no cookie
/// but the identity's (each message to the next page rides in a cookie of its own), for
/// a viewer whose session did not just end and with no guest waiting at a sign-in, with
/// a list that was read. `None` for any other: it is rendered in full.
pub fn plain(parts: &Parts) -> Option<Plain<'_>> {
    if parts.method != Method::GET || parts.uri.path() != "/" || parts.uri.query().is_some() {
        return None;
    }
    if !only_identity_cookies(parts) {
        return None;
    }
    let extensions = &parts.extensions;
    if extensions.get::<SessionEnded>().is_some()
        || extensions.get::<Waiting>().is_some()
        || extensions.get::<WaitingGuest>().is_some()
    {
        return None;
    }
    let data = extensions.get::<RosterPageData>()?;
    let empty = data.roster.as_ref().ok()?.is_empty();
    let (member, who) = match (extensions.get::<Viewer>()?, extensions.get::<ViewerView>()?) {
        (Viewer::Guest { sid }, ViewerView::Guest) => (false, guest_tag(*sid)),
        (Viewer::Member { .. }, ViewerView::Member { name }) => (true, name.clone()),
        _ => return None,
    };
    Some(Plain { shape: Shape { member, empty }, who, data })
}

/// Whether every cookie the request carries is the guest's or the session's, read as the
/// page reads cookies (`cookie_values`, through `server::flash`).
fn only_identity_cookies(parts: &Parts) -> bool {
    cookies(&parts.headers).all(|(name, _)| name == GUEST_COOKIE || name == SESSION_COOKIE)
}

/// A request for the page of a shape, with marks in place of its values.
#[derive(Debug)]
pub struct StandIn {
    pub request: Parts,
    /// The marks as they stand in the page, in the order of [`Values`], then the rows'.
    pub marks: [Mark; 3],
    /// The marks as values: what a page written from a template must hold to be the
    /// stand-in's render.
    pub values: Values,
}

/// The stand-in request for the page of `shape`. `variant` (0 or 1) picks one of two sets
/// of marks: a template cut from one is checked against a render of the other. The list
/// is left as a hole ([`ListHole`]).
pub fn stand_in(shape: Shape, variant: u8) -> StandIn {
    let mark = |name: &str| format!("\u{E000}{name}-{variant}\u{E000}");
    // A guest's tag is the start of its sid: hex digits, told apart by their order.
    let sid = if variant == 0 { 0xa1b2_c3d4_u128 } else { 0xd4c3_b2a1 } << 96 | 0x4000_8000_0000;
    let id = OwnerId::from_uuid(uuid::Uuid::from_u128(sid));
    let (viewer, view, who) = if shape.member {
        // The page does not show when the member signed in.
        let auth_time = chrono::DateTime::UNIX_EPOCH;
        let viewer = Viewer::Member { user_id: id, auth_time, version: 0, session: None };
        let name = mark("who");
        (viewer, ViewerView::Member { name: name.clone() }, name)
    } else {
        (Viewer::Guest { sid: id }, ViewerView::Guest, guest_tag(id))
    };
    let list = if shape.empty {
        Vec::new()
    } else {
        vec![AvatarView {
            id: mark("id"),
            emoji: mark("emoji"),
            name: mark("name"),
            is_active: true,
            position: 0,
        }]
    };
    let data = RosterPageData { cache_owner: mark("owner"), roster: Ok(list) };
    let written = serde_json::to_string(&data).expect("the page's data is written as JSON");
    let (mut parts, ()) = http::Request::get("/").body(()).expect("a GET of /").into_parts();
    parts.extensions.insert(viewer);
    parts.extensions.insert(view);
    parts.extensions.insert(data);
    parts.extensions.insert(ListHole);
    let as_placed = |text: String| Mark { text, escape: Escape::AsPlaced };
    let marks = [
        as_placed(who.clone()),
        as_placed(html_escape::encode_double_quoted_attribute(&written).into_owned()),
        Mark { text: LIST_HOLE.to_owned(), escape: Escape::None },
    ];
    StandIn { request: parts, marks, values: [who, written] }
}

#[cfg(test)]
mod tests {
    use http::header::COOKIE;

    use super::*;
    use crate::{account::SessionEnded, error::ApiError};

    const ALL: [Shape; Shape::COUNT] = [
        Shape { member: false, empty: false },
        Shape { member: true, empty: false },
        Shape { member: false, empty: true },
        Shape { member: true, empty: true },
    ];

    /// A GET of `path` for a guest with one avatar, its identity's cookie and `cookies`.
    fn request(path: &str, cookies: &str) -> Parts {
        let StandIn { request, .. } = stand_in(Shape { member: false, empty: false }, 0);
        let (mut parts, ()) = http::Request::get(path)
            .header(COOKIE, format!("{GUEST_COOKIE}=token{cookies}"))
            .body(())
            .expect("a request")
            .into_parts();
        parts.extensions = request.extensions;
        parts.extensions.remove::<ListHole>();
        parts
    }

    #[test]
    fn a_guest_or_member_page_with_nothing_to_say_is_plain() {
        let parts = request("/", &format!("; {SESSION_COOKIE}=s"));
        let guest = plain(&parts).expect("plain");
        assert_eq!(guest.shape, Shape { member: false, empty: false });
        assert_eq!(guest.who, "a1b2c3d4");

        let mut parts = request("/", "");
        let StandIn { request: member, .. } = stand_in(Shape { member: true, empty: true }, 1);
        parts.extensions = member.extensions;
        let member = plain(&parts).expect("plain");
        assert_eq!(member.shape, Shape { member: true, empty: true });
        assert_eq!(member.who, "\u{E000}who-1\u{E000}");
    }

    /// Each of these carries something the page shows or reads besides its values.
    #[test]
    fn a_page_with_a_message_a_query_or_an_error_is_rendered_in_full() {
        for (path, cookies) in [
            ("/?error=bad_request", ""),
            ("/signin", ""),
            ("/", "; __Host-notice=signed_in"),
            ("/", "; __Host-form=x"),
            ("/", "; __Host-undo=x"),
            ("/", "; other=1"),
        ] {
            assert!(plain(&request(path, cookies)).is_none(), "{path} {cookies}");
        }
        let mut head = request("/", "");
        head.method = Method::HEAD;
        assert!(plain(&head).is_none(), "HEAD");
        let mut ended = request("/", "");
        ended.extensions.insert(SessionEnded);
        assert!(plain(&ended).is_none(), "a session that ended");
        let mut unread = request("/", "");
        unread.extensions.insert(RosterPageData {
            cache_owner: String::new(),
            roster: Err(ApiError::Unavailable),
        });
        assert!(plain(&unread).is_none(), "a list that could not be read");
        let mut mismatched = request("/", "");
        mismatched.extensions.insert(ViewerView::Member { name: "Ann".into() });
        assert!(plain(&mismatched).is_none(), "a guest shown as a member");
    }

    /// A template cut from one stand-in is checked against the other's render: no mark of
    /// one may be in the other, or the check could not fail.
    #[test]
    fn the_two_stand_ins_share_no_mark() {
        for shape in ALL {
            let [first, second] = [0, 1].map(|variant| stand_in(shape, variant));
            for (one, other) in first.marks.iter().zip(&second.marks) {
                if one.text != LIST_HOLE {
                    assert!(!other.text.contains(&one.text) && !one.text.contains(&other.text));
                }
            }
            assert_eq!(first.marks[2].text, LIST_HOLE);
        }
        let indexes: Vec<usize> = ALL.iter().map(|shape| shape.index()).collect();
        assert_eq!(indexes, [0, 1, 2, 3]);
    }
}
