//! A bounds-checked cursor over a packet body.
//!
//! Every read returns a `Result`: reading past the end is [`DecodeError::Truncated`], a variable
//! byte integer longer than four bytes is [`DecodeError::BadVarint`] and a string that breaks the
//! MQTT UTF-8 rules is [`DecodeError::Utf8`]. Nothing here indexes into the input or panics.

use super::{DecodeError, utf8};

/// Reads fields from a byte slice; every method fails with [`DecodeError::Truncated`] instead of
/// reading past the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader positioned at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// The bytes not read yet.
    fn rest_slice(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.rest_slice().len()
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// How many bytes have been read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let out = self.rest_slice().get(..n).ok_or(DecodeError::Truncated)?;
        self.pos += n;
        Ok(out)
    }

    /// Everything that is left (possibly nothing).
    pub fn rest(&mut self) -> &'a [u8] {
        let out = self.rest_slice();
        self.pos += out.len();
        out
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        self.take(N)?.try_into().map_err(|_| DecodeError::Truncated)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    /// A big-endian two-byte integer.
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A big-endian four-byte integer.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A variable byte integer (MQTT 5.0 section 1.5.5): one to four bytes, seven bits each,
    /// least significant group first. A fifth byte is [`DecodeError::BadVarint`]. Non-minimal
    /// encodings are accepted, as libmosquitto accepts them.
    pub fn varint(&mut self) -> Result<u32, DecodeError> {
        let mut value = 0u32;
        for shift in [0u32, 7, 14, 21] {
            let byte = self.u8()?;
            value |= u32::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::BadVarint)
    }

    /// Binary data: a two-byte length, then that many bytes.
    pub fn binary(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// A UTF-8 encoded string: a two-byte length, then that many bytes, which must pass the MQTT
    /// string rules ([`utf8::validate`]).
    pub fn utf8_string(&mut self) -> Result<&'a str, DecodeError> {
        let bytes = self.binary()?;
        if !utf8::validate(bytes) {
            return Err(DecodeError::Utf8);
        }
        std::str::from_utf8(bytes).map_err(|_| DecodeError::Utf8)
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless every byte has been read.
    pub fn expect_end(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_integers() {
        let mut r = Reader::new(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);
        assert_eq!(r.u8(), Ok(1));
        assert_eq!(r.u16(), Ok(0x0203));
        assert_eq!(r.u32(), Ok(0x0405_0607));
        assert!(r.is_empty());
        assert_eq!(r.u8(), Err(DecodeError::Truncated));
        assert_eq!(r.u16(), Err(DecodeError::Truncated));
        assert_eq!(r.u32(), Err(DecodeError::Truncated));
    }

    #[test]
    fn short_reads_do_not_advance() {
        let mut r = Reader::new(&[0xAB]);
        assert_eq!(r.u16(), Err(DecodeError::Truncated));
        assert_eq!(r.position(), 0);
        assert_eq!(r.u8(), Ok(0xAB));
        assert_eq!(r.take(1), Err(DecodeError::Truncated));
        assert_eq!(r.take(0), Ok(&[][..]));
    }

    #[test]
    fn varints() {
        // MQTT 5.0 section 1.5.5 boundary values.
        let cases: &[(&[u8], u32)] = &[
            (&[0x00], 0),
            (&[0x7F], 127),
            (&[0x80, 0x01], 128),
            (&[0xFF, 0x7F], 16_383),
            (&[0x80, 0x80, 0x01], 16_384),
            (&[0xFF, 0xFF, 0x7F], 2_097_151),
            (&[0x80, 0x80, 0x80, 0x01], 2_097_152),
            (&[0xFF, 0xFF, 0xFF, 0x7F], 268_435_455),
            // Non-minimal, but accepted.
            (&[0x80, 0x00], 0),
        ];
        for (bytes, value) in cases {
            let mut r = Reader::new(bytes);
            assert_eq!(r.varint(), Ok(*value), "{bytes:02x?}");
            assert!(r.is_empty());
        }
        assert_eq!(
            Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF, 0x01]).varint(),
            Err(DecodeError::BadVarint)
        );
        assert_eq!(Reader::new(&[0x80, 0x80]).varint(), Err(DecodeError::Truncated));
        assert_eq!(Reader::new(&[]).varint(), Err(DecodeError::Truncated));
    }

    #[test]
    fn binary_and_strings() {
        let mut r = Reader::new(&[0x00, 0x03, b'a', b'/', b'b', 0x00, 0x00, 0x00, 0x02, 0x01]);
        assert_eq!(r.utf8_string(), Ok("a/b"));
        assert_eq!(r.binary(), Ok(&[][..]));
        assert_eq!(r.binary(), Err(DecodeError::Truncated));

        assert_eq!(
            Reader::new(&[0x00, 0x01, 0xFF]).utf8_string(),
            Err(DecodeError::Utf8)
        );
        assert_eq!(
            Reader::new(&[0x00, 0x01, 0x00]).utf8_string(),
            Err(DecodeError::Utf8)
        );
        assert_eq!(Reader::new(&[0x00, 0x01, 0xFF]).binary(), Ok(&[0xFF][..]));
        assert_eq!(Reader::new(&[0x00]).binary(), Err(DecodeError::Truncated));
    }

    #[test]
    fn rest_and_end() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u8(), Ok(1));
        assert_eq!(r.expect_end(), Err(DecodeError::TrailingBytes));
        assert_eq!(r.rest(), &[2, 3]);
        assert_eq!(r.rest(), &[] as &[u8]);
        assert_eq!(r.expect_end(), Ok(()));
        assert_eq!(r.remaining(), 0);
    }
}
