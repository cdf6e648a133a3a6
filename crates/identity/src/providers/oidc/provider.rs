use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SubjectIdentifier, TokenResponse,
    core::{CoreClient, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims},
    reqwest,
};
use tokio::sync::RwLock;

use super::{FLOW_LIFETIME, Flow, Intent, OidcError, claims, transport};
use crate::providers::ProviderIdentity;

/// How a provider is configured (by the operator, from the environment).
#[derive(Clone)]
pub struct ProviderSettings {
    /// The id in our URLs and in stored links (`google`, `keycloak`): lower-case letters,
    /// digits and `-`.
    pub id: String,
    /// The name on the button ("Continue with Google").
    pub name: String,
    /// The issuer URL discovery starts from.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("id", &self.id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// The client as discovery configures it (authorization endpoint set; token and
/// userinfo endpoints as the provider publishes them).
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovery (and with it the signing keys) is read again after this long, so a
/// provider's key rotation is followed without a restart.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// One configured provider.
#[derive(Clone)]
pub struct Provider {
    settings: Arc<ProviderSettings>,
    issuer: IssuerUrl,
    http: reqwest::Client,
    discovered: Arc<RwLock<Option<(Instant, Client)>>>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Provider").field(&self.settings).finish()
    }
}

impl Provider {
    /// Checks the settings; the provider is only contacted at the first sign-in.
    pub fn new(settings: ProviderSettings) -> Result<Self, String> {
        let id_ok = !settings.id.is_empty()
            && settings.id.len() <= 32
            && settings
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(format!(
                "provider id {:?} must be 1–32 lower-case letters, digits or '-'",
                settings.id
            ));
        }
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|error| format!("issuer of {}: {error}", settings.id))?;
        let http = transport::client()?;
        Ok(Self { settings: Arc::new(settings), issuer, http, discovered: Arc::default() })
    }

    pub fn id(&self) -> &str {
        &self.settings.id
    }

    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// The issuer's origin (`https://accounts.google.com`), where providers serve their
    /// authorization endpoint.
    pub fn origin(&self) -> Option<String> {
        let origin = self.issuer.url().origin();
        origin.is_tuple().then(|| origin.ascii_serialization())
    }

    /// The discovered client, read again when older than [`DISCOVERY_LIFETIME`].
    async fn client(&self) -> Result<Client, OidcError> {
        if let Some((at, client)) = &*self.discovered.read().await
            && still_fresh(*at, Instant::now())
        {
            return Ok(client.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|error| OidcError::Unavailable(chain(&error)))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        );
        *self.discovered.write().await = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    async fn client_for(&self, redirect: &str) -> Result<Client, OidcError> {
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|error| OidcError::Unavailable(format!("redirect URL: {error}")))?;
        Ok(self.client().await?.set_redirect_uri(redirect))
    }

    /// Starts a flow: where to send the browser (the provider's authorization endpoint,
    /// with a fresh `state`, `nonce` and PKCE challenge), and the flow to seal into the
    /// browser's cookie. `redirect` is our callback URL for this provider.
    pub async fn begin(
        &self,
        redirect: &str,
        intent: Intent,
        now: DateTime<Utc>,
    ) -> Result<(String, Flow), OidcError> {
        let client = self.client_for(redirect).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let flow = Flow {
            provider: self.settings.id.clone(),
            state: state.into_secret(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.into_secret(),
            intent,
            expires_at: now + FLOW_LIFETIME,
        };
        Ok((url.into(), flow))
    }

    /// Finishes a flow the callback accepted: exchanges `code` with the flow's PKCE
    /// verifier, then checks the ID token (issuer, audience, expiry at `now`, the flow's
    /// nonce, the signature with the provider's published keys). An email the ID token
    /// does not carry is read from the userinfo endpoint, for the same subject.
    pub async fn finish(
        &self,
        flow: &Flow,
        code: &str,
        redirect: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderIdentity, OidcError> {
        let client = self.client_for(redirect).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|error| OidcError::Unavailable(chain(&error)))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|error| match error {
                // The provider refused the code (reused, expired, another client's).
                RequestTokenError::ServerResponse(refusal) => {
                    OidcError::Rejected(format!("token endpoint: {refusal}"))
                }
                other => OidcError::Unavailable(chain(&other)),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::Rejected("no ID token in the answer".to_owned()))?;
        let nonce = Nonce::new(flow.nonce.clone());
        let verifier = client.id_token_verifier().set_time_fn(move || now);
        let mut identity = claims::identity(self.id(), id_token, &verifier, &nonce)?;
        if identity.email.is_none()
            && let Ok(request) = client.user_info(
                response.access_token().clone(),
                Some(SubjectIdentifier::new(identity.link.subject.clone())),
            )
        {
            let info: CoreUserInfoClaims = request
                .request_async(&self.http)
                .await
                .map_err(|error| OidcError::Unavailable(chain(&error)))?;
            claims::add_user_info(&mut identity, &info);
        }
        Ok(identity)
    }
}

/// Whether discovery read at `at` may still be used at `now`.
fn still_fresh(at: Instant, now: Instant) -> bool {
    now.saturating_duration_since(at) < DISCOVERY_LIFETIME
}

/// An error with its causes, on one line (for the log: never shown to a person).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::{error::Error, io};

    use super::*;

    const ISSUER: &str = "https://id.example/realms/guestroom";
    const SECRET: &str = "a-client-secret";

    fn settings(id: &str) -> ProviderSettings {
        ProviderSettings {
            id: id.to_owned(),
            name: "Keycloak".to_owned(),
            issuer: ISSUER.to_owned(),
            client_id: "guestroom".to_owned(),
            client_secret: SECRET.to_owned(),
        }
    }

    #[test]
    fn an_id_is_1_to_32_lower_case_letters_digits_or_dashes() {
        for id in ["a", "keycloak-2", &"a".repeat(32)] {
            assert!(Provider::new(settings(id)).is_ok(), "{id} refused");
        }
        for id in ["", "Google", "key_cloak", "kéy", "key cloak", &"a".repeat(33)] {
            let error = Provider::new(settings(id)).expect_err(id);
            assert!(error.contains("1–32"), "{error}");
        }
        let error =
            Provider::new(ProviderSettings { issuer: "id.example".into(), ..settings("a") })
                .expect_err("an issuer that is no URL");
        assert!(error.starts_with("issuer of a"), "{error}");
    }

    #[test]
    fn the_client_secret_never_shows_in_debug_output() {
        let provider = Provider::new(settings("keycloak")).expect("valid");
        for shown in [format!("{provider:?}"), format!("{:?}", settings("keycloak"))] {
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(shown.contains("[redacted]") && shown.contains("keycloak"), "{shown}");
        }
    }

    #[test]
    fn the_issuer_is_kept_as_configured_and_its_origin_found() {
        let provider = Provider::new(settings("keycloak")).expect("valid");
        assert_eq!((provider.id(), provider.name()), ("keycloak", "Keycloak"));
        assert_eq!(provider.issuer(), ISSUER);
        assert_eq!(provider.origin().as_deref(), Some("https://id.example"));
    }

    #[test]
    fn discovery_is_read_again_after_fifteen_minutes() {
        let at = Instant::now();
        assert!(still_fresh(at, at));
        assert!(still_fresh(at, at + Duration::from_secs(15 * 60 - 1)));
        assert!(!still_fresh(at, at + Duration::from_secs(15 * 60)));
    }

    #[test]
    fn an_error_reaches_the_log_with_each_of_its_causes() {
        #[derive(Debug)]
        struct Discovery(io::Error);
        impl fmt::Display for Discovery {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("discovery failed")
            }
        }
        impl Error for Discovery {
            fn source(&self) -> Option<&(dyn Error + 'static)> {
                Some(&self.0)
            }
        }
        let error = Discovery(io::Error::other("connection refused"));
        assert_eq!(chain(&error), "discovery failed: connection refused");
    }
}
