use super::*;

fn creds(user: &str, pass: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    Some((user.as_bytes().to_vec(), pass.as_bytes().to_vec()))
}

/// A successful reply with an IPv4 bound address.
const OK_V4: [u8; 10] = [5, 0, 0, 1, 10, 0, 0, 1, 0x1f, 0x90];

/// Feed `data` in one piece and return the result.
fn feed(s: &mut Socks5, data: &[u8]) -> Result<Status, Socks5Error> {
    s.handle_input(data)
}

// --- check_settings (mosquitto_socks5_set) ---

#[test]
fn settings_host_length() {
    assert_eq!(check_settings(&"h".repeat(256), 1080, None, None), Ok(()));
    assert_eq!(
        check_settings(&"h".repeat(257), 1080, None, None),
        Err(Error::Inval)
    );
    assert_eq!(check_settings("", 1080, None, None), Ok(()));
}

#[test]
fn settings_port_range() {
    for port in [0, -1, 65536, i32::MIN, i32::MAX] {
        assert_eq!(
            check_settings("proxy", port, None, None),
            Err(Error::Inval),
            "{port}"
        );
    }
    for port in [1, 1080, 65535] {
        assert_eq!(check_settings("proxy", port, None, None), Ok(()), "{port}");
    }
}

#[test]
fn settings_credential_lengths() {
    let ok = [b'u'; 255];
    let long = [b'u'; 256];
    assert_eq!(check_settings("p", 1, Some(&ok), Some(&ok)), Ok(()));
    assert_eq!(check_settings("p", 1, Some(&long), None), Err(Error::Inval));
    assert_eq!(check_settings("p", 1, Some(&ok), Some(&long)), Err(Error::Inval));
    // Without a username the password is dropped, so it is not checked.
    assert_eq!(check_settings("p", 1, None, Some(&long)), Ok(()));
}

// --- greeting ---

#[test]
fn greeting_without_auth() {
    let mut s = Socks5::new("broker", 1883, None);
    assert_eq!(s.output(), [0x05, 0x01, 0x00]);
    assert!(s.output().is_empty());
    assert!(!s.is_done());
}

#[test]
fn greeting_with_auth() {
    let mut s = Socks5::new("broker", 1883, creds("u", "p"));
    assert_eq!(s.output(), [0x05, 0x02, 0x00, 0x02]);
    assert!(s.output().is_empty());
}

// --- CONNECT requests ---

fn request_for(host: &str, port: u16) -> Vec<u8> {
    let mut s = Socks5::new(host, port, None);
    s.output();
    assert_eq!(feed(&mut s, &[5, 0]), Ok(Status::NeedMore));
    s.output()
}

#[test]
fn request_ipv4() {
    assert_eq!(
        request_for("192.168.1.20", 1883),
        [5, 1, 0, 1, 192, 168, 1, 20, 0x07, 0x5b]
    );
    assert_eq!(
        request_for("0.0.0.0", 65535),
        [5, 1, 0, 1, 0, 0, 0, 0, 0xff, 0xff]
    );
}

#[test]
fn request_ipv6() {
    let mut want = vec![5, 1, 0, 4];
    want.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]);
    want.extend_from_slice(&[0x22, 0xb3]);
    assert_eq!(request_for("2001:db8::1", 8883), want);

    let mut want = vec![5, 1, 0, 4];
    want.extend_from_slice(&[0; 15]);
    want.extend_from_slice(&[1, 0x07, 0x5b]);
    assert_eq!(request_for("::1", 1883), want);

    let mut want = vec![5, 1, 0, 4];
    want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    want.extend_from_slice(&[0x07, 0x5b]);
    assert_eq!(request_for("::ffff:127.0.0.1", 1883), want);
}

#[test]
fn request_domain() {
    let mut want = vec![5, 1, 0, 3, 18];
    want.extend_from_slice(b"test.mosquitto.org");
    want.extend_from_slice(&[0x07, 0x5b]);
    assert_eq!(request_for("test.mosquitto.org", 1883), want);
}

#[test]
fn request_domain_for_non_literals() {
    // Neither an IPv4 nor an IPv6 literal: sent as a name for the proxy to resolve.
    for host in [
        "localhost",
        "1.2.3",
        "01.2.3.4",
        "[::1]",
        "fe80::1%eth0",
        "1.2.3.4 ",
        "",
    ] {
        let req = request_for(host, 1);
        assert_eq!(req[3], ATYP_DOMAIN, "{host:?}");
        assert_eq!(usize::from(req[4]), host.len(), "{host:?}");
        assert_eq!(&req[5..5 + host.len()], host.as_bytes(), "{host:?}");
        assert_eq!(req.len(), 7 + host.len());
    }
}

#[test]
fn request_domain_length_limit() {
    let host = "a".repeat(255);
    assert_eq!(request_for(&host, 1).len(), 7 + 255);

    let host = "a".repeat(256);
    let mut s = Socks5::new(&host, 1, None);
    s.output();
    let err = feed(&mut s, &[5, 0]).unwrap_err();
    assert_eq!(err, Socks5Error::HostTooLong(256));
    assert_eq!(err.to_error(), Error::NoMem);
    assert!(s.output().is_empty());
}

// --- username/password ---

#[test]
fn userpass_exchange() {
    let mut s = Socks5::new("10.1.2.3", 1883, creds("alice", "s3cret"));
    s.output();
    assert_eq!(feed(&mut s, &[5, 2]), Ok(Status::NeedMore));
    let mut want = vec![1, 5];
    want.extend_from_slice(b"alice");
    want.push(6);
    want.extend_from_slice(b"s3cret");
    assert_eq!(s.output(), want);
    assert!(s.output().is_empty());
    assert_eq!(feed(&mut s, &[1, 0]), Ok(Status::NeedMore));
    assert_eq!(s.output(), [5, 1, 0, 1, 10, 1, 2, 3, 0x07, 0x5b]);
    assert_eq!(feed(&mut s, &OK_V4), Ok(Status::Done));
    assert!(s.is_done());
    assert!(s.take_leftover().is_empty());
}

#[test]
fn userpass_empty_fields() {
    let mut s = Socks5::new("h", 1, creds("", ""));
    s.output();
    feed(&mut s, &[5, 2]).unwrap();
    assert_eq!(s.output(), [1, 0, 0]);
}

#[test]
fn userpass_max_fields() {
    let (user, pass) = (vec![b'u'; 255], vec![b'p'; 255]);
    let mut s = Socks5::new("h", 1, Some((user, pass)));
    s.output();
    feed(&mut s, &[5, 2]).unwrap();
    let out = s.output();
    assert_eq!(out.len(), 3 + 255 + 255);
    assert_eq!((out[1], out[257]), (255, 255));
}

#[test]
fn userpass_too_long() {
    let mut s = Socks5::new("h", 1, Some((vec![b'u'; 256], Vec::new())));
    s.output();
    let err = feed(&mut s, &[5, 2]).unwrap_err();
    assert_eq!(err, Socks5Error::CredentialsTooLong);
    assert_eq!(err.to_error(), Error::Inval);
    assert!(s.output().is_empty());
}

#[test]
fn no_auth_selected_although_credentials_given() {
    let mut s = Socks5::new("h", 1, creds("u", "p"));
    s.output();
    assert_eq!(feed(&mut s, &[5, 0]), Ok(Status::NeedMore));
    assert_eq!(s.output(), [5, 1, 0, 3, 1, b'h', 0, 1]);
}

#[test]
fn userpass_selected_but_not_offered() {
    let mut s = Socks5::new("h", 1, None);
    s.output();
    let err = feed(&mut s, &[5, 2]).unwrap_err();
    assert_eq!(err, Socks5Error::Method(2));
    assert_eq!(err.to_error(), Error::Auth);
}

#[test]
fn userpass_status_codes() {
    for status in 1..=255u8 {
        let mut s = Socks5::new("h", 1, creds("u", "p"));
        s.output();
        feed(&mut s, &[5, 2]).unwrap();
        s.output();
        let err = feed(&mut s, &[1, status]).unwrap_err();
        assert_eq!(err, Socks5Error::AuthFailed(status));
        assert_eq!(err.to_error(), reply_error(status));
        assert!(s.output().is_empty(), "no CONNECT after a failed authentication");
    }
}

#[test]
fn userpass_bad_version() {
    for version in [0u8, 2, 5, 0xff] {
        let mut s = Socks5::new("h", 1, creds("u", "p"));
        s.output();
        feed(&mut s, &[5, 2]).unwrap();
        let err = feed(&mut s, &[version, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::BadAuthVersion(version));
        assert_eq!(err.to_error(), Error::Proxy);
    }
}

// --- method selection ---

#[test]
fn method_reply_bad_version() {
    for version in [0u8, 4, 6, 0xff] {
        let mut s = Socks5::new("h", 1, None);
        let err = feed(&mut s, &[version, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::BadVersion(version));
        assert_eq!(err.to_error(), Error::Proxy);
    }
}

#[test]
fn method_reply_unusable_methods() {
    for method in (1..=255u8).filter(|&m| m != METHOD_USERPASS) {
        let mut s = Socks5::new("h", 1, creds("u", "p"));
        s.output();
        let err = feed(&mut s, &[5, method]).unwrap_err();
        assert_eq!(err, Socks5Error::Method(method));
        assert_eq!(err.to_error(), Error::Auth);
        assert!(s.output().is_empty());
    }
}

// --- CONNECT reply ---

fn awaiting_reply() -> Socks5 {
    let mut s = Socks5::new("broker", 1883, None);
    s.output();
    feed(&mut s, &[5, 0]).unwrap();
    s.output();
    s
}

#[test]
fn reply_code_mapping() {
    let table = [
        (1, Error::Proxy),
        (2, Error::Auth),
        (3, Error::NoConn),
        (4, Error::NoConn),
        (5, Error::NoConn),
        (6, Error::Proxy),
        (7, Error::Proxy),
        (8, Error::Proxy),
        (9, Error::Inval),
        (0x7f, Error::Inval),
        (0xff, Error::Inval),
    ];
    for (code, want) in table {
        let mut s = awaiting_reply();
        let err = feed(&mut s, &[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::ConnectFailed(code));
        assert_eq!(err.to_error(), want, "reply {code}");
        assert!(!s.is_done());
    }
    for code in 1..=255u8 {
        let mut s = awaiting_reply();
        let err = feed(&mut s, &[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(err.to_error(), reply_error(code));
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn failure_reported_only_after_whole_reply() {
    let mut s = awaiting_reply();
    assert_eq!(feed(&mut s, &[5, 5, 0, 1, 0, 0, 0, 0, 0]), Ok(Status::NeedMore));
    assert_eq!(feed(&mut s, &[0]), Err(Socks5Error::ConnectFailed(5)));
}

#[test]
fn reply_ipv6_bound_address() {
    let mut s = awaiting_reply();
    let mut reply = vec![5, 0, 0, 4];
    reply.extend_from_slice(&[0xfe; 16]);
    reply.extend_from_slice(&[0x12, 0x34]);
    assert_eq!(feed(&mut s, &reply[..21]), Ok(Status::NeedMore));
    assert_eq!(feed(&mut s, &reply[21..]), Ok(Status::Done));
    assert!(s.take_leftover().is_empty());
}

#[test]
fn reply_domain_bound_address() {
    for len in [1u8, 9, 255] {
        let mut s = awaiting_reply();
        let mut reply = vec![5, 0, 0, 3, len];
        reply.extend(std::iter::repeat_n(b'x', usize::from(len)));
        reply.extend_from_slice(&[0x12, 0x34]);
        // The port after the name is part of the reply, not of the next layer.
        assert_eq!(feed(&mut s, &reply[..reply.len() - 1]), Ok(Status::NeedMore));
        assert_eq!(feed(&mut s, &reply[reply.len() - 1..]), Ok(Status::Done));
        assert!(s.take_leftover().is_empty());
    }
}

#[test]
fn reply_empty_domain() {
    let mut s = awaiting_reply();
    let err = feed(&mut s, &[5, 0, 0, 3, 0, 0, 0]).unwrap_err();
    assert_eq!(err, Socks5Error::EmptyDomain);
    assert_eq!(err.to_error(), Error::Protocol);
}

#[test]
fn reply_unknown_address_type() {
    for atyp in [0u8, 2, 5, 0xff] {
        let mut s = awaiting_reply();
        // Judged on the first five bytes, before the version and the reply code.
        let err = feed(&mut s, &[4, 1, 0, atyp, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::BadAddressType(atyp));
        assert_eq!(err.to_error(), Error::Protocol);
    }
}

#[test]
fn reply_bad_version() {
    for version in [0u8, 4, 0xff] {
        let mut s = awaiting_reply();
        let err = feed(&mut s, &[version, 0, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(err, Socks5Error::BadReplyVersion(version));
        assert_eq!(err.to_error(), Error::Proxy);
    }
}

#[test]
fn hostile_domain_length_stays_bounded() {
    let mut s = awaiting_reply();
    assert_eq!(feed(&mut s, &[5, 0, 0, 3, 0xff]), Ok(Status::NeedMore));
    // Flood it: only the 255 + 2 bytes of the reply are taken, the rest is left over.
    let flood = vec![0u8; 100_000];
    assert_eq!(feed(&mut s, &flood), Ok(Status::Done));
    assert!(s.buf.capacity() <= 4096);
    assert_eq!(s.take_leftover().len(), 100_000 - 257);
}

// --- leftovers, chunking, errors that stick ---

#[test]
fn leftover_bytes_after_reply() {
    let mut s = awaiting_reply();
    let mut data = OK_V4.to_vec();
    data.extend_from_slice(&[0x20, 0x02, 0x00, 0x00]);
    assert_eq!(feed(&mut s, &data), Ok(Status::Done));
    assert_eq!(feed(&mut s, &[0xaa]), Ok(Status::Done));
    assert_eq!(feed(&mut s, &[]), Ok(Status::Done));
    assert_eq!(s.take_leftover(), [0x20, 0x02, 0x00, 0x00, 0xaa]);
    assert!(s.take_leftover().is_empty());
    assert!(s.output().is_empty());
}

#[test]
fn empty_input_waits() {
    let mut s = Socks5::new("h", 1, None);
    assert_eq!(feed(&mut s, &[]), Ok(Status::NeedMore));
    assert_eq!(s.output(), [5, 1, 0]);
    assert_eq!(feed(&mut s, &[]), Ok(Status::NeedMore));
}

#[test]
fn error_sticks() {
    let mut s = Socks5::new("h", 1, None);
    let err = feed(&mut s, &[4, 0]).unwrap_err();
    assert_eq!(feed(&mut s, &[5, 0]), Err(err.clone()));
    assert_eq!(feed(&mut s, &[]), Err(err));
    assert!(!s.is_done());
    assert!(s.take_leftover().is_empty());
}

/// The whole conversation of one handshake: what the proxy sends, concatenated, and what the
/// client must have sent by the end.
fn script(auth: bool) -> (Socks5, Vec<u8>, Vec<u8>) {
    let s = Socks5::new(
        "mqtt.example",
        1883,
        if auth { creds("user", "pw") } else { None },
    );
    let mut proxy = Vec::new();
    let mut client = Vec::new();
    if auth {
        proxy.extend_from_slice(&[5, 2, 1, 0]);
        client.extend_from_slice(&[5, 2, 0, 2, 1, 4, b'u', b's', b'e', b'r', 2, b'p', b'w']);
    } else {
        proxy.extend_from_slice(&[5, 0]);
        client.extend_from_slice(&[5, 1, 0]);
    }
    client.extend_from_slice(&[5, 1, 0, 3, 12]);
    client.extend_from_slice(b"mqtt.example");
    client.extend_from_slice(&[0x07, 0x5b]);
    proxy.extend_from_slice(&[5, 0, 0, 3, 3, b'a', b'b', b'c', 0x04, 0x38]);
    proxy.extend_from_slice(b"MQ");
    (s, proxy, client)
}

#[test]
fn every_split_point() {
    for auth in [false, true] {
        let (_, proxy, client) = script(auth);
        for a in 0..=proxy.len() {
            for b in a..=proxy.len() {
                let (mut s, _, _) = script(auth);
                let mut sent = s.output();
                for chunk in [&proxy[..a], &proxy[a..b], &proxy[b..]] {
                    s.handle_input(chunk).unwrap();
                    sent.extend(s.output());
                }
                assert!(s.is_done(), "auth {auth} split {a}/{b}");
                assert_eq!(sent, client, "auth {auth} split {a}/{b}");
                assert_eq!(s.take_leftover(), b"MQ", "auth {auth} split {a}/{b}");
            }
        }
    }
}

#[test]
fn byte_by_byte() {
    for auth in [false, true] {
        let (mut s, proxy, client) = script(auth);
        let mut sent = s.output();
        let reply_end = proxy.len() - 2;
        for (i, byte) in proxy.iter().enumerate() {
            let status = s.handle_input(std::slice::from_ref(byte)).unwrap();
            let want = if i + 1 >= reply_end {
                Status::Done
            } else {
                Status::NeedMore
            };
            assert_eq!(status, want, "byte {i}");
            sent.extend(s.output());
        }
        assert_eq!(sent, client);
        assert_eq!(s.take_leftover(), b"MQ");
    }
}

#[test]
fn truncated_input_never_completes() {
    for auth in [false, true] {
        let (_, proxy, _) = script(auth);
        for cut in 0..proxy.len() - 2 {
            let (mut s, _, _) = script(auth);
            s.output();
            assert_eq!(s.handle_input(&proxy[..cut]), Ok(Status::NeedMore), "cut {cut}");
            assert!(!s.is_done());
        }
    }
}

#[test]
fn arbitrary_input_never_panics() {
    // A small deterministic generator; every sequence must end in NeedMore, Done or an error.
    let mut x: u32 = 0x1234_5678;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for _ in 0..20_000 {
        let mut s = Socks5::new("h", 1, if next() % 2 == 0 { creds("u", "p") } else { None });
        let len = (next() % 40) as usize;
        // Bias towards plausible bytes so that deeper states get reached.
        let data: Vec<u8> = (0..len)
            .map(|_| match next() % 4 {
                0 => 5,
                1 => 0,
                2 => (next() % 5) as u8,
                _ => next() as u8,
            })
            .collect();
        for chunk in data.chunks(1 + (next() % 7) as usize) {
            if s.handle_input(chunk).is_err() {
                break;
            }
            s.output();
        }
    }
}

#[test]
fn closed_maps_to_proxy() {
    assert_eq!(Socks5Error::Closed.to_error(), Error::Proxy);
    assert!(Socks5Error::Closed.to_string().contains("closed"));
}

#[test]
fn display_texts() {
    assert_eq!(
        Socks5Error::ConnectFailed(5).to_string(),
        "SOCKS5 proxy could not connect: connection refused (reply 5)"
    );
    assert_eq!(
        Socks5Error::Method(0xff).to_string(),
        "SOCKS5 proxy accepts none of the offered authentication methods"
    );
    assert_eq!(
        Socks5Error::Method(1).to_string(),
        "SOCKS5 proxy selected unusable authentication method 0x01"
    );
}

// --- end to end over loopback ---

/// A minimal SOCKS5 proxy for one connection: checks the client's messages byte for byte
/// and answers as a real proxy would, then sends `after` as if it came from the target.
#[cfg_attr(miri, ignore)]
#[test]
fn loopback_proxy() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    for auth in [false, true] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut c, _) = listener.accept().unwrap();
            let read = |c: &mut TcpStream, n: usize| {
                let mut b = vec![0; n];
                c.read_exact(&mut b).unwrap();
                b
            };
            if auth {
                assert_eq!(read(&mut c, 4), [5, 2, 0, 2]);
                c.write_all(&[5, 2]).unwrap();
                assert_eq!(read(&mut c, 2 + 3 + 1 + 6), b"\x01\x03bob\x06hunter");
                c.write_all(&[1, 0]).unwrap();
            } else {
                assert_eq!(read(&mut c, 3), [5, 1, 0]);
                c.write_all(&[5, 0]).unwrap();
            }
            let mut want = vec![5, 1, 0, 3, 9];
            want.extend_from_slice(b"localhost");
            want.extend_from_slice(&[0x07, 0x5b]);
            assert_eq!(read(&mut c, want.len()), want);
            // The reply and the first bytes from the target in one segment.
            c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40, 0x20, 0x02, 0x00, 0x00])
                .unwrap();
        });

        let mut stream = TcpStream::connect(addr).unwrap();
        let auth_arg = if auth {
            Some((b"bob".to_vec(), b"hunter".to_vec()))
        } else {
            None
        };
        let mut s = Socks5::new("localhost", 1883, auth_arg);
        let mut buf = [0u8; 3];
        loop {
            stream.write_all(&s.output()).unwrap();
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                panic!("{}", Socks5Error::Closed);
            }
            if s.handle_input(&buf[..n]).unwrap() == Status::Done {
                break;
            }
        }
        server.join().unwrap();
        let mut rest = s.take_leftover();
        stream.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, [0x20, 0x02, 0x00, 0x00]);
    }
}
