//! Settings that must never reach a log: their `Debug` hides them.

/// A secret setting (`AUTH_SECRET`, `METRICS_TOKEN`). Never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A database URL. Its `Debug` hides the password: this value ends up in logs.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced, safe to print: the one in the user
    /// information (`postgres://app:…@host`) and any query parameter whose name has
    /// `pass` in it (`?password=…`, `sslpassword=…`).
    pub fn redacted(&self) -> String {
        let (address, query) =
            self.0.split_once('?').map_or((&*self.0, None), |(a, q)| (a, Some(q)));
        let mut redacted = match address.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((userinfo, host)) => {
                    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
                    format!("{scheme}://{user}:[redacted]@{host}")
                }
                None => address.to_owned(),
            },
            None => address.to_owned(),
        };
        if let Some(query) = query {
            let pairs = query.split('&').map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.to_ascii_lowercase().contains("pass") => {
                    format!("{name}=[redacted]")
                }
                _ => pair.to_owned(),
            });
            redacted = format!("{redacted}?{}", pairs.collect::<Vec<_>>().join("&"));
        }
        redacted
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}
