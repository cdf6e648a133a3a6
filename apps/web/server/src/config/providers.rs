//! OpenID Connect providers, from the environment: `OIDC_PROVIDERS` lists their ids
//! (`google,keycloak`), and each id has `OIDC_<ID>_ISSUER`, `OIDC_<ID>_CLIENT_ID`,
//! `OIDC_<ID>_CLIENT_SECRET` and, optionally, `OIDC_<ID>_NAME` (the button's name). See
//! `docs/providers.md`.

use identity::providers::ProviderSettings;

use super::{ConfigError, Reader};

const EXPECTED: &str = "a comma-separated list of provider ids (lower-case letters, digits, '-'), \
     each with OIDC_<ID>_ISSUER, OIDC_<ID>_CLIENT_ID and OIDC_<ID>_CLIENT_SECRET set";

pub(super) fn read<F: Fn(&str) -> Option<String>>(
    read: &Reader<F>,
) -> Result<Vec<ProviderSettings>, ConfigError> {
    let Some(list) = read.optional("OIDC_PROVIDERS") else {
        return Ok(Vec::new());
    };
    let invalid =
        || ConfigError { name: "OIDC_PROVIDERS", value: list.clone(), expected: EXPECTED };
    let mut providers: Vec<ProviderSettings> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        let prefix = format!("OIDC_{}_", id.to_ascii_uppercase().replace('-', "_"));
        let setting = |name: &str| read.optional(&format!("{prefix}{name}"));
        let (Some(issuer), Some(client_id), Some(client_secret)) =
            (setting("ISSUER"), setting("CLIENT_ID"), setting("CLIENT_SECRET"))
        else {
            return Err(invalid());
        };
        if providers.iter().any(|known| known.id == id) {
            return Err(invalid());
        }
        let name = setting("NAME").unwrap_or_else(|| capitalised(id));
        providers.push(ProviderSettings {
            id: id.to_owned(),
            name,
            issuer,
            client_id,
            client_secret,
        });
    }
    Ok(providers)
}

fn capitalised(id: &str) -> String {
    let mut chars = id.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
