//! The secret vote, shared by every area that holds one (the citizens' budget now, district
//! referenda next): who may vote once (identities folded and hashed under the server secret),
//! sealed ballots (the double envelope) and the counting commission's key shares.
//!
//! The design, and what it does and does not protect against, is in `docs/budget.md`
//! ("Threat model"). In short:
//! - a voter is stored only as keyed hashes of their identity ([`VoterKeys`]), never the
//!   PESEL or the name; the PESEL route also records the hash the date-of-birth route would
//!   give, so nobody votes twice by switching routes;
//! - the choices are sealed to the edition's public key when the vote is cast ([`seal`]):
//!   until the count, the database holds only envelopes nobody can open;
//! - the private key is never stored: it is split among the commission with Shamir's scheme
//!   ([`shares`]), and only *k* of the *n* shares together open the envelopes.

mod identity;
mod seal;
pub mod shares;

pub use identity::*;
pub use seal::*;

use hmac::{KeyInit, Mac};

/// HMAC-SHA256 under `key` over the parts, each followed by a NUL so that parts cannot run
/// into each other.
pub(crate) fn keyed_hash(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    for part in parts {
        mac.update(part);
        mac.update(b"\0");
    }
    mac.finalize().into_bytes().into()
}

/// [`keyed_hash`] as lowercase hex: a signature or a comparable fingerprint that only the
/// holder of `key` (the server secret) can make.
pub fn keyed_hex(key: &[u8], parts: &[&[u8]]) -> String {
    hex(&keyed_hash(key, parts))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Reads lowercase or uppercase hex; None for anything else.
pub(crate) fn unhex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    raw.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000FfF"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }

    #[test]
    fn keyed_hash_parts_do_not_run_into_each_other() {
        assert_ne!(
            keyed_hash(b"k", &[b"ab", b"c"]),
            keyed_hash(b"k", &[b"a", b"bc"])
        );
        assert_ne!(keyed_hash(b"k", &[b"a"]), keyed_hash(b"l", &[b"a"]));
    }
}
