//! What a client address counts as in every per-address budget, and shares of a limited
//! thing per network.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

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

/// Places per network, at most `per_network` each: a share of something every client
/// needs (the hashing line, the requests in flight), so that one network flooding it
/// leaves the rest to everyone else. Cheap to clone; clones share the count.
#[derive(Clone, Debug)]
pub struct Shares {
    held: Arc<Mutex<HashMap<Option<IpAddr>, usize>>>,
    per_network: usize,
}

impl Shares {
    pub fn new(per_network: usize) -> Self {
        Self { held: Arc::default(), per_network: per_network.max(1) }
    }

    /// A place for `client`'s network (`None`: a client of unknown address, all of whom
    /// share one), given back when dropped; `None` when the network holds its share.
    pub fn take(&self, client: Option<IpAddr>) -> Option<Share> {
        let network = client.map(network);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(network).or_default();
        if *count >= self.per_network {
            return None;
        }
        *count += 1;
        Some(Share { held: Arc::clone(&self.held), network })
    }

    /// Networks holding a place now.
    #[cfg(test)]
    pub(crate) fn networks(&self) -> usize {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// One place of a network's share, given back on drop (the work ended, or its request
/// was cancelled).
#[derive(Debug)]
pub struct Share {
    held: Arc<Mutex<HashMap<Option<IpAddr>, usize>>>,
    network: Option<IpAddr>,
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.network) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.network);
            }
        }
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

    #[test]
    fn a_network_holds_its_share_and_gives_it_back() {
        let shares = Shares::new(2);
        let ip = |text: &str| Some(text.parse::<IpAddr>().expect("an address"));
        let first = shares.take(ip("2001:db8:1:2::1")).expect("a place");
        let _second = shares.take(ip("2001:db8:1:2::2")).expect("a place");
        assert!(shares.take(ip("2001:db8:1:2::3")).is_none(), "one /64, one share");
        assert!(shares.take(ip("198.51.100.7")).is_some(), "another network has its own");
        drop(first);
        let _again = shares.take(ip("2001:db8:1:2::4")).expect("a place given back");
        assert_eq!(shares.networks(), 1);
    }
}
