//! The bodies of the fuzz targets in `fuzz/`, kept here so that the regression tests can replay
//! saved inputs through the very same checks under a plain `cargo test`.
//!
//! Each function takes arbitrary bytes and panics when a property it checks does not hold. None
//! of this is part of the library's interface.
//!
//! Files: [`codec`] holds the decoding, property and topic targets, [`session`] the session
//! target.

use crate::protocol::ProtocolVersion;

mod codec;
mod session;

pub use codec::{decode_packet, properties, topic_match};
pub use session::session_bytes;

const VERSIONS: [ProtocolVersion; 3] = [ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5];
