//! Sealed ballots (the double envelope): the choices are encrypted to the edition's public
//! key at the moment of voting with a sealed box (X25519 and XSalsa20-Poly1305 from
//! RustCrypto's `crypto_box`), so that until the count the database holds only envelopes.
//! Opening needs the private key, which exists only while the commission's shares are
//! combined in memory.

use super::{hex, keyed_hash, sha256, unhex};
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};
use uuid::Uuid;

/// The edition's public key: anyone may seal to it, nobody can open with it.
#[derive(Clone, PartialEq, Eq)]
pub struct BallotKey(PublicKey);

impl std::fmt::Debug for BallotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BallotKey({})", self.fingerprint())
    }
}

impl BallotKey {
    /// The stored form: 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    pub fn from_hex(raw: &str) -> Option<Self> {
        let bytes: [u8; 32] = unhex(raw.trim())?.try_into().ok()?;
        Some(Self(PublicKey::from(bytes)))
    }

    /// Eight hex digits naming the key (and so the edition) in every share.
    pub fn fingerprint(&self) -> String {
        hex(&sha256(&[b"miasto-ballot-key", self.0.as_bytes()])[..4])
    }
}

/// The private key, only ever in memory: generated once and split into shares, or put back
/// together from enough shares to open the envelopes.
pub struct OpeningKey(SecretKey);

impl std::fmt::Debug for OpeningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpeningKey(…)")
    }
}

impl OpeningKey {
    pub fn generate() -> Self {
        Self(SecretKey::generate(&mut OsRng))
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(SecretKey::from(bytes))
    }

    pub(crate) fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> BallotKey {
        BallotKey(self.0.public_key())
    }

    /// Opens an envelope sealed to this key's public half.
    pub fn open(&self, envelope: &[u8]) -> Result<BallotContent, OpenError> {
        let plain = self.0.unseal(envelope).map_err(|_| OpenError::Unreadable)?;
        BallotContent::decode(&plain).ok_or(OpenError::Malformed)
    }
}

/// Why an envelope did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Not sealed to this key, or altered.
    Unreadable,
    /// Opened, but not a ballot this platform wrote.
    Malformed,
}

/// How a ballot reached the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// Cast on the web by a signed-in voter.
    Online,
    /// A paper sheet typed in twice by different people.
    Paper,
    /// Recorded by staff at a city counter after checking a document.
    Counter,
}

impl Channel {
    pub const ALL: [Self; 3] = [Self::Online, Self::Paper, Self::Counter];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Paper => "paper",
            Self::Counter => "counter",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    fn byte(self) -> u8 {
        match self {
            Self::Online => 0,
            Self::Paper => 1,
            Self::Counter => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.byte() == b)
    }
}

/// What an envelope holds: the channel and the marks (project, points).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotContent {
    pub channel: Channel,
    pub marks: Vec<(Uuid, u16)>,
}

/// Plaintexts are padded to a multiple of this, so an envelope's size does not tell how
/// many projects were marked (a block holds 14 marks).
pub const PAD: usize = 256;
const VERSION: u8 = 1;
const MARK: usize = 18;

impl BallotContent {
    /// version, channel, count (u16), then 16 bytes of project id and 2 of points per mark,
    /// then zeros up to a multiple of [`PAD`].
    pub fn encode(&self) -> Vec<u8> {
        let count = u16::try_from(self.marks.len()).unwrap_or(u16::MAX);
        let mut out = Vec::with_capacity(PAD);
        out.push(VERSION);
        out.push(self.channel.byte());
        out.extend_from_slice(&count.to_be_bytes());
        for (project, points) in self.marks.iter().take(usize::from(count)) {
            out.extend_from_slice(project.as_bytes());
            out.extend_from_slice(&points.to_be_bytes());
        }
        let padded = out.len().div_ceil(PAD).max(1) * PAD;
        out.resize(padded, 0);
        out
    }

    pub fn decode(raw: &[u8]) -> Option<Self> {
        if raw.len() < 4 || !raw.len().is_multiple_of(PAD) || raw[0] != VERSION {
            return None;
        }
        let channel = Channel::from_byte(raw[1])?;
        let count = usize::from(u16::from_be_bytes([raw[2], raw[3]]));
        let end = 4 + count * MARK;
        if end > raw.len() || raw[end..].iter().any(|b| *b != 0) {
            return None;
        }
        let marks = raw[4..end]
            .chunks(MARK)
            .map(|m| {
                let id = Uuid::from_slice(&m[..16]).unwrap_or_default();
                (id, u16::from_be_bytes([m[16], m[17]]))
            })
            .collect();
        Some(Self { channel, marks })
    }
}

impl BallotKey {
    /// Seals a ballot: only the holder of the private key can read it.
    pub fn seal(&self, content: &BallotContent) -> Vec<u8> {
        self.0
            .seal(&mut OsRng, &content.encode())
            .unwrap_or_else(|_| unreachable!("sealing a short plaintext cannot fail"))
    }
}

/// The platform's own signature on an envelope (HMAC-SHA256 under the server secret): the
/// count refuses envelopes that someone with write access to the database, but without the
/// secret, slipped in.
pub fn envelope_mac(secret: &[u8], scope: Uuid, envelope: &[u8]) -> Vec<u8> {
    keyed_hash(secret, &[b"envelope", scope.as_bytes(), envelope]).to_vec()
}

/// A key share waiting for its commission member is sealed to a key derived from the server
/// secret, so a copy of the database alone does not give it away.
fn wrapping_key(secret: &[u8], scope: Uuid, x: u8) -> SecretKey {
    SecretKey::from(keyed_hash(secret, &[b"share-wrap", scope.as_bytes(), &[x]]))
}

pub(crate) fn wrap(secret: &[u8], scope: Uuid, x: u8, plain: &[u8]) -> Vec<u8> {
    wrapping_key(secret, scope, x)
        .public_key()
        .seal(&mut OsRng, plain)
        .unwrap_or_else(|_| unreachable!("sealing a short plaintext cannot fail"))
}

pub(crate) fn unwrap(secret: &[u8], scope: Uuid, x: u8, wrapped: &[u8]) -> Option<Vec<u8>> {
    wrapping_key(secret, scope, x).unseal(wrapped).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(n: usize) -> BallotContent {
        BallotContent {
            channel: Channel::Paper,
            marks: (0..n)
                .map(|i| (Uuid::from_u128(i as u128 + 1), (i % 4) as u16))
                .collect(),
        }
    }

    #[test]
    fn a_sealed_ballot_opens_only_with_its_key() {
        let key = OpeningKey::generate();
        let ballot = content(6);
        let envelope = key.public().seal(&ballot);
        assert_eq!(key.open(&envelope), Ok(ballot.clone()));
        // Sealing is randomised: the same ballot twice gives two different envelopes.
        assert_ne!(envelope, key.public().seal(&ballot));
        let other = OpeningKey::generate();
        assert_eq!(other.open(&envelope), Err(OpenError::Unreadable));
        let mut altered = envelope.clone();
        altered[40] ^= 1;
        assert_eq!(key.open(&altered), Err(OpenError::Unreadable));
        // No mark id appears in the envelope.
        for (id, _) in &ballot.marks {
            assert!(!envelope.windows(16).any(|w| w == id.as_bytes()));
        }
    }

    #[test]
    fn envelopes_have_the_same_size_whatever_the_number_of_marks() {
        let key = OpeningKey::generate().public();
        let sizes: Vec<usize> = [1, 3, 6, 14]
            .iter()
            .map(|&n| key.seal(&content(n)).len())
            .collect();
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{sizes:?}");
        assert_eq!(sizes[0], PAD + 48);
    }

    #[test]
    fn contents_round_trip_and_garbage_is_refused() {
        for n in [0, 1, 6, 14, 15, 100] {
            let c = content(n);
            assert_eq!(BallotContent::decode(&c.encode()), Some(c));
        }
        let mut bad = content(2).encode();
        bad[0] = 9;
        assert_eq!(BallotContent::decode(&bad), None);
        let mut trailing = content(2).encode();
        trailing[200] = 1;
        assert_eq!(BallotContent::decode(&trailing), None);
        assert_eq!(BallotContent::decode(&[1, 0, 0]), None);
        let mut too_many = content(1).encode();
        too_many[2] = 0xff;
        assert_eq!(BallotContent::decode(&too_many), None);
    }

    #[test]
    fn keys_round_trip_through_their_stored_form() {
        let key = OpeningKey::generate().public();
        assert_eq!(BallotKey::from_hex(&key.to_hex()), Some(key.clone()));
        assert_eq!(BallotKey::from_hex("zz"), None);
        assert_eq!(key.fingerprint().len(), 8);
    }

    #[test]
    fn wrapped_shares_need_the_server_secret() {
        let scope = Uuid::from_u128(3);
        let wrapped = wrap(b"secret", scope, 2, b"share");
        assert_eq!(
            unwrap(b"secret", scope, 2, &wrapped).as_deref(),
            Some(&b"share"[..])
        );
        assert_eq!(unwrap(b"other", scope, 2, &wrapped), None);
        assert_eq!(unwrap(b"secret", scope, 3, &wrapped), None);
    }
}
