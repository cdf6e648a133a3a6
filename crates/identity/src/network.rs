//! What a client address counts as in every per-address budget.

use std::net::IpAddr;

/// The network a client address is counted by in every per-address budget: an IPv4
/// address itself (an IPv4-mapped IPv6 address, as a dual-stack listener sees IPv4
/// clients, is that IPv4 address), an IPv6 address its /64 — one subscriber usually holds
/// the whole prefix, and could otherwise take a fresh address per request.
pub fn network(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (!0u128 << 64)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_clients_keep_their_address_and_ipv6_clients_share_their_64() {
        let ip = |text: &str| text.parse::<IpAddr>().expect("an address");
        for (client, counted) in [
            ("198.51.100.7", "198.51.100.7"),
            // A dual-stack listener's view of IPv4 clients: each its own, never `::`.
            ("::ffff:198.51.100.7", "198.51.100.7"),
            ("::ffff:203.0.113.9", "203.0.113.9"),
            ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
            ("2001:db8:1:2::1", "2001:db8:1:2::"),
            ("2001:db8:1:3::1", "2001:db8:1:3::"),
            ("::1", "::"),
        ] {
            assert_eq!(network(ip(client)), ip(counted), "{client}");
        }
    }
}
