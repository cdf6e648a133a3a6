//! Who the client is, for every per-address budget, the audit log and `/metrics`: the
//! connection's peer, or — when the peer is a trusted proxy (`TRUSTED_PROXIES`) and
//! `CLIENT_IP_HEADER` is set — the address that proxy wrote.
//!
//! **Read from the right.** A proxy appends the peer it saw to `X-Forwarded-For`, as the
//! last entry or as a header line of its own (HAProxy); whatever stands to its left came
//! from the client and may be forged. So the entries of every line are read from the
//! last: a trusted proxy's entry is passed over, and the first address that is not a
//! trusted proxy is the client.
//!
//! Every address is canonical: an IPv4 client seen through a dual-stack listener
//! (`::ffff:198.51.100.7`) is `198.51.100.7`, in buckets, logs and checks alike.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request},
    http::HeaderMap,
    response::Response,
};

use crate::config::ClientAddress;

/// Puts the client's address in the request (`app::server::ClientIp`).
pub async fn client_address(
    rule: &ClientAddress,
    mut request: Request,
    next: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = client(rule, peer, request.headers());
        request.extensions_mut().insert(app::server::ClientIp(client));
    }
    next(request).await
}

/// The client behind `peer`, by `rule`.
fn client(rule: &ClientAddress, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let trusted = |ip: IpAddr| rule.trusted.iter().any(|network| network.contains(ip));
    let peer = peer.to_canonical();
    let Some(header) = rule.header.as_ref().filter(|_| trusted(peer)) else {
        return peer;
    };
    let lines = headers.get_all(header).iter().filter_map(|line| line.to_str().ok());
    let entries: Vec<&str> = lines.flat_map(|line| line.split(',')).collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        // An entry that is no address ("unknown", a typo): the hop before it stands.
        let Some(ip) = address(entry) else { break };
        client = ip;
        if !trusted(ip) {
            break;
        }
    }
    client
}

/// An entry's address: `198.51.100.7`, `2001:db8::1`, or either with a port.
fn address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry.parse::<IpAddr>().or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()));
    ip.ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn rule(trusted: &str) -> ClientAddress {
        let trusted = trusted.split(',').map(|block| block.parse().expect("a block")).collect();
        ClientAddress { header: Some("x-forwarded-for".parse().expect("a name")), trusted }
    }

    fn seen(rule: &ClientAddress, peer: &str, lines: &[&str]) -> String {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_str(line).expect("a value"));
        }
        client(rule, peer.parse().expect("a peer"), &headers).to_string()
    }

    #[test]
    fn a_forged_entry_left_of_the_proxys_own_is_never_believed() {
        let local = rule("127.0.0.0/8,::1");
        // The proxy appended the peer it saw to the client's own header.
        assert_eq!(seen(&local, "127.0.0.1", &["127.0.0.1, 198.51.100.7"]), "198.51.100.7");
        // HAProxy adds a line of its own: the client's forged line comes first.
        assert_eq!(seen(&local, "127.0.0.1", &["127.0.0.1", "198.51.100.7"]), "198.51.100.7");
        assert_eq!(
            seen(&local, "127.0.0.1", &["10.9.9.9, 8.8.8.8", "198.51.100.7"]),
            "198.51.100.7"
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_to_the_client() {
        let chain = rule("127.0.0.0/8,10.0.0.0/8");
        let lines = ["203.0.113.1, 198.51.100.7, 10.0.0.5"];
        assert_eq!(seen(&chain, "127.0.0.1", &lines), "198.51.100.7");
        // Only proxies in the header: the furthest one is the best known.
        assert_eq!(seen(&chain, "127.0.0.1", &["10.0.0.6, 10.0.0.5"]), "10.0.0.6");
        // An entry that is no address stops the walk at the last proxy.
        assert_eq!(seen(&chain, "127.0.0.1", &["198.51.100.7, unknown, 10.0.0.5"]), "10.0.0.5");
        assert_eq!(seen(&chain, "127.0.0.1", &["198.51.100.7:4711"]), "198.51.100.7");
        assert_eq!(seen(&chain, "127.0.0.1", &["[2001:db8::7]:4711"]), "2001:db8::7");
    }

    #[test]
    fn a_peer_that_is_no_trusted_proxy_is_the_client_whatever_it_writes() {
        let remote = rule("10.0.0.0/8");
        assert_eq!(seen(&remote, "192.0.2.50", &["127.0.0.1"]), "192.0.2.50");
        assert_eq!(seen(&remote, "127.0.0.1", &["198.51.100.7"]), "127.0.0.1");
        let unset = ClientAddress { header: None, ..rule("127.0.0.0/8") };
        assert_eq!(seen(&unset, "127.0.0.1", &["198.51.100.7"]), "127.0.0.1");
    }

    #[test]
    fn an_ipv4_client_on_a_dual_stack_listener_is_its_ipv4_address() {
        let unset = ClientAddress { header: None, ..rule("127.0.0.0/8") };
        assert_eq!(seen(&unset, "::ffff:198.51.100.7", &[]), "198.51.100.7");
        // A mapped proxy address is trusted as the IPv4 address it is, and so is the entry.
        let local = rule("127.0.0.0/8");
        assert_eq!(seen(&local, "::ffff:127.0.0.1", &["::ffff:198.51.100.7"]), "198.51.100.7");
    }
}
