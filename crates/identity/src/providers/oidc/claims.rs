use openidconnect::{
    EndUserEmail, EndUserName, LocalizedClaim, Nonce,
    core::{CoreIdToken, CoreIdTokenVerifier, CoreUserInfoClaims},
};

use super::OidcError;
use crate::{
    account::{DisplayName, Email},
    providers::{Link, ProviderIdentity},
};

/// What a stored link may hold (OpenID Connect caps `sub` at 255 ASCII characters).
const MAX_CLAIM_LEN: usize = 255;

/// The verified token's identity: `iss` and `sub`; the email only when the provider says
/// it verified it (an unverified email must never find or make an account); the name
/// when it makes a display name.
pub(super) fn identity(
    provider: &str,
    token: &CoreIdToken,
    verifier: &CoreIdTokenVerifier<'_>,
    nonce: &Nonce,
) -> Result<ProviderIdentity, OidcError> {
    let claims =
        token.claims(verifier, nonce).map_err(|error| OidcError::Rejected(error.to_string()))?;
    let (issuer, subject) = (claims.issuer().as_str(), claims.subject().as_str());
    if issuer.len() > MAX_CLAIM_LEN || subject.len() > MAX_CLAIM_LEN {
        return Err(OidcError::Rejected("issuer or subject longer than 255 bytes".to_owned()));
    }
    let mut identity = ProviderIdentity {
        link: Link {
            provider: provider.to_owned(),
            issuer: issuer.to_owned(),
            subject: subject.to_owned(),
        },
        email: None,
        name: None,
    };
    fill(&mut identity, claims.email(), claims.email_verified(), claims.name());
    Ok(identity)
}

/// Completes `identity` from the userinfo endpoint, for providers that keep the email out
/// of the ID token (the specification's default when an access token is issued). The
/// caller asked for the same `sub` (checked by the request).
pub(super) fn add_user_info(identity: &mut ProviderIdentity, info: &CoreUserInfoClaims) {
    fill(identity, info.email(), info.email_verified(), info.name());
}

/// Takes the email when verified, and the name when it makes a display name, where the
/// identity has none yet.
fn fill(
    identity: &mut ProviderIdentity,
    email: Option<&EndUserEmail>,
    email_verified: Option<bool>,
    name: Option<&LocalizedClaim<EndUserName>>,
) {
    if identity.email.is_none()
        && let (Some(email), Some(true)) = (email, email_verified)
    {
        identity.email = Email::parse(email.as_str()).ok();
    }
    if identity.name.is_none() {
        let name = name.and_then(|name| name.get(None));
        identity.name = name.and_then(|name| DisplayName::parse(name.as_str()).ok());
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use openidconnect::{
        Audience, ClientId, EndUserEmail, EndUserName, IssuerUrl, JsonWebKeySet, LocalizedClaim,
        PrivateSigningKey, StandardClaims, SubjectIdentifier,
        core::{CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey},
    };

    use super::*;

    const ISSUER: &str = "https://id.example";
    const CLIENT: &str = "guestroom";
    const NONCE: &str = "nonce-1";
    /// A test fixture, never used outside these tests.
    const KEY: &str = include_str!("testdata/test-signing-key.pem");

    fn key() -> CoreRsaPrivateSigningKey {
        CoreRsaPrivateSigningKey::from_pem(KEY, None).expect("the test key")
    }

    struct Token {
        issuer: &'static str,
        audience: &'static str,
        nonce: &'static str,
        expires_in: Duration,
        email_verified: Option<bool>,
        subject: &'static str,
    }

    const GOOD: Token = Token {
        issuer: ISSUER,
        audience: CLIENT,
        nonce: NONCE,
        expires_in: Duration::minutes(5),
        email_verified: Some(true),
        subject: "ada-1",
    };

    /// The time of every test: tokens are issued then, and checked then.
    fn now() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(20_000)
    }

    fn signed(token: Token) -> CoreIdToken {
        let now = now();
        let mut name = LocalizedClaim::new();
        name.insert(None, EndUserName::new("Ada Lovelace".to_owned()));
        let standard = StandardClaims::new(SubjectIdentifier::new(token.subject.to_owned()))
            .set_email(Some(EndUserEmail::new("Ada@Example.com".to_owned())))
            .set_email_verified(token.email_verified)
            .set_name(Some(name));
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(token.issuer.to_owned()).expect("URL"),
            vec![Audience::new(token.audience.to_owned())],
            now + token.expires_in,
            now,
            standard,
            Default::default(),
        )
        .set_nonce(Some(Nonce::new(token.nonce.to_owned())));
        CoreIdToken::new(claims, &key(), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, None, None)
            .expect("signed")
    }

    fn check(token: &CoreIdToken) -> Result<ProviderIdentity, OidcError> {
        check_from(ISSUER, token)
    }

    /// Checks `token` as the provider `issuer` names itself.
    fn check_from(issuer: &str, token: &CoreIdToken) -> Result<ProviderIdentity, OidcError> {
        let keys = JsonWebKeySet::new(vec![key().as_verification_key()]);
        let verifier = CoreIdTokenVerifier::new_public_client(
            ClientId::new(CLIENT.to_owned()),
            IssuerUrl::new(issuer.to_owned()).expect("URL"),
            keys,
        )
        .set_time_fn(now);
        identity("keycloak", token, &verifier, &Nonce::new(NONCE.to_owned()))
    }

    fn refused(token: &CoreIdToken) -> String {
        match check(token) {
            Err(OidcError::Rejected(why)) => why,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_good_token_names_the_person_and_their_verified_email() {
        let identity = check(&signed(GOOD)).expect("accepted");
        assert_eq!(
            identity.link,
            Link { provider: "keycloak".into(), issuer: ISSUER.into(), subject: "ada-1".into() }
        );
        assert_eq!(identity.email.as_ref().map(Email::as_str), Some("ada@example.com"));
        assert_eq!(identity.name.as_ref().map(DisplayName::as_str), Some("Ada Lovelace"));
    }

    #[test]
    fn an_unverified_email_is_not_taken() {
        for email_verified in [Some(false), None] {
            let identity = check(&signed(Token { email_verified, ..GOOD })).expect("accepted");
            assert_eq!(identity.email, None);
        }
    }

    #[test]
    fn a_token_from_another_issuer_for_another_client_or_flow_is_refused() {
        assert!(
            refused(&signed(Token { issuer: "https://evil.example", ..GOOD })).contains("issuer")
        );
        assert!(refused(&signed(Token { audience: "someone-else", ..GOOD })).contains("audience"));
        assert!(refused(&signed(Token { nonce: "nonce-2", ..GOOD })).contains("nonce"));
        let expired = Token { expires_in: Duration::minutes(-5), ..GOOD };
        assert!(refused(&signed(expired)).contains("xpired"));
    }

    #[test]
    fn a_subject_of_more_than_255_bytes_is_refused() {
        let longest: &'static str = "s".repeat(255).leak();
        assert!(check(&signed(Token { subject: longest, ..GOOD })).is_ok());
        let longer: &'static str = "s".repeat(256).leak();
        assert!(refused(&signed(Token { subject: longer, ..GOOD })).contains("255"));
    }

    #[test]
    fn an_issuer_of_more_than_255_bytes_is_refused() {
        let issuer_of = |length: usize| -> &'static str {
            format!("{ISSUER}/{}", "i".repeat(length - ISSUER.len() - 1)).leak()
        };
        let longest = issuer_of(255);
        assert!(check_from(longest, &signed(Token { issuer: longest, ..GOOD })).is_ok());
        let longer = issuer_of(256);
        match check_from(longer, &signed(Token { issuer: longer, ..GOOD })) {
            Err(OidcError::Rejected(why)) => assert!(why.contains("255"), "{why}"),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn the_userinfo_endpoint_completes_what_the_token_left_out() {
        let mut identity = check(&signed(Token { email_verified: None, ..GOOD })).expect("ok");
        assert_eq!(identity.email, None);
        let standard = StandardClaims::new(SubjectIdentifier::new("ada-1".to_owned()))
            .set_email(Some(EndUserEmail::new("ada@example.com".to_owned())))
            .set_email_verified(Some(true));
        let info = CoreUserInfoClaims::new(standard, Default::default());
        add_user_info(&mut identity, &info);
        assert_eq!(identity.email.as_ref().map(Email::as_str), Some("ada@example.com"));
        assert_eq!(identity.name.as_ref().map(DisplayName::as_str), Some("Ada Lovelace"));
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let token = serde_json::to_value(signed(GOOD)).expect("serialises");
        let text = token.as_str().expect("a compact JWT");
        let mut parts: Vec<String> = text.split('.').map(str::to_owned).collect();
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let payload = URL_SAFE_NO_PAD.decode(&parts[1]).expect("base64");
        let forged = String::from_utf8(payload).expect("JSON").replace("ada-1", "bob-2");
        parts[1] = URL_SAFE_NO_PAD.encode(forged);
        let forged: CoreIdToken =
            serde_json::from_value(serde_json::Value::String(parts.join("."))).expect("parses");
        assert!(refused(&forged).contains("ignature"), "{}", refused(&forged));
    }
}
