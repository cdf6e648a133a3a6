use std::sync::Arc;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use chrono::{DateTime, Duration, Utc};
use http::{HeaderMap, HeaderValue, Method, header};

use crate::{
    Clock, GuestTokens, IdentityStore, Keyring, OwnerId, Session, SessionPolicy, SessionTokens,
    Viewer,
    account::{Member, Upgrade},
    devices::Continued,
    http::{
        Refusal,
        cookies::{GUEST_COOKIE, SESSION_COOKIE, clear_cookie, cookie_values, set_cookie},
    },
    token::guest::DEFAULT_GUEST_LIFETIME,
};

/// A guest token older than this is re-issued with the same sid, so a guest who keeps
/// coming back keeps their roster instead of losing it when the token expires.
pub const DEFAULT_GUEST_REFRESH_AFTER: Duration = Duration::days(1);

/// The identity layer's state: token codecs, the clock, the store, and which paths it
/// leaves alone. Cheap to clone.
#[derive(Debug)]
pub struct Identity<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for Identity<S> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner) }
    }
}

#[derive(Debug)]
struct Inner<S> {
    guests: GuestTokens,
    guest_refresh_after: Duration,
    sessions: SessionTokens,
    clock: Arc<dyn Clock>,
    store: S,
    static_prefixes: Vec<String>,
}

/// How the identity layer behaves; `Default` is what DESIGN.md specifies.
#[derive(Clone, Debug)]
pub struct IdentityOptions {
    pub guest_lifetime: Duration,
    pub session_policy: SessionPolicy,
    /// Path prefixes the middleware passes through untouched: static assets and health
    /// checks get no identity and no cookie.
    pub skip_prefixes: Vec<String>,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        Self {
            guest_lifetime: DEFAULT_GUEST_LIFETIME,
            session_policy: SessionPolicy::default(),
            skip_prefixes: Vec::new(),
        }
    }
}

impl<S: IdentityStore> Identity<S> {
    pub fn new(keys: Keyring, store: S, clock: Arc<dyn Clock>, options: IdentityOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                guests: GuestTokens::new(keys.clone(), options.guest_lifetime),
                guest_refresh_after: DEFAULT_GUEST_REFRESH_AFTER.min(options.guest_lifetime),
                sessions: SessionTokens::new(keys, options.session_policy),
                clock,
                store,
                static_prefixes: options.skip_prefixes,
            }),
        }
    }

    pub fn guests(&self) -> &GuestTokens {
        &self.inner.guests
    }

    pub fn sessions(&self) -> &SessionTokens {
        &self.inner.sessions
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// The cookies of a sign-up or sign-in: a fresh session for the upgraded member, and
    /// the guest cookie cleared — or, when the guest's avatars wait for the member to
    /// choose what to keep ([`Upgrade::waiting_guest`]), kept (re-issued), so that the
    /// choice, or a sign-out, finds them. Only an [`Upgrade`] opens a session for a
    /// browser that is not signed in, and only the account rules make one, each where the
    /// browser's guest went along (the one merge: `AccountStore::create_member_from_guest`
    /// or `merge_guest_into_member`), so no way to sign in can forget the guest. Nothing
    /// of the guest's token carries over into the session.
    pub fn signed_in_cookies(&self, upgrade: &Upgrade) -> [HeaderValue; 2] {
        let member = &upgrade.member;
        let guest = match upgrade.waiting_guest {
            Some(sid) => self.guest_cookie(sid),
            None => clear_cookie(GUEST_COOKIE),
        };
        [guest, self.session_cookie(member.id, member.session_version)]
    }

    /// The end of a session in a browser where a sign-in may have left a guest waiting:
    /// that guest back, with its avatars (they never became the member's), and the
    /// cookies that make it so; or else a brand-new guest ([`Identity::fresh_guest`]).
    pub fn signed_out(&self, waiting: Option<WaitingGuest>) -> (Viewer, [HeaderValue; 2]) {
        match waiting {
            Some(WaitingGuest { sid }) => {
                (Viewer::Guest { sid }, [clear_cookie(SESSION_COOKIE), self.guest_cookie(sid)])
            }
            None => self.fresh_guest(),
        }
    }

    /// The cookie that makes this browser the guest a device code carried it to: issued
    /// now, so nothing of the browser's own token carries over. Only a spent code makes a
    /// [`Continued`].
    pub fn continued_guest_cookie(&self, continued: &Continued) -> HeaderValue {
        self.guest_cookie(continued.guest)
    }

    /// Once the member chose what to keep of a waiting guest's avatars: the guest is
    /// merged, and its cookie goes.
    pub fn settled_guest_cookie(&self) -> HeaderValue {
        clear_cookie(GUEST_COOKIE)
    }

    /// A new session for the member this browser is signed in as, after a change that
    /// ended every session (a new password, a new address), so that this one goes on.
    /// `None` when `viewer` is not that member: a browser that is not signed in gets a
    /// session from an [`Upgrade`] only.
    pub fn renewed_session_cookie(&self, viewer: Viewer, member: &Member) -> Option<HeaderValue> {
        matches!(viewer, Viewer::Member { user_id, .. } if user_id == member.id)
            .then(|| self.session_cookie(member.id, member.session_version))
    }

    /// The only place a member session is issued outside the middleware's own refresh
    /// (the census test in the server's tests holds it so).
    fn session_cookie(&self, member: OwnerId, version: i32) -> HeaderValue {
        let now = self.now();
        let sessions = &self.inner.sessions;
        let token = sessions.issue(member, version, now, now);
        let max_age = sessions.policy().expiry(now, now) - now;
        set_cookie(SESSION_COOKIE, &token, max_age)
    }

    /// The cookie that makes a browser a brand-new guest from its next request on, for a
    /// browser whose guest turned out to be retired: another holder of the same cookie
    /// made it a member, and the account is theirs alone. A member session the browser
    /// holds is left alone (a write sent just before this browser's own sign-up finds its
    /// guest retired too, and must not sign it out).
    pub fn new_guest_cookie(&self) -> HeaderValue {
        self.guest_cookie(OwnerId::random())
    }

    /// A guest cookie for `sid`, issued now.
    fn guest_cookie(&self, sid: OwnerId) -> HeaderValue {
        let guests = &self.inner.guests;
        set_cookie(GUEST_COOKIE, &guests.issue(sid, self.now()), guests.lifetime())
    }

    /// The end of a session (a sign-out, or a session found revoked): a brand-new guest
    /// (a new sid, owning nothing) and the cookies that make it so — the session cleared,
    /// the guest set — so the next person at this browser sees nothing of the member's.
    pub fn fresh_guest(&self) -> (Viewer, [HeaderValue; 2]) {
        let sid = OwnerId::random();
        (Viewer::Guest { sid }, [clear_cookie(SESSION_COOKIE), self.guest_cookie(sid)])
    }

    /// Whether `viewer`'s session is still current (a guest's always is), for an endpoint
    /// that acts on a `GET`: the middleware checks the session on writes only. A store
    /// failure reads as ended.
    pub async fn session_is_current(&self, viewer: Viewer) -> bool {
        match viewer {
            Viewer::Member { user_id, version, session, .. } => matches!(
                self.inner.store.session_version(user_id, session).await,
                Ok(Some(current)) if current == version
            ),
            Viewer::Guest { .. } => true,
        }
    }

    fn is_skipped(&self, path: &str) -> bool {
        self.inner.static_prefixes.iter().any(|prefix| path.starts_with(prefix.as_str()))
    }

    /// The member the request's session cookie names, if the session is valid. A cookie
    /// that does not verify, or whose session was revoked, is cleared and the request
    /// goes on as a guest; a *write* with a revoked session is refused instead, rather
    /// than silently made as someone else.
    async fn member(
        &self,
        method: &Method,
        headers: &HeaderMap,
        now: DateTime<Utc>,
        cookies: &mut Vec<HeaderValue>,
    ) -> Result<Option<Viewer>, Response> {
        let sessions = &self.inner.sessions;
        let mut tokens = cookie_values(headers, SESSION_COOKIE).peekable();
        if tokens.peek().is_none() {
            return Ok(None);
        }
        let Some(session) = tokens.find_map(|token| sessions.verify(token, now).ok()) else {
            cookies.push(clear_cookie(SESSION_COOKIE));
            return Ok(None);
        };
        let refreshed = sessions.refresh(&session, now);
        let is_write = !is_safe(method);
        if (is_write || refreshed.is_some()) && !self.is_current(&session, headers).await? {
            if is_write {
                crate::audit::record("revoked_session", "refused", Some(session.member), None);
                let mut response = Refusal::SignedOut.respond(headers);
                response.headers_mut().append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
                return Err(response);
            }
            cookies.push(clear_cookie(SESSION_COOKIE));
            return Ok(None);
        }
        if let Some(token) = refreshed {
            let max_age = sessions.policy().expiry(session.auth_time, now) - now;
            cookies.push(set_cookie(SESSION_COOKIE, &token, max_age));
        }
        Ok(Some(Viewer::Member {
            user_id: session.member,
            auth_time: session.auth_time,
            version: session.version,
            session: session.id,
        }))
    }

    /// Whether the session is still current: its member exists, has not bumped its
    /// `session_version` since, and has not signed this session out. A store failure is a
    /// 503, never a silent pass.
    async fn is_current(&self, session: &Session, headers: &HeaderMap) -> Result<bool, Response> {
        let store = &self.inner.store;
        let current = store.session_version(session.member, session.id).await.map_err(|error| {
            tracing::error!(error = &error as &dyn std::error::Error, "session check failed");
            Refusal::Unavailable.respond(headers)
        })?;
        Ok(current.is_some_and(|current| session.check_version(current).is_ok()))
    }

    /// The guest whose cookie a member's browser carries beside the session: one a
    /// sign-in left waiting ([`WaitingGuest`]). Only a signature check; no cookie changes.
    fn guest_beside_session(&self, headers: &HeaderMap, now: DateTime<Utc>) -> Option<OwnerId> {
        let guests = &self.inner.guests;
        cookie_values(headers, GUEST_COOKIE)
            .find_map(|token| guests.verify(token, now).ok())
            .map(|token| token.sid)
    }

    /// The guest the request carries, re-issued when due (a returning guest); or a
    /// brand-new guest.
    fn guest(
        &self,
        headers: &HeaderMap,
        now: DateTime<Utc>,
        cookies: &mut Vec<HeaderValue>,
    ) -> (Viewer, GuestVisit) {
        let guests = &self.inner.guests;
        let verified =
            cookie_values(headers, GUEST_COOKIE).find_map(|token| guests.verify(token, now).ok());
        match verified {
            Some(token) if now - token.issued_at < self.inner.guest_refresh_after => {
                (Viewer::Guest { sid: token.sid }, GuestVisit::Known)
            }
            Some(token) => {
                cookies.push(set_cookie(
                    GUEST_COOKIE,
                    &guests.issue(token.sid, now),
                    guests.lifetime(),
                ));
                (Viewer::Guest { sid: token.sid }, GuestVisit::Returning)
            }
            None => {
                let sid = OwnerId::random();
                cookies.push(set_cookie(GUEST_COOKIE, &guests.issue(sid, now), guests.lifetime()));
                (Viewer::Guest { sid }, GuestVisit::New)
            }
        }
    }
}

/// How the request's viewer came to be, for what the middleware does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GuestVisit {
    /// A member, or a guest whose token was recent.
    Known,
    /// A guest whose token was re-issued: the first visit in a day.
    Returning,
    /// A guest minted by this request.
    New,
}

fn sets_identity_cookie(headers: &HeaderMap) -> bool {
    headers.get_all(header::SET_COOKIE).iter().any(|cookie| {
        let name = cookie.as_bytes().split(|byte| *byte == b'=').next().unwrap_or_default();
        name == GUEST_COOKIE.as_bytes() || name == SESSION_COOKIE.as_bytes()
    })
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Put in a request's extensions, next to its [`Viewer`], when the guest was minted by
/// this very request: it owns nothing yet, so a page can skip reading its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewGuest;

/// Put in a request's extensions, next to a member's [`Viewer`], when the browser also
/// carries a guest's cookie: a guest a sign-in left waiting, its avatars still its own,
/// because the member's roster had no room for them all ([`Upgrade::waiting_guest`]).
/// Whether it still waits (not merged since, avatars left) is the store's to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitingGuest {
    pub sid: OwnerId,
}

/// The identity middleware. For every request it does not skip, it works out the
/// [`Viewer`] — the member session if valid, else the guest token if valid, else a new
/// guest (also marked [`NewGuest`]) — puts it in the request's extensions (so even the
/// first render of a new guest is that guest's), and adds any cookie changes to the
/// response. A write with a revoked session is refused with [`Refusal::SignedOut`]. It
/// touches the database only to check revocation on writes and session refreshes, and to
/// mark a returning guest seen (once a day per guest).
///
/// ```text
/// router.layer(axum::middleware::from_fn_with_state(identity, identity::identify::<MyStore>))
/// ```
pub async fn identify<S: IdentityStore>(
    State(identity): State<Identity<S>>,
    mut request: Request,
    next: Next,
) -> Response {
    if identity.is_skipped(request.uri().path()) {
        return next.run(request).await;
    }
    let now = identity.now();
    let mut cookies = Vec::new();
    let (method, headers) = (request.method(), request.headers());
    let (viewer, visit) = match identity.member(method, headers, now, &mut cookies).await {
        Ok(Some(member)) => (member, GuestVisit::Known),
        Ok(None) => identity.guest(headers, now, &mut cookies),
        Err(response) => return response,
    };
    if let (Viewer::Guest { sid }, GuestVisit::Returning) = (viewer, visit)
        && let Err(error) = identity.inner.store.guest_seen(sid).await
    {
        // Only the sweep's clock is late: the request goes on.
        tracing::warn!(error = &error as &dyn std::error::Error, "marking a guest seen");
    }
    let new_guest = (visit == GuestVisit::New).then_some(NewGuest);
    let waiting = match viewer {
        Viewer::Member { .. } => identity.guest_beside_session(headers, now),
        Viewer::Guest { .. } => None,
    };
    request.extensions_mut().insert(viewer);
    if let Some(sid) = waiting {
        request.extensions_mut().insert(WaitingGuest { sid });
    }
    if let Some(new_guest) = new_guest {
        request.extensions_mut().insert(new_guest);
    }
    let mut response = next.run(request).await;
    // A request refused for its rate mints nothing: the refused client gets no fresh
    // guest to carry on with.
    if visit == GuestVisit::New && response.status() == http::StatusCode::TOO_MANY_REQUESTS {
        cookies.clear();
    }
    // A handler that changed the identity (sign-in, sign-out) set the cookies itself;
    // the middleware's own (a minted or refreshed token) would undo that.
    if sets_identity_cookie(response.headers()) {
        cookies.clear();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    if !cookies.is_empty() {
        let headers = response.headers_mut();
        for cookie in cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
        // A response that sets an identity must never be stored by a shared cache and
        // handed to someone else.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}
