//! The settings a session connects with; the application may change them between connections.

use crate::protocol::{Property, ProtocolVersion, Will};

/// Defaults of libmosquitto: inbound and outbound in-flight maximum.
pub(crate) const DEFAULT_INFLIGHT: u16 = 20;

/// Connection settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The client id; `None` sends an empty id (3.1.1, 5.0); 3.1 generates one at connect time
    /// in the layer above, which has a random source.
    pub client_id: Option<String>,
    /// Clean session (3.x) / clean start (5.0).
    pub clean_start: bool,
    pub protocol: ProtocolVersion,
    /// Keepalive in seconds, 0 for none.
    pub keepalive: u16,
    pub will: Option<Box<Will>>,
    pub username: Option<String>,
    pub password: Option<Vec<u8>>,
    /// CONNECT properties (v5), as given by the application.
    pub connect_properties: Vec<Property>,
    /// The most QoS 1/2 messages the server may have in flight towards us (v5 receive maximum).
    pub receive_maximum: u16,
    /// The most QoS 1/2 messages we keep in flight towards the server.
    pub send_maximum: u16,
    /// Announce a bridge, as mosquitto's `try_private` does: the top bit of the protocol level
    /// of a 3.x CONNECT is set.
    pub bridge: bool,
}

impl ClientOptions {
    pub fn new(client_id: Option<String>, clean_start: bool) -> Self {
        Self {
            client_id,
            clean_start,
            protocol: ProtocolVersion::V311,
            keepalive: 60,
            will: None,
            username: None,
            password: None,
            connect_properties: Vec::new(),
            receive_maximum: DEFAULT_INFLIGHT,
            send_maximum: DEFAULT_INFLIGHT,
            bridge: false,
        }
    }
}
