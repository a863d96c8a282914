//! Broker options checked with a scripted client over real sockets: `max_inflight_bytes`,
//! `check_retain_source`, and `memory_limit` (refused unless 0).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use common::{TIMEOUT, TempDir};
use mosquitto::broker::server::{Broker, BrokerBuilder, StartError};

fn start(config: &str) -> Result<Broker, StartError> {
    let mut b = BrokerBuilder::new();
    b.log_callback(Arc::new(|_, _: &str| {}));
    b.config_str(config).map_err(StartError::Config)?;
    b.start()
}

fn remaining_length(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A 3.1.1 client speaking raw packets.
struct Raw {
    s: TcpStream,
}

impl Raw {
    fn connect(port: u16, id: &str, user: Option<(&str, &str)>) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut body = Vec::new();
        string("MQTT", &mut body);
        body.push(4);
        body.push(if user.is_some() { 0xc2 } else { 0x02 });
        body.extend_from_slice(&[0, 60]);
        string(id, &mut body);
        if let Some((u, p)) = user {
            string(u, &mut body);
            string(p, &mut body);
        }
        let mut raw = Raw { s };
        raw.packet(0x10, &body);
        assert_eq!(raw.read_packet(), (0x20, vec![0, 0]), "CONNACK for {id}");
        raw
    }

    fn packet(&mut self, first: u8, body: &[u8]) {
        let mut p = vec![first];
        remaining_length(body.len(), &mut p);
        p.extend_from_slice(body);
        self.s.write_all(&p).unwrap();
    }

    fn read_packet(&mut self) -> (u8, Vec<u8>) {
        let mut first = [0u8; 1];
        self.s.read_exact(&mut first).expect("a packet");
        let (mut len, mut mult) = (0usize, 1usize);
        loop {
            let mut b = [0u8; 1];
            self.s.read_exact(&mut b).unwrap();
            len += usize::from(b[0] & 0x7f) * mult;
            mult *= 128;
            if b[0] & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0u8; len];
        self.s.read_exact(&mut body).unwrap();
        (first[0], body)
    }

    /// Nothing arrives within `wait`.
    fn quiet(&mut self, wait: Duration) -> bool {
        self.s.set_read_timeout(Some(wait)).unwrap();
        let mut b = [0u8; 1];
        let quiet = matches!(self.s.read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut);
        self.s.set_read_timeout(Some(TIMEOUT)).unwrap();
        quiet
    }

    fn subscribe(&mut self, filter: &str, qos: u8) {
        let mut body = vec![0, 1];
        string(filter, &mut body);
        body.push(qos);
        self.packet(0x82, &body);
        assert_eq!(self.read_packet(), (0x90, vec![0, 1, qos]));
    }

    fn publish(&mut self, topic: &str, payload: &[u8], qos: u8, retain: bool, mid: u16) {
        let mut body = Vec::new();
        string(topic, &mut body);
        if qos > 0 {
            body.extend_from_slice(&mid.to_be_bytes());
        }
        body.extend_from_slice(payload);
        self.packet(0x30 | (qos << 1) | u8::from(retain), &body);
        if qos == 1 {
            assert_eq!(self.read_packet(), (0x40, mid.to_be_bytes().to_vec()));
        }
    }
}

#[test]
fn max_inflight_bytes_holds_back_copies_until_acknowledged() {
    let broker = start("listener 0 127.0.0.1\nallow_anonymous true\nmax_inflight_bytes 1000\n").unwrap();
    let port = broker.port(0).unwrap();
    let mut sub = Raw::connect(port, "inflight-sub", None);
    sub.subscribe("bytes", 1);
    let mut publisher = Raw::connect(port, "inflight-pub", None);
    for i in 0..4u16 {
        publisher.publish("bytes", &[i as u8; 600], 1, false, i + 1);
    }
    // 600 bytes in flight allow one more copy; 1200 reach the limit.
    let mut mids = Vec::new();
    for _ in 0..2 {
        let (first, body) = sub.read_packet();
        assert_eq!(first & 0xf0, 0x30);
        mids.push([body[7], body[8]]);
    }
    assert!(
        sub.quiet(Duration::from_millis(300)),
        "a third copy went out beyond 1000 bytes in flight"
    );
    // Acknowledging the first lets the rest follow.
    sub.packet(0x40, &mids[0]);
    let (first, _) = sub.read_packet();
    assert_eq!(first & 0xf0, 0x30);
    broker.stop();
}

#[test]
fn check_retain_source_forgets_a_retained_message_its_publisher_may_no_longer_write() {
    let dir = TempDir::new("retain-source");
    let acl = dir.join("acl");
    std::fs::write(
        &acl,
        "user alice\ntopic readwrite kept/#\n\nuser bob\ntopic read kept/#\n",
    )
    .unwrap();
    let passwords = dir.join("passwd");
    // Two users with the password "pw" (made by this library's password code).
    let line = |user: &str| {
        format!(
            "{user}:{}\n",
            mosquitto::broker::auth::password::hash_password(
                b"pw",
                mosquitto::broker::auth::HashKind::Sha512
            )
            .unwrap()
        )
    };
    std::fs::write(&passwords, format!("{}{}", line("alice"), line("bob"))).unwrap();
    for (check, delivered) in [(false, true), (true, false)] {
        let config = format!(
            "listener 0 127.0.0.1\nallow_anonymous false\npassword_file {}\nacl_file {}\ncheck_retain_source {check}\n",
            passwords.display(),
            acl.display()
        );
        std::fs::write(
            &acl,
            "user alice\ntopic readwrite kept/#\n\nuser bob\ntopic read kept/#\n",
        )
        .unwrap();
        let broker = start(&config).unwrap();
        let port = broker.port(0).unwrap();
        let mut alice = Raw::connect(port, "alice-client", Some(("alice", "pw")));
        alice.publish("kept/a", b"retained", 1, true, 1);
        // Alice loses write access.
        std::fs::write(
            &acl,
            "user alice\ntopic read kept/#\n\nuser bob\ntopic read kept/#\n",
        )
        .unwrap();
        broker.reload().expect("reload");
        let mut bob = Raw::connect(port, "bob-client", Some(("bob", "pw")));
        bob.subscribe("kept/#", 1);
        if delivered {
            let (first, body) = bob.read_packet();
            assert_eq!(first & 0xf1, 0x31, "the retained copy");
            assert!(body.ends_with(b"retained"));
        } else {
            assert!(
                bob.quiet(Duration::from_millis(300)),
                "delivered although its source may no longer write"
            );
        }
        broker.stop();
    }
}

#[test]
fn memory_limit_is_refused_unless_zero() {
    assert!(start("listener 0 127.0.0.1\nallow_anonymous true\nmemory_limit 0\n").is_ok());
    let Err(e) = start("listener 0 127.0.0.1\nallow_anonymous true\nmemory_limit 1000000\n") else {
        panic!("memory_limit accepted");
    };
    assert!(matches!(e, StartError::Unsupported(_)), "{e}");
    assert_eq!(
        e.lines(),
        vec!["Error: Option 'memory_limit' is not supported by this broker (<string>:3).".to_owned()]
    );
}
