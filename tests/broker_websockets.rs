//! The broker's websockets listeners (`protocol websockets`, plain and over TLS): paho-mqtt
//! clients over WebSockets beside plain TCP ones (every QoS both ways, a one-megabyte
//! message), and a scripted WebSocket client for what paho cannot provoke: the subprotocol
//! answer, text frames, oversized frames before CONNECT, and an MQTT byte stream split
//! across frames.

mod common;

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::certs::CertDir;
use common::{TIMEOUT, repo_root};
use mosquitto::broker::server::{Broker, BrokerBuilder};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

fn python() -> Option<&'static str> {
    static FOUND: OnceLock<Option<&'static str>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        ["/usr/bin/python3", "python3"].into_iter().find(|python| {
            let mut cmd = Command::new(python);
            cmd.args(["-c", "import paho.mqtt.client"]);
            matches!(common::run(&mut cmd, TIMEOUT, None), Ok(out) if out.status.success())
        })
    })
}

/// A broker with a websockets listener (0), a TCP listener (1) and, with `certs`, a
/// websockets listener over TLS (2).
fn start(certs: Option<&CertDir>) -> Broker {
    let mut config = String::from(
        "listener 0 127.0.0.1\nprotocol websockets\nallow_anonymous true\n\
         listener 0 127.0.0.1\nallow_anonymous true\n",
    );
    if let Some(certs) = certs {
        config.push_str("listener 0 127.0.0.1\nprotocol websockets\nallow_anonymous true\n");
        config.push_str(&certs.listener("server.crt"));
    }
    let mut b = BrokerBuilder::new();
    b.log_callback(std::sync::Arc::new(|_, _: &str| {}));
    b.config_str(&config).expect("configuration");
    b.start().expect("start the broker")
}

fn run_paho(args: &[String]) {
    let Some(python) = python() else {
        eprintln!("skipped: no python3 with paho-mqtt (Debian package python3-paho-mqtt)");
        return;
    };
    let script: PathBuf = repo_root().join("tests").join("python").join("ws_checks.py");
    let mut cmd = Command::new(python);
    cmd.arg(script).args(args).env("PYTHONDONTWRITEBYTECODE", "1");
    let out = common::run(&mut cmd, Duration::from_secs(60), None).expect("run python3");
    assert!(
        !out.timed_out && out.status.success() && out.stdout_str().contains("ok one-megabyte\n"),
        "paho-mqtt over websockets failed\n{}",
        out.describe()
    );
}

#[test]
fn paho_over_websockets_beside_tcp() {
    let broker = start(None);
    run_paho(&[
        broker.port(0).unwrap().to_string(),
        broker.port(1).unwrap().to_string(),
    ]);
    broker.stop();
}

#[test]
fn paho_over_websockets_with_tls() {
    let certs = CertDir::new();
    let broker = start(Some(&certs));
    run_paho(&[
        broker.port(2).unwrap().to_string(),
        broker.port(1).unwrap().to_string(),
        certs.file("ca.crt"),
    ]);
    broker.stop();
}

/// A WebSocket connection offering `protocol` (none when empty).
fn upgrade(port: u16, protocol: &str) -> (WebSocket<TcpStream>, Option<String>) {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut request = format!("ws://127.0.0.1:{port}/mqtt")
        .into_client_request()
        .unwrap();
    if !protocol.is_empty() {
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    }
    let (ws, response) = tungstenite::client(request, stream).expect("upgrade");
    let chosen = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (ws, chosen)
}

const CONNECT: [u8; 14] = [0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 30, 0, 0];
const CONNACK: [u8; 4] = [0x20, 2, 0, 0];

/// Read binary frames until `n` bytes arrived (or the connection ends).
fn read_bytes(ws: &mut WebSocket<TcpStream>, n: usize) -> Vec<u8> {
    let mut got = Vec::new();
    while got.len() < n {
        match ws.read() {
            Ok(Message::Binary(b)) => got.extend_from_slice(&b),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    got
}

/// Whether the broker closes the connection (a close frame or the socket's end).
fn closed(ws: &mut WebSocket<TcpStream>) -> bool {
    loop {
        match ws.read() {
            Ok(Message::Close(_)) | Err(_) => return true,
            Ok(Message::Binary(b)) if b.is_empty() => {}
            Ok(_) => return false,
        }
    }
}

#[test]
fn the_mqtt_subprotocol_is_chosen_and_the_stream_may_be_split_across_frames() {
    let broker = start(None);
    let port = broker.port(0).unwrap();
    for (offered, chosen) in [("mqtt", Some("mqtt")), ("mqttv3.1", Some("mqttv3.1")), ("", None)] {
        let (mut ws, answer) = upgrade(port, offered);
        assert_eq!(answer.as_deref(), chosen, "offered {offered:?}");
        // CONNECT in three frames, then PINGREQ and DISCONNECT in one.
        for part in [&CONNECT[..3], &CONNECT[3..9], &CONNECT[9..]] {
            ws.send(Message::Binary(part.to_vec().into())).unwrap();
        }
        assert_eq!(read_bytes(&mut ws, 4), CONNACK);
        ws.send(Message::Binary(vec![0xc0, 0, 0xe0, 0].into())).unwrap();
        assert_eq!(read_bytes(&mut ws, 2), [0xd0, 0]);
        assert!(closed(&mut ws));
    }
    broker.stop();
}

#[test]
fn a_text_frame_or_an_oversized_frame_before_connect_ends_the_connection() {
    let broker = start(None);
    let port = broker.port(0).unwrap();

    let (mut ws, _) = upgrade(port, "mqtt");
    ws.send(Message::Text("hello".into())).unwrap();
    assert!(closed(&mut ws), "a text frame was accepted");

    // Before CONNECT a frame may not exceed the CONNECT size limit (100000 bytes).
    let (mut ws, _) = upgrade(port, "mqtt");
    let _ = ws.send(Message::Binary(vec![0u8; 200_000].into()));
    assert!(closed(&mut ws), "a 200000-byte frame was accepted before CONNECT");

    // After CONNECT, large frames are fine: a 300000-byte PUBLISH to itself comes back.
    let (mut ws, _) = upgrade(port, "mqtt");
    ws.send(Message::Binary(CONNECT.to_vec().into())).unwrap();
    assert_eq!(read_bytes(&mut ws, 4), CONNACK);
    ws.send(Message::Binary(vec![0x82, 6, 0, 1, 0, 1, b't', 0].into()))
        .unwrap();
    assert_eq!(read_bytes(&mut ws, 5), [0x90, 3, 0, 1, 0]);
    let payload = vec![7u8; 300_000];
    let mut publish = vec![0x30];
    let mut len = 3 + payload.len();
    loop {
        let mut b = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            b |= 0x80;
        }
        publish.push(b);
        if len == 0 {
            break;
        }
    }
    publish.extend_from_slice(&[0, 1, b't']);
    publish.extend_from_slice(&payload);
    ws.send(Message::Binary(publish.clone().into())).unwrap();
    assert_eq!(read_bytes(&mut ws, publish.len()), publish);
    broker.stop();
}
