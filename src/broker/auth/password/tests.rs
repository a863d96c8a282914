use super::*;
use crate::broker::auth::LogLevel;
use std::num::NonZeroU32;

/// Lines written by Debian's `mosquitto_passwd` 2.0.11, with the passwords they were made from.
const DEBIAN_PBKDF2: &str = "u:$7$101$yCVgsiPjsSzxcI+X$fos/uCL7gt0mrJsTsw6e0tJZRi6mG/rL7/x3Lm2UDzHh0NdB9LYEMH2AM5jfIQJ4Wf03h6y93KbK62dLNEYB6A==";
const DEBIAN_PBKDF2_PASSWORD: &[u8] = b"p";
const DEBIAN_PBKDF2_5: &str = "u5:$7$5$/H3dEjNrly+hCeYP$8JU+X/FMfVhizOHe726WDAb2JjVWBamRqyFeivU3j5BgEJ0ghuhMtStpYyslr9CuHBWI9Fs+etgOVocftRFlxg==";
const DEBIAN_SHA512: &str = "v:$6$jkWDXBsXY4p1rnZ/$Iy37VikiOReHUydS9IhafiX9G8T5njEaCkd6gredFsDBJQ+D0E7qoSmZ1saJGeqZ0IR81hVh/uw4bc4XWLBvQw==";
const DEBIAN_SHA512_PASSWORD: &[u8] = b"pw";

/// Hashes of `secret` (and one of `pässwörd`) with the salt `123456789012`, computed with
/// Python's hashlib.
const SALT: &[u8; 12] = b"123456789012";
const VECTOR_SHA512: &str = "$6$MTIzNDU2Nzg5MDEy$bZfv+whQZ/1yDdVb4P8BlqyS8z1Prbr7t+3w6UFsmNp85Hwi9Z3NMZAjHkW9nrd/yW54ZokD+1OkposE5KV3SA==";
const VECTOR_PBKDF2_101: &str = "$7$101$MTIzNDU2Nzg5MDEy$h3OGTDkrPBc1IDrkvFUXjghw4dN9103fBdTZDvDSOC4EJPkNbHi3fY2BTXXd1fmFkTQ4lpBRhpsAUEy+yj0eSQ==";
const VECTOR_PBKDF2_1000_UTF8: &str = "$7$1000$MTIzNDU2Nzg5MDEy$7zWlBY0l/OJQUnZg6wwneVEHpWAi6UqXXb89A6gTWj+AiSyXimRSKbS/Upkykd0GghuE2ANWXz1gdOj//eL2tA==";
/// SHA-512 of `p` + the salt above.
const P_SHA512: &str = "$6$MTIzNDU2Nzg5MDEy$11TypaH3+rhMA+fHJGvv/vmSOjamVDsCwTmrxM8ndt3jrEQb67Rx93h8zClXdlHxeB7uGOjyKQOMaWDHODbMOA==";

fn parse(text: &str) -> (PasswordFile, Vec<LogLine>) {
    PasswordFile::parse(text.as_bytes(), "pwfile")
}

fn texts(log: &[LogLine]) -> Vec<&str> {
    log.iter().map(|l| l.text.as_str()).collect()
}

fn iterations(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("non-zero")
}

#[test]
fn debian_lines_verify() {
    let text = format!("{DEBIAN_PBKDF2}\n{DEBIAN_PBKDF2_5}\n{DEBIAN_SHA512}\n");
    let (file, log) = parse(&text);
    assert!(log.is_empty(), "{log:?}");
    assert_eq!(file.len(), 3);
    assert!(file.verify("u", Some(DEBIAN_PBKDF2_PASSWORD)));
    assert!(!file.verify("u", Some(b"P")));
    assert!(!file.verify("u", Some(b"pp")));
    assert!(file.verify("u5", Some(b"p")));
    assert!(!file.verify("u5", Some(b"q")));
    assert!(file.verify("v", Some(DEBIAN_SHA512_PASSWORD)));
    assert!(!file.verify("v", Some(b"p")));
    assert!(!file.verify("w", Some(b"p")), "unknown user");
}

#[test]
fn hashes_match_independent_vectors() {
    assert_eq!(
        hash_password_with_salt(b"secret", HashKind::Sha512, SALT),
        VECTOR_SHA512
    );
    assert_eq!(
        hash_password_with_salt(b"secret", HashKind::default(), SALT),
        VECTOR_PBKDF2_101
    );
    assert_eq!(
        hash_password_with_salt(
            "pässwörd".as_bytes(),
            HashKind::Sha512Pbkdf2 {
                iterations: iterations(1000)
            },
            SALT
        ),
        VECTOR_PBKDF2_1000_UTF8
    );
    let text = format!("a:{VECTOR_SHA512}\nb:{VECTOR_PBKDF2_101}\nc:{VECTOR_PBKDF2_1000_UTF8}\n");
    let (file, log) = parse(&text);
    assert!(log.is_empty());
    assert!(file.verify("a", Some(b"secret")));
    assert!(file.verify("b", Some(b"secret")));
    assert!(file.verify("c", Some("pässwörd".as_bytes())));
    assert!(!file.verify("c", Some(b"passwoerd")));
}

#[test]
fn default_is_pbkdf2_with_101_iterations() {
    assert_eq!(DEFAULT_ITERATIONS.get(), 101);
    assert_eq!(
        HashKind::default(),
        HashKind::Sha512Pbkdf2 {
            iterations: DEFAULT_ITERATIONS
        }
    );
}

#[test]
fn new_hashes_have_the_documented_shape_and_verify() {
    for kind in [
        HashKind::Sha512,
        HashKind::default(),
        HashKind::Sha512Pbkdf2 {
            iterations: iterations(3),
        },
    ] {
        let a = hash_password(b"hunter2", kind).expect("random salt");
        let b = hash_password(b"hunter2", kind).expect("random salt");
        assert_ne!(a, b, "salts are random");
        let fields: Vec<&str> = a.split('$').collect();
        match kind {
            HashKind::Sha512 => {
                assert_eq!(fields[..2], ["", "6"]);
                assert_eq!(fields[2].len(), 16);
                assert_eq!(fields[3].len(), 88);
            }
            HashKind::Sha512Pbkdf2 { iterations } => {
                assert_eq!(fields[..3], ["", "7", &iterations.to_string()]);
                assert_eq!(fields[3].len(), 16);
                assert_eq!(fields[4].len(), 88);
            }
        }
        let (file, log) = parse(&format!("user:{a}\n"));
        assert!(log.is_empty());
        assert!(file.verify("user", Some(b"hunter2")));
        assert!(!file.verify("user", Some(b"hunter3")));
    }
}

#[test]
fn no_password_and_empty_password_never_match() {
    let empty = hash_password_with_salt(b"", HashKind::Sha512, SALT);
    let (file, _) = parse(&format!("e:{empty}\np:{P_SHA512}\n"));
    assert!(file.contains("e"));
    assert!(!file.verify("e", Some(b"")));
    assert!(!file.verify("e", None));
    assert!(!file.verify("p", None));
    assert!(file.verify("p", Some(b"p")));
}

#[test]
fn passwords_are_bytes() {
    let hash = hash_password_with_salt(b"p\xff\x00q", HashKind::Sha512, SALT);
    let (file, _) = parse(&format!("bin:{hash}\n"));
    assert!(file.verify("bin", Some(b"p\xff\x00q")));
    assert!(!file.verify("bin", Some(b"p\xff")));
}

#[test]
fn skipped_lines() {
    let text = format!(
        "# comment:{P_SHA512}\n#x:y\n\n   \nnocolon\n  # not a comment:{P_SHA512}\n \t:{P_SHA512}\nok:{P_SHA512}"
    );
    let (file, log) = parse(&text);
    assert!(log.is_empty(), "{log:?}");
    let mut users: Vec<&[u8]> = file.usernames().collect();
    users.sort();
    // A blank user name is a user name, as it is for mosquitto.
    assert_eq!(users, [b"".as_slice(), b"# not a comment", b"ok"]);
    assert!(file.verify("", Some(b"p")));
    assert!(file.verify("ok", Some(b"p")), "last line without newline");
}

#[test]
fn fields_are_trimmed_and_empty_fields_skipped() {
    let lines = [
        format!("  spaced\t :{P_SHA512}"),
        format!("lead:   {P_SHA512}"),
        format!("trail:{P_SHA512}   \t"),
        format!("crlf:{P_SHA512}\r"),
        format!("::colons::{P_SHA512}:ignored"),
        format!("extra:{P_SHA512}$more$fields"),
        format!("doubled:{}", P_SHA512.replace("$6$", "$$6$$")),
        format!("nolead:{}", &P_SHA512[1..]),
    ];
    let (file, log) = parse(&(lines.join("\n") + "\n"));
    assert!(log.is_empty(), "{log:?}");
    for user in [
        "spaced", "lead", "trail", "crlf", "colons", "extra", "doubled", "nolead",
    ] {
        assert!(file.verify(user, Some(b"p")), "{user}");
    }
    assert!(!file.contains("  spaced"));
}

#[test]
fn iteration_field_is_read_like_atoi() {
    let pbkdf2_5 = hash_password_with_salt(
        b"p",
        HashKind::Sha512Pbkdf2 {
            iterations: iterations(5),
        },
        SALT,
    );
    let lines = [
        format!("plus:{}", pbkdf2_5.replace("$7$5$", "$7$+5$")),
        format!("space:{}", pbkdf2_5.replace("$7$5$", "$7$ 5$")),
        format!("suffix:{}", pbkdf2_5.replace("$7$5$", "$7$5x$")),
    ];
    let (file, log) = parse(&(lines.join("\n") + "\n"));
    assert!(log.is_empty(), "{log:?}");
    for user in ["plus", "space", "suffix"] {
        assert!(file.verify(user, Some(b"p")), "{user}");
    }
}

#[test]
fn bad_entries_are_dropped_with_mosquittos_messages() {
    let s = "MTIzNDU2Nzg5MDEy";
    let h = &P_SHA512[20..];
    assert_eq!(h.len(), 88);
    let text = [
        format!("type5:$5${s}${h}"),
        "plain:secret".to_string(),
        "empty:".to_string() + "\n",
        "dollars:$$$".to_string(),
        "only6:$6".to_string(),
        "only7:$7".to_string(),
        format!("noiter:$7$0${s}${h}"),
        "iterfirst:$7$0$@@@@".to_string(),
        "neg:$7$-5$x$y".to_string(),
        format!("huge:$7$2147483648${s}${h}"),
        "abc:$7$abc$x$y".to_string(),
        "short7:$7$101$abc".to_string(),
        "badsalt:$6$@@@@$AAAA".to_string(),
        format!("shortsalt:$6$YWJjZA==${h}"),
        format!("longsalt:$6$MTIzNDU2Nzg5MDEyMw==${h}"),
        format!("spacesalt:$6$ {s}${h}"),
        format!("nohash:$6${s}"),
        format!("shorthash:$6${s}$AAAA"),
        format!("nopad:$6${s}${}", &h[..86]),
        format!("spacehash:$6${s}${} {}", &h[..40], &h[40..]),
    ]
    .join("\n");
    let (file, log) = parse(&text);
    assert!(file.is_empty(), "{:?}", file.usernames().collect::<Vec<_>>());
    assert!(log.iter().all(|l| l.level == LogLevel::Error));
    assert_eq!(
        texts(&log),
        [
            "Error: Invalid password hash type for user type5, removing entry.",
            "Error: Invalid password hash type for user plain, removing entry.",
            "Error: Invalid password hash for user empty, removing entry.",
            "Error: Invalid password hash for user dollars, removing entry.",
            "Error: Invalid password hash for user only6, removing entry.",
            "Error: Invalid password hash for user only7, removing entry.",
            "Error: Invalid hash iterations for user noiter, removing entry.",
            "Error: Invalid hash iterations for user iterfirst, removing entry.",
            "Error: Invalid hash iterations for user neg, removing entry.",
            "Error: Invalid hash iterations for user huge, removing entry.",
            "Error: Invalid hash iterations for user abc, removing entry.",
            "Error: Unable to decode password salt for user short7, removing entry.",
            "Error: Unable to decode password salt for user badsalt, removing entry.",
            "Error: Unable to decode password salt for user shortsalt, removing entry.",
            "Error: Unable to decode password salt for user longsalt, removing entry.",
            "Error: Unable to decode password salt for user spacesalt, removing entry.",
            "Error: Invalid password hash for user nohash, removing entry.",
            "Error: Unable to decode password for user shorthash, removing entry.",
            "Error: Unable to decode password for user nopad, removing entry.",
            "Error: Unable to decode password for user spacehash, removing entry.",
        ]
    );
}

#[test]
fn lines_without_a_hash_field_are_warned_about_first() {
    // A line ending counts as a (blank) hash field, as it does for mosquitto: `x::` followed by
    // a newline has an empty hash, while a user field at the very end has none. A user field
    // of white space is shown as it is, line ending included.
    let text = format!("bad:$5$x$y\n:x\n::y\nx::\n:::\ngood:{P_SHA512}\n  lead  :");
    let (file, log) = parse(&text);
    assert_eq!(
        log,
        [
            LogLine::warning("Warning: Invalid line in password file 'pwfile': :x"),
            LogLine::warning("Warning: Invalid line in password file 'pwfile': ::y"),
            LogLine::warning("Warning: Invalid line in password file 'pwfile': :::\n"),
            LogLine::warning("Warning: Invalid line in password file 'pwfile':   lead"),
            LogLine::error("Error: Invalid password hash type for user bad, removing entry."),
            LogLine::error("Error: Invalid password hash for user x, removing entry."),
        ]
    );
    assert_eq!(file.len(), 1);
    assert!(file.verify("good", Some(b"p")));
    let (_, log) = parse(" \t:");
    assert_eq!(
        log,
        [LogLine::warning(
            "Warning: Invalid line in password file 'pwfile':  \t"
        )]
    );
}

#[test]
fn the_last_usable_line_of_a_user_wins() {
    let first = hash_password_with_salt(b"first", HashKind::Sha512, SALT);
    let second = hash_password_with_salt(b"second", HashKind::Sha512, SALT);
    let (file, _) = parse(&format!("dup:{first}\ndup:{second}\n"));
    assert!(file.verify("dup", Some(b"second")));
    assert!(!file.verify("dup", Some(b"first")));
    let (file, log) = parse(&format!("dup:{first}\ndup:$6$broken\n"));
    assert_eq!(log.len(), 1);
    assert!(file.verify("dup", Some(b"first")));
}

#[test]
fn user_names_are_bytes() {
    // Latin-1 "café": not UTF-8, so no MQTT client can log in as this user.
    let mut data = b"caf\xe9:".to_vec();
    data.extend_from_slice(P_SHA512.as_bytes());
    data.push(b'\n');
    let (file, log) = PasswordFile::parse(&data, "pwfile");
    assert!(log.is_empty());
    assert_eq!(file.len(), 1);
    assert!(!file.verify("caf\u{e9}", Some(b"p")));
    assert!(!file.verify("caf\u{fffd}", Some(b"p")));
    let (file, _) = parse(&format!("caf\u{e9}:{P_SHA512}\n"));
    assert!(file.verify("caf\u{e9}", Some(b"p")));
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x1234_5678_u32;
    let alphabet = b"ab:$67\n#+/=AZ 0\r\t\xff";
    for _ in 0..2000 {
        let len = (seed % 60) as usize;
        let mut data = Vec::with_capacity(len);
        for _ in 0..len {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            data.push(alphabet[(seed >> 16) as usize % alphabet.len()]);
        }
        let (file, _) = PasswordFile::parse(&data, "fuzz");
        for user in file.usernames().map(|u| String::from_utf8_lossy(u).into_owned()) {
            let _ = file.verify(&user, Some(b"x"));
        }
    }
}

#[test]
fn load_reports_unreadable_files() {
    let dir = std::env::temp_dir().join(format!("auth-pw-{}", std::process::id()));
    let missing = dir.join("missing");
    let e = PasswordFile::load(&missing).expect_err("missing file");
    assert_eq!(e.exit_code(), 13);
    let shown = missing.display();
    assert_eq!(
        texts(&e.log),
        [
            format!("Error: Unable to open pwfile \"{shown}\"."),
            format!("Error opening password file \"{shown}\"."),
        ]
    );
}

#[test]
fn load_warns_about_files_others_may_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("auth-pw-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("passwd");
    std::fs::write(&path, format!("p:{P_SHA512}\nbad:x\n")).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (file, log) = PasswordFile::load(&path).expect("load");
    assert!(file.verify("p", Some(b"p")));
    let shown = path.display();
    assert_eq!(
        log,
        [
            LogLine::warning(format!(
                "Warning: File {shown} has world readable permissions. Future versions will refuse to load \
                 this file.\nTo fix this, use `chmod 0700 {shown}`."
            )),
            LogLine::error("Error: Invalid password hash type for user bad, removing entry."),
        ]
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let (_, log) = PasswordFile::load(&path).expect("load");
    assert_eq!(log.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn debug_output_hides_hashes() {
    let (file, _) = parse(&format!("p:{P_SHA512}\n"));
    let shown = format!("{file:?}");
    assert!(!shown.contains("11Typa"), "{shown}");
}

#[test]
fn atoi_reads_like_c() {
    assert_eq!(atoi(b"101"), 101);
    assert_eq!(atoi(b"  +7x"), 7);
    assert_eq!(atoi(b"-3"), -3);
    assert_eq!(atoi(b"x1"), 0);
    assert_eq!(atoi(b""), 0);
    assert_eq!(atoi(b"99999999999999999999999"), i64::MAX);
}
