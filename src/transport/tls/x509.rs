//! The few facts about an X.509 certificate that the host-name check needs beyond what the
//! certificate verifier exposes: the DNS names of its subject alternative name extension and the
//! common names of its subject. A small DER reader; anything it does not understand makes the
//! certificate count as having no usable names (the check then fails, as it would without this).

#![forbid(unsafe_code)]

/// `id-at-commonName` (2.5.4.3).
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// `id-ce-subjectAltName` (2.5.29.17).
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const OCTET_STRING: u8 = 0x04;
const BOOLEAN: u8 = 0x01;
/// `[0]` constructed: the version of a v3 certificate.
const VERSION: u8 = 0xa0;
/// `[3]` constructed: the extensions.
const EXTENSIONS: u8 = 0xa3;
/// `[2]` primitive in GeneralName: a dNSName.
const DNS_NAME: u8 = 0x82;

/// The names of a certificate that host-name checks look at.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Names {
    /// `dNSName` entries of the subject alternative name extension.
    pub(crate) dns: Vec<String>,
    /// Common names of the subject, in order.
    pub(crate) common_names: Vec<String>,
}

/// One DER element: its tag and contents; `rest` follows it.
struct Tlv<'a> {
    tag: u8,
    value: &'a [u8],
    rest: &'a [u8],
}

fn tlv(data: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, data) = data.split_first()?;
    let (&first, mut data) = data.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || data.len() < n {
            return None;
        }
        let mut len = 0usize;
        for &b in &data[..n] {
            len = (len << 8) | usize::from(b);
        }
        data = &data[n..];
        len
    };
    if data.len() < len {
        return None;
    }
    let (value, rest) = data.split_at(len);
    Some(Tlv { tag, value, rest })
}

/// The elements of a constructed value, in order; `None` if any is malformed.
fn children(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let t = tlv(data)?;
        data = t.rest;
        out.push(t);
    }
    Some(out)
}

/// A string attribute value as text (UTF8String, PrintableString, IA5String, TeletexString
/// holding ASCII); other kinds are skipped.
fn text(t: &Tlv<'_>) -> Option<String> {
    match t.tag {
        0x0c | 0x13 | 0x16 => std::str::from_utf8(t.value).ok().map(str::to_owned),
        0x14 if t.value.is_ascii() => std::str::from_utf8(t.value).ok().map(str::to_owned),
        _ => None,
    }
}

/// Read the names of a DER certificate; `None` if it cannot be read.
pub(crate) fn names(der: &[u8]) -> Option<Names> {
    let cert = tlv(der)?;
    if cert.tag != SEQUENCE {
        return None;
    }
    let tbs = tlv(cert.value)?;
    if tbs.tag != SEQUENCE {
        return None;
    }
    let mut fields = children(tbs.value)?.into_iter();
    // [version], serial number, signature algorithm, issuer, validity, then the subject.
    if fields.next()?.tag == VERSION {
        let _serial = fields.next()?;
    }
    let _signature = fields.next()?;
    let _issuer = fields.next()?;
    let _validity = fields.next()?;
    let subject = fields.next()?;
    let mut names = Names::default();
    for rdn in children(subject.value)? {
        if rdn.tag != SET {
            return None;
        }
        for attribute in children(rdn.value)? {
            let parts = children(attribute.value)?;
            if let [oid, value, ..] = parts.as_slice() {
                if oid.tag == OID && oid.value == OID_COMMON_NAME {
                    if let Some(cn) = text(value) {
                        names.common_names.push(cn);
                    }
                }
            }
        }
    }
    for rest in fields {
        if rest.tag != EXTENSIONS {
            continue;
        }
        let list = tlv(rest.value)?;
        for extension in children(list.value)? {
            let parts = children(extension.value)?;
            let mut parts = parts.iter();
            let Some(oid) = parts.next() else { continue };
            if oid.tag != OID || oid.value != OID_SUBJECT_ALT_NAME {
                continue;
            }
            let mut value = parts.next()?;
            if value.tag == BOOLEAN {
                value = parts.next()?;
            }
            if value.tag != OCTET_STRING {
                return None;
            }
            let general_names = tlv(value.value)?;
            for name in children(general_names.value)? {
                if name.tag == DNS_NAME {
                    names.dns.push(String::from_utf8_lossy(name.value).into_owned());
                }
            }
        }
    }
    Some(names)
}

/// Whether `pattern`, a name from a certificate, names `host`: equal ignoring ASCII case, or a
/// `*.` wildcard standing for exactly one non-empty left-most label, with at least two labels
/// after it (`*.example.com` names `a.example.com`, not `example.com`, not `a.b.example.com`).
pub(crate) fn name_matches(pattern: &str, host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    if let Some(suffix) = pattern.strip_prefix("*.") {
        if suffix.contains('*') || !suffix.contains('.') {
            return false;
        }
        return match host.split_once('.') {
            Some((label, rest)) => !label.is_empty() && rest.eq_ignore_ascii_case(suffix),
            None => false,
        };
    }
    !pattern.contains('*') && pattern.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_left_most_label() {
        assert!(name_matches("localhost", "LocalHost"));
        assert!(name_matches("*.example.test", "a.example.test"));
        assert!(name_matches("*.Example.Test.", "a.example.test"));
        assert!(!name_matches("*.example.test", "example.test"));
        assert!(!name_matches("*.example.test", "a.b.example.test"));
        assert!(!name_matches("*.test", "a.test"), "at least two labels after *.");
        assert!(!name_matches("a*.example.test", "ab.example.test"));
        assert!(!name_matches("*.*.test", "a.b.test"));
        assert!(!name_matches("other", "localhost"));
    }

    #[test]
    fn garbage_is_no_certificate() {
        assert_eq!(names(&[]), None);
        assert_eq!(names(&[0x30, 0x05, 0x30]), None);
        assert_eq!(names(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(names(&[0x04, 0x00]), None);
    }
}
