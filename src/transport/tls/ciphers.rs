//! OpenSSL cipher lists (`mosquitto_tls_opts_set`) mapped onto the suites rustls offers.

use super::*;

/// One cipher suite of the ring provider, with its OpenSSL and IANA names.
struct KnownSuite {
    openssl: &'static str,
    iana: &'static str,
    suite: SupportedCipherSuite,
}

impl KnownSuite {
    fn is_tls13(&self) -> bool {
        matches!(self.suite, SupportedCipherSuite::Tls13(_))
    }
}

fn known_suites() -> [KnownSuite; 9] {
    use rustls::crypto::ring::cipher_suite as cs;
    [
        KnownSuite {
            openssl: "TLS_AES_256_GCM_SHA384",
            iana: "TLS_AES_256_GCM_SHA384",
            suite: cs::TLS13_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "TLS_AES_128_GCM_SHA256",
            iana: "TLS_AES_128_GCM_SHA256",
            suite: cs::TLS13_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "TLS_CHACHA20_POLY1305_SHA256",
            iana: "TLS_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS13_CHACHA20_POLY1305_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-AES256-GCM-SHA384",
            iana: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-AES128-GCM-SHA256",
            iana: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
            iana: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-AES256-GCM-SHA384",
            iana: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-AES128-GCM-SHA256",
            iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        },
        KnownSuite {
            openssl: "ECDHE-RSA-CHACHA20-POLY1305",
            iana: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        },
    ]
}

/// The TLS 1.2 suites an OpenSSL keyword stands for (all of ours use ECDHE and an AEAD).
fn keyword_matches(keyword: &str, suite: &KnownSuite) -> bool {
    if suite.is_tls13() {
        return false;
    }
    let name = suite.openssl;
    match keyword.to_ascii_uppercase().as_str() {
        "ALL" | "DEFAULT" | "HIGH" | "ECDHE" | "EECDH" | "KECDHE" | "KEECDH" | "AEAD" | "TLSV1.2" => true,
        "AECDSA" | "ECDSA" => name.contains("-ECDSA-"),
        "ARSA" => name.contains("-RSA-"),
        "AESGCM" => name.contains("-GCM-"),
        "AES" => name.contains("-AES"),
        "AES128" => name.contains("-AES128-"),
        "AES256" => name.contains("-AES256-"),
        "CHACHA20" => name.contains("-CHACHA20-"),
        _ => false,
    }
}

/// Indices into `table` of the suites one list item (without its `!`/`-`/`+` prefix) selects:
/// a suite name, a keyword, or keywords and names joined with `+` (their intersection).
fn item_matches(item: &str, table: &[KnownSuite]) -> Vec<usize> {
    (0..table.len())
        .filter(|&i| {
            let suite = &table[i];
            item.split('+').all(|part| {
                part.eq_ignore_ascii_case(suite.openssl)
                    || part.eq_ignore_ascii_case(suite.iana)
                    || keyword_matches(part, suite)
            })
        })
        .collect()
}

/// The suites a cipher list selects, in the order the list gives them, or `None` when it
/// selects no suite this library supports. See [`check_ciphers`] for the rules.
pub(super) fn select_suites(list: &str) -> Option<Vec<SupportedCipherSuite>> {
    let table = known_suites();
    let mut chosen: Vec<usize> = Vec::new();
    let mut banned: HashSet<usize> = HashSet::new();
    for item in list.split([':', ',', ' ']).filter(|s| !s.is_empty()) {
        let (op, name) = match item.as_bytes()[0] {
            b'!' | b'-' | b'+' => (item.as_bytes()[0], &item[1..]),
            _ => (b'=', item),
        };
        if name.is_empty() || name.starts_with('@') {
            continue; // @STRENGTH, @SECLEVEL=n: nothing to do here.
        }
        let selected = item_matches(name, &table);
        match op {
            b'!' => {
                chosen.retain(|i| !selected.contains(i));
                banned.extend(selected);
            }
            b'-' => chosen.retain(|i| !selected.contains(i)),
            b'+' => {
                let (moved, mut kept): (Vec<usize>, Vec<usize>) =
                    chosen.iter().partition(|i| selected.contains(i));
                kept.extend(moved);
                chosen = kept;
            }
            _ => {
                for i in selected {
                    if !banned.contains(&i) && !chosen.contains(&i) {
                        chosen.push(i);
                    }
                }
            }
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let names_tls13 = chosen.iter().any(|&i| table[i].is_tls13());
    let mut suites: Vec<SupportedCipherSuite> = if names_tls13 {
        chosen
            .iter()
            .filter(|&&i| table[i].is_tls13())
            .map(|&i| table[i].suite)
            .collect()
    } else {
        table.iter().filter(|s| s.is_tls13()).map(|s| s.suite).collect()
    };
    suites.extend(
        chosen
            .iter()
            .filter(|&&i| !table[i].is_tls13())
            .map(|&i| table[i].suite),
    );
    Some(suites)
}

/// Whether `mosquitto_tls_opts_set` accepts this cipher list: true when it selects at least one
/// cipher suite this library supports.
///
/// The list is split at `:`, `,` and spaces. Each item is one of
/// - an OpenSSL suite name: `ECDHE-ECDSA-AES256-GCM-SHA384`, `ECDHE-ECDSA-AES128-GCM-SHA256`,
///   `ECDHE-ECDSA-CHACHA20-POLY1305`, `ECDHE-RSA-AES256-GCM-SHA384`,
///   `ECDHE-RSA-AES128-GCM-SHA256`, `ECDHE-RSA-CHACHA20-POLY1305` (TLS 1.2) and
///   `TLS_AES_256_GCM_SHA384`, `TLS_AES_128_GCM_SHA256`, `TLS_CHACHA20_POLY1305_SHA256`
///   (TLS 1.3), or the IANA name of one of those (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`);
/// - a keyword for a group of the TLS 1.2 suites: `ALL`, `DEFAULT`, `HIGH`, `ECDHE`, `EECDH`,
///   `kECDHE`, `kEECDH`, `AEAD`, `TLSv1.2` (all six), `aECDSA`/`ECDSA`, `aRSA`, `AESGCM`, `AES`,
///   `AES128`, `AES256`, `CHACHA20`;
/// - names and keywords joined with `+`, selecting the suites that match all of them
///   (`ECDHE+AESGCM`).
///
/// A plain item adds its suites; `!item` removes them for good, `-item` removes them (a later
/// item may add them back), `+item` moves them to the end; `@STRENGTH` and `@SECLEVEL=n` are
/// ignored, and so is any other name (it selects nothing: `!aNULL`, `!MD5`, `RC4`, ...), as
/// OpenSSL does. Matching ignores case. The order of the list is the order of preference.
///
/// As with OpenSSL, a list that names no TLS 1.3 suite leaves all TLS 1.3 suites enabled;
/// naming TLS 1.3 suites restricts TLS 1.3 to those. The TLS 1.2 suites are exactly those
/// selected (none, if the list names only TLS 1.3 suites).
pub(crate) fn check_ciphers(list: &str) -> bool {
    select_suites(list).is_some()
}
