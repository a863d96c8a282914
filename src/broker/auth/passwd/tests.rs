use std::collections::VecDeque;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::broker::auth::PasswordFile;

/// A scripted terminal: passwords to hand out, and what the command printed.
#[derive(Default)]
struct Script {
    out: Vec<u8>,
    err: Vec<u8>,
    inputs: VecDeque<PasswordInput>,
    reads: usize,
}

impl Script {
    fn typing(lines: &[&str]) -> Script {
        Script {
            inputs: lines
                .iter()
                .map(|l| PasswordInput::Line(Secret::new(l.as_bytes().to_vec())))
                .collect(),
            ..Script::default()
        }
    }

    fn then(mut self, input: PasswordInput) -> Script {
        self.inputs.push_back(input);
        self
    }

    fn out(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }

    fn err(&self) -> String {
        String::from_utf8_lossy(&self.err).into_owned()
    }
}

impl PasswdIo for Script {
    fn stdout(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    fn stderr(&mut self) -> &mut dyn Write {
        &mut self.err
    }

    fn read_password(&mut self) -> PasswordInput {
        self.reads += 1;
        self.inputs.pop_front().unwrap_or(PasswordInput::End)
    }
}

/// A directory for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "passwd-unit-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("temp dir");
        Dir(path)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names in the directory (to see that no temporary file is left).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn passwd(args: &[&str], script: &mut Script) -> i32 {
    run(args, script)
}

fn batch(args: &[&str]) -> (i32, Script) {
    let mut script = Script::default();
    let rc = passwd(args, &mut script);
    assert_eq!(script.reads, 0, "batch mode must not prompt");
    (rc, script)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

fn read(path: &Path) -> String {
    String::from_utf8(fs::read(path).expect("read file")).expect("UTF-8")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

fn verifies(path: &Path, user: &str, password: &str) -> bool {
    let (file, _) = PasswordFile::load(path).expect("load");
    file.verify(user, Some(password.as_bytes()))
}

const USAGE_START: &str = "mosquitto_passwd manages the password files";

#[test]
fn usage() {
    for args in [
        &[][..],
        &["onlyfile"],
        &["f", "u", "extra"],
        &["-b", "f", "u"],
        &["-b", "f", "u", "p", "extra"],
        &["--help"],
        &["-x", "f", "u"],
        &["f", "-b", "u", "p"],
    ] {
        let (rc, script) = batch(args);
        assert_eq!(rc, 1, "{args:?}");
        assert!(
            script.out().starts_with(USAGE_START),
            "{args:?}: {}",
            script.out()
        );
        assert!(script.err.is_empty());
    }
    let (_, script) = batch(&[]);
    for option in ["-b", "-c", "-D", "-H", "-I", "-U", "sha512-pbkdf2"] {
        assert!(script.out().contains(option), "{option}");
    }
}

#[test]
fn argument_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["-H"],
            "Error: -H argument given but not enough other arguments.",
        ),
        (
            &["-H", "md5", "-b", "f", "u", "p"],
            "Error: Unknown hash type 'md5'",
        ),
        (
            &["-I"],
            "Error: -I argument given but not enough other arguments.",
        ),
        (
            &["-I", "0", "-b", "f", "u", "p"],
            "Error: Number of iterations must be > 0.",
        ),
        (
            &["-I", "-5", "-b", "f", "u", "p"],
            "Error: Number of iterations must be > 0.",
        ),
        (
            &["-I", "x", "-b", "f", "u", "p"],
            "Error: Number of iterations must be > 0.",
        ),
        (
            &["-I", "2147483648", "-b", "f", "u", "p"],
            "Error: Number of iterations must be > 0.",
        ),
        (
            &["-c", "-D", "f", "u"],
            "Error: -c and -D cannot be used together.",
        ),
        (&["-c", "-U", "f"], "Error: -c and -U cannot be used together."),
        (&["-D", "-U", "f"], "Error: -D and -U cannot be used together."),
        (
            &["-b", "-D", "f", "u"],
            "Error: -b and -D cannot be used together.",
        ),
        (
            &["-c", "f"],
            "Error: -c argument given but password file or username missing.",
        ),
        (
            &["-c", "-b", "f", "u"],
            "Error: -c argument given but password file, username, or password missing.",
        ),
        (
            &["-D", "f"],
            "Error: -D argument given but password file or username missing.",
        ),
        (&["-U"], "Error: -U argument given but password file missing."),
        (
            &["-U", "f", "extra"],
            "Error: -U argument given but password file missing.",
        ),
        (
            &["-b", "f", "a:b", "p"],
            "Error: Username must not contain the ':' character.",
        ),
        (
            &["-D", "f", "a:b"],
            "Error: Username must not contain the ':' character.",
        ),
        (
            &["-b", "f", "a\tb", "p"],
            "Error: Username must not contain control characters.",
        ),
        (
            &["-b", "f", "a\nb", "p"],
            "Error: Username must not contain control characters.",
        ),
        (
            &["-b", "f", "a\x7fb", "p"],
            "Error: Username must not contain control characters.",
        ),
    ];
    for (args, message) in cases {
        let (rc, script) = batch(args);
        assert_eq!(rc, 1, "{args:?}");
        assert_eq!(script.err(), format!("{message}\n"), "{args:?}");
        assert!(script.out.is_empty(), "{args:?}");
    }
    let long = "u".repeat(65536);
    let (rc, script) = batch(&["-b", "f", &long, "p"]);
    assert_eq!(rc, 1);
    assert_eq!(
        script.err(),
        "Error: Username must be less than 65536 characters long.\n"
    );
    let (rc, script) = batch(&["-c", "-b", "f", "u", &long]);
    assert_eq!(rc, 1);
    assert_eq!(
        script.err(),
        "Error: Password must be less than 65536 characters long.\n"
    );
}

#[test]
fn create_in_batch_mode() {
    let dir = Dir::new();
    let file = dir.file("pw");
    let (rc, script) = batch(&["-c", "-b", path_str(&file), "alice", "s3cret"]);
    assert_eq!(rc, 0, "{}", script.err());
    assert!(script.out.is_empty() && script.err.is_empty());
    let text = read(&file);
    assert!(text.starts_with("alice:$7$101$"), "{text}");
    assert!(text.ends_with("==\n") && text.lines().count() == 1);
    assert_eq!(mode(&file), 0o600, "a new file is private");
    assert!(verifies(&file, "alice", "s3cret"));
    assert!(!verifies(&file, "alice", "s3cre"));
    assert_eq!(dir.names(), ["pw"]);

    // -c replaces the file, keeping its permissions; extra arguments are ignored.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
    let (rc, _) = batch(&["-b", "-c", "-H", "sha512", path_str(&file), "bob", "pw", "extra"]);
    assert_eq!(rc, 0);
    let text = read(&file);
    assert!(text.starts_with("bob:$6$") && text.lines().count() == 1, "{text}");
    assert_eq!(mode(&file), 0o640);
    assert!(verifies(&file, "bob", "pw"));
    assert!(!verifies(&file, "alice", "s3cret"));
}

#[test]
fn hash_options() {
    let dir = Dir::new();
    let file = dir.file("pw");
    let f = path_str(&file);
    assert_eq!(batch(&["-c", "-b", "-I", "5", f, "a", "pa"]).0, 0);
    assert_eq!(batch(&["-I", " 12x", "-b", f, "b", "pb"]).0, 0);
    assert_eq!(batch(&["-H", "sha512", "-I", "7", "-b", f, "c", "pc"]).0, 0);
    assert_eq!(
        batch(&["-H", "sha512", "-H", "sha512-pbkdf2", "-b", f, "d", "pd"]).0,
        0
    );
    let text = read(&file);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("a:$7$5$"), "{text}");
    assert!(lines[1].starts_with("b:$7$12$"), "{text}");
    assert!(lines[2].starts_with("c:$6$"), "{text}");
    assert!(lines[3].starts_with("d:$7$101$"), "{text}");
    for (user, password) in [("a", "pa"), ("b", "pb"), ("c", "pc"), ("d", "pd")] {
        assert!(verifies(&file, user, password), "{user}");
    }
}

const FILE_WITH_EXTRAS: &str =
    "# users of the test broker\nalice:$6$old$hash\n\n  carol :zzz\r\ndave:pw:x\nbob\n#x:y\nlast:nonl";

#[test]
fn update_keeps_other_lines_and_order() {
    let dir = Dir::new();
    let file = dir.file("pw");
    fs::write(&file, FILE_WITH_EXTRAS).expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
    let f = path_str(&file);

    assert_eq!(batch(&["-b", f, "carol", "new-carol"]).0, 0);
    let text = read(&file);
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(
        lines[..3],
        ["# users of the test broker", "alice:$6$old$hash", ""]
    );
    assert!(lines[3].starts_with("carol:$7$101$"), "{text}");
    assert_eq!(lines[4..], ["dave:pw:x", "bob", "#x:y", "last:nonl"]);
    assert!(verifies(&file, "carol", "new-carol"));

    // A new user goes at the end, on a line of its own.
    assert_eq!(batch(&["-b", f, "erin", "e"]).0, 0);
    let text = read(&file);
    assert!(text.contains("\nlast:nonl\nerin:$7$"), "{text}");
    assert!(text.ends_with('\n'));

    // The last line can be updated too.
    assert_eq!(batch(&["-b", f, "last", "l"]).0, 0);
    let text = read(&file);
    assert!(text.contains("\nlast:$7$"), "{text}");
    assert!(verifies(&file, "last", "l"));
    assert!(verifies(&file, "erin", "e"));
    assert_eq!(mode(&file), 0o640);
    assert_eq!(dir.names(), ["pw"]);

    // A comment that looks like a user is not one; a user name is matched after trimming.
    assert_eq!(batch(&["-b", f, "#x", "p"]).0, 0);
    let text = read(&file);
    assert!(text.contains("\n#x:y\n") && text.contains("\n#x:$7$"), "{text}");
}

#[test]
fn update_replaces_every_line_of_the_user() {
    let dir = Dir::new();
    let file = dir.file("pw");
    fs::write(&file, "a:1\ndup:2\nb:3\ndup:4\n").expect("write");
    let f = path_str(&file);
    assert_eq!(batch(&["-H", "sha512", "-b", f, "dup", "x"]).0, 0);
    let text = read(&file);
    let users: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(users, ["a", "dup", "b", "dup"]);
    assert!(verifies(&file, "dup", "x"));
}

#[test]
fn delete() {
    let dir = Dir::new();
    let file = dir.file("pw");
    fs::write(&file, FILE_WITH_EXTRAS).expect("write");
    let f = path_str(&file);
    assert_eq!(batch(&["-D", f, "carol"]).0, 0);
    assert_eq!(read(&file), FILE_WITH_EXTRAS.replace("  carol :zzz\r\n", ""));
    assert_eq!(batch(&["-D", f, "last", "ignored"]).0, 0);
    assert_eq!(
        read(&file),
        "# users of the test broker\nalice:$6$old$hash\n\ndave:pw:x\nbob\n#x:y\n"
    );
    let before = read(&file);
    for user in ["nobody", "bob", "#x", " alice"] {
        let (rc, script) = batch(&["-D", f, user]);
        assert_eq!(rc, 1, "{user}");
        assert_eq!(
            script.err(),
            format!("Warning: User {user} not found in password file.\n")
        );
        assert_eq!(read(&file), before, "{user}");
    }
    fs::write(&file, "x:1\ndup:2\ndup:3\n").expect("write");
    assert_eq!(batch(&["-D", f, "dup"]).0, 0);
    assert_eq!(read(&file), "x:1\n");
    assert_eq!(dir.names(), ["pw"]);
}

#[test]
fn upgrade_plain_text_file() {
    let dir = Dir::new();
    let file = dir.file("pw");
    let f = path_str(&file);
    fs::write(
        &file,
        "# plain\nalice:secret\n\n  eve : x \ndave:pw:with:colons\r\n::lead:ing\nlast:nonl",
    )
    .expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
    let (rc, script) = batch(&["-U", f]);
    assert_eq!(rc, 0, "{}", script.err());
    let text = read(&file);
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(lines[0], "# plain");
    assert!(lines[1].starts_with("alice:$7$101$"));
    assert_eq!(lines[2], "");
    assert!(lines[3].starts_with("eve:$7$"));
    assert!(lines[4].starts_with("dave:$7$"));
    assert!(lines[5].starts_with("lead:$7$"));
    assert!(lines[6].starts_with("last:$7$"));
    assert_eq!(lines[7], "");
    for (user, password) in [
        ("alice", "secret"),
        ("eve", "x"),
        ("dave", "pw"),
        ("lead", "ing"),
        ("last", "nonl"),
    ] {
        assert!(verifies(&file, user, password), "{user}");
    }
    assert_eq!(mode(&file), 0o600);

    // Hashes are hashed again, with the chosen hash.
    assert_eq!(batch(&["-U", "-H", "sha512", f]).0, 0);
    assert!(read(&file).contains("alice:$6$"));
    assert!(!verifies(&file, "alice", "secret"));

    // -I applies to -U.
    fs::write(&file, "a:b\n").expect("write");
    assert_eq!(batch(&["-I", "3", "-U", f]).0, 0);
    assert!(read(&file).starts_with("a:$7$3$"));
    assert_eq!(dir.names(), ["pw"]);
}

#[test]
fn upgrade_refuses_corrupt_files() {
    let dir = Dir::new();
    let file = dir.file("pw");
    let f = path_str(&file);
    for (text, line) in [
        ("alice:secret\nbob\n", 2),
        ("carol:\n", 1),
        ("a: :b\n", 1),
        (" :b\n", 1),
        ("ok:1\n\n# c\nlast:", 4),
    ] {
        fs::write(&file, text).expect("write");
        let (rc, script) = batch(&["-U", f]);
        assert_eq!(rc, 1, "{text:?}");
        assert_eq!(
            script.err(),
            format!("Error: Corrupt password file at line {line}.\n"),
            "{text:?}"
        );
        assert_eq!(read(&file), text, "unchanged");
    }
    // No user at all: a silent failure, as mosquitto's tool does.
    for text in ["", "# only a comment\n\n"] {
        fs::write(&file, text).expect("write");
        let (rc, script) = batch(&["-U", f]);
        assert_eq!(rc, 1);
        assert!(script.err.is_empty() && script.out.is_empty());
        assert_eq!(read(&file), text);
    }
}

#[test]
fn file_errors() {
    let dir = Dir::new();
    let missing = dir.file("missing");
    let m = path_str(&missing);
    for args in [&["-b", m, "u", "p"][..], &["-D", m, "u"], &["-U", m]] {
        let (rc, script) = batch(args);
        assert_eq!(rc, 1);
        assert_eq!(
            script.err(),
            format!("Error: Unable to open password file {m}. No such file or directory.\n")
        );
    }
    let canonical = fs::canonicalize(&dir.0).expect("canonical");
    let d = path_str(&canonical);
    let (rc, script) = batch(&["-b", d, "u", "p"]);
    assert_eq!(rc, 1);
    assert_eq!(
        script.err(),
        format!("Error: Unable to open password file {d}. Is a directory.\n")
    );
    let (rc, script) = batch(&["-c", "-b", d, "u", "p"]);
    assert_eq!(rc, 1);
    assert_eq!(
        script.err(),
        format!("Error: Unable to open file {d} for writing. Is a directory.\n")
    );
    let nowhere = dir.file("no/such/dir");
    let (rc, script) = batch(&["-c", "-b", path_str(&nowhere), "u", "p"]);
    assert_eq!(rc, 1);
    assert_eq!(
        script.err(),
        format!(
            "Error: Unable to open file {} for writing. No such file or directory.\n",
            nowhere.display()
        )
    );
    // A path through a regular file.
    fs::write(dir.file("plain"), "x").expect("write");
    let through = dir.file("plain/pw");
    let (rc, script) = batch(&["-b", path_str(&through), "u", "p"]);
    assert_eq!(rc, 1);
    assert_eq!(script.err(), "Error reading password file: Not a directory\n");
    // An interactive update of a missing file fails before asking.
    let mut script = Script::typing(&["x", "x"]);
    assert_eq!(passwd(&[m, "u"], &mut script), 1);
    assert_eq!(script.reads, 0);
}

#[test]
fn symbolic_links_are_followed_and_kept() {
    let dir = Dir::new();
    let target = dir.file("real");
    fs::write(&target, "a:1\n").expect("write");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = dir.file("link");
    std::os::unix::fs::symlink("real", &link).expect("symlink");
    assert_eq!(batch(&["-b", path_str(&link), "b", "2"]).0, 0);
    assert!(
        fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert!(read(&target).starts_with("a:1\nb:$7$"));
    assert_eq!(mode(&target), 0o640);
    assert_eq!(batch(&["-c", "-b", path_str(&link), "c", "3"]).0, 0);
    assert!(
        fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert!(read(&target).starts_with("c:$7$"));
    assert_eq!(dir.names(), ["link", "real"]);
}

#[test]
fn interactive_prompts() {
    let dir = Dir::new();
    let file = dir.file("pw");
    let f = path_str(&file);

    let mut script = Script::typing(&["abc", "abc"]);
    assert_eq!(passwd(&["-c", f, "w"], &mut script), 0, "{}", script.err());
    assert_eq!(script.out(), "Password: \nReenter password: \n");
    assert!(script.err.is_empty());
    assert!(verifies(&file, "w", "abc"));

    let mut script = Script::typing(&["xyz", "xyz"]);
    assert_eq!(passwd(&["-H", "sha512", f, "w2"], &mut script), 0);
    assert!(read(&file).contains("\nw2:$6$"));
    assert!(verifies(&file, "w2", "xyz"));

    // Spaces are part of the password.
    let mut script = Script::typing(&[" s p ", " s p "]);
    assert_eq!(passwd(&[f, "w3"], &mut script), 0);
    assert!(verifies(&file, "w3", " s p "));
    let before = read(&file);

    let mut script = Script::typing(&["abc", "abd"]);
    assert_eq!(passwd(&[f, "w4"], &mut script), 2);
    assert_eq!(script.out(), "Password: \nReenter password: \n");
    assert_eq!(script.err(), "Error: Passwords do not match.\n");

    let mut script = Script::typing(&[]);
    assert_eq!(passwd(&[f, "w4"], &mut script), 1);
    assert_eq!(script.out(), "Password: ");
    assert_eq!(script.err(), "Error: Empty password.\n");

    let mut script = Script::typing(&["", "x"]);
    assert_eq!(passwd(&[f, "w4"], &mut script), 1);
    assert_eq!(script.out(), "Password: ");
    assert_eq!(script.reads, 1);

    let mut script = Script::typing(&["abc"]);
    assert_eq!(passwd(&[f, "w4"], &mut script), 1);
    assert_eq!(script.out(), "Password: \nReenter password: ");
    assert_eq!(script.err(), "Error: Empty password.\n");

    let mut script = Script::typing(&["abc"]).then(PasswordInput::Interrupted);
    assert_eq!(passwd(&[f, "w4"], &mut script), 130);
    assert_eq!(script.out(), "Password: \nReenter password: \n");
    assert!(script.err.is_empty());
    assert_eq!(read(&file), before, "nothing written");

    // A failed -c does not create the file.
    let new = dir.file("new");
    let mut script = Script::typing(&["abc", "abd"]);
    assert_eq!(passwd(&["-c", path_str(&new), "u"], &mut script), 2);
    assert!(!new.exists());
    assert_eq!(dir.names(), ["pw"]);
}

#[test]
fn reading_lines_from_a_pipe() {
    let mut input: &[u8] = b"abc\r\n x \nlast";
    let mut reader = io::BufReader::new(&mut input);
    let mut next = || match read_line(&mut reader) {
        PasswordInput::Line(line) => Some(String::from_utf8_lossy(&line).into_owned()),
        PasswordInput::End | PasswordInput::Interrupted => None,
    };
    assert_eq!(next().as_deref(), Some("abc"));
    assert_eq!(next().as_deref(), Some(" x "));
    assert_eq!(next().as_deref(), Some("last"));
    assert_eq!(next(), None);
}

#[test]
fn reading_keys_from_a_terminal() {
    let line = |input: &[u8]| match terminal_keys(input) {
        PasswordInput::Line(line) => Ok(line.to_vec()),
        PasswordInput::End => Err("end"),
        PasswordInput::Interrupted => Err("interrupted"),
    };
    assert_eq!(line(b"secret\n"), Ok(b"secret".to_vec()));
    assert_eq!(line(b"secret\rrest"), Ok(b"secret".to_vec()));
    assert_eq!(line(b"ab\x7fc\n"), Ok(b"ac".to_vec()));
    assert_eq!(line(b"a\x08\x08\x08b\n"), Ok(b"b".to_vec()));
    assert_eq!(line("xé\x7f\n".as_bytes()), Ok(b"x".to_vec()));
    assert_eq!(line(b"abc\x15d\n"), Ok(b"d".to_vec()));
    assert_eq!(line(b"a\tb\x1b[A\n"), Ok(b"a\tb[A".to_vec()));
    assert_eq!(line(b"ab\x04c\n"), Ok(b"abc".to_vec()));
    assert_eq!(line(b"\n"), Ok(Vec::new()));
    assert_eq!(line(b"ab"), Ok(b"ab".to_vec()));
    assert_eq!(line(b""), Err("end"));
    assert_eq!(line(b"\x04"), Err("end"));
    assert_eq!(line(b"ab\x03cd\n"), Err("interrupted"));
}

#[test]
fn non_utf8_arguments() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let dir = Dir::new();
    let file = dir.file("pw");
    let args = [
        OsString::from("-c"),
        OsString::from("-b"),
        file.clone().into_os_string(),
        OsString::from_vec(b"caf\xe9".to_vec()),
        OsString::from_vec(b"p\xff".to_vec()),
    ];
    let mut script = Script::default();
    assert_eq!(run(&args, &mut script), 0);
    let data = fs::read(&file).expect("read");
    assert!(data.starts_with(b"caf\xe9:$7$"));
    let (pw, _) = PasswordFile::parse(&data, "pw");
    assert_eq!(pw.usernames().collect::<Vec<_>>(), [b"caf\xe9".as_slice()]);
}

#[test]
fn strerror_drops_the_rust_suffix() {
    assert_eq!(
        strerror(&io::Error::from_raw_os_error(libc::ENOENT)),
        "No such file or directory"
    );
    assert_eq!(strerror(&io::Error::other("plain")), "plain");
}
