//! Files, `include_dir`, and several sources read by one reader.

use super::TempDir;
use crate::broker::config::{ConfigReader, MessageLevel};

fn loading_lines(reader: &mut ConfigReader) -> Vec<String> {
    reader
        .take_messages()
        .into_iter()
        .filter(|m| m.level == MessageLevel::Info)
        .map(|m| m.text)
        .collect()
}

#[test]
fn files_that_cannot_be_read() {
    let dir = TempDir::new();
    let missing = dir.path().join("missing.conf");
    let e = ConfigReader::new().parse_file(&missing).unwrap_err();
    assert_eq!(
        e.message,
        format!("Error: Unable to open config file {}.", missing.display())
    );
    assert_eq!(e.line, 0);
    assert_eq!(e.lines().len(), 1);

    let e = ConfigReader::new().parse_file(dir.path()).unwrap_err();
    assert_eq!(
        e.message,
        format!("Error: Config file {} is a directory.", dir.path().display())
    );
    assert_eq!(e.lines(), vec![e.message.clone()]);
}

#[test]
fn a_file_reports_errors_with_its_path_as_given() {
    let dir = TempDir::new();
    let path = dir.write("main.conf", "listener 1883\n\nbogus\n");
    let e = ConfigReader::new().parse_file(&path).unwrap_err();
    assert_eq!(e.file, path.display().to_string());
    assert_eq!(e.lines()[1], format!("Error found at {}:3.", path.display()));
}

#[test]
fn include_dir_reads_conf_files_sorted_without_regard_to_case() {
    let dir = TempDir::new();
    for name in [
        "b.conf", "B.conf", "a.conf", "A.conf", "00.conf", "_x.conf", "a1.conf", "A2.conf", "z.conf",
    ] {
        dir.write(&format!("inc/{name}"), "sys_interval 1\n");
    }
    // Not read: other extensions, upper-case extension, a bare ".conf".
    dir.write("inc/c.txt", "bogus\n");
    dir.write("inc/x.CONF", "bogus\n");
    dir.write("inc/.conf", "bogus\n");
    let inc = dir.path().join("inc");
    let main = dir.write(
        "main.conf",
        &format!("sys_interval 4\ninclude_dir {}\n", inc.display()),
    );
    let mut reader = ConfigReader::new();
    reader.parse_file(&main).unwrap();
    // Letter by letter, upper case first: "A2" comes before "a1".
    let order: Vec<String> = ["00", "A", "A2", "a", "a1", "B", "b", "z", "_x"]
        .iter()
        .map(|n| format!("Loading config file {}/{n}.conf", inc.display()))
        .collect();
    assert_eq!(loading_lines(&mut reader), order);
    assert_eq!(reader.config().sys_interval, 1);

    // The directory is joined literally, a trailing slash included.
    let main = dir.write("slash.conf", &format!("include_dir {}/\n", inc.display()));
    let mut reader = ConfigReader::new();
    reader.parse_file(&main).unwrap();
    assert_eq!(
        loading_lines(&mut reader)[0],
        format!("Loading config file {}//00.conf", inc.display())
    );
}

#[test]
fn an_error_in_an_included_file_names_both_places() {
    let dir = TempDir::new();
    dir.write("inc/a.conf", "sys_interval 2\n\nbogus 1\n");
    dir.write("inc/b.conf", "sys_interval 3\n");
    let inc = dir.path().join("inc");
    let main = dir.write(
        "main.conf",
        &format!("# main\ninclude_dir {}\nsys_interval 9\n", inc.display()),
    );
    let mut reader = ConfigReader::new();
    let e = reader.parse_file(&main).unwrap_err();
    let inner = format!("{}/a.conf", inc.display());
    assert_eq!(
        e.lines(),
        vec![
            "Error: Unknown configuration variable \"bogus\".".to_string(),
            format!("Error found at {inner}:3."),
            format!("Error found at {}:2.", main.display()),
        ]
    );
    assert_eq!(
        loading_lines(&mut reader),
        vec![format!("Loading config file {inner}")]
    );

    // A directory named like a config file.
    std::fs::remove_file(inc.join("a.conf")).unwrap();
    std::fs::create_dir(inc.join("a.conf")).unwrap();
    let e = ConfigReader::new().parse_file(&main).unwrap_err();
    assert_eq!(
        e.lines(),
        vec![
            format!("Error: Config file {inner} is a directory."),
            format!("Error found at {}:2.", main.display())
        ]
    );
}

#[test]
fn include_dir_errors() {
    let dir = TempDir::new();
    let missing = dir.path().join("nothing");
    let mut reader = ConfigReader::new();
    let e = reader
        .parse_str(&format!("include_dir {}\n", missing.display()), "m.conf")
        .unwrap_err();
    assert_eq!(
        e.message,
        format!("Error: Unable to open include_dir '{}'.", missing.display())
    );
    assert_eq!(e.line, 1);
    let e = ConfigReader::new()
        .parse_str("include_dir\n", "m.conf")
        .unwrap_err();
    assert_eq!(e.message, "Error: Empty include_dir value in configuration.");
    // The value is not trimmed.
    let e = ConfigReader::new()
        .parse_str(&format!("include_dir  {}\n", dir.path().display()), "m.conf")
        .unwrap_err();
    assert_eq!(
        e.message,
        format!("Error: Unable to open include_dir ' {}'.", dir.path().display())
    );
}

#[test]
fn include_dir_is_ignored_in_included_files() {
    let dir = TempDir::new();
    dir.write(
        "inc/a.conf",
        "include_dir /nonexistent\ninclude_dir\nsys_interval 7\n",
    );
    let main = dir.write(
        "main.conf",
        &format!("include_dir {}\n", dir.path().join("inc").display()),
    );
    let mut reader = ConfigReader::new();
    reader.parse_file(&main).unwrap();
    assert_eq!(reader.config().sys_interval, 7);
}

#[test]
fn an_included_file_starts_at_the_default_listener_without_a_bridge() {
    let dir = TempDir::new();
    dir.write("inc/a.conf", "max_qos 1\n");
    let inc = dir.path().join("inc");
    let text = format!(
        "listener 1884\ninclude_dir {}\nmax_connections 5\n",
        inc.display()
    );
    let mut reader = ConfigReader::new();
    reader.parse_str(&text, "main.conf").unwrap();
    let config = reader.finish().unwrap();
    assert_eq!(config.default_listener.max_qos, 1);
    // Back in the main file, the listener before the include_dir is current again.
    assert_eq!(
        (config.listeners[0].max_qos, config.listeners[0].max_connections),
        (2, 5)
    );

    dir.write("inc/a.conf", "topic x\n");
    let text = format!("connection b\naddress h\ninclude_dir {}\n", inc.display());
    let e = ConfigReader::new().parse_str(&text, "main.conf").unwrap_err();
    assert_eq!(e.message, "Error: Invalid bridge configuration.");
    assert_eq!((e.line, e.included_from), (1, Some(("main.conf".to_string(), 3))));
}

#[test]
fn included_files_share_the_rest() {
    let dir = TempDir::new();
    dir.write("inc/a.conf", "listener 1885\npassword_file /b\nlog_type debug\n");
    let inc = dir.path().join("inc");
    // Duplicates across files are errors; log_type keeps accumulating.
    let text = format!(
        "log_type error\npassword_file /a\ninclude_dir {}\n",
        inc.display()
    );
    let e = ConfigReader::new().parse_str(&text, "main.conf").unwrap_err();
    assert_eq!(
        e.message,
        "Error: Duplicate password_file value in configuration."
    );
    assert_eq!(e.lines().len(), 3);

    dir.write("inc/a.conf", "listener 1885\nlog_type debug\n");
    let mut reader = ConfigReader::new();
    reader.parse_str(&text, "main.conf").unwrap();
    let config = reader.finish().unwrap();
    assert_eq!(config.listeners[0].file, format!("{}/a.conf", inc.display()));
    assert_eq!(
        config.log_type,
        crate::broker::config::LogTypes::ERROR.with(crate::broker::config::LogTypes::DEBUG)
    );
    // mount_point only needs some listener declared before it, in any file.
    dir.write("inc/a.conf", "listener 1885\n");
    let mut reader = ConfigReader::new();
    reader
        .parse_str(
            &format!("include_dir {}\nmount_point m/\n", inc.display()),
            "main.conf",
        )
        .unwrap();
    assert_eq!(
        reader.config().default_listener.mount_point.as_deref(),
        Some("m/")
    );
}

#[test]
fn several_sources_read_as_one() {
    let mut reader = ConfigReader::new();
    reader
        .parse_str("listener 1884\nlog_type error\n", "one.conf")
        .unwrap();
    reader
        .parse_str("max_qos 1\nlog_type debug\n", "two.conf")
        .unwrap();
    let e = reader.parse_str("\nmax_qos 7\n", "three.conf").unwrap_err();
    assert_eq!(
        e.lines(),
        vec![
            "Error: max_qos must be between 0 and 2 inclusive.",
            "Error found at three.conf:2."
        ]
    );

    let mut reader = ConfigReader::new();
    reader
        .parse_str("listener 1884\nlog_type error\n", "one.conf")
        .unwrap();
    reader
        .parse_str("max_qos 1\nlog_type debug\n", "two.conf")
        .unwrap();
    let config = reader.finish().unwrap();
    assert_eq!(config.listeners[0].max_qos, 1);
    assert!(config.log_type.contains(crate::broker::config::LogTypes::DEBUG));
    assert!(config.log_type.contains(crate::broker::config::LogTypes::ERROR));

    let mut reader = ConfigReader::new();
    reader.parse_str("pid_file /a\n", "one.conf").unwrap();
    let e = reader.parse_str("pid_file /b\n", "two.conf").unwrap_err();
    assert_eq!(
        e.lines(),
        vec![
            "Error: Duplicate pid_file value in configuration.",
            "Error found at two.conf:1."
        ]
    );
}
