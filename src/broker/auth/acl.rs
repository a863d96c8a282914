//! ACL files (`acl_file`): which topics each client may read and write.
//!
//! Grammar, one rule per line (trailing white space is ignored, words are separated by spaces):
//! - a line whose first byte is `#` is a comment; blank lines are ignored;
//! - `user NAME`: the `topic` lines that follow belong to that user (NAME is the rest of the
//!   line; a user may have several sections, their rules add up);
//! - `topic [read|write|readwrite|deny] TOPIC`: a rule for the current user, or for clients
//!   without a username while no `user` line has been seen;
//! - `pattern [read|write|readwrite|deny] TOPIC`: a rule for every client, wherever it stands,
//!   in which `%c` is replaced by the client id and `%u` by the username (a pattern using `%u`
//!   does not apply to clients without a username).
//!
//! TOPIC is the rest of the line and may hold `+` and `#`. Without an access word the access
//! is `readwrite`, and a lone word after `topic` is the topic (so `topic read` is the topic
//! `read`).
//!
//! Evaluation for a read or write: the client's own `deny` rules first (a match denies), then
//! its other rules in file order (the first that matches and grants the access allows). Then,
//! if there are patterns, a client whose username or client id holds `+` or `#` is denied (and
//! a notice is logged), then `deny` patterns, then the other patterns. Anything else is denied.
//! Rules not starting with `$` never match topics starting with `$`. Subscribing is not
//! restricted by ACL files.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::path::Path;

use super::password::trim_end;
use super::{Access, Decision, LoadError, LoadErrorKind, LogLine};
use crate::protocol::topic::matches_sub;

const READ: u8 = 1;
const WRITE: u8 = 2;
/// The access bits of a `deny` rule.
const DENY: u8 = 0;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    topic: Vec<u8>,
    access: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    topic: Vec<u8>,
    access: u8,
    uses_username: bool,
}

/// A parsed ACL file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acl {
    /// `topic` rules before the first `user` line: for clients without a username.
    anonymous: Vec<Rule>,
    users: HashMap<Vec<u8>, Vec<Rule>>,
    patterns: Vec<Pattern>,
}

fn matches(filter: &[u8], topic: &[u8]) -> bool {
    if topic.first() == Some(&b'$') && filter.first() != Some(&b'$') {
        return false;
    }
    matches_sub(filter, topic) == Ok(true)
}

/// A pattern with `%c` and `%u` replaced, scanning left to right (`%u` stays as it is for a
/// client without a username).
fn substitute(pattern: &[u8], client_id: &[u8], username: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(pattern.len() + client_id.len());
    let mut i = 0;
    while i < pattern.len() {
        if pattern[i] == b'%' {
            match (pattern.get(i + 1), username) {
                (Some(b'c'), _) => {
                    out.extend_from_slice(client_id);
                    i += 2;
                    continue;
                }
                (Some(b'u'), Some(user)) => {
                    out.extend_from_slice(user);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(pattern[i]);
        i += 1;
    }
    out
}

fn contains_wildcard(name: &[u8]) -> bool {
    name.iter().any(|&b| b == b'+' || b == b'#')
}

fn contains_seq(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The next space-separated word of `text` from `from`: (start, end), or None at the end.
fn next_word(text: &[u8], from: usize) -> Option<(usize, usize)> {
    let start = from + text.get(from..)?.iter().position(|&b| b != b' ')?;
    let end = text[start..]
        .iter()
        .position(|&b| b == b' ')
        .map_or(text.len(), |n| start + n);
    Some((start, end))
}

/// What follows the word ending at `end` (after the one space ending it), without leading
/// spaces; None if nothing does.
fn rest_after(text: &[u8], end: usize) -> Option<&[u8]> {
    let rest = text.get(end + 1..)?;
    let start = rest.iter().position(|&b| b != b' ')?;
    Some(&rest[start..])
}

impl Acl {
    /// Read the ACL file at `path`. The returned lines are what mosquitto logs while loading
    /// it (a warning if others may read it, and one per pattern without `%c` or `%u`).
    pub fn load(path: &Path) -> Result<(Acl, Vec<LogLine>), LoadError> {
        let shown = path.display();
        let data = super::read_file(
            path,
            format!("Error: Unable to open acl_file \"{shown}\"."),
            format!("Error opening acl file \"{shown}\"."),
        )?;
        let mut log = super::permission_warnings(path);
        match Acl::parse(&data, &shown.to_string()) {
            Ok((acl, lines)) => {
                log.extend(lines);
                Ok((acl, log))
            }
            Err(mut e) => {
                log.append(&mut e.log);
                e.log = log;
                Err(e)
            }
        }
    }

    /// [`Acl::parse`] for text.
    pub fn parse_str(text: &str, name: &str) -> Result<(Acl, Vec<LogLine>), LoadError> {
        Acl::parse(text.as_bytes(), name)
    }

    /// Read ACL file contents; `name` is the file name the log lines mention.
    pub fn parse(data: &[u8], name: &str) -> Result<(Acl, Vec<LogLine>), LoadError> {
        let mut acl = Acl::default();
        let mut log = Vec::new();
        let mut user: Option<Vec<u8>> = None;
        let fail = |mut log: Vec<LogLine>, text: String| {
            log.push(LogLine::error(text));
            log.push(LogLine::error(format!("Error opening acl file \"{name}\".")));
            LoadError {
                kind: LoadErrorKind::Invalid,
                log,
            }
        };
        for raw in data.split(|&b| b == b'\n') {
            let line = trim_end(raw);
            if line.first() == Some(&b'#') {
                continue;
            }
            let Some((start, end)) = next_word(line, 0) else {
                continue;
            };
            match &line[start..end] {
                keyword @ (b"topic" | b"pattern") => {
                    let Some((access_start, access_end)) = next_word(line, end) else {
                        return Err(fail(log, format!("Error: Empty topic in acl_file \"{name}\".")));
                    };
                    let word = &line[access_start..access_end];
                    let (access, topic) = match rest_after(line, access_end) {
                        None => (READ | WRITE, word),
                        Some(topic) => {
                            let access = match word {
                                b"read" => READ,
                                b"write" => WRITE,
                                b"readwrite" => READ | WRITE,
                                b"deny" => DENY,
                                _ => {
                                    return Err(fail(
                                        log,
                                        format!(
                                            "Error: Invalid topic access type \"{}\" in acl_file \"{name}\".",
                                            String::from_utf8_lossy(word)
                                        ),
                                    ));
                                }
                            };
                            (access, topic)
                        }
                    };
                    if keyword == b"topic" {
                        let rule = Rule {
                            topic: topic.to_vec(),
                            access,
                        };
                        match &user {
                            None => acl.anonymous.push(rule),
                            Some(name) => acl.users.entry(name.clone()).or_default().push(rule),
                        }
                    } else {
                        let uses_client_id = contains_seq(topic, b"%c");
                        let uses_username = contains_seq(topic, b"%u");
                        if !uses_client_id && !uses_username {
                            log.push(LogLine::warning(format!(
                                "Warning: ACL pattern '{}' does not contain '%c' or '%u'.",
                                String::from_utf8_lossy(topic)
                            )));
                        }
                        acl.patterns.push(Pattern {
                            topic: topic.to_vec(),
                            access,
                            uses_username,
                        });
                    }
                }
                b"user" => match rest_after(line, end) {
                    Some(name) => user = Some(name.to_vec()),
                    None => {
                        return Err(fail(
                            log,
                            format!("Error: Missing username in acl_file \"{name}\"."),
                        ));
                    }
                },
                _ => {
                    return Err(fail(
                        log,
                        format!(
                            "Error: Invalid line in acl_file \"{name}\": {}.",
                            String::from_utf8_lossy(&line[..end])
                        ),
                    ));
                }
            }
        }
        Ok((acl, log))
    }

    /// Whether the client may have `access` to `topic`.
    pub fn check(&self, client_id: &str, username: Option<&str>, topic: &str, access: Access) -> bool {
        self.decide(client_id, username, topic, access).allowed
    }

    /// [`Acl::check`], with the notice mosquitto logs when it refuses a client id or username
    /// holding a wildcard.
    pub fn decide(&self, client_id: &str, username: Option<&str>, topic: &str, access: Access) -> Decision {
        let need = match access {
            Access::Subscribe => return Decision::ALLOW,
            Access::Read => READ,
            Access::Write => WRITE,
        };
        let topic = topic.as_bytes();
        let rules: &[Rule] = match username {
            None => &self.anonymous,
            Some(user) => self.users.get(user.as_bytes()).map_or(&[], Vec::as_slice),
        };
        if rules.iter().any(|r| r.access == DENY && matches(&r.topic, topic)) {
            return Decision::DENY;
        }
        if rules
            .iter()
            .any(|r| r.access & need != 0 && matches(&r.topic, topic))
        {
            return Decision::ALLOW;
        }
        if self.patterns.is_empty() {
            return Decision::DENY;
        }
        if let Some(user) = username.filter(|u| contains_wildcard(u.as_bytes())) {
            return Decision {
                allowed: false,
                log: Some(LogLine::notice(format!(
                    "ACL denying access to client with dangerous username \"{user}\""
                ))),
            };
        }
        if contains_wildcard(client_id.as_bytes()) {
            return Decision {
                allowed: false,
                log: Some(LogLine::notice(format!(
                    "ACL denying access to client with dangerous client id \"{client_id}\""
                ))),
            };
        }
        let user = username.map(str::as_bytes);
        let applicable = || {
            self.patterns
                .iter()
                .filter(|p| !(p.uses_username && username.is_none()))
        };
        let hits = |p: &Pattern| matches(&substitute(&p.topic, client_id.as_bytes(), user), topic);
        if applicable().any(|p| p.access == DENY && hits(p)) {
            return Decision::DENY;
        }
        Decision::from_bool(applicable().any(|p| p.access & need != 0 && hits(p)))
    }
}

#[cfg(test)]
mod tests;
