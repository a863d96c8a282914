//! Password hashes as mosquitto writes them, shared by the broker's password files, the
//! `mosquitto_passwd` tool and libmosquitto_common's `mosquitto_pw_*` functions.
//!
//! Two formats exist, a salt and a 64-byte hash in padded standard base64:
//! - `$6$SALT$HASH`: SHA-512 of the password followed by the salt;
//! - `$7$ITERATIONS$SALT$HASH`: PBKDF2-HMAC-SHA512 with that many iterations.
//!
//! Hashes made here have a 12-byte salt, which every mosquitto release reads. Empty `$` fields
//! do not count, and anything after the hash is ignored, as mosquitto reads it.

#![forbid(unsafe_code)]
// Without the broker only libmosquitto_common uses this module; the rest stays unused.
#![cfg_attr(not(feature = "broker"), allow(unreachable_pub, dead_code))]

use std::num::NonZeroU32;

/// Whether this build can compute hashes: SHA-512 and PBKDF2 come from ring, which a build
/// without TLS and without the broker leaves out (the `mosquitto_pw_*` functions then answer
/// `MOSQ_ERR_NOT_SUPPORTED`, as libmosquitto built without TLS does).
pub(crate) const AVAILABLE: bool = cfg!(any(feature = "broker", feature = "tls"));

/// SHA-512 of `password` followed by `salt`.
#[cfg(any(feature = "broker", feature = "tls"))]
fn sha512_salted(password: &[u8], salt: &[u8]) -> [u8; HASH_LEN] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA512);
    ctx.update(password);
    ctx.update(salt);
    let mut out = [0u8; HASH_LEN];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// PBKDF2-HMAC-SHA512 of `password` into `out`.
#[cfg(any(feature = "broker", feature = "tls"))]
fn pbkdf2(iterations: NonZeroU32, salt: &[u8], password: &[u8], out: &mut [u8; HASH_LEN]) {
    ring::pbkdf2::derive(ring::pbkdf2::PBKDF2_HMAC_SHA512, iterations, salt, password, out);
}

#[cfg(not(any(feature = "broker", feature = "tls")))]
fn sha512_salted(_password: &[u8], _salt: &[u8]) -> [u8; HASH_LEN] {
    // Never compared with a real hash: callers check AVAILABLE first, and `matches` answers
    // false without it.
    [0u8; HASH_LEN]
}

#[cfg(not(any(feature = "broker", feature = "tls")))]
fn pbkdf2(_iterations: NonZeroU32, _salt: &[u8], _password: &[u8], out: &mut [u8; HASH_LEN]) {
    *out = [0u8; HASH_LEN];
}

/// The PBKDF2 iteration count `mosquitto_passwd` uses unless told otherwise.
pub const DEFAULT_ITERATIONS: NonZeroU32 = NonZeroU32::MIN.saturating_add(100);

/// The largest iteration count accepted (mosquitto reads it into a C `int`).
pub const MAX_ITERATIONS: u32 = i32::MAX as u32;

/// Salt length in bytes.
pub const SALT_LEN: usize = 12;

/// Hash length in bytes (SHA-512 output).
pub const HASH_LEN: usize = 64;

/// Which hash [`hash_password`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// `$6$`: one round of SHA-512 (what mosquitto 1.6 and earlier wrote).
    Sha512,
    /// `$7$`: PBKDF2-HMAC-SHA512.
    Sha512Pbkdf2 {
        /// The iteration count written into the hash.
        iterations: NonZeroU32,
    },
}

impl Default for HashKind {
    fn default() -> HashKind {
        HashKind::Sha512Pbkdf2 {
            iterations: DEFAULT_ITERATIONS,
        }
    }
}

/// One usable password hash.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha512 {
        salt: Vec<u8>,
        hash: [u8; HASH_LEN],
    },
    Pbkdf2 {
        iterations: NonZeroU32,
        salt: Vec<u8>,
        hash: [u8; HASH_LEN],
    },
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Hashes stay out of debug output.
        match self {
            Hash::Sha512 { .. } => f.write_str("Sha512"),
            Hash::Pbkdf2 { iterations, .. } => write!(f, "Pbkdf2({iterations})"),
        }
    }
}

impl Hash {
    /// Whether `password` gives this hash (compared in constant time).
    pub(crate) fn matches(&self, password: &[u8]) -> bool {
        if !AVAILABLE {
            return false;
        }
        let mut computed = [0u8; HASH_LEN];
        let expected = match self {
            Hash::Sha512 { salt, hash } => {
                computed = sha512_salted(password, salt);
                hash
            }
            Hash::Pbkdf2 {
                iterations,
                salt,
                hash,
            } => {
                pbkdf2(*iterations, salt, password, &mut computed);
                hash
            }
        };
        constant_time_eq(&computed, expected)
    }
}

/// Equality of two byte strings whose running time does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Why a hash field cannot be used; each gives one of mosquitto's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashError {
    /// A field is missing.
    Missing,
    /// Neither `6` nor `7`.
    Type,
    /// The iteration count is not a positive number.
    Iterations,
    /// The salt is not base64 of an accepted length.
    Salt,
    /// The hash is not base64 of 64 bytes.
    Hash,
}

/// The white space C's `isspace` knows.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A number as C's `atoi` reads it: leading white space, an optional sign, then digits up to
/// the first other character (none gives 0). Saturates instead of overflowing.
pub(crate) fn atoi(bytes: &[u8]) -> i64 {
    let mut rest = bytes;
    while let [first, tail @ ..] = rest {
        if !is_c_space(*first) {
            break;
        }
        rest = tail;
    }
    let negative = match rest.first() {
        Some(b'-') => {
            rest = &rest[1..];
            true
        }
        Some(b'+') => {
            rest = &rest[1..];
            false
        }
        _ => false,
    };
    let mut value: i64 = 0;
    for &b in rest.iter().take_while(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if negative { -value } else { value }
}

/// Decode standard padded base64 (white space not allowed).
fn decode_field(text: &[u8]) -> Option<Vec<u8>> {
    if text.iter().any(|&b| is_c_space(b)) {
        return None;
    }
    crate::base64::decode(text)
}

/// Read a hash as the broker's password file holds it (`$6$…` or `$7$…`, after `user:`): the
/// salt must be 12 bytes, as mosquitto 2.0 requires.
pub(crate) fn parse_hash(text: &[u8]) -> Result<Hash, HashError> {
    parse_hash_with(text, |len| len == SALT_LEN)
}

/// [`parse_hash`] that also takes the 64-byte salts libmosquitto 2.1 writes.
pub(crate) fn parse_hash_any_salt(text: &[u8]) -> Result<Hash, HashError> {
    parse_hash_with(text, |len| len == SALT_LEN || len == HASH_LEN)
}

fn parse_hash_with(text: &[u8], salt_len_ok: fn(usize) -> bool) -> Result<Hash, HashError> {
    let mut fields = text.split(|&b| b == b'$').filter(|f| !f.is_empty());
    let kind = fields.next().ok_or(HashError::Missing)?;
    let iterations = match kind {
        b"6" => None,
        b"7" => {
            let field = fields.next().ok_or(HashError::Missing)?;
            let n = atoi(field);
            let n = u32::try_from(n)
                .ok()
                .filter(|&n| n <= MAX_ITERATIONS)
                .and_then(NonZeroU32::new)
                .ok_or(HashError::Iterations)?;
            Some(n)
        }
        _ => return Err(HashError::Type),
    };
    let salt = fields.next().ok_or(HashError::Missing)?;
    let salt = decode_field(salt)
        .filter(|s| salt_len_ok(s.len()))
        .ok_or(HashError::Salt)?;
    let hash = fields.next().ok_or(HashError::Missing)?;
    let hash: [u8; HASH_LEN] = decode_field(hash)
        .and_then(|h| h.try_into().ok())
        .ok_or(HashError::Hash)?;
    Ok(match iterations {
        None => Hash::Sha512 { salt, hash },
        Some(iterations) => Hash::Pbkdf2 {
            iterations,
            salt,
            hash,
        },
    })
}

/// The system's random number generator failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomError;

impl std::fmt::Display for RandomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no random bytes for a salt")
    }
}

impl std::error::Error for RandomError {}

/// A new hash of `password` with a random salt, as it appears after `user:` in a password
/// file (`$6$SALT$HASH` or `$7$ITERATIONS$SALT$HASH`).
pub fn hash_password(password: &[u8], kind: HashKind) -> Result<String, RandomError> {
    let mut salt = [0u8; SALT_LEN];
    if !AVAILABLE || !crate::random::fill(&mut salt) {
        return Err(RandomError);
    }
    Ok(hash_password_with_salt(password, kind, &salt))
}

/// [`hash_password`] with a given salt.
pub fn hash_password_with_salt(password: &[u8], kind: HashKind, salt: &[u8; SALT_LEN]) -> String {
    let salt64 = crate::base64::encode(salt);
    match kind {
        HashKind::Sha512 => {
            let hash = sha512_salted(password, salt);
            format!("$6${salt64}${}", crate::base64::encode(hash.as_ref()))
        }
        HashKind::Sha512Pbkdf2 { iterations } => {
            let mut hash = [0u8; HASH_LEN];
            pbkdf2(iterations, salt, password, &mut hash);
            format!("$7${iterations}${salt64}${}", crate::base64::encode(&hash))
        }
    }
}
