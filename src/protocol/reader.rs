//! A bounds-checked cursor over a packet body.

use super::DecodeError;

/// Reads fields from a byte slice; every method fails with [`DecodeError::Truncated`] instead of
/// reading past the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }
}
