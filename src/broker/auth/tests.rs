use super::*;

const P_SHA512: &str = "$6$MTIzNDU2Nzg5MDEy$11TypaH3+rhMA+fHJGvv/vmSOjamVDsCwTmrxM8ndt3jrEQb67Rx93h8zClXdlHxeB7uGOjyKQOMaWDHODbMOA==";

fn passwords() -> PasswordFile {
    PasswordFile::parse(format!("alice:{P_SHA512}\n").as_bytes(), "pw").0
}

fn security(allow_anonymous: bool, with_passwords: bool) -> Security {
    Security {
        allow_anonymous,
        passwords: with_passwords.then(passwords),
        acl: None,
        unrestricted: false,
    }
}

use AuthOutcome::{Accepted, NotAuthorized};

#[test]
fn no_password_file() {
    let open = security(true, false);
    let closed = security(false, false);
    let credentials: [(Option<&str>, Option<&[u8]>); 5] = [
        (None, None),
        (None, Some(b"x")),
        (Some("alice"), None),
        (Some("alice"), Some(b"wrong")),
        (Some("anyone"), Some(b"p")),
    ];
    for (user, password) in credentials {
        assert_eq!(open.authenticate("c", user, password), Accepted, "{user:?}");
        assert_eq!(
            closed.authenticate("c", user, password),
            NotAuthorized,
            "{user:?}"
        );
    }
}

#[test]
fn with_a_password_file() {
    for allow_anonymous in [true, false] {
        let s = security(allow_anonymous, true);
        assert_eq!(s.authenticate("c", Some("alice"), Some(b"p")), Accepted);
        assert_eq!(s.authenticate("c", Some("alice"), Some(b"q")), NotAuthorized);
        assert_eq!(s.authenticate("c", Some("alice"), None), NotAuthorized);
        assert_eq!(s.authenticate("c", Some("alice"), Some(b"")), NotAuthorized);
        assert_eq!(s.authenticate("c", Some("bob"), Some(b"p")), NotAuthorized);
        assert_eq!(s.authenticate("c", Some(""), Some(b"p")), NotAuthorized);
        let anonymous = if allow_anonymous { Accepted } else { NotAuthorized };
        assert_eq!(s.authenticate("c", None, None), anonymous);
        assert_eq!(s.authenticate("c", None, Some(b"p")), anonymous);
    }
    let empty = Security {
        allow_anonymous: false,
        passwords: Some(PasswordFile::default()),
        acl: None,
        unrestricted: false,
    };
    assert_eq!(empty.authenticate("c", Some("alice"), Some(b"p")), NotAuthorized);
}

#[test]
fn dollar_topics_before_any_acl() {
    let s = security(true, false);
    let allowed = |topic: &str, access| s.allowed("c", None, topic, access);
    assert!(allowed("a/b", Access::Write));
    assert!(allowed("$SYS/broker/uptime", Access::Read));
    assert!(allowed("$SYS/#", Access::Subscribe));
    assert!(!allowed("$SYS/broker/uptime", Access::Write));
    assert!(!allowed("$SYSTEM", Access::Write));
    assert!(allowed("$SYS/broker/connection/bridge-1/state", Access::Write));
    assert!(!allowed("$SYS/broker/connection/a/b/state", Access::Write));
    assert!(allowed("$share/g/t", Access::Subscribe));
    assert!(!allowed("$share/g/t", Access::Write));
    assert!(!allowed("$share/g/t", Access::Read));
    assert!(allowed("$other/x", Access::Write));
}

#[test]
fn acl_decides_after_the_dollar_rules() {
    let (acl, _) = Acl::parse_str(
        "topic readwrite $SYS/#\ntopic readwrite a/#\npattern read x/%c\n",
        "acl",
    )
    .expect("valid");
    let s = Security {
        allow_anonymous: true,
        passwords: None,
        acl: Some(acl),
        unrestricted: false,
    };
    assert!(s.allowed("c", None, "$SYS/x", Access::Read));
    assert!(!s.allowed("c", None, "$SYS/x", Access::Write));
    assert!(s.allowed("c", None, "a/b", Access::Write));
    assert!(!s.allowed("c", None, "b", Access::Write));
    assert!(s.allowed("c", None, "x/c", Access::Read));
    assert!(s.allowed("c", None, "anything", Access::Subscribe));
    let d = s.decide("c+", None, "nope", Access::Read);
    assert!(!d.allowed);
    assert_eq!(d.log.map(|l| l.level), Some(LogLevel::Notice));
}

#[test]
fn traits_are_object_safe() {
    let s = security(true, true);
    let auth: &dyn Authenticator = &s;
    let authz: &dyn Authorizer = &s;
    assert_eq!(auth.authenticate("c", Some("alice"), Some(b"p")), Accepted);
    assert!(authz.allowed("c", None, "t", Access::Write));
    fn shared<T: Send + Sync>(_: &T) {}
    shared(&s);
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("auth-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn security_load() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("security-load");
    let pw = dir.0.join("pw");
    let acl = dir.0.join("acl");
    std::fs::write(&pw, format!("alice:{P_SHA512}\nbroken:x\n")).expect("write");
    std::fs::write(&acl, "pattern x\nuser alice\ntopic a\n").expect("write");
    for path in [&pw, &acl] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let (s, log) = Security::load(false, Some(&pw), Some(&acl)).expect("load");
    assert_eq!(
        log,
        [
            LogLine::error("Error: Invalid password hash type for user broken, removing entry."),
            LogLine::warning("Warning: ACL pattern 'x' does not contain '%c' or '%u'."),
        ]
    );
    assert_eq!(s.authenticate("c", Some("alice"), Some(b"p")), Accepted);
    assert!(s.allowed("c", Some("alice"), "a", Access::Write));
    assert!(!s.allowed("c", Some("alice"), "b", Access::Write));

    std::fs::write(&acl, "nonsense\n").expect("write");
    let e = Security::load(false, Some(&pw), Some(&acl)).expect_err("bad ACL");
    assert_eq!(e.exit_code(), 3);
    assert_eq!(e.log.len(), 3, "{e}");
    assert_eq!(
        e.log[0].text,
        "Error: Invalid password hash type for user broken, removing entry."
    );
    assert_eq!(
        e.log[2].text,
        format!("Error opening acl file \"{}\".", acl.display())
    );

    let missing = dir.0.join("missing");
    let e = Security::load(true, Some(&missing), Some(&acl)).expect_err("no password file");
    assert_eq!(e.exit_code(), 13);
    assert_eq!(
        e.to_string(),
        format!(
            "Error: Unable to open pwfile \"{0}\".\nError opening password file \"{0}\".",
            missing.display()
        )
    );
    let (s, log) = Security::load(true, None, None).expect("nothing to load");
    assert!(log.is_empty());
    assert_eq!(s.authenticate("c", Some("x"), None), Accepted);
}

#[test]
fn the_unrestricted_security_of_bridges_accepts_everyone_and_allows_everything() {
    let s = Security::unrestricted();
    assert_eq!(s.authenticate("c", Some("any"), Some(b"thing")), Accepted);
    assert_eq!(s.authenticate("c", None, None), Accepted);
    assert!(s.allowed("c", None, "$SYS/broker/uptime", Access::Write));
    assert!(s.allowed("c", None, "a/b", Access::Read));
}
