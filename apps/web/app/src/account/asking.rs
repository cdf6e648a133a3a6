//! The asking secret: a random value in a `__Host-` cookie, set when this browser asks
//! for a link by mail (a reset link, a sign-in link). The link's token is stored with its
//! digest, so the link does more only in the browser that asked: there it signs in and
//! its guest comes along. One secret serves every link a browser asks for, so asking for
//! a second kind does not orphan the first; it lives as long as the longest link.

use identity::email::{EmailToken, RESET_LIFETIME, TokenDigest};

use crate::server::flash;

const ASKED_COOKIE: &str = "__Host-mail-asked";

/// The digest of this browser's asking secret, made when it has none; the cookie is set
/// (again) to live as long as a link.
pub fn ask() -> TokenDigest {
    let secret = held().unwrap_or_else(EmailToken::random);
    flash::set(ASKED_COOKIE, secret.expose(), RESET_LIFETIME);
    secret.digest()
}

/// The digest of this browser's asking secret, if it holds one.
pub fn asker() -> Option<TokenDigest> {
    held().map(|secret| secret.digest())
}

/// Clears the secret once a link signed in here: a second use of it is a replay.
pub fn forget() {
    flash::take(ASKED_COOKIE);
}

fn held() -> Option<EmailToken> {
    flash::peek(ASKED_COOKIE).and_then(|secret| EmailToken::parse(&secret))
}
