//! The broker's file formats: the configuration file, the password file and the ACL file, read
//! as the broker reads them.
//!
//! Checks: nothing panics; reading is deterministic (the same bytes twice give the same
//! result and the same log lines); a password file's entries all answer to their user name,
//! and a good entry appended after anything still verifies; an ACL that loads answers every
//! question asked of it, the same each time, and never restricts subscriptions.

use crate::broker::auth::password::hash_password_with_salt;
use crate::broker::auth::{Access, Acl, HashKind, PasswordFile};
use crate::broker::config::ConfigReader;

use super::Script;

// -------------------------------------------------------------------------------------------
// config_file

/// Arbitrary bytes as a configuration file. `include_dir` reads directories of the machine, so
/// inputs naming it are skipped.
pub fn config_file(data: &[u8]) {
    if data.windows(b"include_dir".len()).any(|w| w == b"include_dir") {
        return;
    }
    let run = || {
        let mut reader = ConfigReader::new();
        let parsed = reader.parse_bytes(data, "fuzz.conf");
        let messages = reader.messages().to_vec();
        let finished = reader.finish();
        (parsed, messages, finished)
    };
    let first = run();
    assert!(
        first == run(),
        "reading the same file twice gave different results"
    );
    // The text in two calls, split at a line end, reads as one file does: nothing carries
    // over between lines but the section state.
    if let Some(cut) = data.iter().position(|&b| b == b'\n') {
        let mut reader = ConfigReader::new();
        let a = reader.parse_bytes(&data[..=cut], "fuzz.conf");
        if a.is_ok() {
            let _ = reader.parse_bytes(&data[cut + 1..], "fuzz.conf");
        }
        let _ = reader.finish();
    }
}

// -------------------------------------------------------------------------------------------
// password_file

/// Arbitrary bytes as a password file; then the same with a known entry appended.
pub fn password_file(data: &[u8]) {
    let (file, log) = PasswordFile::parse(data, "fuzz.pw");
    let (again, log_again) = PasswordFile::parse(data, "fuzz.pw");
    assert!(log == log_again, "the same file gave different log lines");
    assert_eq!(file.len(), again.len());
    assert_eq!(file.len(), file.usernames().count());
    for user in file.usernames() {
        if let Ok(name) = std::str::from_utf8(user) {
            assert!(file.contains(name), "{name:?} listed but not found");
            // Cheap hashes only: `$7$` entries may carry up to the maximal iteration count.
            assert!(!file.verify(name, None));
            assert!(!file.verify(name, Some(b"")));
        }
    }
    // A good entry after anything: a new line ends whatever came before it, and the last
    // entry of a user wins.
    let hash = hash_password_with_salt(b"right", HashKind::Sha512, &[7; 12]);
    let mut text = data.to_vec();
    text.extend_from_slice(b"\nfuzz-user:");
    text.extend_from_slice(hash.as_bytes());
    text.push(b'\n');
    let (file, _) = PasswordFile::parse(&text, "fuzz.pw");
    assert!(file.verify("fuzz-user", Some(b"right")));
    assert!(!file.verify("fuzz-user", Some(b"wrong")));
}

// -------------------------------------------------------------------------------------------
// acl_file

const CLIENTS: [&str; 4] = ["c", "", "a+b", "user"];
const USERS: [Option<&str>; 4] = [None, Some("u"), Some(""), Some("a/#")];
const TOPICS: [&str; 8] = ["a", "a/b", "a/b/c", "$SYS/x", "", "/", "c/user", "u/c"];

/// Arbitrary bytes as an ACL file (the first byte chooses questions); every question asked of
/// a file that loads gets an answer, the same twice.
pub fn acl_file(data: &[u8]) {
    let mut s = Script { data };
    let choice = s.byte();
    let text = s.data;
    let first = Acl::parse(text, "fuzz.acl");
    let second = Acl::parse(text, "fuzz.acl");
    assert_eq!(first.is_ok(), second.is_ok());
    let (Ok((acl, _)), Ok((again, _))) = (first, second) else {
        return;
    };
    // Topics from the input itself, as well as the fixed ones.
    let own: Vec<String> = String::from_utf8_lossy(text)
        .split(|c: char| c.is_whitespace())
        .filter(|w| w.len() < 64)
        .take(8)
        .map(str::to_owned)
        .collect();
    let topics = TOPICS.iter().copied().chain(own.iter().map(String::as_str));
    for (i, topic) in topics.enumerate() {
        let client = CLIENTS[(usize::from(choice) + i) % CLIENTS.len()];
        let user = USERS[(usize::from(choice >> 2) + i) % USERS.len()];
        for access in [Access::Read, Access::Write, Access::Subscribe] {
            let d = acl.decide(client, user, topic, access);
            assert_eq!(d.allowed, again.check(client, user, topic, access));
            if access == Access::Subscribe {
                assert!(d.allowed, "ACL files do not restrict subscriptions");
            }
        }
    }
}
