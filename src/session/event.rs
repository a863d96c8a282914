//! What the session reports to the layer above: one variant per libmosquitto callback.

use crate::error::Error;
use crate::protocol::{Property, Publish};

/// Severity of a log line (the C layer maps these onto `MOSQ_LOG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Notice,
    Warning,
    Error,
    Debug,
}

/// Why a connection ended, as reported to the disconnect callbacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectCause {
    /// The application asked for it (or the connection ended after it did): code 0.
    Requested,
    /// An error on our side or the network's.
    Error(Error),
    /// The server sent DISCONNECT (v5) with this reason code.
    Server(u8),
}

/// Something the application is told about through a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNACK arrived: `rc` is the return/reason code, `flags` the acknowledge flags.
    Connect {
        rc: u8,
        flags: u8,
        properties: Vec<Property>,
    },
    /// The connection is gone.
    Disconnect { cause: DisconnectCause },
    /// An outgoing message is complete: QoS 0 written, QoS 1 acknowledged, QoS 2 completed, or
    /// (v5) refused by the server with a PUBREC reason code of 0x80 or more, in which case only
    /// the v5 callback hears of it (`v3_callback` is false).
    Publish {
        mid: u16,
        reason_code: u8,
        properties: Vec<Property>,
        v3_callback: bool,
    },
    /// A message arrived (for QoS 2, once the PUBREL arrived).
    Message { message: Publish },
    /// SUBACK arrived with these granted QoS / reason codes.
    Subscribe {
        mid: u16,
        granted: Vec<u8>,
        properties: Vec<Property>,
    },
    /// UNSUBACK arrived, with one reason code per filter (v5; none for 3.x).
    Unsubscribe {
        mid: u16,
        reason_codes: Vec<u8>,
        properties: Vec<Property>,
    },
    /// A connection attempt is about to start (before the socket is opened): the last moment
    /// to change credentials or TLS settings for it.
    PreConnect,
    /// The server sent AUTH (MQTT v5 enhanced authentication): its authentication method and
    /// data (also found among `properties`, which are the whole property list).
    ExtAuth {
        method: Option<String>,
        data: Option<Vec<u8>>,
        properties: Vec<Property>,
    },
    /// A log line.
    Log { level: LogLevel, text: String },
}
