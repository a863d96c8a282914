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
pub(super) struct Tlv<'a> {
    pub(super) tag: u8,
    pub(super) value: &'a [u8],
    pub(super) rest: &'a [u8],
}

pub(super) fn tlv(data: &[u8]) -> Option<Tlv<'_>> {
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
pub(super) fn children(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
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

/// The subject of a DER certificate.
fn subject(der: &[u8]) -> Option<Tlv<'_>> {
    let cert = tlv(der)?;
    if cert.tag != SEQUENCE {
        return None;
    }
    let tbs = tlv(cert.value)?;
    if tbs.tag != SEQUENCE {
        return None;
    }
    let mut fields = children(tbs.value)?.into_iter();
    if fields.next()?.tag == VERSION {
        let _serial = fields.next()?;
    }
    let _signature = fields.next()?;
    let _issuer = fields.next()?;
    let _validity = fields.next()?;
    fields.next()
}

/// The short names OpenSSL prints for the usual attribute types, by OID value bytes.
const SHORT_NAMES: &[(&[u8], &str)] = &[
    (&[0x55, 0x04, 0x03], "CN"),
    (&[0x55, 0x04, 0x04], "SN"),
    (&[0x55, 0x04, 0x05], "serialNumber"),
    (&[0x55, 0x04, 0x06], "C"),
    (&[0x55, 0x04, 0x07], "L"),
    (&[0x55, 0x04, 0x08], "ST"),
    (&[0x55, 0x04, 0x09], "street"),
    (&[0x55, 0x04, 0x0a], "O"),
    (&[0x55, 0x04, 0x0b], "OU"),
    (&[0x55, 0x04, 0x0c], "title"),
    (&[0x55, 0x04, 0x2a], "GN"),
    (&[0x55, 0x04, 0x2b], "initials"),
    (&[0x55, 0x04, 0x2e], "dnQualifier"),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
        "emailAddress",
    ),
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
        "DC",
    ),
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
        "UID",
    ),
];

/// An OID in dotted form.
fn dotted(oid: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut value: u64 = 0;
    for (i, &b) in oid.iter().enumerate() {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (value / 40).min(2);
                parts.push(first);
                parts.push(value - first * 40);
            } else {
                parts.push(value);
            }
            value = 0;
        } else if i + 1 == oid.len() {
            return String::new();
        }
    }
    parts.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// A value escaped as RFC 2253 asks: `,+"\<>;` and a leading `#` or space or a trailing space
/// get a backslash.
fn escape_rfc2253(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The subject of a DER certificate in RFC 2253 form (`CN=client,O=Example,C=GB`: the last
/// relative name first, multi-valued ones joined with `+`), as OpenSSL prints it; a value that
/// is not a string is written `#` and its DER in hex. `None` if it cannot be read.
pub(crate) fn subject_rfc2253(der: &[u8]) -> Option<String> {
    let subject = subject(der)?;
    let mut rdns = Vec::new();
    for rdn in children(subject.value)? {
        if rdn.tag != SET {
            return None;
        }
        let mut parts = Vec::new();
        for attribute in children(rdn.value)? {
            let fields = children(attribute.value)?;
            let [oid, value, ..] = fields.as_slice() else {
                return None;
            };
            if oid.tag != OID {
                return None;
            }
            let name = SHORT_NAMES
                .iter()
                .find(|(o, _)| *o == oid.value)
                .map_or_else(|| dotted(oid.value), |(_, n)| (*n).to_owned());
            let shown = match text(value) {
                Some(t) => escape_rfc2253(&t),
                None => {
                    let whole = &attribute.value[oid.value.len() + 2..];
                    let der_len = whole.len() - value.rest.len();
                    let hex: String = whole[..der_len].iter().map(|b| format!("{b:02X}")).collect();
                    format!("#{hex}")
                }
            };
            parts.push(format!("{name}={shown}"));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(","))
}

/// The parts of a certificate that checking its signature and dates needs.
#[derive(Debug)]
pub(crate) struct CertParts<'a> {
    /// 0 for X.509 v1 (no version field), 2 for v3.
    pub(crate) version: u8,
    /// The whole `tbsCertificate` element: what the signature covers.
    pub(crate) tbs: &'a [u8],
    /// The OID (value bytes) of the signature algorithm.
    pub(crate) signature_algorithm: &'a [u8],
    /// The signature bits.
    pub(crate) signature: &'a [u8],
    /// The issuer and subject names, whole elements.
    pub(crate) issuer: &'a [u8],
    pub(crate) subject: &'a [u8],
    /// Validity, as Unix seconds.
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    /// The whole `subjectPublicKeyInfo` element.
    pub(crate) spki: &'a [u8],
}

/// The whole element (tag, length and value) `t` was read from, given the data it started.
fn whole<'a>(start: &'a [u8], t: &Tlv<'a>) -> &'a [u8] {
    &start[..start.len() - t.rest.len()]
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A UTCTime or GeneralizedTime (`Z` form) as Unix seconds.
fn time(t: &Tlv<'_>) -> Option<i64> {
    let text = std::str::from_utf8(t.value).ok()?.strip_suffix('Z')?;
    let (year, rest) = match t.tag {
        0x17 if text.len() == 12 => {
            let yy: i64 = text[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        0x18 if text.len() == 14 => (text[..4].parse().ok()?, &text[4..]),
        _ => return None,
    };
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |i: usize| rest[i..i + 2].parse::<i64>().ok();
    let (month, day, hour, minute, second) = (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Split a DER certificate into [`CertParts`]; `None` if it cannot be read.
pub(crate) fn cert_parts(der: &[u8]) -> Option<CertParts<'_>> {
    let cert = tlv(der)?;
    if cert.tag != SEQUENCE {
        return None;
    }
    let tbs_tlv = tlv(cert.value)?;
    let tbs = whole(cert.value, &tbs_tlv);
    let algorithm = tlv(tbs_tlv.rest)?;
    let signature_bits = tlv(algorithm.rest)?;
    if tbs_tlv.tag != SEQUENCE || algorithm.tag != SEQUENCE || signature_bits.tag != 0x03 {
        return None;
    }
    let signature_algorithm = tlv(algorithm.value).filter(|t| t.tag == OID)?.value;
    let (&unused, signature) = signature_bits.value.split_first()?;
    if unused != 0 {
        return None;
    }
    // Each element of the tbsCertificate with the data it starts (for whole elements).
    let mut fields = Vec::new();
    let mut data = tbs_tlv.value;
    while !data.is_empty() {
        let t = tlv(data)?;
        let start = data;
        data = t.rest;
        fields.push((t, start));
    }
    let mut fields = fields.into_iter();
    let (mut first, _) = fields.next()?;
    let mut version = 0;
    if first.tag == VERSION {
        version = *tlv(first.value)?.value.last()?;
        first = fields.next()?.0;
    }
    let _serial = first;
    let _signature = fields.next()?;
    let (issuer_tlv, issuer_start) = fields.next()?;
    let (validity, _) = fields.next()?;
    let (subject_tlv, subject_start) = fields.next()?;
    let (spki_tlv, spki_start) = fields.next()?;
    let times = children(validity.value)?;
    let [not_before, not_after] = times.as_slice() else {
        return None;
    };
    Some(CertParts {
        version,
        tbs,
        signature_algorithm,
        signature,
        issuer: whole(issuer_start, &issuer_tlv),
        subject: whole(subject_start, &subject_tlv),
        not_before: time(not_before)?,
        not_after: time(not_after)?,
        spki: whole(spki_start, &spki_tlv),
    })
}

/// A `subjectPublicKeyInfo`: the key algorithm OID, its parameter (the curve OID for EC
/// keys, empty otherwise) and the key bits.
pub(crate) fn spki_parts(spki: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let outer = tlv(spki)?;
    let algorithm = tlv(outer.value)?;
    let bits = tlv(algorithm.rest)?;
    if outer.tag != SEQUENCE || algorithm.tag != SEQUENCE || bits.tag != 0x03 {
        return None;
    }
    let oid = tlv(algorithm.value).filter(|t| t.tag == OID)?;
    let parameter = tlv(oid.rest)
        .filter(|t| t.tag == OID)
        .map_or(&[][..], |t| t.value);
    let (&unused, key) = bits.value.split_first()?;
    (unused == 0).then_some((oid.value, parameter, key))
}

/// The first common name of a certificate's subject, if it is UTF-8 text.
pub(crate) fn common_name(der: &[u8]) -> Option<String> {
    names(der)?.common_names.into_iter().next()
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
    fn rfc2253_escapes_and_order() {
        assert_eq!(escape_rfc2253("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape_rfc2253("#x "), "\\#x\\ ");
        assert_eq!(escape_rfc2253(" lead"), "\\ lead");
        assert_eq!(escape_rfc2253("plain name"), "plain name");
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]),
            "1.2.840.113549.1.9.1"
        );
        // Issuer name C=GB, then O=Org, then CN=x: printed last first.
        let name = [
            0x30, 0x2a, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'G', b'B', 0x31,
            0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, b'O', b'r', b'g', 0x31, 0x0d, 0x30,
            0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, b'a', b',', b'b', b' ',
        ];
        let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x00];
        tbs.extend_from_slice(&name); // issuer
        tbs.extend_from_slice(&[0x30, 0x00]); // validity (not read here)
        tbs.extend_from_slice(&name); // subject
        let mut cert = vec![0x30, tbs.len() as u8];
        cert.extend_from_slice(&tbs);
        let mut der = vec![0x30, cert.len() as u8];
        der.extend_from_slice(&cert);
        assert_eq!(subject_rfc2253(&der).as_deref(), Some("CN=a\\,b\\ ,O=Org,C=GB"));
    }

    #[test]
    fn certificate_times() {
        let utc = Tlv {
            tag: 0x17,
            value: b"491231235959Z",
            rest: &[],
        };
        assert_eq!(time(&utc), Some(2_524_607_999));
        let generalized = Tlv {
            tag: 0x18,
            value: b"20990101000000Z",
            rest: &[],
        };
        assert_eq!(time(&generalized), Some(4_070_908_800));
        let old = Tlv {
            tag: 0x17,
            value: b"700101000000Z",
            rest: &[],
        };
        assert_eq!(time(&old), Some(0));
        let bad = Tlv {
            tag: 0x17,
            value: b"7001010000Z",
            rest: &[],
        };
        assert_eq!(time(&bad), None);
    }

    #[test]
    fn garbage_is_no_certificate() {
        assert_eq!(names(&[]), None);
        assert_eq!(names(&[0x30, 0x05, 0x30]), None);
        assert_eq!(names(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(names(&[0x04, 0x00]), None);
    }
}
