//! Lines, tokens, comments, value types, duplicates and error positions.

use super::{error, fails, read, read_messages};
use crate::broker::config::{ConfigReader, MessageLevel};

#[test]
fn a_comment_needs_hash_as_the_first_byte() {
    let config = read("# max_qos 1\n#max_inflight_messages 5\n");
    assert_eq!(config.max_inflight_messages, 20);
    assert_eq!(
        fails("  # indented\n"),
        ("Error: Unknown configuration variable \"#\".".to_string(), 1)
    );
    assert_eq!(
        fails("\t# tab\n"),
        ("Error: Unknown configuration variable \"\t#\".".to_string(), 1)
    );
}

#[test]
fn a_tab_is_not_a_separator() {
    assert_eq!(
        fails("max_inflight_messages\t5\n"),
        (
            "Error: Unknown configuration variable \"max_inflight_messages\t5\".".to_string(),
            1
        )
    );
}

#[test]
fn spaces_around_tokens() {
    let config = read("   max_inflight_messages    7   \nsys_interval 5 extra words\n");
    assert_eq!(config.max_inflight_messages, 7);
    assert_eq!(config.sys_interval, 5);
}

#[test]
fn line_ends_and_blank_lines() {
    let config = read("\r\n\n   \nmax_inflight_messages 9\r\nmax_queued_messages 3\r\r\n");
    assert_eq!(config.max_inflight_messages, 9);
    assert_eq!(config.max_queued_messages, 3);
    // A line starting with CR is skipped whole.
    assert_eq!(
        read("\rbogus\n\rmax_queued_messages 3\n").max_queued_messages,
        1000
    );
    // The last line needs no newline.
    assert_eq!(read("sys_interval 4").sys_interval, 4);
}

#[test]
fn line_numbers_count_every_line() {
    let text = "# one\n\nlistener 1883\n   \r\nbogus\n";
    let e = error(text);
    assert_eq!((e.file.as_str(), e.line), ("t.conf", 5));
    assert_eq!(
        e.lines(),
        vec![
            "Error: Unknown configuration variable \"bogus\".",
            "Error found at t.conf:5."
        ]
    );
    assert_eq!(e.to_string(), "Error: Unknown configuration variable \"bogus\".");
}

#[test]
fn strings_are_the_trimmed_rest_of_the_line() {
    let config = read("pid_file   /run/my dir/#pid  \t\nlog_timestamp_format %Y-%m-%d %H:%M\n");
    assert_eq!(config.pid_file.as_deref(), Some("/run/my dir/#pid"));
    assert_eq!(config.log_timestamp_format.as_deref(), Some("%Y-%m-%d %H:%M"));
    let config = read("acl_file \x0b\x0c acl \n");
    assert_eq!(config.security.acl_file.as_deref(), Some("acl"));
}

#[test]
fn strings_must_be_utf8_without_control_characters() {
    let malformed = "Error: Malformed UTF-8 in configuration.".to_string();
    let mut reader = ConfigReader::new();
    let e = reader.parse_bytes(b"pid_file \xff\xfe\n", "t.conf").unwrap_err();
    assert_eq!((e.message, e.line), (malformed.clone(), 1));
    assert_eq!(fails("pid_file a\tb\n"), (malformed.clone(), 1));
    assert_eq!(fails("pid_file a\x7fb\n"), (malformed.clone(), 1));
    assert_eq!(fails("pid_file \u{ffff}\n"), (malformed, 1));
    assert_eq!(
        read("pid_file caf\u{e9}\n").pid_file.as_deref(),
        Some("caf\u{e9}")
    );
}

#[test]
fn bytes_that_are_not_utf8_in_comments_and_keywords() {
    let mut reader = ConfigReader::new();
    reader
        .parse_bytes(b"# caf\xe9 latin-1 comment\nsys_interval 3\n", "t.conf")
        .unwrap();
    assert_eq!(reader.config().sys_interval, 3);
    let e = ConfigReader::new()
        .parse_bytes(b"sys\xe9 1\n", "t.conf")
        .unwrap_err();
    assert_eq!(
        e.message,
        "Error: Unknown configuration variable \"sys\u{fffd}\"."
    );
}

#[test]
fn booleans_are_exactly_true_false_1_0() {
    for (text, value) in [("true", true), ("1", true), ("false", false), ("0", false)] {
        assert_eq!(
            read(&format!("retain_available {text}\n")).retain_available,
            value
        );
    }
    for bad in ["TRUE", "yes", "on", "2", "true,"] {
        assert_eq!(
            fails(&format!("listener 1883\nallow_anonymous {bad}\n")),
            (format!("Error: Invalid allow_anonymous value ({bad})."), 2)
        );
    }
    // Only the first word counts.
    assert!(
        read("listener 1883\nallow_anonymous true false\n")
            .security
            .allow_anonymous()
    );
    assert_eq!(
        fails("allow_anonymous\n"),
        (
            "Error: Empty allow_anonymous value in configuration.".to_string(),
            1
        )
    );
    assert_eq!(
        fails("set_tcp_nodelay   \n"),
        (
            "Error: Empty set_tcp_nodelay value in configuration.".to_string(),
            1
        )
    );
}

#[test]
fn integers_read_like_atoi() {
    assert_eq!(read("max_queued_messages 25abc\n").max_queued_messages, 25);
    assert_eq!(read("max_queued_messages abc\n").max_queued_messages, 0);
    assert_eq!(read("sys_interval +7\n").sys_interval, 7);
    assert_eq!(
        fails("max_packet_size abc\n"),
        ("Error: Invalid max_packet_size value (0).".to_string(), 1)
    );
    // The value seen in a message is the atoi value, cut to 32 bits.
    assert_eq!(
        fails("max_keepalive 99999999999\n"),
        ("Error: Invalid max_keepalive value (1215752191).".to_string(), 1)
    );
    assert_eq!(
        fails("max_qos\n"),
        ("Error: Empty max_qos value in configuration.".to_string(), 1)
    );
}

#[test]
fn the_last_integer_or_boolean_wins() {
    let config = read("sys_interval 5\nsys_interval 6\nretain_available false\nretain_available true\n");
    assert_eq!(config.sys_interval, 6);
    assert!(config.retain_available);
    assert_eq!(
        fails("max_packet_size 25abc\nmax_packet_size 10\n"),
        ("Error: Invalid max_packet_size value (10).".to_string(), 2)
    );
}

#[test]
fn a_string_given_twice_is_an_error() {
    assert_eq!(
        fails("password_file a\npassword_file b\n"),
        (
            "Error: Duplicate password_file value in configuration.".to_string(),
            2
        )
    );
    assert_eq!(
        fails("pid_file a\n\npid_file a\n"),
        ("Error: Duplicate pid_file value in configuration.".to_string(), 3)
    );
    // An empty repeat reports the empty value first.
    assert_eq!(
        fails("pid_file a\npid_file\n"),
        ("Error: Empty pid_file value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("pid_file a\npid_file  \n"),
        ("Error: Duplicate pid_file value in configuration.".to_string(), 2)
    );
}

#[test]
fn user_is_the_exception_last_wins() {
    assert_eq!(read("").user, "mosquitto");
    assert_eq!(read("user a\nuser b\n").user, "b");
    assert_eq!(
        fails("user\n"),
        ("Error: Empty user value in configuration.".to_string(), 1)
    );
}

#[test]
fn empty_string_values() {
    for name in [
        "password_file",
        "acl_file",
        "pid_file",
        "persistence_location",
        "log_timestamp_format",
    ] {
        assert_eq!(
            fails(&format!("{name}\n")),
            (format!("Error: Empty {name} value in configuration."), 1)
        );
        assert_eq!(
            fails(&format!("{name}  \t \n")),
            (format!("Error: Empty {name} value in configuration."), 1)
        );
    }
}

#[test]
fn unknown_keywords() {
    assert_eq!(
        fails("frobnicate 1\n"),
        (
            "Error: Unknown configuration variable \"frobnicate\".".to_string(),
            1
        )
    );
    assert_eq!(
        fails("Listener 1883\n"),
        (
            "Error: Unknown configuration variable \"Listener\".".to_string(),
            1
        )
    );
    // Names from later mosquitto versions are unknown to 2.0.
    for name in [
        "global_max_clients",
        "accept_protocol_versions",
        "bridge_max_topic_alias",
        "global_plugin",
    ] {
        assert_eq!(
            fails(&format!("{name} 1\n")),
            (format!("Error: Unknown configuration variable \"{name}\"."), 1)
        );
    }
}

#[test]
fn some_empty_values_are_logged_and_reading_goes_on() {
    let messages = read_messages("log_type\nmax_connections\npersistent_client_expiration\nsys_interval 3\n");
    let errors: Vec<(&str, usize)> = messages
        .iter()
        .filter(|m| m.level == MessageLevel::Error)
        .map(|m| (m.text.as_str(), m.line))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("Error: Empty log_type value in configuration.", 1),
            ("Error: Empty max_connections value in configuration.", 2),
            (
                "Error: Empty persistent_client_expiration value in configuration.",
                3
            ),
        ]
    );
    let config = read("log_type\nsys_interval 3\n");
    assert_eq!(config.sys_interval, 3);
    assert_eq!(config.log_type, crate::broker::config::LogTypes::DEFAULT);
}

#[test]
fn directives_are_recorded_with_their_place() {
    let config = read("# c\nlistener 1884  127.0.0.1 \nsys_interval 3\n");
    let places: Vec<(&str, &str, usize)> = config
        .directives
        .iter()
        .map(|d| (d.option.as_str(), d.value.as_str(), d.line))
        .collect();
    assert_eq!(
        places,
        vec![("listener", "1884  127.0.0.1", 2), ("sys_interval", "3", 3)]
    );
    assert!(config.directives.iter().all(|d| d.file == "t.conf"));
}

#[test]
fn no_panic_on_odd_input() {
    let inputs: &[&[u8]] = &[
        b"",
        b"\n\n\n",
        b" ",
        b"\0",
        b"listener\0 1883",
        b"listener",
        b"listener ",
        b"connection",
        b"topic",
        b"address :",
        b"connection a\naddress :\n",
        b"connection a\naddress 1:2:3\ntopic \"\" in 1 \"\" \"\"\n",
        b"connection a\ntopic # in # x\n",
        b"connection a\nrestart_timeout\n",
        b"persistent_client_expiration \xff",
        b"persistent_client_expiration m",
        b"plugin_opt_",
        b"plugin x\nplugin_opt_\xff\xff\xff v",
        b"plugin x\nplugin_opt_abc \xff",
        b"log_dest file \xff",
        b"include_dir",
        b"mount_point",
        b"listener 1\nmount_point\n",
        b"\xff\xfe\xfd",
        b"max_packet_size -2147483648",
        b"message_size_limit -2147483648",
    ];
    for input in inputs {
        let mut reader = ConfigReader::new();
        if reader.parse_bytes(input, "t.conf").is_ok() {
            let _ = reader.finish();
        }
    }
}
