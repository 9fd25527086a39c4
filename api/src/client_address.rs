//! The client's address: the peer of the connection, unless the peer is a trusted reverse proxy
//! (`CPIMS_TRUSTED_PROXIES`), in which case the address the proxies recorded in `X-Forwarded-For`.
//!
//! `X-Forwarded-For` is read from the right, since each proxy appends the address it received the
//! request from: entries that are themselves trusted proxies are skipped, and the first untrusted entry
//! is the client. Anything to its left was written by the client and may be forged, so it is never
//! looked at. A malformed entry stops the walk at the last trusted hop, which is then taken as the
//! client: garbage is never trusted, and a broken header cannot make the address vanish.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use actix_web::http::header::HeaderName;
use actix_web::HttpRequest;
use ipnet::IpNet;

/// The reverse proxies whose `X-Forwarded-For` is believed: addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
}

impl TrustedProxies {
    /// Trusts nobody: the peer is always the client.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses a comma-separated list of IPv4 and IPv6 addresses and CIDR ranges (`10.0.0.0/8`,
    /// `::1`, `fd00::/8`); blank input trusts nobody. The error names the offending entry.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let networks = raw
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map(|network| match network {
                        // An IPv4 range given in IPv6 notation would never match a canonical address.
                        IpNet::V6(v6) if v6.prefix_len() >= 96 => v6
                            .addr()
                            .to_ipv4_mapped()
                            .and_then(|v4| ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96).ok())
                            .map_or(network, IpNet::V4),
                        other => other,
                    })
                    .map_err(|_| format!("`{entry}` is not an IP address or CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedProxies { networks })
    }

    /// Whether nobody is trusted.
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// Whether `address` is a trusted proxy.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.networks
            .iter()
            .any(|network| network.contains(&address))
    }
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address for `request`; `None` only when the connection's peer is unknown.
pub fn client_address(request: &HttpRequest, trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip().to_canonical();
    if !trusted.contains(peer) {
        return Some(peer);
    }
    // All header instances, in order, as one list; an instance that is not text is one bad entry.
    let entries: Vec<&str> = request
        .headers()
        .get_all(X_FORWARDED_FOR)
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.split(',').collect::<Vec<_>>(),
            Err(_) => vec![""],
        })
        .collect();
    let mut last_trusted = peer;
    for entry in entries.iter().rev() {
        match parse_entry(entry) {
            Some(address) if trusted.contains(address) => last_trusted = address,
            Some(address) => return Some(address),
            None => break,
        }
    }
    Some(last_trusted)
}

/// One `X-Forwarded-For` entry: an address, or an address with a port (`192.0.2.1:443`,
/// `[2001:db8::1]:443`), as some proxies write; IPv4-mapped IPv6 is taken as IPv4.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = IpAddr::from_str(entry)
        .ok()
        .or_else(|| SocketAddr::from_str(entry).ok().map(|socket| socket.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| IpAddr::from_str(inner).ok())
        })?;
    Some(address.to_canonical())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn trusted(raw: &str) -> TrustedProxies {
        TrustedProxies::parse(raw).unwrap()
    }

    fn client(peer: &str, forwarded: &[&str], proxies: &str) -> Option<IpAddr> {
        let mut request = TestRequest::default().peer_addr(SocketAddr::from_str(peer).unwrap());
        for value in forwarded {
            request = request.append_header(("X-Forwarded-For", *value));
        }
        client_address(&request.to_http_request(), &trusted(proxies))
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(IpAddr::from_str(text).unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        assert_eq!(client("203.0.113.9:5000", &[], ""), ip("203.0.113.9"));
        assert_eq!(
            client("203.0.113.9:5000", &["198.51.100.1"], ""),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_untrusted_peer_s_forwarded_for_is_ignored() {
        assert_eq!(
            client("203.0.113.9:5000", &["198.51.100.1"], "10.0.0.0/8"),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_peer_s_forwarded_for_names_the_client() {
        assert_eq!(
            client("10.0.0.2:5000", &["198.51.100.1"], "10.0.0.2"),
            ip("198.51.100.1")
        );
        assert_eq!(
            client("10.0.0.2:5000", &[" 198.51.100.1 "], "10.0.0.0/8"),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_from_the_right() {
        let proxies = "10.0.0.0/8, 192.168.1.1";
        assert_eq!(
            client(
                "10.0.0.2:1",
                &["198.51.100.1, 192.168.1.1, 10.9.9.9"],
                proxies
            ),
            ip("198.51.100.1")
        );
        // Several header instances are one list, in order.
        assert_eq!(
            client(
                "10.0.0.2:1",
                &["198.51.100.1", "192.168.1.1", "10.9.9.9"],
                proxies
            ),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn spoofed_leftmost_entries_are_ignored() {
        assert_eq!(
            client(
                "10.0.0.2:1",
                &["1.2.3.4, 5.6.7.8, 198.51.100.1"],
                "10.0.0.2"
            ),
            ip("198.51.100.1")
        );
        // A client claiming to be a trusted proxy gains nothing: the walk stops at its real address.
        assert_eq!(
            client("10.0.0.2:1", &["10.0.0.7, 198.51.100.1"], "10.0.0.0/8"),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_leftmost_hop_is_the_client() {
        assert_eq!(
            client("10.0.0.2:1", &["10.0.0.3, 10.0.0.4"], "10.0.0.0/8"),
            ip("10.0.0.3")
        );
        assert_eq!(client("10.0.0.2:1", &[], "10.0.0.0/8"), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_addresses_and_ranges() {
        assert_eq!(
            client("[fd00::5]:443", &["2001:db8::7, fd00::9"], "fd00::/8"),
            ip("2001:db8::7")
        );
        assert_eq!(
            client("[::1]:443", &["[2001:db8::7]:5555"], "::1"),
            ip("2001:db8::7")
        );
        // An IPv4 peer seen through a dual-stack socket matches an IPv4 entry, and the reverse.
        assert_eq!(
            client("[::ffff:10.0.0.2]:1", &["198.51.100.1"], "10.0.0.2"),
            ip("198.51.100.1")
        );
        assert_eq!(
            client(
                "10.0.0.2:1",
                &["::ffff:198.51.100.1"],
                "::ffff:10.0.0.0/104"
            ),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_malformed_entry_stops_at_the_last_trusted_hop() {
        let proxies = "10.0.0.0/8";
        assert_eq!(
            client("10.0.0.2:1", &["198.51.100.1, garbage, 10.0.0.3"], proxies),
            ip("10.0.0.3")
        );
        assert_eq!(client("10.0.0.2:1", &["unknown"], proxies), ip("10.0.0.2"));
        assert_eq!(client("10.0.0.2:1", &[""], proxies), ip("10.0.0.2"));
        assert_eq!(
            client("10.0.0.2:1", &["198.51.100.1,, 10.0.0.3"], proxies),
            ip("10.0.0.3")
        );
        assert_eq!(
            client("10.0.0.2:1", &["999.1.1.1"], proxies),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_request_without_a_peer_has_no_address() {
        let request = TestRequest::default()
            .append_header(("X-Forwarded-For", "198.51.100.1"))
            .to_http_request();
        assert_eq!(client_address(&request, &trusted("0.0.0.0/0")), None);
    }

    #[test]
    fn the_setting_parses_addresses_and_ranges_and_refuses_garbage() {
        assert!(trusted("").is_empty());
        assert!(trusted(" , ").is_empty());
        let proxies = trusted("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8");
        assert!(proxies.contains(ip("10.200.0.1").unwrap()));
        assert!(proxies.contains(ip("::ffff:127.0.0.1").unwrap()));
        assert!(proxies.contains(ip("fd12::1").unwrap()));
        assert!(!proxies.contains(ip("11.0.0.1").unwrap()));
        assert!(!proxies.contains(ip("2001:db8::1").unwrap()));
        for bad in ["localhost", "10.0.0.0/33", "10.0.0.1/", "1.2.3", "::1/129"] {
            let error = TrustedProxies::parse(bad).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
    }
}
