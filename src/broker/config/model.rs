//! The typed configuration: global options, listeners, security options and bridges, with
//! mosquitto 2.0's defaults.

/// The port a listener uses when none is given, and the port of local-only mode.
pub const DEFAULT_PORT: u16 = 1883;

/// The most `-p` ports the command line takes.
pub const MAX_COMMAND_LINE_PORTS: usize = 10;

/// The whole configuration of a broker, as read from its files.
///
/// [`Config::default`] is the configuration of a broker started without a file. Fields holding
/// an `Option` are `None` when the option was not given; the accessor methods supply the
/// defaults that depend on other options.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `per_listener_settings`: security options belong to the listener they follow.
    pub per_listener_settings: bool,
    /// The security options used by every listener unless `per_listener_settings` is true.
    pub security: Security,
    /// `allow_duplicate_messages` (deprecated; kept for completeness). Default true.
    pub allow_duplicate_messages: bool,
    /// `autosave_interval` in seconds, or in changes with `autosave_on_changes`. Default 1800.
    pub autosave_interval: u32,
    /// `autosave_on_changes`. Default false.
    pub autosave_on_changes: bool,
    /// `check_retain_source`. Default false.
    pub check_retain_source: bool,
    /// `clientid_prefixes` (deprecated): only client ids starting with this may connect.
    pub clientid_prefixes: Option<String>,
    /// `connection_messages`: log connections and disconnections. Default true.
    pub connection_messages: bool,
    /// `log_dest` destinations. Default stderr only.
    pub log_dest: LogDest,
    /// The path of `log_dest file PATH`.
    pub log_file: Option<String>,
    /// `log_facility`: syslog facility local0..local7; `None` is the daemon facility.
    pub log_facility: Option<u8>,
    /// `log_timestamp`. Default true.
    pub log_timestamp: bool,
    /// `log_timestamp_format`, an strftime format; `None` prints Unix seconds.
    pub log_timestamp_format: Option<String>,
    /// `log_type` as given in the files. See [`Config::effective_log_types`] for `-v`.
    pub log_type: LogTypes,
    /// `max_inflight_bytes`; 0 is no limit.
    pub max_inflight_bytes: u64,
    /// `max_inflight_messages`; 0 is no limit (65535 is read as 0). Default 20.
    pub max_inflight_messages: u16,
    /// `max_keepalive`; 0 is no limit.
    pub max_keepalive: u16,
    /// `max_packet_size`; 0 is no limit.
    pub max_packet_size: u32,
    /// `max_queued_bytes`; 0 is no limit.
    pub max_queued_bytes: u64,
    /// `max_queued_messages`; 0 is no limit. Default 1000.
    pub max_queued_messages: u32,
    /// `memory_limit` in bytes; 0 is no limit.
    pub memory_limit: u64,
    /// `message_size_limit` in bytes; 0 is no limit.
    pub message_size_limit: u32,
    /// `persistence` (or its old name `retained_persistence`). Default false.
    pub persistence: bool,
    /// `persistence_file`; see [`Config::persistence_file`] for the default.
    pub persistence_file: Option<String>,
    /// `persistence_location`; `None` is the working directory.
    pub persistence_location: Option<String>,
    /// `persistent_client_expiration` in seconds; `None` never expires sessions.
    pub persistent_client_expiration: Option<u64>,
    /// `pid_file`.
    pub pid_file: Option<String>,
    /// `queue_qos0_messages`. Default false.
    pub queue_qos0_messages: bool,
    /// `retain_available`. Default true.
    pub retain_available: bool,
    /// `set_tcp_nodelay`. Default false.
    pub set_tcp_nodelay: bool,
    /// `sys_interval` in seconds; 0 disables the `$SYS` tree. Default 10.
    pub sys_interval: u16,
    /// `upgrade_outgoing_qos`. Default false.
    pub upgrade_outgoing_qos: bool,
    /// `worker_threads` (our own option): event-loop threads; 0 means one per core.
    pub worker_threads: u16,
    /// `user` to drop privileges to when started as root. Default `mosquitto`.
    pub user: String,
    /// `websockets_log_level`. Default 0.
    pub websockets_log_level: i32,
    /// `websockets_headers_size`; `None` or 0 is the library default.
    pub websockets_headers_size: Option<u16>,
    /// The listener that options given before any `listener` line configure. It opens only when
    /// `port` or `bind_address` is given (see [`Config::effective_listeners`]).
    pub default_listener: Listener,
    /// The `listener` sections, in file order.
    pub listeners: Vec<Listener>,
    /// The `connection` sections, in file order.
    pub bridges: Vec<Bridge>,
    /// Every directive read, in order, with where it came from.
    pub directives: Vec<Directive>,
    /// Ports given with `-p`; used only in local-only mode.
    pub command_line_ports: Vec<u16>,
    /// `-v`: log everything, whatever the files say.
    pub verbose: bool,
    /// A `listener`, `port` or `bind_address` line was read.
    pub(super) network_configured: bool,
    /// A `port` line was read.
    pub(super) default_port_given: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            per_listener_settings: false,
            security: Security::default(),
            allow_duplicate_messages: true,
            autosave_interval: 1800,
            autosave_on_changes: false,
            check_retain_source: false,
            clientid_prefixes: None,
            connection_messages: true,
            log_dest: LogDest::default(),
            log_file: None,
            log_facility: None,
            log_timestamp: true,
            log_timestamp_format: None,
            log_type: LogTypes::DEFAULT,
            max_inflight_bytes: 0,
            max_inflight_messages: 20,
            max_keepalive: 0,
            max_packet_size: 0,
            max_queued_bytes: 0,
            max_queued_messages: 1000,
            memory_limit: 0,
            message_size_limit: 0,
            persistence: false,
            persistence_file: None,
            persistence_location: None,
            persistent_client_expiration: None,
            pid_file: None,
            queue_qos0_messages: false,
            retain_available: true,
            set_tcp_nodelay: false,
            sys_interval: 10,
            upgrade_outgoing_qos: false,
            worker_threads: 0,
            user: "mosquitto".to_string(),
            websockets_log_level: 0,
            websockets_headers_size: None,
            default_listener: Listener::new(DEFAULT_PORT, String::new(), 0),
            listeners: Vec::new(),
            bridges: Vec::new(),
            directives: Vec::new(),
            command_line_ports: Vec::new(),
            verbose: false,
            network_configured: false,
            default_port_given: false,
        }
    }
}

impl Config {
    /// True when no `listener`, `port` or `bind_address` was given: the broker then listens on
    /// 127.0.0.1 and ::1 only, and lets anonymous clients in.
    pub fn local_only(&self) -> bool {
        !self.network_configured
    }

    /// Whether the default listener opens: only when `port` or `bind_address` was given.
    pub fn default_listener_opens(&self) -> bool {
        self.default_port_given || self.default_listener.bind_address.is_some()
    }

    /// The listeners the broker opens, in mosquitto's order.
    ///
    /// In local-only mode: 127.0.0.1 and ::1 on each `-p` port (or 1883), anonymous clients
    /// allowed. Otherwise every `listener` section, then the default listener if it opens.
    pub fn effective_listeners(&self) -> Vec<Listener> {
        if self.local_only() {
            let ports: &[u16] = if self.command_line_ports.is_empty() {
                &[DEFAULT_PORT]
            } else {
                &self.command_line_ports
            };
            let mut out = Vec::with_capacity(ports.len() * 2);
            for &port in ports {
                for host in ["127.0.0.1", "::1"] {
                    let mut listener = Listener::new(port, String::new(), 0);
                    listener.bind_address = Some(host.to_string());
                    listener.security.allow_anonymous = Some(true);
                    out.push(listener);
                }
            }
            return out;
        }
        let mut out = self.listeners.clone();
        if self.default_listener_opens() {
            out.push(self.default_listener.clone());
        }
        out
    }

    /// The security options that apply to clients of `listener`.
    pub fn security_for<'a>(&'a self, listener: &'a Listener) -> &'a Security {
        if self.per_listener_settings {
            &listener.security
        } else {
            &self.security
        }
    }

    /// Apply `-p PORT` from the command line (atoi semantics). Errors are the lines mosquitto
    /// prints.
    pub fn add_command_line_port(&mut self, arg: &str) -> Result<(), String> {
        let port = super::lexer::atoi(arg.as_bytes());
        let Ok(port) = u16::try_from(port) else {
            return Err(format!("Error: Invalid port specified ({port})."));
        };
        if port == 0 {
            return Err(format!("Error: Invalid port specified ({port})."));
        }
        if self.command_line_ports.len() >= MAX_COMMAND_LINE_PORTS {
            return Err(format!(
                "Error: Only {MAX_COMMAND_LINE_PORTS} ports can be specified on the command line."
            ));
        }
        self.command_line_ports.push(port);
        Ok(())
    }

    /// Apply `-v` from the command line: log every type, whatever the files say.
    pub fn set_verbose(&mut self, verbose: bool) {
        self.verbose = verbose;
    }

    /// The log types in force: all of them with `-v`, else the files' `log_type`.
    pub fn effective_log_types(&self) -> LogTypes {
        if self.verbose {
            LogTypes::ALL
        } else {
            self.log_type
        }
    }

    /// `persistence_file`, or `mosquitto.db`.
    pub fn persistence_file(&self) -> &str {
        self.persistence_file.as_deref().unwrap_or("mosquitto.db")
    }

    /// Where the persistence database lives: `persistence_location` and `persistence_file`
    /// joined with a `/`, literally (no normalisation), or the file alone without a location.
    pub fn persistence_path(&self) -> String {
        match self.persistence_location.as_deref() {
            Some(dir) if !dir.is_empty() => format!("{dir}/{}", self.persistence_file()),
            _ => self.persistence_file().to_string(),
        }
    }
}

/// Authentication and access control options: global, or per listener with
/// `per_listener_settings true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// `password_file`.
    pub password_file: Option<String>,
    /// `acl_file`.
    pub acl_file: Option<String>,
    /// `psk_file`.
    pub psk_file: Option<String>,
    /// `allow_anonymous`; `None` when not given. See [`Security::allow_anonymous`].
    pub allow_anonymous: Option<bool>,
    /// `allow_zero_length_clientid`. Default true.
    pub allow_zero_length_clientid: bool,
    /// `auto_id_prefix`; see [`Security::auto_id_prefix`] for the default.
    pub auto_id_prefix: Option<String>,
    /// `plugin` / `auth_plugin` entries with their options, in file order.
    pub plugins: Vec<PluginConfig>,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            password_file: None,
            acl_file: None,
            psk_file: None,
            allow_anonymous: None,
            allow_zero_length_clientid: true,
            auto_id_prefix: None,
            plugins: Vec::new(),
        }
    }
}

impl Security {
    /// Whether anonymous clients may connect: as given, else false. (Local-only mode sets it
    /// to true when the configuration is finished.)
    pub fn allow_anonymous(&self) -> bool {
        self.allow_anonymous.unwrap_or(false)
    }

    /// The prefix of generated client ids: `auto_id_prefix`, or `auto-`.
    pub fn auto_id_prefix(&self) -> &str {
        self.auto_id_prefix.as_deref().unwrap_or("auto-")
    }
}

/// One `plugin` (or `auth_plugin`) line and the options that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginConfig {
    /// The plugin's path.
    pub path: String,
    /// `plugin_opt_KEY VALUE` / `auth_opt_KEY VALUE` pairs, keys without the prefix.
    pub options: Vec<(String, String)>,
    /// `auth_plugin_deny_special_chars`. Default true.
    pub deny_special_chars: bool,
    /// Where the plugin was declared.
    pub file: String,
    /// The 1-based line of the declaration.
    pub line: usize,
}

/// The protocol a listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// Plain MQTT over TCP or a Unix socket.
    #[default]
    Mqtt,
    /// MQTT over WebSockets.
    Websockets,
}

/// `socket_domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketDomain {
    /// IPv4 only.
    Ipv4,
    /// IPv6 only.
    Ipv6,
}

/// `tls_keyform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyForm {
    /// A PEM key file.
    #[default]
    Pem,
    /// A key held by a TLS engine.
    Engine,
}

/// One listening socket and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The port; 0 with [`Listener::unix_socket_path`] is a Unix socket, 0 without is a port
    /// chosen by the system.
    pub port: u16,
    /// The address or host name to bind (`listener PORT ADDRESS`, or `bind_address`).
    pub bind_address: Option<String>,
    /// The path of a Unix socket (`listener 0 PATH`).
    pub unix_socket_path: Option<String>,
    /// The file the listener was declared in (empty for the default and local-only listeners).
    pub file: String,
    /// The 1-based line of the declaration (0 when there is none).
    pub line: usize,
    /// `bind_interface`.
    pub bind_interface: Option<String>,
    /// `max_connections`; -1 is no limit.
    pub max_connections: i32,
    /// `max_qos`. Default 2.
    pub max_qos: u8,
    /// `max_topic_alias`. Default 10.
    pub max_topic_alias: u16,
    /// `mount_point`.
    pub mount_point: Option<String>,
    /// `protocol`.
    pub protocol: Protocol,
    /// `socket_domain`; `None` is both.
    pub socket_domain: Option<SocketDomain>,
    /// `use_username_as_clientid`.
    pub use_username_as_clientid: bool,
    /// `http_dir` (WebSockets listeners).
    pub http_dir: Option<String>,
    /// TLS and PSK options.
    pub tls: ListenerTls,
    /// Security options, used with `per_listener_settings true`.
    pub security: Security,
}

impl Listener {
    /// A listener with every option at its default.
    pub fn new(port: u16, file: String, line: usize) -> Self {
        Listener {
            port,
            bind_address: None,
            unix_socket_path: None,
            file,
            line,
            bind_interface: None,
            max_connections: -1,
            max_qos: 2,
            max_topic_alias: 10,
            mount_point: None,
            protocol: Protocol::Mqtt,
            socket_domain: None,
            use_username_as_clientid: false,
            http_dir: None,
            tls: ListenerTls::default(),
            security: Security::default(),
        }
    }
}

/// A listener's TLS and PSK options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListenerTls {
    /// `cafile`.
    pub cafile: Option<String>,
    /// `capath`.
    pub capath: Option<String>,
    /// `certfile`.
    pub certfile: Option<String>,
    /// `keyfile`.
    pub keyfile: Option<String>,
    /// `ciphers`.
    pub ciphers: Option<String>,
    /// `ciphers_tls1.3`.
    pub ciphers_tls13: Option<String>,
    /// `crlfile`.
    pub crlfile: Option<String>,
    /// `dhparamfile`.
    pub dhparamfile: Option<String>,
    /// `require_certificate`.
    pub require_certificate: bool,
    /// `tls_version`, as written (checked when the listener starts).
    pub tls_version: Option<String>,
    /// `tls_engine`.
    pub tls_engine: Option<String>,
    /// `tls_engine_kpass_sha1`: 40 hex digits.
    pub tls_engine_kpass_sha1: Option<String>,
    /// `tls_keyform`.
    pub tls_keyform: KeyForm,
    /// `use_identity_as_username`.
    pub use_identity_as_username: bool,
    /// `use_subject_as_username`.
    pub use_subject_as_username: bool,
    /// `psk_hint`: enables PSK on the listener.
    pub psk_hint: Option<String>,
}

impl ListenerTls {
    /// Certificate TLS is on when both a certificate and a key are given.
    pub fn certificate_enabled(&self) -> bool {
        self.certfile.is_some() && self.keyfile.is_some()
    }
}

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogDest {
    /// `stderr`.
    pub stderr: bool,
    /// `stdout`.
    pub stdout: bool,
    /// `syslog`.
    pub syslog: bool,
    /// `topic`: `$SYS/broker/log/...`.
    pub topic: bool,
    /// `dlt`.
    pub dlt: bool,
    /// `file`: [`Config::log_file`].
    pub file: bool,
}

impl LogDest {
    /// No destination (`log_dest none`).
    pub const NONE: LogDest = LogDest {
        stderr: false,
        stdout: false,
        syslog: false,
        topic: false,
        dlt: false,
        file: false,
    };
}

impl Default for LogDest {
    fn default() -> Self {
        LogDest {
            stderr: true,
            ..LogDest::NONE
        }
    }
}

/// A set of log types, with libmosquitto's `MOSQ_LOG_*` bit values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogTypes(pub u32);

impl LogTypes {
    /// Nothing.
    pub const NONE: LogTypes = LogTypes(0);
    /// `information`.
    pub const INFORMATION: LogTypes = LogTypes(0x01);
    /// `notice`.
    pub const NOTICE: LogTypes = LogTypes(0x02);
    /// `warning`.
    pub const WARNING: LogTypes = LogTypes(0x04);
    /// `error`.
    pub const ERROR: LogTypes = LogTypes(0x08);
    /// `debug`.
    pub const DEBUG: LogTypes = LogTypes(0x10);
    /// `subscribe`.
    pub const SUBSCRIBE: LogTypes = LogTypes(0x20);
    /// `unsubscribe`.
    pub const UNSUBSCRIBE: LogTypes = LogTypes(0x40);
    /// `websockets`.
    pub const WEBSOCKETS: LogTypes = LogTypes(0x80);
    /// `internal`.
    pub const INTERNAL: LogTypes = LogTypes(0x8000_0000);
    /// `all`.
    pub const ALL: LogTypes = LogTypes(u32::MAX);
    /// The default: error, warning, notice and information.
    pub const DEFAULT: LogTypes = LogTypes(0x0f);

    /// True if every type in `other` is in `self`.
    pub fn contains(self, other: LogTypes) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self` with the types of `other` added.
    pub fn with(self, other: LogTypes) -> LogTypes {
        LogTypes(self.0 | other.0)
    }
}

/// Which way a bridge topic carries messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BridgeDirection {
    /// Local to remote (the default).
    #[default]
    Out,
    /// Remote to local.
    In,
    /// Both ways.
    Both,
}

/// `bridge_protocol_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BridgeProtocol {
    /// `mqttv31`.
    Mqtt31,
    /// `mqttv311` (the default).
    #[default]
    Mqtt311,
    /// `mqttv50`.
    Mqtt5,
}

/// `start_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartType {
    /// Start with the broker and restart after failures (the default).
    #[default]
    Automatic,
    /// Start when `threshold` messages are queued, stop after `idle_timeout`.
    Lazy,
    /// Start with the broker, never restart.
    Once,
}

/// `restart_timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartTimeout {
    /// One value: always wait this many seconds.
    Constant(u32),
    /// Two values: a jittered back-off from `base` up to `cap` seconds. Default 5 and 30.
    Backoff {
        /// The first delay.
        base: u32,
        /// The longest delay.
        cap: u32,
    },
}

/// One `address` entry of a bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeAddress {
    /// The host, as written before the last `:`.
    pub host: String,
    /// The port after the last `:`, or 1883.
    pub port: u16,
}

/// One `topic` line of a bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeTopic {
    /// The pattern; `None` for `""` (the prefixes are then whole topics).
    pub pattern: Option<String>,
    /// The direction. Default out.
    pub direction: BridgeDirection,
    /// The QoS used both ways. Default 0.
    pub qos: u8,
    /// The local prefix; `None` for `""` or when not given.
    pub local_prefix: Option<String>,
    /// The remote prefix; `None` for `""` or when not given.
    pub remote_prefix: Option<String>,
}

/// A bridge's TLS and PSK options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BridgeTls {
    /// `bridge_cafile`.
    pub cafile: Option<String>,
    /// `bridge_capath`.
    pub capath: Option<String>,
    /// `bridge_certfile`.
    pub certfile: Option<String>,
    /// `bridge_keyfile`.
    pub keyfile: Option<String>,
    /// `bridge_insecure`: skip host name verification.
    pub insecure: bool,
    /// `bridge_alpn`.
    pub alpn: Option<String>,
    /// `bridge_tls_version`.
    pub tls_version: Option<String>,
    /// `bridge_require_ocsp`.
    pub require_ocsp: bool,
    /// `bridge_identity` (PSK).
    pub identity: Option<String>,
    /// `bridge_psk`, hex.
    pub psk: Option<String>,
}

/// One `connection` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bridge {
    /// The connection name.
    pub name: String,
    /// The file of the `connection` line.
    pub file: String,
    /// The 1-based line of the `connection` line.
    pub line: usize,
    /// `address` / `addresses`.
    pub addresses: Vec<BridgeAddress>,
    /// `topic` lines.
    pub topics: Vec<BridgeTopic>,
    /// `remote_clientid` (or `clientid`); see [`Bridge::remote_clientid`].
    pub remote_clientid: Option<String>,
    /// `remote_username` (or `username`).
    pub remote_username: Option<String>,
    /// `remote_password` (or `password`).
    pub remote_password: Option<String>,
    /// `local_clientid`; see [`Bridge::local_clientid`].
    pub local_clientid: Option<String>,
    /// `local_username`.
    pub local_username: Option<String>,
    /// `local_password`.
    pub local_password: Option<String>,
    /// `cleansession`. Default false.
    pub cleansession: bool,
    /// `local_cleansession`; `None` follows `cleansession`.
    pub local_cleansession: Option<bool>,
    /// `keepalive_interval` in seconds (at least 5). Default 60.
    pub keepalive_interval: u16,
    /// `idle_timeout` in seconds (lazy bridges). Default 60.
    pub idle_timeout: u32,
    /// `threshold` in queued messages (lazy bridges). Default 10.
    pub threshold: u32,
    /// `restart_timeout`.
    pub restart_timeout: RestartTimeout,
    /// `start_type`.
    pub start_type: StartType,
    /// `try_private`. Default true.
    pub try_private: bool,
    /// `notifications`. Default true.
    pub notifications: bool,
    /// `notifications_local_only`. Default false.
    pub notifications_local_only: bool,
    /// `notification_topic`; see [`Bridge::notification_topic`].
    pub notification_topic: Option<String>,
    /// `bridge_protocol_version`.
    pub protocol_version: BridgeProtocol,
    /// `bridge_attempt_unsubscribe`. Default true.
    pub attempt_unsubscribe: bool,
    /// `bridge_outgoing_retain`. Default true.
    pub outgoing_retain: bool,
    /// `bridge_max_packet_size`; 0 is no limit.
    pub max_packet_size: u32,
    /// `round_robin`. Default false.
    pub round_robin: bool,
    /// `bridge_bind_address`.
    pub bind_address: Option<String>,
    /// TLS and PSK options.
    pub tls: BridgeTls,
}

impl Bridge {
    /// A bridge with every option at its default.
    pub fn new(name: String, file: String, line: usize) -> Self {
        Bridge {
            name,
            file,
            line,
            addresses: Vec::new(),
            topics: Vec::new(),
            remote_clientid: None,
            remote_username: None,
            remote_password: None,
            local_clientid: None,
            local_username: None,
            local_password: None,
            cleansession: false,
            local_cleansession: None,
            keepalive_interval: 60,
            idle_timeout: 60,
            threshold: 10,
            restart_timeout: RestartTimeout::Backoff { base: 5, cap: 30 },
            start_type: StartType::Automatic,
            try_private: true,
            notifications: true,
            notifications_local_only: false,
            notification_topic: None,
            protocol_version: BridgeProtocol::Mqtt311,
            attempt_unsubscribe: true,
            outgoing_retain: true,
            max_packet_size: 0,
            round_robin: false,
            bind_address: None,
            tls: BridgeTls::default(),
        }
    }

    /// The client id used on the remote broker: `remote_clientid`, or `HOSTNAME.NAME`.
    pub fn remote_clientid(&self, hostname: &str) -> String {
        match &self.remote_clientid {
            Some(id) => id.clone(),
            None => format!("{hostname}.{}", self.name),
        }
    }

    /// The client id used on this broker: `local_clientid`, or `local.` + the remote id.
    pub fn local_clientid(&self, hostname: &str) -> String {
        match &self.local_clientid {
            Some(id) => id.clone(),
            None => format!("local.{}", self.remote_clientid(hostname)),
        }
    }

    /// The topic of the connection state: `notification_topic`, or
    /// `$SYS/broker/connection/REMOTE_CLIENTID/state`.
    pub fn notification_topic(&self, hostname: &str) -> String {
        match &self.notification_topic {
            Some(topic) => topic.clone(),
            None => format!("$SYS/broker/connection/{}/state", self.remote_clientid(hostname)),
        }
    }

    /// Whether the local side starts clean: `local_cleansession`, or `cleansession`.
    pub fn local_cleansession(&self) -> bool {
        self.local_cleansession.unwrap_or(self.cleansession)
    }
}

/// One directive as read: the keyword, its value and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The keyword, e.g. `listener` or `plugin_opt_key`.
    pub option: String,
    /// The rest of the line, trimmed (non-UTF-8 bytes replaced).
    pub value: String,
    /// The file, as given.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

impl Config {
    /// Check that no two bridges use the same local client id, once the host name that the
    /// default ids contain is known.
    pub fn check_bridge_client_ids(&self, hostname: &str) -> Result<(), String> {
        let ids: Vec<String> = self.bridges.iter().map(|b| b.local_clientid(hostname)).collect();
        for (i, id) in ids.iter().enumerate() {
            if ids.iter().skip(i + 1).any(|other| other == id) {
                return Err(format!(
                    "Error: Bridge local_clientid '{id}' is not unique. Try changing or setting the local_clientid \
                     value for one of the bridges."
                ));
            }
        }
        Ok(())
    }
}
