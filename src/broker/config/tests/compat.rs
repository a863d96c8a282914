//! The same bad files given to mosquitto itself, when it is installed: the error lines must
//! match. Only cases where mosquitto 2.0.11 and 2.0.20 agree are compared.

use std::path::Path;
use std::process::{Command, Stdio};

use super::TempDir;
use crate::broker::config::ConfigReader;

const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// (file text, include file text or "") pairs; every one makes mosquitto stop with exit code 3.
const CASES: &[(&str, &str)] = &[
    ("  # x\n", ""),
    ("max_inflight_messages\t5\n", ""),
    ("listener 18842\nallow_anonymous yes\n", ""),
    ("password_file\n", ""),
    ("password_file   \n", ""),
    ("password_file a\npassword_file b\n", ""),
    ("password_file \u{7f}x\n", ""),
    ("max_keepalive 70000\n", ""),
    ("max_keepalive -1\n", ""),
    ("max_packet_size 19\n", ""),
    ("max_packet_size 25abc\nmax_packet_size 10\n", ""),
    ("message_size_limit 268435456\n", ""),
    ("message_size_limit -1\n", ""),
    ("sys_interval -1\n", ""),
    ("max_inflight_messages 65536\n", ""),
    ("max_qos 3\n", ""),
    ("persistent_client_expiration 5x\n", ""),
    ("persistent_client_expiration 0d\n", ""),
    ("log_type foo\n", ""),
    ("log_dest foo\n", ""),
    ("log_dest file\n", ""),
    ("log_dest file /tmp/a\nlog_dest file /tmp/b\n", ""),
    ("log_facility 8\n", ""),
    ("listener 18842\nmount_point a/#\n", ""),
    ("mount_point a\n", ""),
    ("listener 70000\n", ""),
    ("listener abc\n", ""),
    ("port 0\n", ""),
    ("protocol foo\n", ""),
    ("socket_domain ipv5\n", ""),
    ("listener 18842\nmax_topic_alias 70000\n", ""),
    ("memory_limit -1\n", ""),
    ("check_retain_source true\nper_listener_settings true\n", ""),
    ("allow_anonymous true\nper_listener_settings true\n", ""),
    ("auth_opt_foo bar\n", ""),
    ("plugin /x\nplugin_opt_ab c\n", ""),
    ("plugin /x\nplugin_opt_abc\n", ""),
    ("auth_plugin\n", ""),
    ("psk_hint x\ncafile y\n", ""),
    ("address x\n", ""),
    ("notifications_local_only true\n", ""),
    ("connection\n", ""),
    ("connection a\nconnection a\n", ""),
    ("connection a\naddress 127.0.0.1:70000\n", ""),
    ("connection a\naddress #x\n", ""),
    ("connection a\naddress 127.0.0.1\naddress 127.0.0.2\n", ""),
    ("connection a\naddress 127.0.0.1\n", ""),
    ("connection a\naddress 127.0.0.1\ntopic x sideways\n", ""),
    ("connection a\naddress 127.0.0.1\ntopic x IN 3\n", ""),
    ("connection a\naddress 127.0.0.1\ntopic \"\" in 1 a \"\"\n", ""),
    ("connection a\naddress 127.0.0.1\ntopic x in 1 a/+ b\n", ""),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nbridge_protocol_version mqttv311 \n",
        "",
    ),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nstart_type manual\n",
        "",
    ),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nrestart_timeout 10 5\n",
        "",
    ),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nkeepalive_interval 70000\n",
        "",
    ),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nremote_clientid a\nclientid b\n",
        "",
    ),
    ("connection a\naddress 127.0.0.1\ntopic x\nlocal_clientid\n", ""),
    ("connection a\naddress 127.0.0.1\ntopic x\nbridge_psk y\n", ""),
    (
        "connection a\naddress 127.0.0.1\ntopic x\nbridge_cafile x\nbridge_psk y\n",
        "",
    ),
    ("include_dir\n", ""),
    ("sys_interval 4\ninclude_dir INC\n", "max_qos 1\nbogus 1\n"),
    ("sys_interval 4\ninclude_dir INC\n", "connection a\n\ntopic x\n"),
    ("password_file /a\n#\ninclude_dir INC\n", "password_file /b\n"),
    ("include_dir INC\n", "SORT"),
];

/// Names of included files for the "SORT" case; the last in mosquitto's order holds an error.
const SORT_NAMES: &[&str] = &[
    "b", "B", "a", "A", "00", "_x", "a1", "A2", "z", "[", "~", "ab", "aB",
];

/// mosquitto's error lines and `Loading config file` lines for `config`, timestamps removed.
fn mosquitto_errors(config: &Path) -> Vec<String> {
    let mut child = Command::new(MOSQUITTO)
        .arg("-c")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mosquitto");
    // A bad file stops it at once; give it five seconds at most.
    for _ in 0..500 {
        if child.try_wait().expect("wait for mosquitto").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if child.try_wait().expect("wait for mosquitto").is_none() {
        let _ = child.kill();
    }
    let output = child.wait_with_output().expect("read mosquitto's output");
    assert_eq!(
        output.status.code(),
        Some(3),
        "exit code for {}",
        config.display()
    );
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(|line| match line.split_once(": ") {
            Some((stamp, rest)) if !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => line,
        })
        .filter(|line| line.starts_with("Error") || line.starts_with("Loading config file"))
        .map(str::to_string)
        .collect()
}

#[test]
fn errors_match_mosquitto() {
    if !Path::new(MOSQUITTO).exists() {
        eprintln!("skipped: {MOSQUITTO} is not installed");
        return;
    }
    let dir = TempDir::new();
    let inc = dir.path().join("inc");
    for (i, (text, included)) in CASES.iter().enumerate() {
        let _ = std::fs::remove_dir_all(&inc);
        std::fs::create_dir_all(&inc).expect("create include directory");
        if *included == "SORT" {
            for name in SORT_NAMES {
                dir.write(
                    &format!("inc/{name}.conf"),
                    if *name == "~" {
                        "bogus\n"
                    } else {
                        "sys_interval 1\n"
                    },
                );
            }
        } else if !included.is_empty() {
            dir.write("inc/a.conf", included);
        }
        let text = text.replace("INC", &inc.display().to_string());
        let path = dir.write(&format!("case{i}.conf"), &text);
        let expected = mosquitto_errors(&path);
        assert!(
            expected.iter().any(|l| l.starts_with("Error")),
            "no error from mosquitto for {text:?}"
        );
        let mut reader = ConfigReader::new();
        let parsed = reader.parse_file(&path);
        let mut ours: Vec<String> = reader
            .take_messages()
            .into_iter()
            .filter(|m| m.text.starts_with("Loading config file"))
            .map(|m| m.text)
            .collect();
        let error = match parsed {
            Err(e) => e,
            Ok(()) => reader
                .finish()
                .expect_err("our reader accepts a file mosquitto refuses"),
        };
        ours.extend(error.lines());
        assert_eq!(ours, expected, "case {text:?}");
    }
}
