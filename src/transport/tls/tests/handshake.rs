//! Handshakes against servers with various certificates, and the words for their failures.

use super::*;

#[test]
fn handshake_succeeds() {
    let dir = TempDir::new("ok");
    let settings = with_ca(&dir);
    assert!(settings.enabled());
    let client = connect(&settings, "localhost", &Server::default()).unwrap();
    assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_3));
    // By IP address: checked against the IP SAN.
    connect(&settings, "127.0.0.1", &Server::default()).unwrap();
    // RSA server, TLS 1.2 only, one chosen suite.
    let rsa12 = Server {
        cert: "server-rsa.crt",
        key: "server-rsa.key",
        versions: TLS12_ONLY,
        ..Server::default()
    };
    let settings12 = TlsSettings {
        ciphers: Some("ECDHE-RSA-CHACHA20-POLY1305".into()),
        ..with_ca(&dir)
    };
    let client = connect(&settings12, "localhost", &rsa12).unwrap();
    assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
    assert_eq!(
        client.negotiated_cipher_suite().map(|s| s.suite()),
        Some(rustls::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)
    );
    // A TLS 1.3 suite chosen by name.
    let settings13 = TlsSettings {
        ciphers: Some("TLS_CHACHA20_POLY1305_SHA256".into()),
        ..with_ca(&dir)
    };
    let client = connect(&settings13, "localhost", &Server::default()).unwrap();
    assert_eq!(
        client.negotiated_cipher_suite().map(|s| s.suite()),
        Some(rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256)
    );
    // ... and a TLS 1.2 server then has nothing in common with us.
    let (msg, class) = connect_err(&settings13, "localhost", &rsa12);
    assert_eq!(class, ErrorClass::Handshake);
    assert!(msg.starts_with("Error: TLS handshake failed: "), "{msg}");
}

#[test]
fn unknown_ca() {
    let dir = TempDir::new("unknown");
    let other = Server {
        cert: "other.crt",
        ..Server::default()
    };
    let (msg, class) = connect_err(&with_ca(&dir), "localhost", &other);
    assert_eq!(class, ErrorClass::Tls);
    assert!(
        msg.starts_with("Error: certificate verify failed: unknown CA"),
        "{msg}"
    );
    // tls_insecure does not skip the chain.
    let insecure = TlsSettings {
        insecure: true,
        ..with_ca(&dir)
    };
    let (msg, class) = connect_err(&insecure, "localhost", &other);
    assert_eq!(class, ErrorClass::Tls);
    assert!(msg.contains("unknown CA"), "{msg}");
    // cert_reqs 0 accepts it.
    let none = TlsSettings {
        verify_peer: false,
        ..with_ca(&dir)
    };
    connect(&none, "localhost", &other).unwrap();
    connect(
        &none,
        "somewhere.else",
        &Server {
            cert: "expired.crt",
            ..Server::default()
        },
    )
    .unwrap();
}

#[test]
fn host_name_mismatch() {
    let dir = TempDir::new("name");
    let settings = with_ca(&dir);
    let wrong = Server {
        cert: "wrongname.crt",
        ..Server::default()
    };
    for host in ["localhost", "127.0.0.1"] {
        let (msg, class) = connect_err(&settings, host, &wrong);
        assert_eq!(msg, "Error: host name verification failed.");
        assert_eq!(class, ErrorClass::Tls);
    }
    let (msg, _) = connect_err(&settings, "127.0.0.2", &Server::default());
    assert_eq!(msg, "Error: host name verification failed.");
    let (msg, _) = connect_err(&settings, "other.localhost", &Server::default());
    assert_eq!(msg, "Error: host name verification failed.");

    let insecure = TlsSettings {
        insecure: true,
        ..with_ca(&dir)
    };
    connect(&insecure, "localhost", &wrong).unwrap();
    connect(&insecure, "127.0.0.1", &wrong).unwrap();
    connect(&insecure, "127.0.0.2", &Server::default()).unwrap();
}

#[test]
fn common_name_when_there_is_no_dns_name() {
    let dir = TempDir::new("cn");
    let settings = with_ca(&dir);
    let server = |cert| Server {
        cert,
        ..Server::default()
    };
    // No subject alternative name at all: the common name counts.
    connect(&settings, "localhost", &server("cn-localhost.crt")).unwrap();
    connect(&settings, "LOCALHOST", &server("cn-localhost.crt")).unwrap();
    let (msg, class) = connect_err(&settings, "other.localhost", &server("cn-localhost.crt"));
    assert_eq!(
        (msg.as_str(), class),
        ("Error: host name verification failed.", ErrorClass::Tls)
    );
    // A wildcard in the left-most label, for exactly one label.
    connect(&settings, "broker.example.test", &server("cn-wildcard.crt")).unwrap();
    for host in ["example.test", "a.broker.example.test", "broker.example.other"] {
        let (msg, _) = connect_err(&settings, host, &server("cn-wildcard.crt"));
        assert_eq!(msg, "Error: host name verification failed.", "{host}");
    }
    // IP addresses are checked against IP SANs only, never the common name.
    let (msg, _) = connect_err(&settings, "127.0.0.1", &server("cn-ip.crt"));
    assert_eq!(msg, "Error: host name verification failed.");
    // Only IP SANs: no DNS name, so the common name counts for a host name...
    connect(&settings, "localhost", &server("cn-with-ip-san.crt")).unwrap();
    connect(&settings, "127.0.0.1", &server("cn-with-ip-san.crt")).unwrap();
    // ...but with a DNS SAN the common name is ignored.
    let (msg, _) = connect_err(&settings, "localhost", &server("cn-with-dns-san.crt"));
    assert_eq!(msg, "Error: host name verification failed.");
    // The chain is still checked.
    let (msg, _) = connect_err(
        &TlsSettings {
            cafile: Some(dir.put("other-ca.crt")),
            ..TlsSettings::default()
        },
        "localhost",
        &server("cn-localhost.crt"),
    );
    assert!(msg.contains("unknown CA"), "{msg}");
    // The names are read from the certificates as expected.
    let der = |name: &str| {
        CertificateDer::pem_slice_iter(&fixture()[name])
            .next()
            .unwrap()
            .unwrap()
    };
    let names = x509::names(&der("cn-with-dns-san.crt")).unwrap();
    assert_eq!(names.dns, ["wrong.example"]);
    assert_eq!(names.common_names, ["localhost"]);
    let names = x509::names(&der("cn-wildcard.crt")).unwrap();
    assert!(names.dns.is_empty());
    assert_eq!(names.common_names, ["*.example.test"]);
}

#[test]
fn certificate_dates() {
    let dir = TempDir::new("dates");
    let settings = with_ca(&dir);
    let (msg, class) = connect_err(
        &settings,
        "localhost",
        &Server {
            cert: "expired.crt",
            ..Server::default()
        },
    );
    assert_eq!(class, ErrorClass::Tls);
    assert_eq!(
        msg,
        "Error: certificate verify failed: certificate has expired (valid until 2020-02-01 00:00:00 UTC)."
    );
    let insecure = TlsSettings {
        insecure: true,
        ..with_ca(&dir)
    };
    let (msg, _) = connect_err(
        &insecure,
        "localhost",
        &Server {
            cert: "expired.crt",
            ..Server::default()
        },
    );
    assert!(msg.contains("expired"), "{msg}");
    let (msg, class) = connect_err(
        &settings,
        "localhost",
        &Server {
            cert: "notyet.crt",
            ..Server::default()
        },
    );
    assert_eq!(class, ErrorClass::Tls);
    assert_eq!(
        msg,
        "Error: certificate verify failed: certificate is not yet valid (valid from 2090-01-01 00:00:00 UTC)."
    );
}

#[test]
fn protocol_versions() {
    let dir = TempDir::new("versions");
    let only12 = Server {
        versions: TLS12_ONLY,
        ..Server::default()
    };
    let only13 = TlsSettings {
        version: TlsVersion::Tls13,
        ..with_ca(&dir)
    };
    let (msg, class) = connect_err(&only13, "localhost", &only12);
    assert_eq!(class, ErrorClass::Handshake);
    assert!(msg.contains("protocol version mismatch"), "{msg}");
    let client = connect(&with_ca(&dir), "localhost", &only12).unwrap();
    assert_eq!(client.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
    let only13_server = Server {
        versions: TLS13_ONLY,
        ..Server::default()
    };
    connect(&only13, "localhost", &only13_server).unwrap();
}

#[test]
fn client_certificate_auth() {
    let dir = TempDir::new("clientauth");
    let requires = Server {
        client_ca: true,
        ..Server::default()
    };
    for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
        let server = if version == TlsVersion::Tls12 {
            Server {
                versions: TLS12_ONLY,
                ..requires.clone_config()
            }
        } else {
            requires.clone_config()
        };
        for (cert, key) in [("client.crt", "client.key"), ("client-ec.crt", "client-sec1.key")] {
            let settings = TlsSettings {
                version,
                ..with_client(&dir, cert, key)
            };
            connect(&settings, "localhost", &server).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        let settings = TlsSettings {
            version,
            ..with_ca(&dir)
        };
        let (msg, class) = connect_err(&settings, "localhost", &server);
        assert_eq!(class, ErrorClass::Handshake);
        if version == TlsVersion::Tls13 {
            assert_eq!(
                msg,
                "Error: TLS handshake failed: the server requires a client certificate \
                 (alert \"certificate required\", 116)."
            );
        } else {
            assert!(msg.contains("requires a client certificate"), "{msg}");
        }
    }
}

impl Server {
    fn clone_config(&self) -> Self {
        Self {
            cert: self.cert,
            key: self.key,
            versions: self.versions,
            client_ca: self.client_ca,
            alpn: self.alpn.clone(),
        }
    }
}

#[test]
fn alpn() {
    let dir = TempDir::new("alpn");
    let settings = TlsSettings {
        alpn: Some(b"mqtt".to_vec()),
        ..with_ca(&dir)
    };
    let server = Server {
        alpn: vec![b"x-other".to_vec(), b"mqtt".to_vec()],
        ..Server::default()
    };
    let client = connect(&settings, "localhost", &server).unwrap();
    assert_eq!(client.alpn_protocol(), Some(&b"mqtt"[..]));
    // A server without ALPN ignores it.
    let client = connect(&settings, "localhost", &Server::default()).unwrap();
    assert_eq!(client.alpn_protocol(), None);
    // A server with other protocols refuses.
    let (msg, class) = connect_err(
        &settings,
        "localhost",
        &Server {
            alpn: vec![b"h2".to_vec()],
            ..Server::default()
        },
    );
    assert_eq!(class, ErrorClass::Handshake);
    assert!(msg.contains("ALPN"), "{msg}");
}

#[test]
fn error_descriptions() {
    use rustls::Error as E;
    let cases: Vec<(E, ErrorClass, &str)> = vec![
        (
            E::InvalidCertificate(CertificateError::NotValidForName),
            ErrorClass::Tls,
            "Error: host name verification failed.",
        ),
        (
            E::InvalidCertificate(CertificateError::UnknownIssuer),
            ErrorClass::Tls,
            "unknown CA",
        ),
        (
            E::InvalidCertificate(CertificateError::Expired),
            ErrorClass::Tls,
            "certificate has expired.",
        ),
        (
            E::InvalidCertificate(CertificateError::NotValidYet),
            ErrorClass::Tls,
            "not yet valid.",
        ),
        (
            E::InvalidCertificate(CertificateError::BadSignature),
            ErrorClass::Tls,
            "signature failure",
        ),
        (
            E::InvalidCertificate(CertificateError::Revoked),
            ErrorClass::Tls,
            "revoked",
        ),
        (
            E::InvalidCertificate(CertificateError::InvalidPurpose),
            ErrorClass::Tls,
            "purpose",
        ),
        (E::NoCertificatesPresented, ErrorClass::Tls, "no certificate"),
        (
            E::AlertReceived(AlertDescription::HandshakeFailure),
            ErrorClass::Handshake,
            "\"handshake failure\", 40",
        ),
        (
            E::AlertReceived(AlertDescription::ProtocolVersion),
            ErrorClass::Handshake,
            "protocol version mismatch",
        ),
        (
            E::AlertReceived(AlertDescription::BadCertificate),
            ErrorClass::Handshake,
            "rejected the client certificate",
        ),
        (
            E::PeerIncompatible(PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig),
            ErrorClass::Handshake,
            "protocol version mismatch",
        ),
        (
            E::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon),
            ErrorClass::Handshake,
            "no cipher suite in common",
        ),
        (
            E::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            ErrorClass::Handshake,
            "is this a TLS port?",
        ),
        (E::General("boom".into()), ErrorClass::Handshake, "boom"),
    ];
    for (e, class, text) in cases {
        let (msg, got) = describe_error(&e);
        assert_eq!(got, class, "{e:?}");
        assert!(msg.contains(text), "{e:?}: {msg}");
        assert!(msg.starts_with("Error: ") && msg.ends_with('.'), "{msg}");
    }
}
