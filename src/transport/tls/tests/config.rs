//! Building configurations: versions, cipher lists, names, CA files and directories, keys.

use super::*;

#[test]
fn versions() {
    assert_eq!(parse_version("tlsv1.3"), Some(TlsVersion::Tls13));
    assert_eq!(parse_version("TLSv1.3"), Some(TlsVersion::Tls13));
    assert_eq!(parse_version("tlsv1.2"), Some(TlsVersion::Tls12));
    assert_eq!(parse_version("TLSV1.1"), Some(TlsVersion::Tls12));
    assert_eq!(parse_version("tlsv1"), None);
    assert_eq!(parse_version("tlsv1.0"), None);
    assert_eq!(parse_version(""), None);
    let d = TlsSettings::default();
    assert!(d.verify_peer && !d.insecure && d.version == TlsVersion::Tls12);
    assert!(!d.enabled());
}

fn names(list: &str) -> Vec<String> {
    select_suites(list)
        .unwrap_or_default()
        .iter()
        .map(|s| format!("{:?}", s.suite()))
        .collect()
}

#[test]
fn cipher_lists() {
    const ALL13: [&str; 3] = [
        "TLS13_AES_256_GCM_SHA384",
        "TLS13_AES_128_GCM_SHA256",
        "TLS13_CHACHA20_POLY1305_SHA256",
    ];
    let with13 = |rest: &[&str]| -> Vec<String> { ALL13.iter().chain(rest).map(|s| s.to_string()).collect() };
    assert_eq!(
        names("ECDHE-RSA-AES256-GCM-SHA384"),
        with13(&["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
    );
    // Order of the list, separators, case, IANA names.
    assert_eq!(
        names(
            "ECDHE-ECDSA-CHACHA20-POLY1305, ecdhe-rsa-aes128-gcm-sha256 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        ),
        with13(&[
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        ])
    );
    // TLS 1.3 names restrict TLS 1.3 and, alone, leave no TLS 1.2 suite.
    assert_eq!(names("TLS_AES_128_GCM_SHA256"), ["TLS13_AES_128_GCM_SHA256"]);
    assert_eq!(
        names("TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-CHACHA20-POLY1305"),
        [
            "TLS13_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
        ]
    );
    // Keywords, exclusions and the usual OpenSSL noise.
    assert_eq!(names("HIGH:!aNULL:!MD5").len(), 9);
    assert_eq!(names("DEFAULT").len(), 9);
    assert_eq!(names("ALL:@STRENGTH:@SECLEVEL=2").len(), 9);
    assert_eq!(
        names("HIGH:!CHACHA20:!aRSA"),
        with13(&[
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        ])
    );
    assert_eq!(
        names("ECDHE+AESGCM+aRSA"),
        with13(&[
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ])
    );
    // `!` is final, `-` is not; `+` moves to the end.
    assert_eq!(
        names("!AES256:AES"),
        with13(&[
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ])
    );
    assert_eq!(
        names("-AES256:AES256+aRSA"),
        with13(&["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])
    );
    assert_eq!(
        names("AES128+aRSA:CHACHA20+aRSA:+AES128"),
        with13(&[
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ])
    );
    // Unknown names select nothing; a list that selects nothing is refused.
    assert_eq!(names("RC4-SHA:ECDHE-RSA-AES128-GCM-SHA256").len(), 4);
    for bad in [
        "",
        "RC4-SHA",
        "AES128-SHA256:DES-CBC3-SHA",
        "PSK",
        "!ALL",
        "HIGH:!HIGH",
        "eNULL",
        "::",
    ] {
        assert!(!check_ciphers(bad), "{bad:?}");
    }
    assert!(check_ciphers("ECDHE-RSA-AES256-GCM-SHA384"));
    assert!(check_ciphers("TLS_AES_256_GCM_SHA384"));

    let dir = TempDir::new("ciphers");
    let e = setup_error(&TlsSettings {
        ciphers: Some("RC4-MD5".into()),
        ..with_ca(&dir)
    });
    assert_eq!(
        e.to_string(),
        "Error: Unable to set TLS ciphers. Check cipher list \"RC4-MD5\"."
    );
    let config = client_config(&TlsSettings {
        ciphers: Some("ECDHE-RSA-AES128-GCM-SHA256".into()),
        ..with_ca(&dir)
    })
    .unwrap();
    assert_eq!(config.crypto_provider().cipher_suites.len(), 4);
}

#[test]
fn server_names() {
    assert!(matches!(server_name("localhost"), Ok(ServerName::DnsName(_))));
    assert!(matches!(
        server_name("broker.example.com"),
        Ok(ServerName::DnsName(_))
    ));
    assert!(matches!(server_name("127.0.0.1"), Ok(ServerName::IpAddress(_))));
    assert!(matches!(server_name("::1"), Ok(ServerName::IpAddress(_))));
    assert!(matches!(server_name("[::1]"), Ok(ServerName::IpAddress(_))));
    for bad in ["", "bad name", "under_score!", "a..b"] {
        let e = server_name(bad).unwrap_err();
        assert!(matches!(e, TlsSetupError::ServerName { .. }), "{bad:?}");
    }
}

// --- configuration building --------------------------------------------------------------

#[test]
fn ca_files() {
    let dir = TempDir::new("ca");
    client_config(&with_ca(&dir)).unwrap();

    let missing = dir.path("missing.crt");
    let e = setup_error(&TlsSettings {
        cafile: Some(missing.clone()),
        ..TlsSettings::default()
    });
    assert_eq!(
        e.to_string(),
        format!(
            "Error: Unable to load CA certificates, check cafile \"{}\".",
            missing.display()
        )
    );
    assert!(e.detail().unwrap().contains("No such file"), "{:?}", e.detail());
    assert_eq!(e.log_lines().len(), 2);

    let garbage = dir.put_bytes("garbage.crt", b"this is not a certificate\n");
    let e = setup_error(&TlsSettings {
        cafile: Some(garbage),
        ..TlsSettings::default()
    });
    assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");
    let broken = dir.put_bytes(
        "broken.crt",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    let e = setup_error(&TlsSettings {
        cafile: Some(broken),
        ..TlsSettings::default()
    });
    assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");
    // A key where the CA should be.
    let e = setup_error(&TlsSettings {
        cafile: Some(dir.put("server.key")),
        ..TlsSettings::default()
    });
    assert!(matches!(e, TlsSetupError::CaFile { .. }), "{e:?}");

    // Several CAs in one file all count.
    let mut both = fixture()["other-ca.crt"].clone();
    both.extend_from_slice(&fixture()["ca.crt"]);
    let settings = TlsSettings {
        cafile: Some(dir.put_bytes("both.crt", &both)),
        ..TlsSettings::default()
    };
    connect(&settings, "localhost", &Server::default()).unwrap();
    connect(
        &settings,
        "localhost",
        &Server {
            cert: "other.crt",
            ..Server::default()
        },
    )
    .unwrap();

    // No trust anchor at all.
    let e = setup_error(&TlsSettings::default());
    assert!(matches!(e, TlsSetupError::NoTrustAnchors));
    assert!(e.to_string().starts_with("Error: No CA certificates"));
    // ... is fine when nothing is verified.
    client_config(&TlsSettings {
        verify_peer: false,
        ..TlsSettings::default()
    })
    .unwrap();
}

#[test]
fn ca_directory() {
    let dir = TempDir::new("capath");
    let cadir = dir.path("certs");
    fs::create_dir(&cadir).unwrap();
    let settings = TlsSettings {
        capath: Some(cadir.clone()),
        ..TlsSettings::default()
    };

    let e = setup_error(&settings);
    assert_eq!(
        e.to_string(),
        format!(
            "Error: Unable to load CA certificates, check capath \"{}\".",
            cadir.display()
        )
    );
    fs::write(cadir.join("README"), "not a certificate").unwrap();
    fs::create_dir(cadir.join("subdir")).unwrap();
    fs::write(cadir.join("0badc0de.0"), &fixture()["server.key"]).unwrap();
    assert!(matches!(setup_error(&settings), TlsSetupError::CaPath { .. }));

    // OpenSSL's hashed layout: a file and a symbolic link to it; the name does not matter.
    fs::write(cadir.join("test-ca.pem"), &fixture()["ca.crt"]).unwrap();
    std::os::unix::fs::symlink(cadir.join("test-ca.pem"), cadir.join("12345678.0")).unwrap();
    connect(&settings, "localhost", &Server::default()).unwrap();
    assert!(
        connect(
            &settings,
            "localhost",
            &Server {
                cert: "other.crt",
                ..Server::default()
            }
        )
        .is_err()
    );

    let missing = dir.path("nowhere");
    let e = setup_error(&TlsSettings {
        capath: Some(missing),
        ..TlsSettings::default()
    });
    assert!(matches!(e, TlsSetupError::CaPath { .. }), "{e:?}");
    assert!(e.detail().unwrap().contains("directory"));

    // An empty or missing capath does not matter when the cafile has a CA, or when nothing
    // is verified.
    for capath in [dir.path("certs/subdir"), dir.path("nowhere")] {
        client_config(&TlsSettings {
            capath: Some(capath.clone()),
            ..with_ca(&dir)
        })
        .unwrap();
        let unverified = TlsSettings {
            capath: Some(capath),
            verify_peer: false,
            ..TlsSettings::default()
        };
        client_config(&unverified).unwrap();
    }
}

#[test]
fn client_certificates_and_keys() {
    let dir = TempDir::new("keys");
    for (cert, key) in [
        ("client.crt", "client.key"),
        ("client.crt", "client-pkcs1.key"),
        ("client-ec.crt", "client-ec.key"),
        ("client-ec.crt", "client-sec1.key"),
    ] {
        client_config(&with_client(&dir, cert, key)).unwrap_or_else(|e| panic!("{key}: {e}"));
    }

    // Certificate and key in one file, no keyfile.
    let mut combined = fixture()["client.crt"].clone();
    combined.extend_from_slice(&fixture()["client.key"]);
    let settings = TlsSettings {
        certfile: Some(dir.put_bytes("combined.pem", &combined)),
        ..with_ca(&dir)
    };
    client_config(&settings).unwrap();

    let missing = dir.path("missing.crt");
    let e = setup_error(&TlsSettings {
        certfile: Some(missing.clone()),
        ..with_client(&dir, "client.crt", "client.key")
    });
    assert_eq!(
        e.to_string(),
        format!(
            "Error: Unable to load client certificate \"{}\".",
            missing.display()
        )
    );
    let e = setup_error(&with_client(&dir, "client.key", "client.key"));
    assert!(matches!(e, TlsSetupError::CertFile { .. }), "{e:?}");

    let missing = dir.path("missing.key");
    let e = setup_error(&TlsSettings {
        keyfile: Some(missing.clone()),
        ..with_client(&dir, "client.crt", "client.key")
    });
    assert_eq!(
        e.to_string(),
        format!("Error: Unable to load client key file \"{}\".", missing.display())
    );
    assert!(matches!(
        key_error(&TlsSettings {
            keyfile: Some(missing),
            ..with_client(&dir, "client.crt", "client.key")
        }),
        KeyError::Unreadable(_)
    ));
    assert_eq!(
        key_error(&with_client(&dir, "client.crt", "client.crt")),
        KeyError::NoKey
    );
    let broken = dir.put_bytes(
        "broken.key",
        b"-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n",
    );
    let e = key_error(&TlsSettings {
        keyfile: Some(broken),
        ..with_client(&dir, "client.crt", "client.key")
    });
    assert!(matches!(e, KeyError::Malformed(_)), "{e:?}");

    // The key of another certificate.
    let e = setup_error(&with_client(&dir, "client.crt", "client-ec.key"));
    assert!(matches!(e, TlsSetupError::KeyMismatch));
    assert_eq!(e.to_string(), "Error: Client certificate/key are inconsistent.");
    assert!(e.detail().is_none());
    let e = setup_error(&with_client(&dir, "server-rsa.crt", "client.key"));
    assert!(matches!(e, TlsSetupError::KeyMismatch));
}

#[test]
fn encrypted_keys() {
    let dir = TempDir::new("encrypted");
    let legacy = [
        ("client.crt", "client-enc-des3.key"),
        ("client.crt", "client-legacy.key"),
        ("client.crt", "client-legacy-des3.key"),
        ("client-ec.crt", "client-ec-legacy.key"),
    ];
    let scrypt = [("client.crt", "client-enc-scrypt.key")];
    let mut encrypted = vec![("client.crt", "client-enc.key")];
    let mut refused = Vec::new();
    if cfg!(feature = "tls-legacy-keys") {
        encrypted.extend(legacy);
    } else {
        refused.extend(legacy);
    }
    if cfg!(feature = "tls-scrypt-keys") {
        encrypted.extend(scrypt);
    } else {
        refused.extend(scrypt);
    }
    // Left out of this build: refused with a reason, whatever the password.
    for (cert, key) in refused {
        let settings = TlsSettings {
            password: password("secret"),
            ..with_client(&dir, cert, key)
        };
        let e = key_error(&settings);
        assert!(
            matches!(&e, KeyError::UnsupportedEncryption(why) if why.contains("this build has no")),
            "{key}: {e:?}"
        );
    }
    for (cert, key) in encrypted {
        let good = TlsSettings {
            password: password("secret"),
            ..with_client(&dir, cert, key)
        };
        client_config(&good).unwrap_or_else(|e| panic!("{key}: {e} {:?}", e.detail()));

        let wrong = TlsSettings {
            password: password("wrong"),
            ..with_client(&dir, cert, key)
        };
        let e = setup_error(&wrong);
        assert!(
            matches!(
                &e,
                TlsSetupError::KeyFile {
                    reason: KeyError::WrongPassword,
                    ..
                }
            ),
            "{key}: {e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("Error: Unable to load client key file \"")
        );
        assert_eq!(
            e.detail().unwrap(),
            "Error: wrong password for the encrypted private key (bad decrypt)."
        );

        let none = with_client(&dir, cert, key);
        assert_eq!(key_error(&none), KeyError::PasswordRequired, "{key}");
        let declined = TlsSettings {
            password: Some(Arc::new(|_| None)),
            ..with_client(&dir, cert, key)
        };
        assert_eq!(key_error(&declined), KeyError::PasswordRequired, "{key}");
    }
    if !cfg!(feature = "tls-legacy-keys") {
        return;
    }
    // A legacy key with an unknown cipher.
    let text = String::from_utf8(fixture()["client-legacy.key"].clone()).unwrap();
    let odd = text.replace("AES-256-CBC", "CAMELLIA-256-CBC");
    let settings = TlsSettings {
        keyfile: Some(dir.put_bytes("odd.key", odd.as_bytes())),
        password: password("secret"),
        ..with_client(&dir, "client.crt", "client.key")
    };
    assert_eq!(
        key_error(&settings),
        KeyError::UnsupportedEncryption("CAMELLIA-256-CBC".into())
    );

    // The decrypted key really is the client's: it authenticates.
    let settings = TlsSettings {
        password: password("secret"),
        ..with_client(&dir, "client.crt", "client-legacy.key")
    };
    connect(
        &settings,
        "localhost",
        &Server {
            client_ca: true,
            ..Server::default()
        },
    )
    .unwrap();
}

#[test]
fn small_decoders() {
    assert_eq!(hex_decode(b"00fF10").unwrap(), [0, 255, 16]);
    assert!(hex_decode(b"0").is_none() && hex_decode(b"zz").is_none());
    assert!(is_der_sequence(&[0x30, 0x01, 0x00]));
    assert!(is_der_sequence(&[0x30, 0x81, 0x01, 0x00]));
    assert!(!is_der_sequence(&[0x30, 0x02, 0x00]));
    assert!(!is_der_sequence(&[0x30, 0x85, 0, 0, 0, 0, 1]));
    assert!(!is_der_sequence(&[0x04, 0x00]));
    assert!(!is_der_sequence(&[0x30]));
    assert_eq!(
        format_time(UnixTime::since_unix_epoch(std::time::Duration::ZERO)),
        "1970-01-01 00:00:00 UTC"
    );
    assert_eq!(
        format_time(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            1_580_515_200 + 3_723
        ))),
        "2020-02-01 01:02:03 UTC"
    );
    assert_eq!(
        format_time(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            951_782_400
        ))),
        "2000-02-29 00:00:00 UTC"
    );
    assert_eq!(
        alert_name(AlertDescription::HandshakeFailure),
        "handshake failure"
    );
    assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown ca");
    assert_eq!(
        alert_name(AlertDescription::CertificateRequired),
        "certificate required"
    );
}

// --- handshakes ---------------------------------------------------------------------------

#[test]
fn os_certificates() {
    // The system store may be empty on a build machine: either it loads, or the error says so.
    let settings = TlsSettings {
        use_os_certs: true,
        ..TlsSettings::default()
    };
    assert!(settings.enabled());
    match client_config(&settings) {
        Ok(_) => {}
        Err(e) => assert!(matches!(e, TlsSetupError::OsCerts { .. }), "{e:?}"),
    }
}

/// Keys encrypted by the `openssl` command itself (when it is installed): PBES2 with the PRFs
/// and ciphers OpenSSL offers, and its traditional encryption.
#[test]
fn keys_encrypted_by_openssl() {
    let dir = TempDir::new("openssl-keys");
    let plain = dir.path("plain.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(&plain)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no usable openssl command");
        return;
    }
    // (file, openssl pkey/pkcs8 arguments, needs tls-legacy-keys)
    let cases: [(&str, &[&str], bool); 6] = [
        ("default.pem", &["pkey", "-aes256"], false),
        (
            "aes128-sha1.pem",
            &["pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
            false,
        ),
        (
            "aes192-sha384.pem",
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-192-cbc",
                "-v2prf",
                "hmacWithSHA384",
            ],
            false,
        ),
        (
            "aes256-sha512.pem",
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-v2prf",
                "hmacWithSHA512",
            ],
            false,
        ),
        ("des3.pem", &["pkcs8", "-topk8", "-v2", "des3"], true),
        ("traditional.pem", &["pkey", "-traditional", "-aes128"], true),
    ];
    for (file, args, legacy) in cases {
        let out = dir.path(file);
        let status = std::process::Command::new("openssl")
            .args(args)
            .arg("-in")
            .arg(&plain)
            .args(["-passout", "pass:secret", "-out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "openssl {args:?}");
        let loaded = load_key(&out, password("secret").as_ref());
        if legacy && !cfg!(feature = "tls-legacy-keys") {
            assert!(
                matches!(loaded, Err(KeyError::UnsupportedEncryption(_))),
                "{file}"
            );
            continue;
        }
        assert!(loaded.is_ok(), "{file}: {loaded:?}");
        let wrong = load_key(&out, password("wrong").as_ref());
        assert!(matches!(wrong, Err(KeyError::WrongPassword)), "{file}: {wrong:?}");
    }
}
