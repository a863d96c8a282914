//! The bodies of the fuzz targets in `fuzz/`, kept here so that the regression tests can replay
//! saved inputs through the very same checks under a plain `cargo test`.
//!
//! Each function takes arbitrary bytes and panics when a property it checks does not hold. None
//! of this is part of the library's interface.
//!
//! Files: [`codec`] holds the decoding, property and topic targets, [`session`] the session
//! target, [`broker`] the broker target, [`files`] the configuration, password and ACL file
//! targets, [`transport`] the SOCKS5 and WebSocket targets.

use crate::protocol::ProtocolVersion;

#[cfg(feature = "broker")]
mod broker;
mod codec;
#[cfg(feature = "broker")]
mod files;
mod session;
#[cfg(feature = "broker")]
mod transport;

#[cfg(feature = "broker")]
pub use broker::broker_packet;
pub use codec::{decode_packet, properties, topic_match};
#[cfg(feature = "broker")]
pub use files::{acl_file, config_file, password_file};
pub use session::session_bytes;
#[cfg(feature = "broker")]
pub use transport::{socks5, websocket};

const VERSIONS: [ProtocolVersion; 3] = [ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5];

/// Reads the fuzz input as a script; reads past the end give zeros.
struct Script<'a> {
    data: &'a [u8],
}

impl<'a> Script<'a> {
    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        taken
    }

    fn pick<T: Copy>(&mut self, table: &[T]) -> T {
        table[usize::from(self.byte()) % table.len()]
    }
}
