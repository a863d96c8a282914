//! Password files (`password_file`): reading them, checking passwords, making hashes.
//!
//! A line `user:HASH` defines a user. Lines starting with `#` and lines without `:` are
//! skipped. Between the colons, empty fields do not count, and the user name and the hash are
//! trimmed of white space (so `  bob :$6$…` defines `bob`). A line with a user but no hash is
//! logged as invalid and skipped; a hash that cannot be used drops its user with an error line.
//! When a user appears twice, the last usable line wins.
//!
//! Two hash formats exist, with a 12-byte salt and a 64-byte hash in padded standard base64:
//! - `$6$SALT$HASH`: SHA-512 of the password followed by the salt;
//! - `$7$ITERATIONS$SALT$HASH`: PBKDF2-HMAC-SHA512 with that many iterations (the default is
//!   [`DEFAULT_ITERATIONS`]).
//!
//! Inside the hash, empty `$` fields do not count either, and anything after the hash is
//! ignored, as mosquitto reads it.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::Path;

use ring::rand::SecureRandom;

use super::{LoadError, LogLine};

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
enum Hash {
    Sha512 {
        salt: [u8; SALT_LEN],
        hash: [u8; HASH_LEN],
    },
    Pbkdf2 {
        iterations: NonZeroU32,
        salt: [u8; SALT_LEN],
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
    fn matches(&self, password: &[u8]) -> bool {
        let mut computed = [0u8; HASH_LEN];
        let expected = match self {
            Hash::Sha512 { salt, hash } => {
                computed.copy_from_slice(sha512_salted(password, salt).as_ref());
                hash
            }
            Hash::Pbkdf2 {
                iterations,
                salt,
                hash,
            } => {
                ring::pbkdf2::derive(
                    ring::pbkdf2::PBKDF2_HMAC_SHA512,
                    *iterations,
                    salt,
                    password,
                    &mut computed,
                );
                hash
            }
        };
        constant_time_eq(&computed, expected)
    }
}

fn sha512_salted(password: &[u8], salt: &[u8]) -> ring::digest::Digest {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA512);
    ctx.update(password);
    ctx.update(salt);
    ctx.finish()
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
enum HashError {
    /// A field is missing.
    Missing,
    /// Neither `6` nor `7`.
    Type,
    /// The iteration count is not a positive number.
    Iterations,
    /// The salt is not base64 of 12 bytes.
    Salt,
    /// The hash is not base64 of 64 bytes.
    Hash,
}

impl HashError {
    fn message(self, user: &str) -> String {
        match self {
            HashError::Missing => format!("Error: Invalid password hash for user {user}, removing entry."),
            HashError::Type => format!("Error: Invalid password hash type for user {user}, removing entry."),
            HashError::Iterations => {
                format!("Error: Invalid hash iterations for user {user}, removing entry.")
            }
            HashError::Salt => {
                format!("Error: Unable to decode password salt for user {user}, removing entry.")
            }
            HashError::Hash => format!("Error: Unable to decode password for user {user}, removing entry."),
        }
    }
}

/// The white space C's `isspace` knows.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `bytes` without leading and trailing white space.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_c_space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_c_space(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// `bytes` without trailing white space.
pub(crate) fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| !is_c_space(b)).map_or(0, |i| i + 1);
    &bytes[..end]
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

/// Decode standard padded base64 that must give exactly `N` bytes (white space not allowed).
fn decode_exact<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.iter().any(|&b| is_c_space(b)) {
        return None;
    }
    crate::base64::decode(text)?.try_into().ok()
}

fn parse_hash(text: &[u8]) -> Result<Hash, HashError> {
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
    let salt = decode_exact::<SALT_LEN>(salt).ok_or(HashError::Salt)?;
    let hash = fields.next().ok_or(HashError::Missing)?;
    let hash = decode_exact::<HASH_LEN>(hash).ok_or(HashError::Hash)?;
    Ok(match iterations {
        None => Hash::Sha512 { salt, hash },
        Some(iterations) => Hash::Pbkdf2 {
            iterations,
            salt,
            hash,
        },
    })
}

/// What one line of a password file holds, read the way the broker reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// A comment, a line without `:`, or one with nothing but colons: not an entry.
    Skip,
    /// A user name (trimmed) and, if there is one, the field after it (trimmed).
    Entry {
        user: &'a [u8],
        /// Where the line ends as mosquitto shows it in a warning about it.
        user_end: usize,
        secret: Option<&'a [u8]>,
    },
}

/// Read one line (its line ending may still be attached).
pub(crate) fn split_line(line: &[u8]) -> Line<'_> {
    if line.first() == Some(&b'#') || !line.contains(&b':') {
        return Line::Skip;
    }
    let mut offset = 0;
    let mut fields = line.split(|&b| b == b':').filter_map(|field| {
        let start = offset;
        offset += field.len() + 1;
        (!field.is_empty()).then_some((start, field))
    });
    let Some((start, user_field)) = fields.next() else {
        return Line::Skip;
    };
    let secret = fields.next().map(|(_, field)| trim(field));
    let user = trim(user_field);
    // mosquitto cuts the line after the user name only when there is one: a field of white
    // space stays as it is.
    let user_len = if user.is_empty() {
        user_field.len()
    } else {
        trim_end(user_field).len()
    };
    Line::Entry {
        user,
        user_end: start + user_len,
        secret,
    }
}

/// The users of a password file and their hashes.
#[derive(Debug, Clone, Default)]
pub struct PasswordFile {
    users: HashMap<Vec<u8>, Hash>,
}

impl PasswordFile {
    /// Read the password file at `path`. The returned lines are what mosquitto logs while
    /// loading it (a warning if others may read it, then one line per skipped or dropped
    /// entry). A file that cannot be read gives mosquitto's two error lines.
    pub fn load(path: &Path) -> Result<(PasswordFile, Vec<LogLine>), LoadError> {
        let shown = path.display();
        let data = super::read_file(
            path,
            format!("Error: Unable to open pwfile \"{shown}\"."),
            format!("Error opening password file \"{shown}\"."),
        )?;
        let mut log = super::permission_warnings(path);
        let (file, lines) = PasswordFile::parse(&data, &shown.to_string());
        log.extend(lines);
        Ok((file, log))
    }

    /// Read password file contents; `name` is the file name the log lines mention.
    pub fn parse(data: &[u8], name: &str) -> (PasswordFile, Vec<LogLine>) {
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        let mut users = HashMap::new();
        for line in data.split_inclusive(|&b| b == b'\n') {
            let Line::Entry {
                user,
                user_end,
                secret,
            } = split_line(line)
            else {
                continue;
            };
            let Some(secret) = secret else {
                warnings.push(LogLine::warning(format!(
                    "Warning: Invalid line in password file '{name}': {}",
                    String::from_utf8_lossy(&line[..user_end])
                )));
                continue;
            };
            match parse_hash(secret) {
                Ok(hash) => {
                    users.insert(user.to_vec(), hash);
                }
                Err(e) => {
                    // A later bad line for a user does not remove an earlier good one.
                    errors.push(LogLine::error(e.message(&String::from_utf8_lossy(user))));
                }
            }
        }
        // mosquitto reads every line before it checks any hash.
        warnings.extend(errors);
        (PasswordFile { users }, warnings)
    }

    /// Whether `password` is the password of `username`, comparing hashes in constant time.
    /// An unknown user, no password and an empty password (which mosquitto reads as no
    /// password) never match.
    pub fn verify(&self, username: &str, password: Option<&[u8]>) -> bool {
        let Some(hash) = self.users.get(username.as_bytes()) else {
            return false;
        };
        match password {
            Some(password) if !password.is_empty() => hash.matches(password),
            _ => false,
        }
    }

    /// Whether the file defines `username`.
    pub fn contains(&self, username: &str) -> bool {
        self.users.contains_key(username.as_bytes())
    }

    /// How many users the file defines.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether the file defines no user.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The user names, in no particular order (as bytes: the file need not be UTF-8).
    pub fn usernames(&self) -> impl Iterator<Item = &[u8]> {
        self.users.keys().map(Vec::as_slice)
    }
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
    ring::rand::SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| RandomError)?;
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
            ring::pbkdf2::derive(
                ring::pbkdf2::PBKDF2_HMAC_SHA512,
                iterations,
                salt,
                password,
                &mut hash,
            );
            format!("$7${iterations}${salt64}${}", crate::base64::encode(&hash))
        }
    }
}

#[cfg(test)]
mod tests;
