//! Bridge sections.

use super::{error, fails, read, read_messages};
use crate::broker::config::{
    BridgeAddress, BridgeDirection, BridgeProtocol, BridgeTopic, MessageLevel, RestartTimeout, StartType,
};

const MINIMAL: &str = "connection b\naddress 127.0.0.1\ntopic x\n";

fn topic(line: &str) -> BridgeTopic {
    let config = read(&format!("connection b\naddress h\n{line}\n"));
    config.bridges[0].topics[0].clone()
}

fn address(host: &str, port: u16) -> BridgeAddress {
    BridgeAddress {
        host: host.to_string(),
        port,
    }
}

#[test]
fn bridge_defaults() {
    let config = read(MINIMAL);
    let b = &config.bridges[0];
    assert_eq!((b.name.as_str(), b.file.as_str(), b.line), ("b", "t.conf", 1));
    assert_eq!(b.addresses, vec![address("127.0.0.1", 1883)]);
    assert_eq!(b.remote_clientid("host"), "host.b");
    assert_eq!(b.local_clientid("host"), "local.host.b");
    assert_eq!(
        b.notification_topic("host"),
        "$SYS/broker/connection/host.b/state"
    );
    assert!(!b.cleansession && !b.local_cleansession());
    assert_eq!(b.keepalive_interval, 60);
    assert_eq!((b.idle_timeout, b.threshold), (60, 10));
    assert_eq!(b.restart_timeout, RestartTimeout::Backoff { base: 5, cap: 30 });
    assert_eq!(b.start_type, StartType::Automatic);
    assert!(b.try_private && b.notifications && !b.notifications_local_only);
    assert_eq!(b.protocol_version, BridgeProtocol::Mqtt311);
    assert!(b.attempt_unsubscribe && b.outgoing_retain && !b.round_robin);
    assert_eq!(b.max_packet_size, 0);
    assert_eq!(b.tls, Default::default());
    // A bridge alone does not leave local-only mode.
    assert!(config.local_only());
}

#[test]
fn bridge_options() {
    let config = read(
        "connection b\naddresses h1:1884 [::1]:8883 h3 #more\ntopic x\nremote_clientid rid\nremote_username ru\n\
         remote_password rp\nlocal_clientid lid\nlocal_username lu\nlocal_password lp\ncleansession true\n\
         local_cleansession false\nkeepalive_interval 30\nidle_timeout 5\nthreshold 3\nrestart_timeout 20\n\
         start_type lazy\ntry_private false\nnotifications false\nnotifications_local_only true\n\
         notification_topic n/t\nbridge_protocol_version mqttv50\nbridge_attempt_unsubscribe false\n\
         bridge_outgoing_retain false\nbridge_max_packet_size 2000\nround_robin true\nbridge_bind_address 10.0.0.1\n\
         bridge_cafile /ca\nbridge_capath /cadir\nbridge_certfile /c\nbridge_keyfile /k\nbridge_insecure true\n\
         bridge_alpn mqtt\nbridge_tls_version tlsv1.3\nbridge_require_ocsp true\n",
    );
    let b = &config.bridges[0];
    assert_eq!(
        b.addresses,
        vec![address("h1", 1884), address("[::1]", 8883), address("h3", 1883)]
    );
    assert_eq!(b.remote_clientid("host"), "rid");
    assert_eq!(b.local_clientid("host"), "lid");
    assert_eq!(b.notification_topic("host"), "n/t");
    assert_eq!(b.remote_username.as_deref(), Some("ru"));
    assert_eq!(b.remote_password.as_deref(), Some("rp"));
    assert_eq!(b.local_username.as_deref(), Some("lu"));
    assert_eq!(b.local_password.as_deref(), Some("lp"));
    assert!(b.cleansession && !b.local_cleansession());
    assert_eq!((b.keepalive_interval, b.idle_timeout, b.threshold), (30, 5, 3));
    assert_eq!(b.restart_timeout, RestartTimeout::Constant(20));
    assert_eq!(b.start_type, StartType::Lazy);
    assert!(!b.try_private && !b.notifications && b.notifications_local_only);
    assert_eq!(b.protocol_version, BridgeProtocol::Mqtt5);
    assert!(!b.attempt_unsubscribe && !b.outgoing_retain && b.round_robin);
    assert_eq!(b.max_packet_size, 2000);
    assert_eq!(b.bind_address.as_deref(), Some("10.0.0.1"));
    let tls = &b.tls;
    assert_eq!(tls.cafile.as_deref(), Some("/ca"));
    assert_eq!(tls.capath.as_deref(), Some("/cadir"));
    assert_eq!(tls.certfile.as_deref(), Some("/c"));
    assert_eq!(tls.keyfile.as_deref(), Some("/k"));
    assert_eq!(tls.alpn.as_deref(), Some("mqtt"));
    assert_eq!(tls.tls_version.as_deref(), Some("tlsv1.3"));
    assert!(tls.insecure && tls.require_ocsp);
}

#[test]
fn old_names_and_message_names() {
    let config = read("connection b\naddress h\ntopic x\nclientid c\nusername u\npassword p\n");
    let b = &config.bridges[0];
    assert_eq!(
        (
            b.remote_clientid.as_deref(),
            b.remote_username.as_deref(),
            b.remote_password.as_deref()
        ),
        (Some("c"), Some("u"), Some("p"))
    );
    let cases = [
        (
            "remote_clientid a\nclientid b",
            "Error: Duplicate bridge remote clientid value in configuration.",
        ),
        (
            "username a\nremote_username b",
            "Error: Duplicate bridge remote_username value in configuration.",
        ),
        (
            "password a\nremote_password b",
            "Error: Duplicate bridge remote_password value in configuration.",
        ),
        (
            "local_clientid a\nlocal_clientid b",
            "Error: Duplicate bridge local clientd value in configuration.",
        ),
        (
            "local_username a\nlocal_username b",
            "Error: Duplicate bridge local_username value in configuration.",
        ),
        (
            "local_password a\nlocal_password b",
            "Error: Duplicate bridge local_password value in configuration.",
        ),
    ];
    for (lines, message) in cases {
        assert_eq!(
            fails(&format!("{MINIMAL}{lines}\n")),
            (message.to_string(), 5),
            "{lines}"
        );
    }
    assert_eq!(
        fails(&format!("{MINIMAL}local_clientid\n")),
        (
            "Error: Empty bridge local clientd value in configuration.".to_string(),
            4
        )
    );
    assert_eq!(
        fails(&format!("{MINIMAL}remote_password\n")),
        (
            "Error: Empty bridge remote_password value in configuration.".to_string(),
            4
        )
    );
}

#[test]
fn addresses() {
    assert_eq!(
        read("connection b\naddress ::1\ntopic x\n").bridges[0].addresses,
        vec![address(":", 1)]
    );
    assert_eq!(
        fails("connection a\naddress h:70000\n"),
        ("Error: Invalid port value (70000).".to_string(), 2)
    );
    assert_eq!(
        fails("connection a\naddress h:0\n"),
        ("Error: Invalid port value (0).".to_string(), 2)
    );
    assert_eq!(
        fails("connection a\naddress a:b\n"),
        ("Error: Invalid port value (0).".to_string(), 2)
    );
    assert_eq!(
        fails("connection a\naddress\n"),
        ("Error: Empty address value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("connection a\naddress #x\n"),
        ("Error: Empty address value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("connection a\naddress h\naddresses h2\n"),
        ("Error: Invalid bridge configuration.".to_string(), 3)
    );
}

#[test]
fn topics() {
    let t = topic("topic sensors/#");
    assert_eq!(t.pattern.as_deref(), Some("sensors/#"));
    assert_eq!(
        (t.direction, t.qos, t.local_prefix, t.remote_prefix),
        (BridgeDirection::Out, 0, None, None)
    );
    let t = topic("topic # BOTH 2 local/ remote/");
    assert_eq!(t.pattern.as_deref(), Some("#"));
    assert_eq!((t.direction, t.qos), (BridgeDirection::Both, 2));
    assert_eq!(
        (t.local_prefix.as_deref(), t.remote_prefix.as_deref()),
        (Some("local/"), Some("remote/"))
    );
    let t = topic("topic x In 1 \"\" r/");
    assert_eq!(
        (t.direction, t.qos, t.local_prefix, t.remote_prefix.as_deref()),
        (BridgeDirection::In, 1, None, Some("r/"))
    );
    let t = topic("topic \"\" out 0 local/t remote/t");
    assert_eq!(t.pattern, None);
    // atoi quirks, and comments after the direction.
    assert_eq!(topic("topic x in abc").qos, 0);
    assert_eq!(topic("topic x in 256").qos, 0);
    let t = topic("topic x in 1 # a comment");
    assert_eq!((t.qos, t.local_prefix, t.remote_prefix), (1, None, None));
    let t = topic("topic x in #2 l/ r/");
    assert_eq!((t.qos, t.local_prefix, t.remote_prefix), (0, None, None));
    let t = topic("topic x in 1 l/ #r");
    assert_eq!((t.local_prefix.as_deref(), t.remote_prefix), (Some("l/"), None));
    // Several topics per bridge.
    let config = read("connection b\naddress h\ntopic a\ntopic b in\n");
    assert_eq!(config.bridges[0].topics.len(), 2);
}

#[test]
fn topic_errors() {
    let base = "connection a\naddress h\n";
    let cases = [
        ("topic", "Error: Empty topic value in configuration."),
        (
            "topic x sideways",
            "Error: Invalid bridge topic direction 'sideways'.",
        ),
        ("topic x #c", "Error: Invalid bridge topic direction '#c'."),
        ("topic x IN 3", "Error: Invalid bridge QoS level '3'."),
        ("topic x in -1", "Error: Invalid bridge QoS level '-1'."),
        ("topic \"\" in 1 \"\" \"\"", "Error: Invalid bridge remapping."),
        ("topic \"\" in 1 a \"\"", "Error: Invalid bridge remapping."),
        ("topic \"\" in 1 \"\" b", "Error: Invalid bridge remapping."),
        ("topic \"\"", "Error: Invalid bridge remapping."),
        (
            "topic x in 1 a/+ b",
            "Error: Invalid bridge topic local prefix 'a/+'.",
        ),
        (
            "topic x in 1 a b/#",
            "Error: Invalid bridge topic remote prefix 'b/#'.",
        ),
    ];
    for (line, message) in cases {
        assert_eq!(
            fails(&format!("{base}{line}\n")),
            (message.to_string(), 3),
            "{line}"
        );
    }
}

#[test]
fn bridge_options_need_a_connection() {
    for option in [
        "address h",
        "topic x",
        "remote_clientid x",
        "bridge_cafile x",
        "try_private true",
        "cleansession 1",
    ] {
        assert_eq!(
            fails(&format!("{option}\n")),
            ("Error: Invalid bridge configuration.".to_string(), 1),
            "{option}"
        );
    }
    assert_eq!(
        fails("notifications_local_only true\n"),
        ("Error: Invalid bridge configuration".to_string(), 1)
    );
    assert_eq!(
        fails("connection\n"),
        ("Error: Empty connection value in configuration.".to_string(), 1)
    );
    assert_eq!(
        fails("connection a\nconnection a\n"),
        ("Error: Duplicate bridge name \"a\".".to_string(), 2)
    );
}

#[test]
fn the_connection_name_is_one_word_and_sections_follow_each_other() {
    let config =
        read("connection a b\naddress h\ntopic x\nconnection c\naddress h2\ntopic y\ntry_private false\n");
    let names: Vec<&str> = config.bridges.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, vec!["a", "c"]);
    assert!(config.bridges[0].try_private && !config.bridges[1].try_private);
}

#[test]
fn value_errors() {
    let cases = [
        (
            "bridge_protocol_version mqttv5",
            "Error: Invalid bridge_protocol_version value (mqttv5).",
        ),
        (
            "bridge_protocol_version mqttv311 ",
            "Error: Invalid bridge_protocol_version value (mqttv311 ).",
        ),
        (
            "bridge_protocol_version",
            "Error: Empty bridge_protocol_version value in configuration.",
        ),
        ("start_type manual", "Error: Manual start_type not supported."),
        (
            "start_type foo",
            "Error: Invalid start_type value in configuration (foo).",
        ),
        ("start_type", "Error: Empty start_type value in configuration."),
        (
            "restart_timeout 10 5",
            "Error: backoff cap is lower than the base in restart_timeout.",
        ),
        (
            "restart_timeout",
            "Error: Empty restart_timeout value in configuration.",
        ),
        (
            "keepalive_interval 65536",
            "Error: Bridge keepalive value too high.",
        ),
        (
            "notifications maybe",
            "Error: Invalid notifications value (maybe).",
        ),
    ];
    for (line, message) in cases {
        assert_eq!(
            fails(&format!("{MINIMAL}{line}\n")),
            (message.to_string(), 4),
            "{line}"
        );
    }
}

#[test]
fn values_raised_to_their_minimum_with_a_notice() {
    let text = format!("{MINIMAL}keepalive_interval 2\nidle_timeout 0\nthreshold -3\nrestart_timeout 0 30\n");
    let config = read(&text);
    let b = &config.bridges[0];
    assert_eq!((b.keepalive_interval, b.idle_timeout, b.threshold), (5, 1, 1));
    assert_eq!(b.restart_timeout, RestartTimeout::Backoff { base: 1, cap: 30 });
    let notices: Vec<(MessageLevel, String, usize)> = read_messages(&text)
        .into_iter()
        .map(|m| (m.level, m.text, m.line))
        .collect();
    assert_eq!(
        notices,
        vec![
            (
                MessageLevel::Notice,
                "keepalive interval too low, using 5 seconds.".to_string(),
                4
            ),
            (
                MessageLevel::Notice,
                "idle_timeout interval too low, using 1 second.".to_string(),
                5
            ),
            (
                MessageLevel::Notice,
                "threshold too low, using 1 message.".to_string(),
                6
            ),
            (
                MessageLevel::Notice,
                "restart_timeout interval too low, using 1 second.".to_string(),
                7
            ),
        ]
    );
    let warning = read_messages(&format!("{MINIMAL}bridge_insecure true\n"));
    assert_eq!(warning[0].text, "Warning: Bridge b using insecure mode.");
    assert_eq!(warning[0].level, MessageLevel::Warning);
    assert!(read_messages(&format!("{MINIMAL}bridge_insecure false\n")).is_empty());
}

#[test]
fn certificates_and_psk_do_not_mix() {
    let psk_then_cert = "Error: Cannot use both certificate and psk encryption in a single bridge.";
    for option in [
        "bridge_cafile",
        "bridge_capath",
        "bridge_certfile",
        "bridge_keyfile",
    ] {
        assert_eq!(
            fails(&format!("{MINIMAL}bridge_identity i\n{option} x\n")),
            (psk_then_cert.to_string(), 5),
            "{option}"
        );
    }
    assert_eq!(
        fails(&format!("{MINIMAL}bridge_cafile x\nbridge_psk y\n")),
        (psk_then_cert.to_string(), 5)
    );
    assert_eq!(
        fails(&format!("{MINIMAL}bridge_certfile x\nbridge_identity y\n")),
        (
            "Error: Cannot use both certificate and identity encryption in a single bridge.".to_string(),
            5
        )
    );
    let config = read(&format!("{MINIMAL}bridge_identity id\nbridge_psk 00ff\n"));
    assert_eq!(config.bridges[0].tls.identity.as_deref(), Some("id"));
    assert_eq!(config.bridges[0].tls.psk.as_deref(), Some("00ff"));
}

#[test]
fn incomplete_bridges_fail_when_finishing() {
    let cases = [
        (
            "connection a\n",
            "Error: Invalid bridge configuration: no remote addresses defined.",
        ),
        (
            "connection a\naddress h\n",
            "Error: Invalid bridge configuration: no topics defined.",
        ),
        (
            "connection a\ntopic x\n",
            "Error: Invalid bridge configuration: no remote addresses defined.",
        ),
        (
            &format!("{MINIMAL}bridge_psk 00\n"),
            "Error: Invalid bridge configuration: missing bridge_identity.",
        ),
        (
            &format!("{MINIMAL}bridge_identity i\n"),
            "Error: Invalid bridge configuration: missing bridge_psk.",
        ),
    ];
    for (text, message) in cases {
        let e = error(text);
        assert_eq!((e.message.as_str(), e.line), (message, 0), "{text}");
    }
}

#[test]
fn local_client_ids_must_be_unique() {
    let config = read("connection a\naddress h\ntopic x\nconnection b\naddress h\ntopic x\n");
    assert_eq!(config.check_bridge_client_ids("host"), Ok(()));
    let config = read(
        "connection a\naddress h\ntopic x\nconnection b\naddress h\ntopic x\nlocal_clientid local.host.a\n",
    );
    assert_eq!(
        config.check_bridge_client_ids("host"),
        Err("Error: Bridge local_clientid 'local.host.a' is not unique. Try changing or setting the local_clientid \
             value for one of the bridges."
            .to_string())
    );
    assert_eq!(config.check_bridge_client_ids("other"), Ok(()));
}
