//! What the broker core needs of its configuration, resolved once from a
//! [`crate::broker::config::Config`] (defaults applied, `0 = unlimited` turned into limits).

use std::sync::Arc;

use crate::broker::auth::Security;
use crate::broker::config::LogTypes;

/// The settings of one listener that the protocol handling uses.
#[derive(Debug, Clone)]
pub struct ListenerSettings {
    /// The port as configured (0 for a Unix socket or an ephemeral port).
    pub port: u16,
    /// Most clients at once; `None` for no limit.
    pub max_connections: Option<usize>,
    pub max_qos: u8,
    pub max_topic_alias: u16,
    /// Prefixed to every topic of its clients, inbound, and stripped outbound.
    pub mount_point: Option<String>,
    pub use_username_as_clientid: bool,
    pub allow_zero_length_clientid: bool,
    pub auto_id_prefix: String,
    /// Index into the broker's security table.
    pub security: usize,
    /// The username is the identity of the client's TLS certificate; the password file is not
    /// used on this listener.
    pub identity_as_username: bool,
    /// The broker's own listener for the local side of its bridges: no connection log lines.
    pub internal: bool,
}

/// The core's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listeners: Vec<ListenerSettings>,
    /// Outgoing in-flight limit per client (65535 for "unlimited").
    pub max_inflight_messages: u16,
    /// Outgoing in-flight bytes limit per client (0: none).
    pub max_inflight_bytes: u64,
    /// Queued (not in flight) messages per client (0: none).
    pub max_queued_messages: u32,
    /// Queued bytes per client (0: none).
    pub max_queued_bytes: u64,
    pub queue_qos0_messages: bool,
    /// Largest packet accepted from a client, fixed header included (0: no limit of ours).
    pub max_packet_size: u32,
    /// Largest payload accepted (0: no limit).
    pub message_size_limit: u32,
    /// 0: no limit.
    pub max_keepalive: u16,
    pub retain_available: bool,
    /// Seconds after which a persistent 3.x session without its client expires.
    pub persistent_client_expiration: Option<u64>,
    pub upgrade_outgoing_qos: bool,
    pub check_retain_source: bool,
    pub connection_messages: bool,
    pub clientid_prefixes: Option<String>,
    /// The log types written.
    pub log_types: LogTypes,
    /// Number of shards (worker threads).
    pub shards: u16,
    /// The broker's version line for `$SYS/broker/version`.
    pub version: String,
    /// Seconds between `$SYS` updates (0: none).
    pub sys_interval: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listeners: vec![ListenerSettings {
                port: 1883,
                max_connections: None,
                max_qos: 2,
                max_topic_alias: 10,
                mount_point: None,
                use_username_as_clientid: false,
                allow_zero_length_clientid: true,
                auto_id_prefix: "auto-".into(),
                security: 0,
                identity_as_username: false,
                internal: false,
            }],
            max_inflight_messages: 20,
            max_inflight_bytes: 0,
            max_queued_messages: 1000,
            max_queued_bytes: 0,
            queue_qos0_messages: false,
            max_packet_size: 0,
            message_size_limit: 0,
            max_keepalive: 0,
            retain_available: true,
            persistent_client_expiration: None,
            upgrade_outgoing_qos: false,
            check_retain_source: false,
            connection_messages: true,
            clientid_prefixes: None,
            log_types: LogTypes::DEFAULT,
            shards: 1,
            version: "mosquitto version 2.0.20".into(),
            sys_interval: 10,
        }
    }
}

/// The authentication and authorisation in force: one entry per listener with
/// `per_listener_settings`, else one for all. Replaced as a whole on reload.
pub type SecurityTable = Arc<Vec<Arc<Security>>>;
