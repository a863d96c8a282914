//! Defaults, ranges, logging, security options, plugins, and the unsupported list.

use super::{error, fails, read, read_messages};
use crate::broker::config::{
    Config, ConfigReader, LogDest, LogTypes, MessageLevel, Unsupported, parse_duration,
};

#[test]
fn defaults() {
    let c = Config::default();
    assert!(!c.per_listener_settings);
    assert!(c.security.allow_zero_length_clientid);
    assert_eq!(c.security.auto_id_prefix(), "auto-");
    assert_eq!(c.security.allow_anonymous, None);
    assert!(!c.security.allow_anonymous());
    assert_eq!(c.max_inflight_messages, 20);
    assert_eq!(c.max_queued_messages, 1000);
    assert_eq!((c.max_queued_bytes, c.max_inflight_bytes), (0, 0));
    assert_eq!(c.max_keepalive, 0);
    assert_eq!((c.max_packet_size, c.message_size_limit), (0, 0));
    assert_eq!(c.sys_interval, 10);
    assert!(c.retain_available && c.connection_messages && c.log_timestamp);
    assert!(!c.persistence && !c.autosave_on_changes);
    assert_eq!(c.autosave_interval, 1800);
    assert_eq!(c.persistence_file(), "mosquitto.db");
    assert_eq!(c.persistence_path(), "mosquitto.db");
    assert_eq!(c.user, "mosquitto");
    assert!(
        !c.set_tcp_nodelay && !c.upgrade_outgoing_qos && !c.queue_qos0_messages && !c.check_retain_source
    );
    assert!(c.allow_duplicate_messages);
    assert_eq!(c.persistent_client_expiration, None);
    assert_eq!(c.log_type, LogTypes::DEFAULT);
    assert!(
        c.log_type
            .contains(LogTypes::ERROR.with(LogTypes::WARNING).with(LogTypes::NOTICE))
    );
    assert!(c.log_type.contains(LogTypes::INFORMATION) && !c.log_type.contains(LogTypes::DEBUG));
    assert_eq!(
        c.log_dest,
        LogDest {
            stderr: true,
            ..LogDest::NONE
        }
    );
    assert_eq!(c.log_facility, None);
    assert!(c.local_only());
    assert!(c.listeners.is_empty() && c.bridges.is_empty());
    assert_eq!(c.default_listener.max_topic_alias, 10);
    assert_eq!(c.default_listener.max_qos, 2);
    assert_eq!(c.default_listener.max_connections, -1);
    // An empty file is the default configuration, anonymous clients allowed (local only).
    let read_empty = read("");
    assert!(read_empty.security.allow_anonymous());
    assert_eq!(read_empty.max_inflight_messages, 20);
}

#[test]
fn range_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "max_keepalive 65536",
            "Error: Invalid max_keepalive value (65536).",
        ),
        ("max_keepalive -1", "Error: Invalid max_keepalive value (-1)."),
        ("max_packet_size 19", "Error: Invalid max_packet_size value (19)."),
        ("max_packet_size 0", "Error: Invalid max_packet_size value (0)."),
        (
            "message_size_limit 268435456",
            "Error: Invalid message_size_limit value (268435456).",
        ),
        (
            "message_size_limit -1",
            "Error: Invalid message_size_limit value (4294967295).",
        ),
        ("sys_interval -1", "Error: Invalid sys_interval value (-1)."),
        ("sys_interval 65536", "Error: Invalid sys_interval value (65536)."),
        (
            "max_inflight_messages 65536",
            "Error: max_inflight_messages must be <= 65535.",
        ),
        ("max_qos 3", "Error: max_qos must be between 0 and 2 inclusive."),
        (
            "maximum_qos -1",
            "Error: max_qos must be between 0 and 2 inclusive.",
        ),
        (
            "persistent_client_expiration 5x",
            "Error: Invalid persistent_client_expiration duration in configuration.",
        ),
        (
            "persistent_client_expiration 0d",
            "Error: Invalid persistent_client_expiration duration in configuration.",
        ),
        (
            "persistent_client_expiration -1d",
            "Error: Invalid persistent_client_expiration duration in configuration.",
        ),
        (
            "persistent_client_expiration h",
            "Error: Invalid persistent_client_expiration duration in configuration.",
        ),
        ("log_type foo", "Error: Invalid log_type value (foo)."),
        ("log_dest foo", "Error: Invalid log_dest value (foo)."),
        ("log_facility 8", "Error: Invalid log_facility value (8)."),
        ("log_facility -1", "Error: Invalid log_facility value (-1)."),
        ("memory_limit -1", "Error: Invalid memory_limit value (-1)."),
        (
            "websockets_headers_size 65536",
            "Error: Websockets headers size must be between 0 and 65535 inclusive.",
        ),
        (
            "max_topic_alias 65536",
            "Error: Invalid max_topic_alias value in configuration.",
        ),
        (
            "max_topic_alias -1",
            "Error: Invalid max_topic_alias value in configuration.",
        ),
        ("port 0", "Error: Invalid port value (0)."),
        ("port 65536", "Error: Invalid port value (65536)."),
        ("listener 65536", "Error: Invalid port value (65536)."),
        ("listener -1", "Error: Invalid port value (-1)."),
        ("protocol foo", "Error: Invalid protocol value (foo)."),
        (
            "socket_domain ipv5",
            "Error: Invalid socket_domain value \"ipv5\" in configuration.",
        ),
    ];
    for (line, message) in cases {
        assert_eq!(
            fails(&format!("sys_interval 1\n{line}\n")),
            (message.to_string(), 2),
            "{line}"
        );
    }
    assert_eq!(
        fails("listener 1883\nmount_point a/#\n"),
        (
            "Error: Invalid mount_point 'a/#'. Does it contain a wildcard character?".to_string(),
            2
        )
    );
    assert_eq!(
        fails("listener 1883\nmount_point a/+/b\n"),
        (
            "Error: Invalid mount_point 'a/+/b'. Does it contain a wildcard character?".to_string(),
            2
        )
    );
}

#[test]
fn values_that_are_clamped_or_mapped() {
    assert_eq!(read("max_inflight_messages 65535\n").max_inflight_messages, 0);
    assert_eq!(read("max_inflight_messages -5\n").max_inflight_messages, 0);
    assert_eq!(read("max_queued_messages -5\n").max_queued_messages, 0);
    assert_eq!(read("autosave_interval -5\n").autosave_interval, 0);
    assert_eq!(
        read("max_inflight_bytes -1\nmax_queued_bytes -1\n").max_queued_bytes,
        0
    );
    assert_eq!(read("max_keepalive 65535\n").max_keepalive, 65535);
    assert_eq!(read("max_keepalive 0\n").max_keepalive, 0);
    assert_eq!(read("max_packet_size 20\n").max_packet_size, 20);
    assert_eq!(
        read("message_size_limit 268435455\n").message_size_limit,
        268_435_455
    );
    assert_eq!(read("sys_interval 0\n").sys_interval, 0);
    assert_eq!(read("memory_limit 5000000000\n").memory_limit, 5_000_000_000);
    assert_eq!(read("log_facility 5\n").log_facility, Some(5));
    assert_eq!(
        read("websockets_headers_size 0\n").websockets_headers_size,
        Some(0)
    );
    assert_eq!(read("websockets_log_level 255\n").websockets_log_level, 255);
    assert_eq!(read("maximum_qos 1\n").default_listener.max_qos, 1);
}

#[test]
fn durations() {
    assert_eq!(parse_duration(b"2h"), Some(7200));
    assert_eq!(parse_duration(b"14d"), Some(14 * 86_400));
    assert_eq!(parse_duration(b"1w"), Some(604_800));
    assert_eq!(parse_duration(b"2m"), Some(60 * 86_400));
    assert_eq!(parse_duration(b"1y"), Some(365 * 86_400));
    assert_eq!(parse_duration(b"3x5d"), Some(3 * 86_400));
    assert_eq!(parse_duration(b"99999999y"), Some(99_999_999 * 365 * 86_400));
    for bad in [&b""[..], b"d", b"0d", b"-1d", b"5", b"5H", b"5s"] {
        assert_eq!(parse_duration(bad), None, "{bad:?}");
    }
    let config = read("persistent_client_expiration 2m\npersistent_client_expiration 3d\n");
    assert_eq!(config.persistent_client_expiration, Some(3 * 86_400));
}

#[test]
fn persistence_options() {
    let config = read(
        "persistence true\npersistence_location /var/lib/x/\npersistence_file my.db\nautosave_on_changes 1\n",
    );
    assert!(config.persistence && config.autosave_on_changes);
    assert_eq!(config.persistence_path(), "/var/lib/x//my.db");
    assert!(read("retained_persistence true\n").persistence);
    assert_eq!(
        fails("retained_persistence maybe\n"),
        (
            "Error: Invalid retained_persistence value (maybe).".to_string(),
            1
        )
    );
}

#[test]
fn deprecation_and_other_notices() {
    let messages = read_messages(
        "allow_duplicate_messages false\nclientid_prefixes sec-\nmessage_size_limit 100\nretry_interval 5\n\
         port 1884\nport 1885\nbind_address 127.0.0.1\n",
    );
    let texts: Vec<(MessageLevel, &str, usize)> = messages
        .iter()
        .map(|m| (m.level, m.text.as_str(), m.line))
        .collect();
    assert_eq!(
        texts,
        vec![
            (
                MessageLevel::Notice,
                "The 'allow_duplicate_messages' option is now deprecated and will be removed in a future version. \
                 The behaviour will default to true.",
                1
            ),
            (
                MessageLevel::Notice,
                "The 'clientid_prefixes' option is now deprecated and will be removed in a future version.",
                2
            ),
            (
                MessageLevel::Notice,
                "Note: It is recommended to replace `message_size_limit` with `max_packet_size`.",
                3
            ),
            (
                MessageLevel::Warning,
                "Warning: The retry_interval option is no longer available.",
                4
            ),
            (
                MessageLevel::Notice,
                "The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' \
                 instead.",
                5
            ),
            (
                MessageLevel::Notice,
                "The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' \
                 instead.",
                6
            ),
            (
                MessageLevel::Warning,
                "Warning: Default listener port specified multiple times. Only the latest will be used.",
                6
            ),
            (
                MessageLevel::Notice,
                "The 'bind_address' option is now deprecated and will be removed in a future version. The behaviour \
                 will default to true.",
                7
            ),
        ]
    );
}

#[test]
fn log_dest_first_line_replaces_the_default_then_adds() {
    assert_eq!(
        read("log_dest stdout\n").log_dest,
        LogDest {
            stdout: true,
            ..LogDest::NONE
        }
    );
    let config = read("log_dest syslog\nlog_dest topic\nlog_dest stderr\nlog_dest dlt\n");
    assert_eq!(
        config.log_dest,
        LogDest {
            syslog: true,
            topic: true,
            stderr: true,
            dlt: true,
            ..LogDest::NONE
        }
    );
    assert_eq!(read("log_dest none\n").log_dest, LogDest::NONE);
    assert_eq!(
        read("log_dest stdout\nlog_dest none\nlog_dest topic\n").log_dest,
        LogDest {
            topic: true,
            ..LogDest::NONE
        }
    );
    let config = read("log_dest file   /var/log/my log.txt\n");
    assert_eq!(
        config.log_dest,
        LogDest {
            file: true,
            ..LogDest::NONE
        }
    );
    assert_eq!(config.log_file.as_deref(), Some("/var/log/my log.txt"));
    assert_eq!(
        fails("log_dest file /a\nlog_dest file /b\n"),
        ("Error: Duplicate \"log_dest file\" value.".to_string(), 2)
    );
    assert_eq!(
        fails("log_dest file\n"),
        (
            "Error: Empty \"log_dest file\" value in configuration.".to_string(),
            1
        )
    );
    assert_eq!(
        fails("log_dest file \t  \n"),
        (
            "Error: Empty \"log_dest file\" value in configuration.".to_string(),
            1
        )
    );
    assert_eq!(
        fails("log_dest\n"),
        ("Error: Empty log_dest value in configuration.".to_string(), 1)
    );
}

#[test]
fn log_type_accumulates() {
    assert_eq!(read("log_type debug\n").log_type, LogTypes::DEBUG);
    let config = read("log_type error\nlog_type subscribe\nlog_type unsubscribe\nlog_type websockets\n");
    assert_eq!(
        config.log_type,
        LogTypes::ERROR
            .with(LogTypes::SUBSCRIBE)
            .with(LogTypes::UNSUBSCRIBE)
            .with(LogTypes::WEBSOCKETS)
    );
    assert_eq!(read("log_type all\n").log_type, LogTypes::ALL);
    assert_eq!(
        read("log_type all\nlog_type none\nlog_type notice\n").log_type,
        LogTypes::NOTICE
    );
    let all_four = "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
    assert_eq!(read(all_four).log_type, LogTypes::DEFAULT);
    assert_eq!(read("log_type internal\n").log_type, LogTypes::INTERNAL);
}

#[test]
fn verbose_logs_everything() {
    let mut config = read("log_type error\n");
    assert_eq!(config.effective_log_types(), LogTypes::ERROR);
    config.set_verbose(true);
    assert_eq!(config.effective_log_types(), LogTypes::ALL);
    assert_eq!(config.log_type, LogTypes::ERROR);
}

#[test]
fn other_logging_options() {
    let config = read(
        "log_timestamp false\nlog_timestamp_format %H:%M:%S\nconnection_messages false\nlog_facility 0\n",
    );
    assert!(!config.log_timestamp && !config.connection_messages);
    assert_eq!(config.log_timestamp_format.as_deref(), Some("%H:%M:%S"));
    assert_eq!(config.log_facility, Some(0));
}

#[test]
fn global_security_options() {
    let config = read(
        "password_file /etc/pw\nacl_file /etc/acl\npsk_file /etc/psk\nallow_anonymous true\n\
         allow_zero_length_clientid false\nauto_id_prefix gen-\nlistener 1883\nlistener 1884\n",
    );
    let s = &config.security;
    assert_eq!(s.password_file.as_deref(), Some("/etc/pw"));
    assert_eq!(s.acl_file.as_deref(), Some("/etc/acl"));
    assert_eq!(s.psk_file.as_deref(), Some("/etc/psk"));
    assert!(s.allow_anonymous() && !s.allow_zero_length_clientid);
    assert_eq!(s.auto_id_prefix(), "gen-");
    for listener in &config.listeners {
        assert_eq!(config.security_for(listener), s);
        assert_eq!(listener.security, Default::default());
    }
    // Security options after a listener are still global.
    let config = read("listener 1883\npassword_file /etc/pw\n");
    assert_eq!(config.security.password_file.as_deref(), Some("/etc/pw"));
    assert_eq!(config.listeners[0].security.password_file, None);
}

#[test]
fn allow_anonymous_defaults_to_false_once_a_listener_exists() {
    assert!(!read("listener 1883\n").security.allow_anonymous());
    assert!(!read("port 1883\n").security.allow_anonymous());
    // Local-only mode allows anonymous clients even when told otherwise.
    assert!(read("allow_anonymous false\n").security.allow_anonymous());
}

#[test]
fn per_listener_settings() {
    let config = read(
        "per_listener_settings true\nallow_anonymous true\nlistener 1883\npassword_file /a\nacl_file /acl\n\
         listener 1884\nallow_anonymous true\nauto_id_prefix p-\npsk_file /psk\n",
    );
    assert!(config.per_listener_settings);
    assert_eq!(config.security, Default::default());
    // Before any listener: the default listener.
    assert_eq!(config.default_listener.security.allow_anonymous, Some(true));
    let (a, b) = (&config.listeners[0], &config.listeners[1]);
    assert_eq!(a.security.password_file.as_deref(), Some("/a"));
    assert_eq!(a.security.acl_file.as_deref(), Some("/acl"));
    assert!(!a.security.allow_anonymous());
    assert!(b.security.allow_anonymous());
    assert_eq!(b.security.auto_id_prefix(), "p-");
    assert_eq!(b.security.psk_file.as_deref(), Some("/psk"));
    assert_eq!(config.security_for(a).password_file.as_deref(), Some("/a"));
    // The same option once per listener is no duplicate.
    read("per_listener_settings true\nlistener 1\npassword_file /a\nlistener 2\npassword_file /a\n");
}

#[test]
fn per_listener_settings_must_come_first() {
    let message = "Error: per_listener_settings must be set before any other security settings.".to_string();
    for option in [
        "password_file /p",
        "acl_file /a",
        "psk_file /k",
        "allow_anonymous true",
        "allow_zero_length_clientid true",
        "auto_id_prefix x",
        "plugin /p.so",
        "auth_plugin /p.so",
        "check_retain_source true",
    ] {
        assert_eq!(
            fails(&format!("{option}\nper_listener_settings true\n")),
            (message.clone(), 2),
            "{option}"
        );
    }
    // Setting it false, or true before the others, is fine.
    assert!(!read("allow_anonymous true\nper_listener_settings false\n").per_listener_settings);
    assert!(read("per_listener_settings true\nper_listener_settings true\n").per_listener_settings);
    assert_eq!(
        fails("per_listener_settings true\nper_listener_settings bogus\n"),
        (
            "Error: Invalid per_listener_settings value (bogus).".to_string(),
            2
        )
    );
    assert!(read("sys_interval 5\nlistener 1\nper_listener_settings true\n").per_listener_settings);
}

#[test]
fn plugins_and_their_options() {
    let config = read(
        "plugin /usr/lib/a.so\nplugin_opt_abc one two \nauth_opt_key   v\nauth_plugin_deny_special_chars false\n\
         auth_plugin /usr/lib/b.so\n",
    );
    let plugins = &config.security.plugins;
    assert_eq!(plugins.len(), 2);
    assert_eq!(plugins[0].path, "/usr/lib/a.so");
    assert_eq!(
        plugins[0].options,
        vec![
            ("abc".to_string(), "one two ".to_string()),
            ("key".to_string(), "v".to_string())
        ]
    );
    assert!(!plugins[0].deny_special_chars);
    assert!(plugins[1].deny_special_chars && plugins[1].options.is_empty());
    assert_eq!((plugins[1].file.as_str(), plugins[1].line), ("t.conf", 5));

    let no_plugin =
        "Error: An auth_opt_ option exists in the config file without an auth_plugin.".to_string();
    assert_eq!(fails("auth_opt_foo bar\n"), (no_plugin.clone(), 1));
    assert_eq!(fails("plugin_opt_foo bar\n"), (no_plugin, 1));
    assert_eq!(
        fails("auth_plugin_deny_special_chars true\n"),
        (
            "Error: An auth_plugin_deny_special_chars option exists in the config file without an auth_plugin."
                .to_string(),
            1
        )
    );
    let invalid = "Error: Invalid auth_opt_ config option.".to_string();
    for line in [
        "plugin_opt_",
        "plugin_opt_a x",
        "plugin_opt_ab x",
        "auth_opt_ab x",
    ] {
        assert_eq!(
            fails(&format!("plugin /p\n{line}\n")),
            (invalid.clone(), 2),
            "{line}"
        );
    }
    assert_eq!(
        fails("plugin /p\nplugin_opt_abc\n"),
        ("Error: Empty abc value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("plugin /p\nplugin_opt_abc \t \n"),
        ("Error: Empty abc value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("plugin\n"),
        ("Error: Empty auth_plugin value in configuration.".to_string(), 1)
    );
    assert_eq!(
        fails("plugin /p\nauth_plugin_deny_special_chars maybe\n"),
        (
            "Error: Invalid auth_plugin_deny_special_chars value (maybe).".to_string(),
            2
        )
    );
}

#[test]
fn plugins_per_listener_and_options_follow_the_last_plugin() {
    let config = read(
        "per_listener_settings true\nlistener 1883\nplugin /a.so\nlistener 1884\nplugin_opt_key value\n",
    );
    assert!(config.security.plugins.is_empty());
    assert_eq!(
        config.listeners[0].security.plugins[0].options,
        vec![("key".to_string(), "value".to_string())]
    );
    assert!(config.listeners[1].security.plugins.is_empty());
}

#[test]
fn unsupported_options_are_listed_with_their_place() {
    let config = read(
        "persistence false\npersistence_file x.db\nlistener 8883\ncertfile /c\nkeyfile /k\nrequire_certificate false\n\
         psk_hint h\nprotocol mqtt\nlistener 8080\nprotocol websockets\nhttp_dir /www\n\
         plugin /p.so\nplugin_opt_key v\nconnection b\naddress h\ntopic #\nbridge_identity i\nbridge_psk 00\n\
         bridge_require_ocsp false\nbridge_require_ocsp true\n",
    );
    let listed: Vec<(String, usize)> = config
        .unsupported()
        .into_iter()
        .map(|u| (u.option, u.line))
        .collect();
    let expected: Vec<(String, usize)> = [
        ("psk_hint", 7),
        ("http_dir", 11),
        ("plugin", 12),
        ("plugin_opt_key", 13),
        ("bridge_identity", 17),
        ("bridge_psk", 18),
        ("bridge_require_ocsp", 20),
    ]
    .iter()
    .map(|(o, l)| (o.to_string(), *l))
    .collect();
    assert_eq!(listed, expected);

    // Persistence is implemented: none of its options is refused.
    let config = read(
        "persistence_file x.db\npersistence true\nautosave_interval 60\nautosave_on_changes true\n\
         persistence_location /tmp\nretained_persistence true\nsys_interval 5\n",
    );
    assert!(config.unsupported().is_empty());

    assert!(
        read("listener 1883\nallow_anonymous true\nsys_interval 5\n")
            .unsupported()
            .is_empty()
    );
    let u = Unsupported {
        option: "certfile".to_string(),
        file: "a.conf".to_string(),
        line: 4,
        built_without: None,
    };
    assert_eq!(
        u.to_string(),
        "Error: Option 'certfile' is not supported by this broker (a.conf:4)."
    );
    let u = Unsupported {
        built_without: Some("TLS"),
        ..u
    };
    assert_eq!(
        u.to_string(),
        "Error: Option 'certfile' is not supported by this broker, built without TLS (a.conf:4)."
    );
}

#[test]
fn only_the_bridge_and_tls_options_rustls_cannot_serve_are_in_the_unsupported_table() {
    let table: Vec<&str> = crate::broker::config::unsupported::unsupported_keywords().collect();
    let refused = ["bridge_identity", "bridge_psk", "bridge_require_ocsp"];
    for option in crate::broker::config::bridge::BRIDGE_OPTIONS {
        assert_eq!(table.contains(option), refused.contains(option), "{option}");
    }
    for option in [
        "dhparamfile",
        "tls_engine",
        "tls_engine_kpass_sha1",
        "tls_keyform",
        "psk_hint",
        "psk_file",
    ] {
        assert!(table.contains(&option), "{option}");
    }
    for option in [
        "cafile",
        "certfile",
        "keyfile",
        "require_certificate",
        "use_identity_as_username",
    ] {
        assert!(!table.contains(&option), "{option}");
    }
}

/// Every option of the mosquitto.conf(5) manual page of mosquitto 2.0, with a valid value, in a
/// place where it is allowed.
pub(super) const EVERY_OPTION: &str = "\
acl_file /etc/mosquitto/acl
allow_anonymous false
allow_duplicate_messages true
allow_zero_length_clientid true
auth_plugin /usr/lib/plugin.so
auth_opt_key value
auth_plugin_deny_special_chars true
plugin /usr/lib/other.so
plugin_opt_key value
auto_id_prefix auto-
autosave_interval 1800
autosave_on_changes false
check_retain_source true
clientid_prefixes secure-
connection_messages true
log_dest stderr
log_facility 5
log_timestamp true
log_timestamp_format %Y-%m-%dT%H:%M:%S
log_type error
max_inflight_bytes 0
max_inflight_messages 20
max_keepalive 65535
max_packet_size 1000
max_queued_bytes 0
max_queued_messages 1000
memory_limit 0
message_size_limit 0
password_file /etc/mosquitto/pw
persistence false
persistence_file mosquitto.db
persistence_location /var/lib/mosquitto/
persistent_client_expiration 14d
pid_file /run/mosquitto.pid
psk_file /etc/mosquitto/psk
queue_qos0_messages false
retain_available true
set_tcp_nodelay false
sys_interval 10
upgrade_outgoing_qos false
user mosquitto
bind_address 127.0.0.1
port 1883
websockets_log_level 0
websockets_headers_size 1024
listener 8883 0.0.0.0
bind_interface eth0
http_dir /var/www
max_connections -1
max_qos 2
max_topic_alias 10
mount_point site/
protocol mqtt
socket_domain ipv4
use_username_as_clientid false
cafile /etc/ca.pem
capath /etc/ca
certfile /etc/cert.pem
ciphers ECDHE-RSA-AES128-GCM-SHA256
ciphers_tls1.3 TLS_AES_128_GCM_SHA256
crlfile /etc/crl.pem
dhparamfile /etc/dh.pem
keyfile /etc/key.pem
require_certificate false
tls_engine pkcs11
tls_engine_kpass_sha1 0123456789abcdef0123456789abcdef01234567
tls_keyform pem
tls_version tlsv1.2
use_identity_as_username false
use_subject_as_username false
listener 8884
psk_hint hint
connection bridge1
address broker.example.com:1883 backup.example.com
bridge_attempt_unsubscribe true
bridge_bind_address 192.168.1.10
bridge_max_packet_size 0
bridge_outgoing_retain true
bridge_protocol_version mqttv311
cleansession false
local_cleansession false
keepalive_interval 60
idle_timeout 60
local_clientid local.bridge1
local_password secret
local_username local
notifications true
notifications_local_only false
notification_topic bridges/state
remote_clientid bridge1
remote_password secret
remote_username user
restart_timeout 10 30
round_robin false
start_type automatic
threshold 10
topic # both 2 local/ remote/
try_private true
bridge_alpn mqtt
bridge_cafile /etc/ca.pem
bridge_capath /etc/ca
bridge_certfile /etc/cert.pem
bridge_insecure false
bridge_keyfile /etc/key.pem
bridge_require_ocsp false
bridge_tls_version tlsv1.2
connection bridge2
addresses h1 h2:1884
topic a in
bridge_identity id
bridge_psk 0123abcd
clientid old-name
username old-user
password old-password
retry_interval 20
include_dir /nonexistent-directory-for-this-test
";

#[test]
fn every_option_of_the_manual_page_is_recognised() {
    let mut reader = ConfigReader::new();
    let e = reader.parse_str(EVERY_OPTION, "all.conf").unwrap_err();
    // Everything up to the last line is read; include_dir fails only on the missing directory.
    assert_eq!(
        e.message,
        "Error: Unable to open include_dir '/nonexistent-directory-for-this-test'."
    );
    assert_eq!(e.line, EVERY_OPTION.lines().count());
    let config = reader.finish().unwrap();
    assert_eq!(config.listeners.len(), 2);
    assert_eq!(config.bridges.len(), 2);
    assert_eq!(config.security.plugins.len(), 2);
    assert!(config.default_listener_opens());
}

#[test]
fn finish_errors_have_no_line() {
    let e = error("connection a\naddress h\n");
    assert_eq!(
        e.lines(),
        vec!["Error: Invalid bridge configuration: no topics defined."]
    );
}
