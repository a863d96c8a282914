//! Authentication and authorisation: password files, ACL files, `mosquitto_passwd`.
//!
//! - [`password`]: the `password_file` format (`user:$6$…` and `user:$7$…` lines), checking a
//!   password against it and making new hashes.
//! - [`acl`]: the `acl_file` format and the access decision for one client, topic and access.
//! - [`passwd`]: the whole `mosquitto_passwd` command behind a testable [`passwd::PasswdIo`].
//!
//! The broker core holds the policy behind two traits, [`Authenticator`] (at CONNECT) and
//! [`Authorizer`] (at PUBLISH and at delivery). [`Security`] implements both from
//! `allow_anonymous`, an optional password file and an optional ACL file, with mosquitto's
//! outcome rules.
//!
//! Nothing here prints or reads the clock: loading returns the lines mosquitto would log as
//! [`LogLine`] values, and the caller decides where they go.

pub mod acl;
pub mod passwd;
pub mod password;

use std::fmt;
use std::path::Path;

pub use acl::Acl;
pub use password::{HashKind, PasswordFile};

/// The level of a [`LogLine`], as mosquitto's `log_type` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// `log_type error`.
    Error,
    /// `log_type warning`.
    Warning,
    /// `log_type notice`.
    Notice,
    /// `log_type information`.
    Info,
}

/// A line the broker should log, without timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogLine {
    /// How important it is.
    pub level: LogLevel,
    /// The text, exactly as mosquitto words it.
    pub text: String,
}

impl LogLine {
    /// An error-level line.
    pub fn error(text: impl Into<String>) -> LogLine {
        LogLine {
            level: LogLevel::Error,
            text: text.into(),
        }
    }

    /// A warning-level line.
    pub fn warning(text: impl Into<String>) -> LogLine {
        LogLine {
            level: LogLevel::Warning,
            text: text.into(),
        }
    }

    /// A notice-level line.
    pub fn notice(text: impl Into<String>) -> LogLine {
        LogLine {
            level: LogLevel::Notice,
            text: text.into(),
        }
    }
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a password or ACL file could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The file could not be opened or read. mosquitto exits with status 13.
    Unreadable,
    /// The file was read but is not valid (ACL syntax errors). mosquitto exits with status 3.
    Invalid,
}

/// A password or ACL file that could not be loaded, with everything mosquitto logs about it
/// (warnings logged before the failure included), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// What went wrong.
    pub kind: LoadErrorKind,
    /// The lines to log, the last one being mosquitto's `Error opening … file "…".`.
    pub log: Vec<LogLine>,
}

impl LoadError {
    /// The exit status of a broker that fails to start because of this error.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            LoadErrorKind::Unreadable => 13,
            LoadErrorKind::Invalid => 3,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for line in &self.log {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            f.write_str(&line.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Read a whole password or ACL file, or fail with `open_error` then `context_error`
/// (mosquitto's two lines for a file it cannot open). A directory counts as unreadable.
fn read_file(path: &Path, open_error: String, context_error: String) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|_| LoadError {
        kind: LoadErrorKind::Unreadable,
        log: vec![LogLine::error(open_error), LogLine::error(context_error)],
    })
}

/// The warning mosquitto 2.0.16 and later logs when a password or ACL file grants any
/// permission to "others".
fn permission_warnings(path: &Path) -> Vec<LogLine> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(meta) if meta.permissions().mode() & 0o007 != 0 => {
            let shown = path.display();
            vec![LogLine::warning(format!(
                "Warning: File {shown} has world readable permissions. Future versions will refuse to \
                 load this file.\nTo fix this, use `chmod 0700 {shown}`."
            ))]
        }
        _ => Vec::new(),
    }
}

/// The kind of access a client asks for on a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Receiving a message (checked at delivery, retained messages included).
    Read,
    /// Publishing (checked on PUBLISH, and for a will when it is sent).
    Write,
    /// Subscribing to a filter. ACL files do not restrict it.
    Subscribe,
}

/// The result of an access check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the access is granted.
    pub allowed: bool,
    /// A line the broker should log about this check (mosquitto's notice about a client id or
    /// username with wildcards in it).
    pub log: Option<LogLine>,
}

impl Decision {
    /// Access granted, nothing to log.
    pub const ALLOW: Decision = Decision {
        allowed: true,
        log: None,
    };

    /// Access denied, nothing to log.
    pub const DENY: Decision = Decision {
        allowed: false,
        log: None,
    };

    fn from_bool(allowed: bool) -> Decision {
        if allowed { Decision::ALLOW } else { Decision::DENY }
    }
}

/// What the broker answers to a CONNECT's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthOutcome {
    /// The client may connect.
    Accepted,
    /// The client is refused: CONNACK 5 (v3) or 0x87 Not authorized (v5).
    NotAuthorized,
}

/// Checks a connecting client's credentials.
pub trait Authenticator: Send + Sync {
    /// The outcome for a client connecting with this id, username and password. A password of
    /// zero length counts as no password, as mosquitto reads it.
    fn authenticate(&self, client_id: &str, username: Option<&str>, password: Option<&[u8]>) -> AuthOutcome;
}

/// Decides whether a connected client may read or write a topic.
///
/// The broker does not ask about bridge connections, which bypass these checks.
pub trait Authorizer: Send + Sync {
    /// Whether the client may have `access` to `topic` (a topic name for read and write, a
    /// filter for subscribe).
    fn decide(&self, client_id: &str, username: Option<&str>, topic: &str, access: Access) -> Decision;

    /// [`Authorizer::decide`] without the log line.
    fn allowed(&self, client_id: &str, username: Option<&str>, topic: &str, access: Access) -> bool {
        self.decide(client_id, username, topic, access).allowed
    }
}

/// The security settings of a listener (or of the whole broker without
/// `per_listener_settings`): `allow_anonymous`, `password_file` and `acl_file`.
///
/// Authentication:
/// - no password file: `allow_anonymous true` accepts any credentials, `false` refuses every
///   client;
/// - with a password file: a client with a username must give that user's password (an
///   unknown user, a wrong password or no password is refused);
/// - a client without a username is accepted only with `allow_anonymous true`.
///
/// Authorisation: the rules on `$` topics every mosquitto broker applies (no publishing to
/// `$SYS/…` except `$SYS/broker/connection/+/state`, and `$share…` only for subscribing), then
/// the ACL file if there is one; without one, everything else is allowed.
#[derive(Debug, Clone)]
pub struct Security {
    /// `allow_anonymous`.
    pub allow_anonymous: bool,
    /// The loaded `password_file`, if one is configured.
    pub passwords: Option<PasswordFile>,
    /// The loaded `acl_file`, if one is configured.
    pub acl: Option<Acl>,
    /// Every client is accepted and may do anything, `$` rules included: the broker's own
    /// bridges, which bypass authentication and ACLs.
    pub unrestricted: bool,
}

impl Security {
    /// Load the configured files, password file first, as mosquitto does at start and on reload.
    /// The log lines of both loads are returned in order; on failure the error carries them.
    pub fn load(
        allow_anonymous: bool,
        password_file: Option<&Path>,
        acl_file: Option<&Path>,
    ) -> Result<(Security, Vec<LogLine>), LoadError> {
        let mut log = Vec::new();
        let passwords = match password_file {
            Some(path) => {
                let (file, lines) = PasswordFile::load(path)?;
                log.extend(lines);
                Some(file)
            }
            None => None,
        };
        let acl = match acl_file {
            Some(path) => match Acl::load(path) {
                Ok((acl, lines)) => {
                    log.extend(lines);
                    Some(acl)
                }
                Err(mut e) => {
                    log.append(&mut e.log);
                    e.log = log;
                    return Err(e);
                }
            },
            None => None,
        };
        Ok((
            Security {
                allow_anonymous,
                passwords,
                acl,
                unrestricted: false,
            },
            log,
        ))
    }

    /// What the broker's own bridges get: everything.
    pub fn unrestricted() -> Security {
        Security {
            allow_anonymous: true,
            passwords: None,
            acl: None,
            unrestricted: true,
        }
    }
}

impl Authenticator for Security {
    fn authenticate(&self, _client_id: &str, username: Option<&str>, password: Option<&[u8]>) -> AuthOutcome {
        if self.unrestricted {
            return AuthOutcome::Accepted;
        }
        let accepted = match (username, &self.passwords) {
            (None, _) => self.allow_anonymous,
            (Some(_), None) => self.allow_anonymous,
            (Some(user), Some(file)) => file.verify(user, password),
        };
        if accepted {
            AuthOutcome::Accepted
        } else {
            AuthOutcome::NotAuthorized
        }
    }
}

/// The `$` topic rules that apply before any ACL: `None` when they leave the decision to the
/// ACL.
fn dollar_rule(topic: &str, access: Access) -> Option<bool> {
    if topic.starts_with("$SYS") {
        if access == Access::Write {
            let bridge_state =
                crate::protocol::topic::matches_sub(b"$SYS/broker/connection/+/state", topic.as_bytes());
            if bridge_state != Ok(true) {
                return Some(false);
            }
        }
        None
    } else if topic.starts_with("$share") {
        if access == Access::Subscribe {
            None
        } else {
            Some(false)
        }
    } else {
        None
    }
}

impl Authorizer for Security {
    fn decide(&self, client_id: &str, username: Option<&str>, topic: &str, access: Access) -> Decision {
        if self.unrestricted {
            return Decision::ALLOW;
        }
        if dollar_rule(topic, access) == Some(false) {
            return Decision::DENY;
        }
        match &self.acl {
            Some(acl) => acl.decide(client_id, username, topic, access),
            None => Decision::ALLOW,
        }
    }
}

#[cfg(test)]
mod tests;
