//! Helpers shared by the codec's unit tests.

use super::packet::{Packet, decode, decode_packet, parse_fixed_header};
use super::{DecodeError, ProtocolVersion};

/// Bytes from a readable form: hex bytes and `'quoted'` ASCII words separated by spaces,
/// e.g. `"10 0c 00 04 'MQTT' 04"`.
pub(crate) fn wire(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for token in s.split_whitespace() {
        if let Some(text) = token.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            out.extend_from_slice(text.as_bytes());
        } else {
            out.push(u8::from_str_radix(token, 16).unwrap_or_else(|_| panic!("bad hex {token}")));
        }
    }
    out
}

/// Split a complete packet into its first byte and body.
pub(crate) fn split(bytes: &[u8]) -> (u8, &[u8]) {
    let header = parse_fixed_header(bytes).unwrap().unwrap();
    assert_eq!(
        header.packet_len(),
        bytes.len(),
        "remaining length of {bytes:02x?}"
    );
    (header.first_byte, &bytes[header.header_len..])
}

/// `packet` encodes to exactly `bytes` for `version`, and `bytes` decodes back to `packet`;
/// every prefix of `bytes` is an incomplete frame; no shorter body decodes to `packet`.
pub(crate) fn check_round_trip(packet: &Packet, version: ProtocolVersion, bytes: &[u8]) {
    let mut out = vec![0xAA];
    packet.encode(version, &mut out);
    assert_eq!(&out[1..], bytes, "encoding of {packet:?} ({version:?})");
    assert_eq!(
        packet.encoded_len(version),
        bytes.len(),
        "encoded_len of {packet:?}"
    );
    assert_eq!(packet.first_byte(), bytes[0]);

    let (first_byte, body) = split(bytes);
    assert_eq!(
        decode(first_byte, body, version).as_ref(),
        Ok(packet),
        "decoding {bytes:02x?}"
    );

    let mut stream = bytes.to_vec();
    stream.extend_from_slice(&[0xC0, 0x00]);
    assert_eq!(
        decode_packet(&stream, version),
        Ok(Some((packet.clone(), bytes.len())))
    );
    for n in 0..bytes.len() {
        assert_eq!(decode_packet(&bytes[..n], version), Ok(None), "frame prefix {n}");
    }
    for n in 0..body.len() {
        assert_ne!(
            decode(first_byte, &body[..n], version).as_ref(),
            Ok(packet),
            "body prefix {n}"
        );
    }
}

/// Every shorter body of the packet `bytes` fails to decode.
pub(crate) fn assert_all_truncations_fail(bytes: &[u8], version: ProtocolVersion) {
    let (first_byte, body) = split(bytes);
    for n in 0..body.len() {
        let r = decode(first_byte, &body[..n], version);
        assert!(r.is_err(), "body prefix {n} of {bytes:02x?} decoded to {r:?}");
    }
}

/// Decoding `body` either fails or gives a packet that encodes to bytes which decode to the
/// same packet.
pub(crate) fn assert_consistent(
    first_byte: u8,
    body: &[u8],
    version: ProtocolVersion,
) -> Result<Packet, DecodeError> {
    let r = decode(first_byte, body, version);
    if let Ok(packet) = &r {
        let mut out = Vec::new();
        packet.encode(version, &mut out);
        assert_eq!(out.len(), packet.encoded_len(version));
        let (fb, b) = split(&out);
        assert_eq!(
            decode(fb, b, version).as_ref(),
            Ok(packet),
            "re-decoding {out:02x?}"
        );
    }
    r
}

/// A tiny xorshift generator, so that the random tests need no dependency and repeat exactly.
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub(crate) fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
}
