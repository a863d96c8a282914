//! Password files (`password_file`): reading them, checking passwords, making hashes.
//!
//! A line `user:HASH` defines a user. Lines starting with `#` and lines without `:` are
//! skipped. Between the colons, empty fields do not count, and the user name and the hash are
//! trimmed of white space (so `  bob :$6$…` defines `bob`). A line with a user but no hash is
//! logged as invalid and skipped; a hash that cannot be used drops its user with an error line.
//! When a user appears twice, the last usable line wins.
//!
//! The hash formats are those of [`crate::pwhash`], with a 12-byte salt (as mosquitto 2.0
//! reads them); the PBKDF2 default iteration count is [`DEFAULT_ITERATIONS`].

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::path::Path;

use super::{LoadError, LogLine};
pub use crate::pwhash::{
    DEFAULT_ITERATIONS, HASH_LEN, HashKind, MAX_ITERATIONS, RandomError, SALT_LEN, hash_password,
    hash_password_with_salt,
};
pub(crate) use crate::pwhash::{Hash, HashError, atoi, is_c_space, parse_hash};

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

#[cfg(test)]
mod tests;
