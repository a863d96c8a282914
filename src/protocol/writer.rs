//! Appending MQTT field encodings to a `Vec<u8>`.
//!
//! Encoding cannot fail: the layers above check lengths (topic and string lengths up to 65535
//! bytes, payloads up to [`MAX_REMAINING_LENGTH`](super::MAX_REMAINING_LENGTH)) before they build
//! a packet. Should a longer string or binary field get through anyway, it is cut to 65535
//! bytes so that the length prefix still matches what follows, and the `*_len` functions here
//! agree with what the `put_*` functions write.

/// The number of bytes [`put_varint`] writes for `value`.
pub fn varint_len(value: u32) -> usize {
    match value {
        0..=0x7F => 1,
        0x80..=0x3FFF => 2,
        0x4000..=0x1F_FFFF => 3,
        0x20_0000..=0x0FFF_FFFF => 4,
        _ => 5,
    }
}

/// [`varint_len`] for a `usize` length (values above `u32::MAX` count as five bytes).
pub fn varint_len_usize(value: usize) -> usize {
    u32::try_from(value).map_or(5, varint_len)
}

/// Append a variable byte integer (MQTT 5.0 section 1.5.5).
///
/// Values above 268,435,455 do not fit the four bytes MQTT allows; they are written with a
/// fifth byte, which any peer will reject. Callers check sizes first.
pub fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Append a `usize` length as a variable byte integer (saturating at `u32::MAX`).
pub fn put_varint_usize(out: &mut Vec<u8>, value: usize) {
    put_varint(out, u32::try_from(value).unwrap_or(u32::MAX));
}

/// Append a big-endian two-byte integer.
pub fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Append a big-endian four-byte integer.
pub fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// The part of `data` that fits a two-byte length prefix.
fn clamp(data: &[u8]) -> &[u8] {
    data.get(..usize::from(u16::MAX)).unwrap_or(data)
}

/// The size of a binary field or string: two length bytes plus the data.
pub fn binary_len(data: &[u8]) -> usize {
    2 + clamp(data).len()
}

/// Append binary data: a two-byte length, then the bytes.
pub fn put_binary(out: &mut Vec<u8>, data: &[u8]) {
    let data = clamp(data);
    put_u16(out, u16::try_from(data.len()).unwrap_or(u16::MAX));
    out.extend_from_slice(data);
}

/// Append a UTF-8 string: a two-byte length, then the bytes.
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_binary(out, s.as_bytes());
}

/// Append a fixed header: the first byte and the remaining length.
pub fn put_fixed_header(out: &mut Vec<u8>, first_byte: u8, remaining_length: usize) {
    out.push(first_byte);
    put_varint_usize(out, remaining_length);
}

/// The size of a whole packet with a body of `remaining_length` bytes.
pub fn packet_len(remaining_length: usize) -> usize {
    1 + varint_len_usize(remaining_length) + remaining_length
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::reader::Reader;

    #[test]
    fn varint_boundaries_round_trip() {
        for value in [
            0u32,
            1,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            268_435_455,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(out.len(), varint_len(value), "{value}");
            let mut r = Reader::new(&out);
            assert_eq!(r.varint(), Ok(value));
            assert!(r.is_empty());
        }
        let mut out = Vec::new();
        put_varint(&mut out, 321);
        assert_eq!(out, [0xC1, 0x02]);
    }

    #[test]
    fn oversize_varint_is_five_bytes() {
        let mut out = Vec::new();
        put_varint(&mut out, 268_435_456);
        assert_eq!(out.len(), 5);
        assert_eq!(varint_len(268_435_456), 5);
        assert_eq!(varint_len(u32::MAX), 5);
    }

    #[test]
    fn strings_and_binary() {
        let mut out = Vec::new();
        put_str(&mut out, "MQTT");
        put_binary(&mut out, &[]);
        put_u16(&mut out, 0xBEEF);
        put_u32(&mut out, 0x0102_0304);
        assert_eq!(out, [0, 4, b'M', b'Q', b'T', b'T', 0, 0, 0xBE, 0xEF, 1, 2, 3, 4]);
        assert_eq!(binary_len(b"MQTT"), 6);
    }

    #[test]
    fn overlong_binary_is_clamped_consistently() {
        let data = vec![0x55; 70_000];
        let mut out = Vec::new();
        put_binary(&mut out, &data);
        assert_eq!(out.len(), binary_len(&data));
        assert_eq!(out.len(), 2 + 65_535);
        assert_eq!(Reader::new(&out).binary().map(<[u8]>::len), Ok(65_535));
    }
}
