//! `CLIENT_IP_HEADER` and `TRUSTED_PROXIES`: whose word the server takes for the client's
//! address.

use std::net::IpAddr;

use axum::http::HeaderName;

use super::{ConfigError, Reader};

/// Where the client's address comes from (`middleware::client`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress {
    /// `CLIENT_IP_HEADER`: the header a reverse proxy writes the client's address into
    /// (`X-Forwarded-For`, `X-Real-IP`). Unset (the default), the connection's peer is
    /// the client.
    pub header: Option<HeaderName>,
    /// `TRUSTED_PROXIES`: the networks (CIDRs, or single addresses) of the proxies whose
    /// header is believed; default this machine (`127.0.0.0/8,::1`). From any other peer
    /// the header is ignored.
    pub trusted: Vec<Network>,
}

/// An address block, `198.51.100.0/24` or `2001:db8::/32`. IPv4-mapped IPv6 addresses
/// are compared as the IPv4 addresses they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    /// Whether `ip` is in this block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                same_prefix(u32::from(base).into(), u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                same_prefix(base.into(), ip.into(), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` of `bits` bits of `a` and `b` agree.
fn same_prefix(a: u128, b: u128, prefix: u8, bits: u8) -> bool {
    let ignored = u32::from(bits - prefix);
    a.checked_shr(ignored).unwrap_or(0) == b.checked_shr(ignored).unwrap_or(0)
}

impl std::str::FromStr for Network {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let (address, prefix) = text.split_once('/').map_or((text, None), |(a, p)| (a, Some(p)));
        let base = address.trim().parse::<IpAddr>().map_err(|_| ())?.to_canonical();
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix.trim().parse::<u8>().map_err(|_| ())?,
        };
        if prefix > bits {
            return Err(());
        }
        Ok(Self { base, prefix })
    }
}

const DEFAULT_TRUSTED: &str = "127.0.0.0/8,::1";

impl ClientAddress {
    pub(super) fn read<F: Fn(&str) -> Option<String>>(
        read: &Reader<F>,
    ) -> Result<Self, ConfigError> {
        let header = read
            .optional("CLIENT_IP_HEADER")
            .map(|name| read.value("CLIENT_IP_HEADER", name, "a header name"))
            .transpose()?;
        let trusted = read.get("TRUSTED_PROXIES", DEFAULT_TRUSTED);
        let trusted = trusted
            .split(',')
            .filter(|block| !block.trim().is_empty())
            .map(|block| {
                block.parse().map_err(|()| ConfigError {
                    name: "TRUSTED_PROXIES",
                    value: trusted.clone(),
                    expected: "comma-separated addresses or CIDR blocks (10.0.0.0/8, fd00::/8)",
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { header, trusted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn a_block_holds_its_addresses_and_no_others() {
        let block = |text: &str| text.parse::<Network>().expect("a block");
        assert!(block("10.0.0.0/8").contains(ip("10.255.0.1")));
        assert!(!block("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(block("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")), "IPv4-mapped is IPv4");
        assert!(block("198.51.100.7").contains(ip("198.51.100.7")));
        assert!(!block("198.51.100.7").contains(ip("198.51.100.8")));
        assert!(block("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assert!(!block("2001:db8::/32").contains(ip("2001:db9::1")));
        assert!(block("0.0.0.0/0").contains(ip("203.0.113.1")));
        assert!(!block("0.0.0.0/0").contains(ip("2001:db8::1")));
        assert!(block("::/0").contains(ip("2001:db8::1")));
    }

    #[test]
    fn a_block_that_is_not_one_is_refused() {
        for text in ["10.0.0.0/33", "::/129", "ten/8", "10.0.0.0/x", ""] {
            assert!(text.parse::<Network>().is_err(), "{text}");
        }
    }
}
