use super::*;
use crate::broker::auth::LogLevel;

fn acl(text: &str) -> Acl {
    let (acl, _) = Acl::parse_str(text, "acl").expect("valid ACL");
    acl
}

fn error_lines(text: &str) -> Vec<String> {
    let e = Acl::parse_str(text, "/etc/acl").expect_err("invalid ACL");
    assert_eq!(e.kind, LoadErrorKind::Invalid);
    assert_eq!(e.exit_code(), 3);
    assert!(e.log.iter().all(|l| l.level == LogLevel::Error));
    e.log.into_iter().map(|l| l.text).collect()
}

const R: Access = Access::Read;
const W: Access = Access::Write;

/// The file of the comparison with Debian's broker (its results are the assertions below).
const PROBED: &str = "\
topic readwrite anon/#
topic deny anon/secret
user admin
topic readwrite #
topic readwrite $SYS/#
topic readwrite $x/#
user alice
topic read a/#
topic deny a/b
topic write w/#
topic readwrite c/#
topic readwrite sp ace
topic readwrite trail \t
topic deny z/alice
topic readwrite %c/lit
topic readwrite plus/+/x
pattern deny c/%u
pattern readwrite p/%u/x
pattern readwrite q/%c
pattern readwrite m/x%c
pattern read $p/%c
pattern deny q/denied
pattern readwrite z/%u
user bob
topic readwrite bob/#
user alice
topic readwrite again/#
";

#[test]
fn probed_against_debian() {
    let (acl, log) = Acl::parse_str(PROBED, "acl").expect("valid");
    assert_eq!(
        log,
        [LogLine::warning(
            "Warning: ACL pattern 'q/denied' does not contain '%c' or '%u'."
        )]
    );
    let cases: &[(Access, Option<&str>, &str, &str, bool)] = &[
        // Rules before any `user` line: anonymous clients only.
        (W, None, "anon1", "anon/x", true),
        (W, None, "anon1", "anon/secret", false),
        (R, None, "anon1", "anon/x", true),
        (W, Some("alice"), "c1", "anon/x", false),
        // A user's denies come before its grants, whatever the order in the file.
        (R, Some("alice"), "c1", "a/x", true),
        (R, Some("alice"), "c1", "a/b", false),
        (W, Some("alice"), "c1", "a/x", false),
        (W, Some("alice"), "c1", "w/x", true),
        (R, Some("alice"), "c1", "w/x", false),
        // The user's grants come before pattern denies.
        (W, Some("alice"), "c1", "c/alice", true),
        (W, Some("bob"), "c2", "c/bob", false),
        // %u patterns skip anonymous clients; %c ones do not.
        (W, Some("alice"), "c1", "p/alice/x", true),
        (W, None, "c3", "p/alice/x", false),
        (W, Some("bob"), "c2", "p/bob/x", true),
        (W, Some("alice"), "qq", "q/qq", true),
        (W, None, "qq", "q/qq", true),
        // Substitution is textual, not only whole levels.
        (W, None, "qq", "m/xqq", true),
        (W, Some("alice"), "qq", "m/xqq", true),
        // Pattern denies come before pattern grants.
        (W, Some("bob"), "denied", "q/denied", false),
        (W, Some("bob"), "q/denied", "q/denied", false),
        (R, Some("bob"), "c5", "$p/c5", true),
        (R, Some("bob"), "c5", "$x/c5", false),
        // `/` is not dangerous; `+` and `#` are (see the dangerous test).
        (W, Some("a/b"), "c1", "q/c1", true),
        (W, None, "c/1", "q/c/1", true),
        (W, Some("bob"), "c/1", "bob/x", true),
        // A wildcard in the id does not matter while no pattern is reached.
        (W, None, "c+1", "anon/x", true),
        (W, Some("alice"), "c1", "sp ace", true),
        // Trailing white space is not part of the topic.
        (W, Some("alice"), "c1", "trail", true),
        (W, Some("alice"), "c1", "trail ", false),
        (W, Some("alice"), "c1", "z/alice", false),
        // `%c` means nothing in a `topic` line.
        (W, Some("alice"), "c1", "%c/lit", true),
        (W, Some("alice"), "c1", "c1/lit", false),
        (W, Some("alice"), "c1", "plus/y/x", true),
        (W, Some("alice"), "c1", "plus/y/z/x", false),
        // A second section for the same user adds to the first.
        (W, Some("alice"), "c1", "again/x", true),
        (W, Some("admin"), "adm2", "$x/y", true),
        (W, Some("admin"), "adm2", "$y/y", false),
        (W, Some("admin"), "adm2", "any/thing", true),
        (R, Some("bob"), "c6", "anything", false),
        (W, Some("bob"), "c6", "bob/x", true),
    ];
    for &(access, user, id, topic, expected) in cases {
        assert_eq!(
            acl.check(id, user, topic, access),
            expected,
            "{access:?} user={user:?} id={id} topic={topic}"
        );
    }
}

#[test]
fn dangerous_names_are_refused_under_patterns() {
    let acl = acl("user a+b\ntopic readwrite own/#\npattern readwrite q/%c\n");
    let d = acl.decide("c1", Some("a+b"), "q/c1", W);
    assert_eq!(
        d,
        Decision {
            allowed: false,
            log: Some(LogLine::notice(
                "ACL denying access to client with dangerous username \"a+b\""
            )),
        }
    );
    // The user's own rules are checked before.
    assert!(acl.check("c1", Some("a+b"), "own/x", W));
    let d = acl.decide("c#1", Some("c#d"), "q/c#1", W);
    assert_eq!(
        d.log,
        Some(LogLine::notice(
            "ACL denying access to client with dangerous username \"c#d\""
        ))
    );
    let d = acl.decide("c+1", None, "zz", W);
    assert_eq!(
        d,
        Decision {
            allowed: false,
            log: Some(LogLine::notice(
                "ACL denying access to client with dangerous client id \"c+1\""
            )),
        }
    );
    let d = acl.decide("c#1", Some("fine"), "zz", R);
    assert_eq!(
        d.log,
        Some(LogLine::notice(
            "ACL denying access to client with dangerous client id \"c#1\""
        ))
    );
    // Without patterns, nothing is dangerous.
    let acl2 = self::acl("user a+b\ntopic x\n");
    assert_eq!(acl2.decide("c+1", Some("a+b"), "y", W), Decision::DENY);
    assert!(acl2.check("c+1", Some("a+b"), "x", W));
}

#[test]
fn dollar_topics_need_dollar_rules() {
    let acl = acl(
        "topic #\ntopic +/+\ntopic $SYS/#\npattern read #\npattern read %c/#\nuser u\ntopic readwrite +/#\n",
    );
    assert!(acl.check("id", None, "a/b", R));
    assert!(acl.check("id", None, "$SYS/broker/uptime", R));
    assert!(!acl.check("id", None, "$other/x", R));
    assert!(!acl.check("id", None, "$other", W));
    assert!(!acl.check("id", Some("u"), "$SYS/x", R));
    assert!(acl.check("id", Some("u"), "x/y", R));
    assert!(acl.check("id", Some("nobody"), "x/y", R), "pattern #");
    assert!(!acl.check("id", Some("nobody"), "$x/y", R));
    assert!(!acl.check("$id", Some("nobody"), "$id/y", W));
    assert!(
        acl.check("$id", Some("nobody"), "$id/y", R),
        "the pattern starts with $ once filled in"
    );
}

#[test]
fn access_words() {
    let acl = acl("topic read r\ntopic write w\ntopic readwrite rw\ntopic deny d\ntopic plain\ntopic d/#\n");
    assert!(acl.check("i", None, "r", R));
    assert!(!acl.check("i", None, "r", W));
    assert!(!acl.check("i", None, "w", R));
    assert!(acl.check("i", None, "w", W));
    assert!(acl.check("i", None, "rw", R) && acl.check("i", None, "rw", W));
    assert!(acl.check("i", None, "plain", R) && acl.check("i", None, "plain", W));
    assert!(!acl.check("i", None, "d", R) && !acl.check("i", None, "d", W));
    assert!(acl.check("i", None, "d/x", W));
    assert!(!acl.check("i", None, "unlisted", R));
}

#[test]
fn lone_word_is_the_topic() {
    let acl = acl("topic read\ntopic deny\ntopic read   \ntopic write\t\n");
    for topic in ["read", "deny", "write"] {
        assert!(acl.check("i", None, topic, R), "{topic}");
        assert!(acl.check("i", None, topic, W), "{topic}");
    }
}

#[test]
fn spacing() {
    let acl = acl("  topic   read   spaced  topic \r\n\nuser   two words \ntopic write x\n");
    assert!(acl.check("i", None, "spaced  topic", R));
    assert!(!acl.check("i", None, "spaced topic", R));
    assert!(acl.check("i", Some("two words"), "x", W));
    assert!(!acl.check("i", Some("two words "), "x", W));
}

#[test]
fn subscribe_is_never_restricted() {
    let acl = acl("topic deny #\nuser u\ntopic deny #\npattern deny #\n");
    for user in [None, Some("u"), Some("other"), Some("x+y")] {
        assert!(acl.check("c+1", user, "any/#", Access::Subscribe));
        assert!(!acl.check("c1", user, "any", R));
    }
    assert!(Acl::default().check("c", None, "x", Access::Subscribe));
}

#[test]
fn empty_acl_denies_everything() {
    let acl = acl("# nothing\n\n");
    assert!(!acl.check("c", None, "x", R));
    assert!(!acl.check("c", Some("u"), "x", W));
}

#[test]
fn users_without_rules_use_only_patterns() {
    let acl = acl("topic anon\nuser listed\ntopic mine\npattern readwrite home/%u/#\npattern write id/%c\n");
    assert!(acl.check("c", Some("stranger"), "home/stranger/x", R));
    assert!(acl.check("c", Some("stranger"), "home/stranger", W));
    assert!(!acl.check("c", Some("stranger"), "home/other/x", R));
    assert!(
        !acl.check("c", Some("stranger"), "anon", R),
        "anonymous rules are not for users"
    );
    assert!(acl.check("c", Some("stranger"), "id/c", W));
    assert!(!acl.check("c", Some("stranger"), "id/c", R));
    assert!(
        !acl.check("c", None, "home/%u/x", R),
        "a %u pattern never applies without a username"
    );
    assert!(acl.check("c", None, "id/c", W));
    assert!(acl.check("c", Some("listed"), "mine", R));
    assert!(acl.check("c", Some("listed"), "home/listed/a", R));
}

#[test]
fn username_patterns_without_username_are_skipped_even_when_denying() {
    let acl = acl("topic x\npattern deny %u/#\npattern readwrite +/#\n");
    // The anonymous grant wins before patterns anyway.
    assert!(acl.check("c", None, "x", W));
    // Patterns: the %u deny is skipped for anonymous clients.
    assert!(acl.check("c", None, "a/b", W));
    assert!(!acl.check("c", Some("a"), "a/b", W));
    assert!(acl.check("c", Some("z"), "a/b", W));
}

#[test]
fn substitution_details() {
    assert_eq!(substitute(b"a/%c/%u/b", b"id", Some(b"me")), b"a/id/me/b");
    assert_eq!(substitute(b"%%c", b"id", None), b"%id");
    assert_eq!(substitute(b"%u/%c", b"id", None), b"%u/id");
    assert_eq!(substitute(b"x%", b"id", None), b"x%");
    assert_eq!(substitute(b"%cx%cy", b"i", None), b"ixiy");
    // A client id that is itself a pattern is not expanded again.
    assert_eq!(substitute(b"%c", b"%u", Some(b"me")), b"%u");
}

#[test]
fn invalid_rule_filters_never_match() {
    let acl = acl("topic a/b#\ntopic #/x\ntopic c/+x\npattern read d/%c\n");
    assert!(!acl.check("i", None, "a/b", R));
    assert!(!acl.check("i", None, "a/b#", R));
    assert!(!acl.check("i", None, "c/+x", R));
    assert!(!acl.check("i", None, "", R));
    assert!(!acl.check("i", None, "#/x", R));
}

#[test]
fn syntax_errors() {
    assert_eq!(
        error_lines("topic foo bar\n"),
        [
            "Error: Invalid topic access type \"foo\" in acl_file \"/etc/acl\".",
            "Error opening acl file \"/etc/acl\".",
        ]
    );
    assert_eq!(
        error_lines("topic\n"),
        [
            "Error: Empty topic in acl_file \"/etc/acl\".",
            "Error opening acl file \"/etc/acl\"."
        ]
    );
    assert_eq!(
        error_lines("pattern   \n")[0],
        "Error: Empty topic in acl_file \"/etc/acl\"."
    );
    assert_eq!(
        error_lines("user\n"),
        [
            "Error: Missing username in acl_file \"/etc/acl\".",
            "Error opening acl file \"/etc/acl\".",
        ]
    );
    assert_eq!(
        error_lines("user   \t\n")[0],
        "Error: Missing username in acl_file \"/etc/acl\"."
    );
    assert_eq!(
        error_lines("bogus line\n"),
        [
            "Error: Invalid line in acl_file \"/etc/acl\": bogus.",
            "Error opening acl file \"/etc/acl\".",
        ]
    );
    assert_eq!(
        error_lines("TOPIC a\n")[0],
        "Error: Invalid line in acl_file \"/etc/acl\": TOPIC."
    );
    assert_eq!(
        error_lines("  # comment\n")[0],
        "Error: Invalid line in acl_file \"/etc/acl\":   #."
    );
    assert_eq!(
        error_lines("\ttopic a\n")[0],
        "Error: Invalid line in acl_file \"/etc/acl\": \ttopic."
    );
    assert_eq!(
        error_lines("topic\tread\ta\n")[0],
        "Error: Invalid line in acl_file \"/etc/acl\": topic\tread\ta."
    );
    assert_eq!(
        error_lines("topic subscribe x\n")[0],
        "Error: Invalid topic access type \"subscribe\" in acl_file \"/etc/acl\"."
    );
}

#[test]
fn warnings_before_an_error_are_kept() {
    let e = Acl::parse_str("pattern a\nbad\n", "f").expect_err("invalid");
    assert_eq!(
        e.log,
        [
            LogLine::warning("Warning: ACL pattern 'a' does not contain '%c' or '%u'."),
            LogLine::error("Error: Invalid line in acl_file \"f\": bad."),
            LogLine::error("Error opening acl file \"f\"."),
        ]
    );
}

#[test]
fn pattern_warnings() {
    let (_, log) =
        Acl::parse_str("pattern a\npattern %u\npattern x%cy\npattern deny #\n", "f").expect("valid");
    assert_eq!(
        log,
        [
            LogLine::warning("Warning: ACL pattern 'a' does not contain '%c' or '%u'."),
            LogLine::warning("Warning: ACL pattern '#' does not contain '%c' or '%u'."),
        ]
    );
}

#[test]
fn comments_blank_lines_and_line_endings() {
    let acl = acl("#topic hidden\n\n   \n\t\ntopic a\r\n#\ntopic b");
    assert!(!acl.check("i", None, "hidden", R));
    assert!(acl.check("i", None, "a", R));
    assert!(acl.check("i", None, "b", R));
}

#[test]
fn non_utf8_bytes_are_kept_as_bytes() {
    let (acl, _) = Acl::parse(b"user caf\xe9\ntopic x\ntopic y\xff\n", "f").expect("valid");
    assert!(!acl.check("i", Some("caf\u{e9}"), "x", R));
    assert!(!acl.check("i", Some("caf\u{fffd}"), "x", R));
    let (acl, _) = Acl::parse(b"topic y\xff\n", "f").expect("valid");
    assert!(!acl.check("i", None, "y\u{fffd}", R));
}

#[test]
fn load_reports_unreadable_files() {
    let missing = std::env::temp_dir().join(format!("auth-acl-missing-{}", std::process::id()));
    let e = Acl::load(&missing).expect_err("missing");
    assert_eq!(e.exit_code(), 13);
    let shown = missing.display();
    assert_eq!(
        e.log,
        [
            LogLine::error(format!("Error: Unable to open acl_file \"{shown}\".")),
            LogLine::error(format!("Error opening acl file \"{shown}\".")),
        ]
    );
    let e = Acl::load(&std::env::temp_dir()).expect_err("a directory");
    assert_eq!(e.exit_code(), 13);
}

#[test]
fn load_reads_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("auth-acl-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("acl");
    std::fs::write(&path, "pattern x\nbroken\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let shown = path.display();
    let e = Acl::load(&path).expect_err("invalid");
    assert_eq!(e.log.len(), 3);
    assert_eq!(e.log[2].text, format!("Error opening acl file \"{shown}\"."));
    std::fs::write(&path, "topic t\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o604)).expect("chmod");
    let (acl, log) = Acl::load(&path).expect("valid");
    assert!(acl.check("i", None, "t", R));
    assert_eq!(log.len(), 1);
    assert!(
        log[0]
            .text
            .starts_with(&format!("Warning: File {shown} has world readable permissions."))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x9e37_79b9_u32;
    let words: &[&[u8]] = &[
        b"topic", b"pattern", b"user", b"read", b"deny", b" ", b" ", b"\n", b"#", b"+", b"/", b"%c", b"%u",
        b"$", b"a", b"\t", b"\xff", b"%",
    ];
    for _ in 0..3000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let count = (seed >> 16) as usize % 20;
        let mut data = Vec::new();
        for _ in 0..count {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            data.extend_from_slice(words[(seed >> 16) as usize % words.len()]);
        }
        if let Ok((acl, _)) = Acl::parse(&data, "fuzz") {
            for topic in ["a", "a/b", "$a", "", "+", "#", "a/%c"] {
                for access in [R, W, Access::Subscribe] {
                    let _ = acl.decide("a%c+", Some("%u#"), topic, access);
                    let _ = acl.decide("a", None, topic, access);
                }
            }
        }
    }
}
