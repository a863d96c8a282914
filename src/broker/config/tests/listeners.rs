//! Listeners, the default listener, local-only mode and the command line.

use super::{fails, read};
use crate::broker::config::{KeyForm, Listener, Protocol, SocketDomain};

fn places(listeners: &[Listener]) -> Vec<(u16, Option<&str>, Option<&str>)> {
    listeners
        .iter()
        .map(|l| (l.port, l.bind_address.as_deref(), l.unix_socket_path.as_deref()))
        .collect()
}

#[test]
fn listener_lines() {
    let config = read(
        "listener 1883\nlistener 8883 127.0.0.1\nlistener 0 /run/mqtt.sock\nlistener  1884   ::1  extra\n",
    );
    assert_eq!(
        places(&config.listeners),
        vec![
            (1883, None, None),
            (8883, Some("127.0.0.1"), None),
            (0, None, Some("/run/mqtt.sock")),
            (1884, Some("::1"), None)
        ]
    );
    let lines: Vec<(&str, usize)> = config
        .listeners
        .iter()
        .map(|l| (l.file.as_str(), l.line))
        .collect();
    assert_eq!(
        lines,
        vec![("t.conf", 1), ("t.conf", 2), ("t.conf", 3), ("t.conf", 4)]
    );
    assert!(!config.local_only());
}

#[test]
fn a_second_listener_token_starting_with_hash_is_a_comment() {
    let config = read("listener 1883 #all interfaces\nlistener 1884 127.0.0.1 # loopback\n");
    assert_eq!(
        places(&config.listeners),
        vec![(1883, None, None), (1884, Some("127.0.0.1"), None)]
    );
}

#[test]
fn listener_port_zero() {
    // `listener 0` alone: a port chosen by the system.
    let config = read("listener 0\nlistener 00\n");
    assert_eq!(places(&config.listeners), vec![(0, None, None), (0, None, None)]);
    // With an IP address: a free port of that address (mosquitto would make a Unix socket
    // named after it); anything else is a socket path.
    let config = read("listener 0 127.0.0.1\nlistener 0 [::1]\nlistener 0 ./127.0.0.1\n");
    assert_eq!(
        places(&config.listeners),
        vec![
            (0, Some("127.0.0.1"), None),
            (0, Some("[::1]"), None),
            (0, None, Some("./127.0.0.1"))
        ]
    );
    let message = "Error: A listener with port 0 must provide a Unix socket path.".to_string();
    assert_eq!(fails("listener abc\n"), (message.clone(), 1));
    assert_eq!(fails("listener #x\n"), (message.clone(), 1));
    assert_eq!(fails("listener -0x\n"), (message, 1));
    assert_eq!(
        fails("listener\n"),
        ("Error: Empty listener value in configuration.".to_string(), 1)
    );
    assert_eq!(
        fails("listener  \n"),
        ("Error: Empty listener value in configuration.".to_string(), 1)
    );
}

#[test]
fn listener_options_apply_to_the_last_listener() {
    let config = read(
        "listener 1883\nmax_connections 10\nmax_qos 1\nmax_topic_alias 0\nmount_point a/\nsocket_domain ipv6\n\
         use_username_as_clientid true\nbind_interface eth0\nlistener 1884\nmaximum_qos 0\nprotocol websockets\n\
         http_dir /www\nmax_connections -5\n",
    );
    let (a, b) = (&config.listeners[0], &config.listeners[1]);
    assert_eq!((a.max_connections, a.max_qos, a.max_topic_alias), (10, 1, 0));
    assert_eq!(a.mount_point.as_deref(), Some("a/"));
    assert_eq!(a.socket_domain, Some(SocketDomain::Ipv6));
    assert!(a.use_username_as_clientid);
    assert_eq!(a.bind_interface.as_deref(), Some("eth0"));
    assert_eq!(a.protocol, Protocol::Mqtt);
    assert_eq!((b.max_connections, b.max_qos, b.max_topic_alias), (-1, 0, 10));
    assert_eq!(b.protocol, Protocol::Websockets);
    assert_eq!(b.http_dir.as_deref(), Some("/www"));
    assert_eq!(b.mount_point, None);
    assert_eq!(
        read("listener 1\nsocket_domain ipv4\n").listeners[0].socket_domain,
        Some(SocketDomain::Ipv4)
    );
    assert_eq!(
        read("listener 1\nmax_topic_alias 65535abc\n").listeners[0].max_topic_alias,
        65535
    );
}

#[test]
fn listener_option_errors() {
    assert_eq!(
        fails("mount_point a\n"),
        (
            "Error: You must use create a listener before using the mount_point option in the configuration file."
                .to_string(),
            1
        )
    );
    assert_eq!(
        fails("listener 1\nmount_point a\nmount_point b\n"),
        (
            "Error: Duplicate mount_point value in configuration.".to_string(),
            3
        )
    );
    assert_eq!(
        fails("listener 1\nmax_topic_alias\n"),
        (
            "Error: Empty max_topic_alias value in configuration.".to_string(),
            2
        )
    );
    assert_eq!(
        fails("listener 1\nprotocol\n"),
        ("Error: Empty protocol value in configuration.".to_string(), 2)
    );
    assert_eq!(
        fails("listener 1\nsocket_domain\n"),
        (
            "Error: Empty socket_domain value in configuration.".to_string(),
            2
        )
    );
    // Per-listener strings may repeat across listeners, not within one.
    read("listener 1\ncafile a\nlistener 2\ncafile a\n");
    assert_eq!(
        fails("listener 18846\ncafile a\ncafile b\n"),
        ("Error: Duplicate cafile value in configuration.".to_string(), 3)
    );
}

#[test]
fn tls_options() {
    let config = read(
        "listener 8883\ncafile /ca\ncapath /cadir\ncertfile /cert\nkeyfile /key\nciphers A:B\nciphers_tls1.3 C\n\
         crlfile /crl\ndhparamfile /dh\nrequire_certificate true\ntls_version tlsv1.3\ntls_engine e\n\
         tls_engine_kpass_sha1 0123456789ABCDEF0123456789abcdef01234567\ntls_keyform engine\n\
         use_identity_as_username true\nuse_subject_as_username 1\nlistener 8884\npsk_hint hint\ntls_keyform other\n",
    );
    let tls = &config.listeners[0].tls;
    assert!(tls.certificate_enabled());
    assert_eq!(tls.cafile.as_deref(), Some("/ca"));
    assert_eq!(tls.capath.as_deref(), Some("/cadir"));
    assert_eq!(tls.ciphers.as_deref(), Some("A:B"));
    assert_eq!(tls.ciphers_tls13.as_deref(), Some("C"));
    assert_eq!(tls.crlfile.as_deref(), Some("/crl"));
    assert_eq!(tls.dhparamfile.as_deref(), Some("/dh"));
    assert!(tls.require_certificate && tls.use_identity_as_username && tls.use_subject_as_username);
    assert_eq!(tls.tls_version.as_deref(), Some("tlsv1.3"));
    assert_eq!(tls.tls_engine.as_deref(), Some("e"));
    assert_eq!(tls.tls_keyform, KeyForm::Engine);
    let psk = &config.listeners[1].tls;
    assert_eq!(psk.psk_hint.as_deref(), Some("hint"));
    assert_eq!(psk.tls_keyform, KeyForm::Pem);
    assert!(!psk.certificate_enabled());

    let both = "Error: Cannot use both certificate and psk encryption in a single listener.".to_string();
    assert_eq!(fails("listener 1\npsk_hint x\ncafile y\n"), (both.clone(), 3));
    assert_eq!(fails("listener 1\npsk_hint x\ncertfile y\n"), (both, 3));
    // In the other order mosquitto does not object.
    read("listener 1\ncafile y\npsk_hint x\n");
    assert_eq!(
        fails("listener 1\ntls_engine_kpass_sha1 zz\n"),
        ("Error: Invalid tls_engine_kpass_sha1 value (zz).".to_string(), 2)
    );
}

#[test]
fn options_before_any_listener_configure_the_default_listener() {
    let config = read("max_connections 3\nmax_qos 1\nlistener 1884\nmax_qos 0\n");
    assert_eq!(
        (
            config.default_listener.max_connections,
            config.default_listener.max_qos
        ),
        (3, 1)
    );
    assert_eq!(config.listeners[0].max_qos, 0);
    // Without port or bind_address the default listener stays closed.
    assert!(!config.default_listener_opens());
    assert_eq!(places(&config.effective_listeners()), vec![(1884, None, None)]);
}

#[test]
fn port_and_bind_address_open_the_default_listener_last() {
    let config = read("port 1885\nmax_qos 1\nlistener 1884\n");
    assert!(!config.local_only() && config.default_listener_opens());
    assert_eq!(
        places(&config.effective_listeners()),
        vec![(1884, None, None), (1885, None, None)]
    );
    assert_eq!(config.effective_listeners()[1].max_qos, 1);
    assert_eq!(
        (
            config.default_listener.file.as_str(),
            config.default_listener.line
        ),
        ("t.conf", 1)
    );

    let config = read("bind_address 127.0.0.1\n");
    assert_eq!(
        places(&config.effective_listeners()),
        vec![(1883, Some("127.0.0.1"), None)]
    );
    let config = read("listener 1884\nbind_address 10.0.0.1\nport 1999\n");
    assert_eq!(
        places(&config.effective_listeners()),
        vec![(1884, None, None), (1999, Some("10.0.0.1"), None)]
    );
    assert_eq!(config.effective_listeners()[1].line, 2);
    assert_eq!(
        fails("bind_address a\nbind_address b\n"),
        (
            "Error: Duplicate default listener bind_address value in configuration.".to_string(),
            2
        )
    );
    assert_eq!(
        fails("bind_address\n"),
        (
            "Error: Empty default listener bind_address value in configuration.".to_string(),
            1
        )
    );
}

#[test]
fn local_only_mode() {
    let mut config = read("max_qos 1\nsys_interval 5\n");
    assert!(config.local_only());
    assert!(config.security.allow_anonymous());
    let expected = vec![(1883, Some("127.0.0.1"), None), (1883, Some("::1"), None)];
    assert_eq!(places(&config.effective_listeners()), expected);
    assert!(
        config
            .effective_listeners()
            .iter()
            .all(|l| l.security.allow_anonymous() && l.max_qos == 2)
    );

    config.add_command_line_port("1999").unwrap();
    config.add_command_line_port("2000").unwrap();
    assert_eq!(
        places(&config.effective_listeners()),
        vec![
            (1999, Some("127.0.0.1"), None),
            (1999, Some("::1"), None),
            (2000, Some("127.0.0.1"), None),
            (2000, Some("::1"), None)
        ]
    );
}

#[test]
fn command_line_ports() {
    let mut config = read("listener 1884\n");
    config.add_command_line_port("1999").unwrap();
    // Ignored once a listener is configured.
    assert_eq!(places(&config.effective_listeners()), vec![(1884, None, None)]);

    let mut config = read("");
    assert_eq!(
        config.add_command_line_port("0"),
        Err("Error: Invalid port specified (0).".to_string())
    );
    assert_eq!(
        config.add_command_line_port("x"),
        Err("Error: Invalid port specified (0).".to_string())
    );
    assert_eq!(
        config.add_command_line_port("65536"),
        Err("Error: Invalid port specified (65536).".to_string())
    );
    assert_eq!(
        config.add_command_line_port("-1"),
        Err("Error: Invalid port specified (-1).".to_string())
    );
    for port in 1..=10 {
        config.add_command_line_port(&port.to_string()).unwrap();
    }
    assert_eq!(
        config.add_command_line_port("11"),
        Err("Error: Only 10 ports can be specified on the command line.".to_string())
    );
    assert_eq!(config.effective_listeners().len(), 20);
}
