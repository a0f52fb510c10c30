//! The counting commission's key shares: the edition's private key split with Shamir's
//! scheme over GF(2⁸), byte by byte, so that any *k* of the *n* shares put it back together
//! and fewer tell nothing about it.
//!
//! A share is written as one line a person can keep, print or type back:
//! `MIASTO-1A2B3C4D-2-3-…(64 hex digits in groups)…-9F8E7D6C` — the edition key's
//! fingerprint, the share's number, the number of shares needed, the share itself and a
//! check sum that catches typing errors.

use super::seal::{OpeningKey, unwrap, wrap};
use super::{BallotKey, hex, sha256, unhex};
use crypto_box::aead::OsRng;
use crypto_box::aead::rand_core::RngCore;
use uuid::Uuid;
use zeroize::Zeroize;

/// Multiplication in GF(2⁸) with the AES polynomial, without branches on the values.
fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    for _ in 0..8 {
        product ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    product
}

/// The multiplicative inverse (a²⁵⁴); 0 has none and gives 0.
fn inverse(a: u8) -> u8 {
    let (mut result, mut base, mut exp) = (1u8, a, 254u8);
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul(result, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    result
}

/// One commission member's part of the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    /// The edition key's fingerprint ([`BallotKey::fingerprint`]).
    key: String,
    /// The share's number, 1..=n.
    pub x: u8,
    /// How many shares open the key.
    pub threshold: u8,
    y: [u8; 32],
}

impl Drop for Share {
    fn drop(&mut self) {
        self.y.zeroize();
    }
}

impl std::fmt::Debug for Share {
    /// Never prints the share itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Share({} no. {})", self.key, self.x)
    }
}

/// Why shares did not open the key. Shares are numbered as the person entered them (the
/// first field is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// Not a share, or mistyped (the check sum does not match).
    Garbled { entry: usize },
    /// A share of another edition's key.
    OtherEdition { entry: usize },
    /// A share of this key, but not the one issued under its number (altered, or forged).
    NotIssued { entry: usize },
    /// The same share entered twice.
    Repeated { entry: usize },
    /// Fewer shares than the key needs.
    TooFew { have: usize, need: u8 },
    /// The shares are well formed but do not open this key.
    WrongKey,
}

impl ShareError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Garbled { .. } => "share_garbled",
            Self::OtherEdition { .. } => "share_other_edition",
            Self::NotIssued { .. } => "share_not_issued",
            Self::Repeated { .. } => "share_repeated",
            Self::TooFew { .. } => "share_too_few",
            Self::WrongKey => "share_wrong_key",
        }
    }

    /// The entry at fault, when one is.
    pub fn entry(&self) -> Option<usize> {
        match self {
            Self::Garbled { entry }
            | Self::OtherEdition { entry }
            | Self::NotIssued { entry }
            | Self::Repeated { entry } => Some(*entry),
            Self::TooFew { .. } | Self::WrongKey => None,
        }
    }
}

fn check_sum(body: &str) -> String {
    hex(&sha256(&[b"miasto-share", body.as_bytes()])[..4]).to_uppercase()
}

impl Share {
    /// The line a commission member keeps.
    pub fn to_text(&self) -> String {
        let data = hex(&self.y).to_uppercase();
        let groups: Vec<&str> = (0..8).map(|i| &data[i * 8..i * 8 + 8]).collect();
        let body = format!(
            "MIASTO-{}-{}-{}-{}",
            self.key.to_uppercase(),
            self.x,
            self.threshold,
            groups.join("-")
        );
        let sum = check_sum(&body);
        format!("{body}-{sum}")
    }

    /// Reads a share as typed or pasted: case, spaces and line breaks do not matter.
    pub fn parse(raw: &str) -> Option<Self> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let (body, sum) = compact.rsplit_once('-')?;
        if check_sum(body) != sum {
            return None;
        }
        let parts: Vec<&str> = body.split('-').collect();
        if parts.len() < 5 || parts[0] != "MIASTO" || parts[1].len() != 8 {
            return None;
        }
        unhex(parts[1])?;
        let x: u8 = parts[2].parse().ok().filter(|x| *x > 0)?;
        let threshold: u8 = parts[3].parse().ok().filter(|k| *k > 0)?;
        let y: [u8; 32] = unhex(&parts[4..].concat())?.try_into().ok()?;
        Some(Self {
            key: parts[1].to_lowercase(),
            x,
            threshold,
            y,
        })
    }

    /// Sixteen hex digits, in four groups, that name this share: shown when it is issued and
    /// kept by the platform, so a member can check later that the share they hold is theirs.
    pub fn fingerprint(&self) -> String {
        let digest = sha256(&[
            b"miasto-share-fingerprint",
            self.key.as_bytes(),
            &[self.x],
            &self.y,
        ]);
        let h = hex(&digest[..8]).to_uppercase();
        format!("{}-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
    }

    /// Whether the share belongs to this key.
    pub fn is_for(&self, key: &BallotKey) -> bool {
        self.key == key.fingerprint()
    }

    /// The share sealed for storage until its member collects it (see `seal::wrap`).
    pub fn wrap(&self, secret: &[u8], scope: Uuid) -> Vec<u8> {
        let mut text = self.to_text();
        let wrapped = wrap(secret, scope, self.x, text.as_bytes());
        text.zeroize();
        wrapped
    }

    pub fn unwrap(secret: &[u8], scope: Uuid, x: u8, wrapped: &[u8]) -> Option<Self> {
        let mut plain = unwrap(secret, scope, x, wrapped)?;
        let share = std::str::from_utf8(&plain).ok().and_then(Self::parse);
        plain.zeroize();
        share.filter(|s| s.x == x)
    }
}

/// Splits a key into `n` shares of which any `k` open it.
pub fn split(key: &OpeningKey, k: u8, n: u8) -> Vec<Share> {
    assert!(1 <= k && k <= n, "a threshold of {k} among {n} shares");
    let fingerprint = key.public().fingerprint();
    let mut secret = key.to_bytes();
    // Per byte of the secret, a polynomial of degree k-1 with the byte as constant term.
    let mut coefficients = vec![[0u8; 32]; usize::from(k - 1)];
    for c in &mut coefficients {
        OsRng.fill_bytes(c);
    }
    let shares = (1..=n)
        .map(|x| {
            let mut y = [0u8; 32];
            for (b, out) in y.iter_mut().enumerate() {
                // Horner's rule from the highest coefficient down.
                let mut acc = 0u8;
                for c in coefficients.iter().rev() {
                    acc = mul(acc, x) ^ c[b];
                }
                *out = mul(acc, x) ^ secret[b];
            }
            Share {
                key: fingerprint.clone(),
                x,
                threshold: k,
                y,
            }
        })
        .collect();
    secret.zeroize();
    for c in &mut coefficients {
        c.zeroize();
    }
    shares
}

/// Reads the shares as entered and puts the key back together: each entry is checked on its
/// own first (typing errors, another edition, a number twice, a share other than the one
/// issued under its number when `issued` fingerprints are known), then the key they open must
/// be this edition's. Fewer than the threshold open nothing.
pub fn combine(
    entries: &[&str],
    key: &BallotKey,
    threshold: u8,
    issued: &[(u8, String)],
) -> Result<OpeningKey, ShareError> {
    let mut shares: Vec<Share> = Vec::new();
    for (i, raw) in entries.iter().enumerate() {
        let entry = i + 1;
        let share = Share::parse(raw).ok_or(ShareError::Garbled { entry })?;
        if !share.is_for(key) || share.threshold != threshold {
            return Err(ShareError::OtherEdition { entry });
        }
        if shares.iter().any(|s| s.x == share.x) {
            return Err(ShareError::Repeated { entry });
        }
        if !issued.is_empty()
            && !issued
                .iter()
                .any(|(x, fp)| *x == share.x && *fp == share.fingerprint())
        {
            return Err(ShareError::NotIssued { entry });
        }
        shares.push(share);
    }
    if shares.len() < usize::from(threshold) {
        return Err(ShareError::TooFew {
            have: shares.len(),
            need: threshold,
        });
    }
    let opened = interpolate(&shares[..usize::from(threshold)]);
    if opened.public() == *key {
        Ok(opened)
    } else {
        Err(ShareError::WrongKey)
    }
}

/// The polynomial's value at 0 from the given points (Lagrange).
fn interpolate(shares: &[Share]) -> OpeningKey {
    let mut secret = [0u8; 32];
    for (i, si) in shares.iter().enumerate() {
        let mut weight = 1u8;
        for (j, sj) in shares.iter().enumerate() {
            if i != j {
                weight = mul(weight, mul(sj.x, inverse(sj.x ^ si.x)));
            }
        }
        for (out, y) in secret.iter_mut().zip(si.y) {
            *out ^= mul(y, weight);
        }
    }
    let key = OpeningKey::from_bytes(secret);
    secret.zeroize();
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic_has_inverses() {
        assert_eq!(mul(0x57, 0x83), 0xc1, "FIPS-197's example");
        for a in 1..=255u8 {
            assert_eq!(mul(a, inverse(a)), 1, "{a}");
        }
        assert_eq!(mul(0, 9), 0);
    }

    fn texts(shares: &[Share]) -> Vec<String> {
        shares.iter().map(Share::to_text).collect()
    }

    fn refs(texts: &[String]) -> Vec<&str> {
        texts.iter().map(String::as_str).collect()
    }

    #[test]
    fn any_k_of_n_shares_open_the_key_and_k_minus_1_never_do() {
        for (k, n) in [(1, 1), (2, 3), (3, 5), (5, 5), (4, 7)] {
            let key = OpeningKey::generate();
            let public = key.public();
            let shares = split(&key, k, n);
            let all = texts(&shares);
            // Every subset of size k, in every rotation of the list.
            for start in 0..usize::from(n) {
                let chosen: Vec<String> = (0..usize::from(k))
                    .map(|i| all[(start + i * 2) % usize::from(n)].clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if chosen.len() < usize::from(k) {
                    continue;
                }
                let opened = combine(&refs(&chosen), &public, k, &[]);
                assert!(
                    matches!(opened, Ok(ref o) if o.public() == public),
                    "{k} of {n}"
                );
            }
            if k > 1 {
                let fewer = &all[..usize::from(k - 1)];
                assert_eq!(
                    combine(&refs(fewer), &public, k, &[]).err(),
                    Some(ShareError::TooFew {
                        have: usize::from(k - 1),
                        need: k
                    })
                );
                // Even forced, k-1 points give another key.
                let forced = interpolate(&shares[..usize::from(k - 1)]);
                assert!(forced.public() != public);
            }
        }
    }

    #[test]
    fn a_wrong_share_is_named() {
        let key = OpeningKey::generate();
        let public = key.public();
        let shares = split(&key, 3, 5);
        let all = texts(&shares);
        let issued: Vec<(u8, String)> = shares.iter().map(|s| (s.x, s.fingerprint())).collect();

        // A typing error anywhere is caught by the check sum.
        let mut typo = all[1].clone().into_bytes();
        let at = typo.len() / 2;
        typo[at] = if typo[at] == b'A' { b'B' } else { b'A' };
        let typo = String::from_utf8(typo).unwrap_or_default();
        assert_eq!(
            combine(&[&all[0], &typo, &all[2]], &public, 3, &issued).err(),
            Some(ShareError::Garbled { entry: 2 })
        );
        // Another edition's share.
        let elsewhere = split(&OpeningKey::generate(), 3, 5);
        assert_eq!(
            combine(
                &[&all[0], &all[1], &elsewhere[2].to_text()],
                &public,
                3,
                &issued
            )
            .err(),
            Some(ShareError::OtherEdition { entry: 3 })
        );
        assert_eq!(
            combine(&[&all[0], &all[0], &all[2]], &public, 3, &issued).err(),
            Some(ShareError::Repeated { entry: 2 })
        );
        // An altered share with a recomputed check sum: named by its fingerprint.
        let mut forged = shares[2].clone();
        // (Not the first byte: X25519 ignores its low bits.)
        forged.y[5] ^= 1;
        assert_eq!(
            combine(&[&all[0], &all[1], &forged.to_text()], &public, 3, &issued).err(),
            Some(ShareError::NotIssued { entry: 3 })
        );
        // Without the issued fingerprints, the key itself tells the shares are wrong.
        assert_eq!(
            combine(&[&all[0], &all[1], &forged.to_text()], &public, 3, &[]).err(),
            Some(ShareError::WrongKey)
        );
    }

    #[test]
    fn shares_survive_being_retyped() {
        let key = OpeningKey::generate();
        let share = split(&key, 2, 3).remove(1);
        let text = share.to_text();
        assert!(text.starts_with(&format!(
            "MIASTO-{}-2-2-",
            key.public().fingerprint().to_uppercase()
        )));
        let retyped = format!("  {}\n", text.to_lowercase().replace('-', "- "));
        assert_eq!(Share::parse(&retyped), Some(share.clone()));
        assert_eq!(Share::parse("MIASTO"), None);
        assert_eq!(Share::parse(""), None);
        assert!(!format!("{share:?}").contains(&text[25..40]));
        assert_eq!(share.fingerprint().len(), 19);
    }

    #[test]
    fn a_wrapped_share_unwraps_only_with_the_server_secret_and_its_number() {
        let key = OpeningKey::generate();
        let share = split(&key, 2, 3).remove(0);
        let scope = Uuid::from_u128(11);
        let wrapped = share.wrap(b"secret", scope);
        assert_eq!(Share::unwrap(b"secret", scope, 1, &wrapped), Some(share));
        assert_eq!(Share::unwrap(b"secret", scope, 2, &wrapped), None);
        assert_eq!(Share::unwrap(b"guess", scope, 1, &wrapped), None);
    }
}
