//! The broker's server: listening sockets, worker threads and logging around the protocol
//! core, started from a `mosquitto.conf`.
//!
//! ```no_run
//! use mosquitto::broker::server::BrokerBuilder;
//!
//! let mut builder = BrokerBuilder::new();
//! builder.config_str("listener 0 127.0.0.1\nallow_anonymous true\n").unwrap();
//! let broker = builder.start().unwrap();
//! println!("listening on port {}", broker.port(0).unwrap());
//! broker.stop();
//! ```
//!
//! - `listen`: the listening sockets of a listener, as mosquitto opens them.
//! - `worker`: one event loop per thread, its connections and its shard of the core.
//! - `sys`: the `$SYS` tree.
//! - `log`: where log lines go.
//! - `persist`: the store of a broker with `persistence true`, loaded at start and written
//!   by every worker before its output.

mod listen;
mod log;
mod persist;
mod stream;
mod sys;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::thread::JoinHandle;

use mio::{Poll, Token, Waker};
use parking_lot::{Mutex, RwLock};

pub use self::log::LogCallback;
use self::log::Logger;
pub(crate) use self::log::unix_now;
#[cfg(feature = "fuzzing")]
pub(crate) use self::stream::{Subprotocol, websocket_config};
use self::worker::{Hub, Identity, Inbox, Mail, Worker};
use crate::broker::auth::{LoadError, LogLevel, Security};
use crate::broker::config::{
    Config, ConfigError, ConfigReader, Listener, LogTypes, MessageLevel, Unsupported,
};
use crate::broker::core::settings::{ListenerSettings, SecurityTable, Settings};
use crate::broker::core::shard::{Command, Shard, Shared};

/// The version line of `$SYS/broker/version` and of the start and stop log lines: the
/// mosquitto release whose behaviour this broker follows.
pub const VERSION: &str = "2.0.20";

/// The name configuration text is known by in messages.
const STRING_NAME: &str = "<string>";

/// Where a configuration came from, to read it again on reload.
#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Text(Vec<u8>),
}

impl Source {
    fn apply(&self, reader: &mut ConfigReader) -> Result<(), ConfigError> {
        match self {
            Self::File(p) => reader.parse_file(p),
            Self::Text(t) => reader.parse_bytes(t, STRING_NAME),
        }
    }
}

/// Why the broker did not start.
#[derive(Debug)]
pub enum StartError {
    /// A configuration error (mosquitto exits with 3).
    Config(ConfigError),
    /// Options this broker does not implement yet (exit 3).
    Unsupported(Vec<Unsupported>),
    /// A password or ACL file could not be loaded (exit 13 when unreadable, 3 for a syntax
    /// error).
    Security(LoadError),
    /// A listening socket could not be opened (exit 1), with mosquitto's line and the
    /// system's error number.
    Bind(String, Option<i32>),
    /// A TLS listener's certificate, key or CA could not be used (exit 1).
    Tls(String),
    /// Anything else the system refused (threads, poll, pid file; exit 1).
    System(String),
}

impl StartError {
    /// The exit status mosquitto uses for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Config(_) | Self::Unsupported(_) => 3,
            Self::Security(e) => e.exit_code(),
            Self::Bind(..) | Self::Tls(_) | Self::System(_) => 1,
        }
    }

    /// The lines mosquitto logs for it.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Self::Config(e) => e.lines(),
            Self::Unsupported(list) => list.iter().map(ToString::to_string).collect(),
            Self::Security(e) => e.log.iter().map(|l| l.text.clone()).collect(),
            Self::Bind(line, _) | Self::Tls(line) | Self::System(line) => vec![line.clone()],
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl std::error::Error for StartError {}

/// Gathers a broker's configuration, then starts it.
pub struct BrokerBuilder {
    reader: Option<ConfigReader>,
    sources: Vec<Source>,
    callback: Option<LogCallback>,
    ports: Vec<u16>,
    verbose: bool,
    /// Lines logged before `starting`, once logging is set up.
    early: Vec<(LogTypes, String)>,
}

impl std::fmt::Debug for BrokerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerBuilder")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Default for BrokerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl BrokerBuilder {
    /// A broker with mosquitto's defaults (local-only mode until a listener is configured).
    pub fn new() -> Self {
        Self {
            reader: Some(ConfigReader::new()),
            sources: Vec::new(),
            callback: None,
            ports: Vec::new(),
            verbose: false,
            early: Vec::new(),
        }
    }

    /// The `user` option as read so far (`mosquitto` by default).
    pub fn configured_user(&self) -> String {
        self.reader
            .as_ref()
            .map_or_else(|| "mosquitto".to_owned(), |r| r.config().user.clone())
    }

    /// A line to log as soon as logging is set up, before the `starting` line.
    pub fn early_line(&mut self, kind: LogTypes, text: String) -> &mut Self {
        self.early.push((kind, text));
        self
    }

    /// Send log lines to `callback` (level as a `MOSQ_LOG_*` value, line without timestamp)
    /// instead of `log_dest`.
    pub fn log_callback(&mut self, callback: LogCallback) -> &mut Self {
        self.callback = Some(callback);
        self
    }

    /// Read a configuration file (several may be read; later lines add to earlier ones as if
    /// the files were one). An error is logged as mosquitto logs it and returned, and the
    /// builder is left as it was before the call.
    pub fn config_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, ConfigError> {
        self.read(Source::File(path.as_ref().to_owned()))
    }

    /// Read configuration text, in `mosquitto.conf` syntax (messages name it `<string>`).
    pub fn config_str(&mut self, text: &str) -> Result<&mut Self, ConfigError> {
        self.read(Source::Text(text.as_bytes().to_vec()))
    }

    /// [`BrokerBuilder::config_str`] for bytes (values must be UTF-8).
    pub fn config_bytes(&mut self, text: &[u8]) -> Result<&mut Self, ConfigError> {
        self.read(Source::Text(text.to_vec()))
    }

    fn read(&mut self, source: Source) -> Result<&mut Self, ConfigError> {
        let early = Logger::early(self.callback.clone());
        let reader = self.reader.get_or_insert_with(ConfigReader::new);
        let result = source.apply(reader);
        for m in reader.take_messages() {
            early.write(message_type(m.level), &m.text);
        }
        match result {
            Ok(()) => {
                self.sources.push(source);
                Ok(self)
            }
            Err(e) => {
                for line in e.lines() {
                    early.write(LogTypes::ERROR, &line);
                }
                // Read the sources that were accepted again, quietly: the failed one may have
                // changed some options before its error.
                let mut reader = ConfigReader::new();
                for s in &self.sources {
                    let _ = s.apply(&mut reader);
                }
                let _ = reader.take_messages();
                self.reader = Some(reader);
                Err(e)
            }
        }
    }

    /// `-p PORT`: a port for local-only mode (ignored once a listener is configured). The
    /// error is mosquitto's line.
    pub fn command_line_port(&mut self, arg: &str) -> Result<&mut Self, String> {
        let mut probe = Config::default();
        for &p in &self.ports {
            probe.add_command_line_port(&p.to_string())?;
        }
        probe.add_command_line_port(arg)?;
        self.ports = probe.command_line_ports;
        Ok(self)
    }

    /// `-v`: log every type.
    pub fn verbose(&mut self, on: bool) -> &mut Self {
        self.verbose = on;
        self
    }

    /// Check the configuration, open every listener and start serving on worker threads.
    /// Returns once the broker accepts connections.
    pub fn start(mut self) -> Result<Broker, StartError> {
        let early = Logger::early(self.callback.clone());
        let fail = |e: StartError| {
            for line in e.lines() {
                early.write(LogTypes::ERROR, &line);
            }
            e
        };
        let reader = self.reader.take().unwrap_or_default();
        let mut config = reader.finish().map_err(|e| fail(StartError::Config(e)))?;
        for p in &self.ports {
            let _ = config.add_command_line_port(&p.to_string());
        }
        config.set_verbose(self.verbose);
        let unsupported = config.unsupported();
        if !unsupported.is_empty() {
            return Err(fail(StartError::Unsupported(unsupported)));
        }
        let (logger, notes) = Logger::from_config(&config, self.callback.clone());
        let logger = Arc::new(logger);
        for note in notes {
            logger.write(LogTypes::ERROR, &note);
        }
        for (kind, text) in self.early.drain(..) {
            logger.write(kind, &text);
        }
        let started = worker::now();
        logger.write(
            LogTypes::INFORMATION,
            &format!("mosquitto version {VERSION} starting"),
        );
        match self.sources.iter().find_map(|s| match s {
            Source::File(p) => Some(p.display().to_string()),
            Source::Text(_) => None,
        }) {
            Some(path) => logger.write(LogTypes::INFORMATION, &format!("Config loaded from {path}.")),
            None if self.sources.is_empty() => logger.write(LogTypes::INFORMATION, "Using default config."),
            None => logger.write(
                LogTypes::INFORMATION,
                &format!("Config loaded from {STRING_NAME}."),
            ),
        }
        let listeners = config.effective_listeners();
        let hostname = crate::broker::bridge::hostname();
        if let Err(line) = config.check_bridge_client_ids(&hostname) {
            logger.write(LogTypes::ERROR, &line);
            return Err(StartError::Config(ConfigError {
                message: line,
                file: String::new(),
                line: 0,
                included_from: None,
            }));
        }
        let security = load_security(&config, &listeners, &logger).inspect_err(|e| {
            for line in e.lines() {
                logger.write(LogTypes::ERROR, &line);
            }
        })?;
        if config.local_only() {
            for line in [
                "Starting in local only mode. Connections will only be possible from clients running on this machine.",
                "Create a configuration file which defines a listener to allow remote access.",
                "For more details see https://mosquitto.org/documentation/authentication-methods/",
            ] {
                logger.write(LogTypes::WARNING, line);
            }
        }
        let workers = match config.worker_threads {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(64) as u16,
            n => n,
        };

        let tls = tls_configs(&listeners).map_err(|line| {
            logger.write(LogTypes::ERROR, &line);
            StartError::Tls(line)
        })?;

        // The store, read before any client can connect.
        let store = if config.persistence {
            let opened = persist::Persistence::open(
                config.persistence_path(),
                listeners.len(),
                worker::now(),
                &logger,
            )
            .map_err(|line| {
                logger.write(LogTypes::ERROR, &line);
                StartError::System(line)
            })?;
            Some(opened)
        } else {
            None
        };

        // Listening sockets, in the configuration's order.
        let mut sockets = Vec::new();
        let mut ports = Vec::new();
        for (index, listener) in listeners.iter().enumerate() {
            match listen::open(listener, 100) {
                Ok((opened, lines)) => {
                    for line in lines {
                        logger.write(LogTypes::INFORMATION, &line);
                    }
                    ports.push(opened.first().map_or(0, listen::Listening::port));
                    sockets.extend(opened.into_iter().map(|s| (s, index)));
                }
                Err(listen::BindError { line, errno, logged }) => {
                    for l in logged {
                        logger.write(LogTypes::INFORMATION, &l);
                    }
                    logger.write(LogTypes::ERROR, &line);
                    return Err(StartError::Bind(line, errno));
                }
            }
        }

        let mut settings = settings_from(&config, &listeners, workers);
        for (l, port) in settings.listeners.iter_mut().zip(&ports) {
            if l.port == 0 {
                // Log lines name the port the system chose.
                l.port = *port;
            }
        }
        let settings = Arc::new(settings);

        let pid_file = match &config.pid_file {
            Some(path) => {
                let path = PathBuf::from(path);
                if std::fs::write(&path, std::process::id().to_string()).is_err() {
                    let line = "Error: Unable to write pid file.".to_owned();
                    logger.write(LogTypes::ERROR, &line);
                    return Err(StartError::System(line));
                }
                Some(path)
            }
            None => None,
        };

        let system = |e: std::io::Error| {
            let line = format!("Error: {e}");
            logger.write(LogTypes::ERROR, &line);
            StartError::System(line)
        };
        let mut polls = Vec::new();
        let mut inboxes = Vec::new();
        for _ in 0..workers {
            let poll = Poll::new().map_err(system)?;
            let waker = Waker::new(poll.registry(), Token(usize::MAX)).map_err(system)?;
            inboxes.push(Inbox {
                mail: Mutex::new(Vec::new()),
                waker,
            });
            polls.push(poll);
        }
        let hub = Arc::new(Hub {
            inboxes,
            stop: AtomicBool::new(false),
            logger: RwLock::new(logger.clone()),
            listener_clients: listeners.iter().map(|_| AtomicUsize::new(0)).collect(),
            listener_limits: settings.listeners.iter().map(|l| l.max_connections).collect(),
            tcp_nodelay: config.set_tcp_nodelay,
            tls: RwLock::new(tls),
            identity: listeners.iter().map(identity_of).collect(),
            websockets: listeners
                .iter()
                .map(|l| l.protocol == crate::broker::config::Protocol::Websockets)
                .collect(),
            max_packet: match config.max_packet_size {
                0 => crate::protocol::MAX_REMAINING_LENGTH + 5,
                n => n as usize,
            },
            wills_published: Mutex::new(0),
            wills_published_cv: parking_lot::Condvar::new(),
        });
        let shared = Arc::new(Shared::new(usize::from(workers)));
        let mut shards: Vec<Shard> = (0..workers)
            .map(|index| Shard::new(index, settings.clone(), security.clone(), shared.clone()))
            .collect();
        let persistence = match store {
            Some((p, loaded)) => {
                if let Err(e) = p.restore(loaded, &mut shards, &shared, worker::now()) {
                    let line = format!("Error: Unable to write persistence file {}: {e}.", p.path);
                    logger.write(LogTypes::ERROR, &line);
                    return Err(StartError::System(line));
                }
                Some(Arc::new(p))
            }
            None => None,
        };
        let mut threads = Vec::new();
        let mut result = Ok(());
        for ((index, poll), shard) in polls.into_iter().enumerate().zip(shards) {
            let mut own = Vec::new();
            for (socket, listener) in &sockets {
                match socket.try_clone() {
                    Ok(s) => own.push((s, *listener)),
                    Err(e) => {
                        result = Err(system(e));
                        break;
                    }
                }
            }
            if result.is_err() {
                break;
            }
            let sys = if index == 0 {
                sys::SysPublisher::new(
                    config.sys_interval,
                    format!("mosquitto version {VERSION}"),
                    config.retain_available,
                    started,
                )
            } else {
                None
            };
            let worker = match Worker::new(index, poll, shard, own, hub.clone(), sys, persistence.clone()) {
                Ok(w) => w,
                Err(e) => {
                    result = Err(system(e));
                    break;
                }
            };
            match std::thread::Builder::new()
                .name(format!("mosquitto-w{index}"))
                .spawn(move || worker.run())
            {
                Ok(t) => threads.push(t),
                Err(e) => {
                    result = Err(system(e));
                    break;
                }
            }
        }
        drop(sockets);
        let mut bridges = None;
        if result.is_ok() && !config.bridges.is_empty() {
            match crate::broker::bridge::Bridges::start(&config.bridges, &bridge_env(&hub, &config, hostname))
            {
                Ok(b) => bridges = Some(b),
                Err(line) => {
                    logger.write(LogTypes::ERROR, &line);
                    result = Err(StartError::System(line));
                }
            }
        }
        let broker = Broker {
            bridges,
            hub,
            threads,
            ports,
            pid_file,
            sources: self.sources,
            command_line_ports: self.ports,
            verbose: self.verbose,
            callback: self.callback,
            config: Mutex::new(config),
            settings: Mutex::new(settings),
            persistence,
        };
        if let Err(e) = result {
            broker.stop_quietly();
            return Err(e);
        }
        logger.write(
            LogTypes::INFORMATION,
            &format!("mosquitto version {VERSION} running"),
        );
        Ok(broker)
    }
}

/// A running broker. [`Broker::stop`] (or dropping it) ends it as SIGTERM ends mosquitto.
pub struct Broker {
    /// Stopped before the workers.
    bridges: Option<crate::broker::bridge::Bridges>,
    hub: Arc<Hub>,
    threads: Vec<JoinHandle<()>>,
    ports: Vec<u16>,
    pid_file: Option<PathBuf>,
    sources: Vec<Source>,
    command_line_ports: Vec<u16>,
    verbose: bool,
    callback: Option<LogCallback>,
    config: Mutex<Config>,
    settings: Mutex<Arc<Settings>>,
    persistence: Option<Arc<persist::Persistence>>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

impl Broker {
    /// The port listener `index` is bound to (in configuration order; `listener 0` gets a
    /// free port), or `None` for no such listener. A Unix socket listener has port 0.
    pub fn port(&self, index: usize) -> Option<u16> {
        self.ports.get(index).copied()
    }

    /// The bound ports of every listener.
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// Worker threads serving clients.
    pub fn workers(&self) -> usize {
        self.threads.len()
    }

    /// Read the configuration again, as SIGHUP makes mosquitto do: security files and the
    /// options mosquitto reloads. Listener changes are refused; an error leaves everything as
    /// it was.
    pub fn reload(&self) -> Result<(), StartError> {
        let logger = self.hub.logger.read().clone();
        logger.write(LogTypes::NOTICE, "Reloading config.");
        let mut reader = ConfigReader::new();
        for source in &self.sources {
            let result = source.apply(&mut reader);
            for m in reader.take_messages() {
                logger.write(message_type(m.level), &m.text);
            }
            if let Err(e) = result {
                for line in e.lines() {
                    logger.write(LogTypes::ERROR, &line);
                }
                return Err(StartError::Config(e));
            }
        }
        let mut new = match reader.finish() {
            Ok(c) => c,
            Err(e) => {
                for line in e.lines() {
                    logger.write(LogTypes::ERROR, &line);
                }
                return Err(StartError::Config(e));
            }
        };
        for p in &self.command_line_ports {
            let _ = new.add_command_line_port(&p.to_string());
        }
        new.set_verbose(self.verbose);
        let mut config = self.config.lock();
        let listeners = config.effective_listeners();
        let new_listeners = new.effective_listeners();
        if new_listeners.len() != listeners.len() {
            let line =
                "Error: It is not currently possible to add/remove listeners when reloading the config file.";
            logger.write(LogTypes::ERROR, line);
            return Err(StartError::Config(ConfigError {
                message: line.into(),
                file: String::new(),
                line: 0,
                included_from: None,
            }));
        }
        let unsupported = new.unsupported();
        if !unsupported.is_empty() {
            let e = StartError::Unsupported(unsupported);
            for line in e.lines() {
                logger.write(LogTypes::ERROR, &line);
            }
            return Err(e);
        }
        // Security is taken from the new files, with the listeners as they are.
        let mut merged_listeners = listeners.clone();
        for (old, fresh) in merged_listeners.iter_mut().zip(&new_listeners) {
            old.security = fresh.security.clone();
        }
        let security = match load_security(&new, &merged_listeners, &logger) {
            Ok(s) => s,
            Err(e) => {
                for line in e.lines() {
                    logger.write(LogTypes::ERROR, &line);
                }
                return Err(e);
            }
        };
        // Certificates and keys are read again; listeners keep their other options.
        let mut tls_listeners = listeners.clone();
        for (old, fresh) in tls_listeners.iter_mut().zip(&new_listeners) {
            old.tls.certfile = fresh.tls.certfile.clone();
            old.tls.keyfile = fresh.tls.keyfile.clone();
        }
        match tls_configs(&tls_listeners) {
            Ok(tls) => *self.hub.tls.write() = tls,
            Err(line) => logger.write(LogTypes::ERROR, &line),
        }
        let (new_logger, notes) = Logger::from_config(&new, self.callback.clone());
        for note in notes {
            new_logger.write(LogTypes::ERROR, &note);
        }
        *self.hub.logger.write() = Arc::new(new_logger);

        let mut settings = (**self.settings.lock()).clone();
        settings.clientid_prefixes = new.clientid_prefixes.clone();
        settings.connection_messages = new.connection_messages;
        settings.log_types = new.effective_log_types();
        settings.message_size_limit = new.message_size_limit;
        settings.persistent_client_expiration = new.persistent_client_expiration;
        settings.queue_qos0_messages = new.queue_qos0_messages;
        settings.sys_interval = new.sys_interval;
        settings.upgrade_outgoing_qos = new.upgrade_outgoing_qos;
        let per_listener = new.per_listener_settings;
        for (l, fresh) in settings.listeners.iter_mut().zip(&merged_listeners) {
            let sec = if per_listener {
                &fresh.security
            } else {
                &new.security
            };
            l.allow_zero_length_clientid = sec.allow_zero_length_clientid;
            l.auto_id_prefix = sec.auto_id_prefix().to_owned();
        }
        let settings = Arc::new(settings);
        *self.settings.lock() = settings.clone();
        for worker in 0..self.hub.inboxes.len() {
            self.hub.post(
                worker,
                vec![Mail::Commands(vec![Command::Reload {
                    settings: settings.clone(),
                    security: security.clone(),
                }])],
            );
        }
        // Keep the listeners as they are; the rest is the new configuration.
        new.listeners = config.listeners.clone();
        new.default_listener = config.default_listener.clone();
        *config = new;
        Ok(())
    }

    /// Write the persistence store now, as SIGUSR1 makes mosquitto do, with mosquitto's log
    /// line. Every change that an acknowledgement depends on is durable before that
    /// acknowledgement leaves; this also makes the removals of acknowledged copies durable.
    /// Without persistence it does nothing.
    pub fn save(&self) {
        if let Some(p) = &self.persistence {
            let logger = self.hub.logger.read().clone();
            logger.write(
                LogTypes::INFORMATION,
                &format!("Saving in-memory database to {}.", p.path),
            );
            if let Err(e) = p.flush() {
                logger.write(
                    LogTypes::ERROR,
                    &format!("Error: Unable to write persistence file {}: {e}.", p.path),
                );
            }
        }
    }

    /// Whether a persistence store is in use, and its file.
    pub fn persistence_file(&self) -> Option<&str> {
        self.persistence.as_ref().map(|p| p.path.as_str())
    }

    /// Stop: log the terminating line, publish every will, close every socket, join every
    /// thread (each commits its last changes to the store) and remove the pid file.
    pub fn stop(mut self) {
        self.hub.logger.read().write(
            LogTypes::INFORMATION,
            &format!("mosquitto version {VERSION} terminating"),
        );
        self.shutdown();
        self.save();
    }

    fn stop_quietly(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(mut bridges) = self.bridges.take() {
            bridges.stop();
        }
        self.hub.stop_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        if let Some(path) = self.pid_file.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.shutdown();
        }
    }
}

/// What the bridges need of the broker: its log, in-process connections to a worker (on the
/// listener after the configured ones), the host name and the queue options.
fn bridge_env(hub: &Arc<Hub>, config: &Config, hostname: String) -> crate::broker::bridge::Env {
    let internal = hub.listener_clients.len();
    let log_hub = hub.clone();
    let connect_hub = Arc::downgrade(hub);
    crate::broker::bridge::Env {
        log: Arc::new(move |kind, text| log_hub.logger.read().write(kind, text)),
        connector: crate::client::Connector(Arc::new(move || {
            let hub = connect_hub
                .upgrade()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotConnected))?;
            let (ours, theirs) = std::os::unix::net::UnixStream::pair()?;
            ours.set_nonblocking(true)?;
            let socket = stream::Stream::Unix(mio::net::UnixStream::from_std(ours));
            hub.post(
                0,
                vec![Mail::Accept {
                    socket,
                    listener: internal,
                }],
            );
            Ok(theirs)
        })),
        hostname,
        limits: crate::broker::bridge::Limits {
            max_queued_messages: config.max_queued_messages,
            max_queued_bytes: config.max_queued_bytes,
            queue_qos0_messages: config.queue_qos0_messages,
            max_inflight_messages: config.max_inflight_messages,
        },
    }
}

/// The log type of a configuration message.
fn message_type(level: MessageLevel) -> LogTypes {
    match level {
        MessageLevel::Info => LogTypes::INFORMATION,
        MessageLevel::Notice => LogTypes::NOTICE,
        MessageLevel::Warning => LogTypes::WARNING,
        MessageLevel::Error => LogTypes::ERROR,
    }
}

/// Load the password and ACL files: one set per listener with `per_listener_settings`, else
/// one for all.
fn load_security(
    config: &Config,
    listeners: &[Listener],
    logger: &Logger,
) -> Result<SecurityTable, StartError> {
    let sources: Vec<&crate::broker::config::Security> = if config.per_listener_settings {
        listeners.iter().map(|l| &l.security).collect()
    } else {
        vec![&config.security]
    };
    let mut table = Vec::with_capacity(sources.len());
    for s in sources {
        let (security, lines) = Security::load(
            s.allow_anonymous(),
            s.password_file.as_deref().map(Path::new),
            s.acl_file.as_deref().map(Path::new),
        )
        .map_err(StartError::Security)?;
        for line in lines {
            let kind = match line.level {
                LogLevel::Error => LogTypes::ERROR,
                LogLevel::Warning => LogTypes::WARNING,
                LogLevel::Notice => LogTypes::NOTICE,
                LogLevel::Info => LogTypes::INFORMATION,
            };
            logger.write(kind, &line.text);
        }
        table.push(Arc::new(security));
    }
    // The broker's own bridges bypass authentication and ACLs.
    table.push(Arc::new(Security::unrestricted()));
    Ok(Arc::new(table))
}

/// What a listener takes from client certificates as usernames.
fn identity_of(l: &Listener) -> Identity {
    if !l.tls.certificate_enabled() {
        Identity::None
    } else if l.tls.use_identity_as_username {
        Identity::CommonName
    } else if l.tls.use_subject_as_username {
        Identity::Subject
    } else {
        Identity::None
    }
}

/// Without the `tls` feature every listener is plain (the configuration refuses TLS options).
#[cfg(not(feature = "tls"))]
fn tls_configs(listeners: &[Listener]) -> Result<Vec<Option<stream::TlsConfig>>, String> {
    Ok(vec![None; listeners.len()])
}

/// The TLS configuration of each listener (`None`: plain); the error is the line to log.
#[cfg(feature = "tls")]
fn tls_configs(listeners: &[Listener]) -> Result<Vec<Option<stream::TlsConfig>>, String> {
    use crate::transport::tls::{ServerTlsSettings, server_config};
    let mut out = Vec::with_capacity(listeners.len());
    for l in listeners {
        let t = &l.tls;
        let (Some(certfile), Some(keyfile)) = (&t.certfile, &t.keyfile) else {
            if t.certfile.is_some() || t.keyfile.is_some() {
                return Err(format!(
                    "Error: Both certfile and keyfile must be given for TLS on the listener of port {}.",
                    l.port
                ));
            }
            out.push(None);
            continue;
        };
        let settings = ServerTlsSettings {
            cafile: t.cafile.as_ref().map(PathBuf::from),
            capath: t.capath.as_ref().map(PathBuf::from),
            certfile: PathBuf::from(certfile),
            keyfile: PathBuf::from(keyfile),
            crlfile: t.crlfile.as_ref().map(PathBuf::from),
            require_certificate: t.require_certificate,
            tls_version: t.tls_version.clone(),
            ciphers: t.ciphers.clone(),
            ciphers_tls13: t.ciphers_tls13.clone(),
        };
        out.push(Some(server_config(&settings)?));
    }
    Ok(out)
}

/// The core's settings from a configuration.
fn settings_from(config: &Config, listeners: &[Listener], shards: u16) -> Settings {
    let listeners = listeners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let sec = config.security_for(l);
            ListenerSettings {
                port: l.port,
                max_connections: usize::try_from(l.max_connections).ok(),
                max_qos: l.max_qos,
                max_topic_alias: l.max_topic_alias,
                mount_point: l.mount_point.clone(),
                use_username_as_clientid: l.use_username_as_clientid,
                allow_zero_length_clientid: sec.allow_zero_length_clientid,
                auto_id_prefix: sec.auto_id_prefix().to_owned(),
                security: if config.per_listener_settings { i } else { 0 },
                identity_as_username: identity_of(l) != Identity::None,
                internal: false,
            }
        })
        .collect::<Vec<_>>();
    let mut listeners = listeners;
    if !config.bridges.is_empty() {
        // The local side of the bridges: after the configured listeners, with the security
        // entry `load_security` puts after theirs.
        listeners.push(ListenerSettings {
            port: 0,
            max_connections: None,
            max_qos: 2,
            max_topic_alias: 10,
            mount_point: None,
            use_username_as_clientid: false,
            allow_zero_length_clientid: true,
            auto_id_prefix: "auto-".into(),
            security: if config.per_listener_settings {
                listeners.len()
            } else {
                1
            },
            identity_as_username: false,
            internal: true,
        });
    }
    Settings {
        listeners,
        max_inflight_messages: config.max_inflight_messages,
        max_inflight_bytes: config.max_inflight_bytes,
        max_queued_messages: config.max_queued_messages,
        max_queued_bytes: config.max_queued_bytes,
        queue_qos0_messages: config.queue_qos0_messages,
        max_packet_size: config.max_packet_size,
        message_size_limit: config.message_size_limit,
        max_keepalive: config.max_keepalive,
        retain_available: config.retain_available,
        persistent_client_expiration: config.persistent_client_expiration,
        upgrade_outgoing_qos: config.upgrade_outgoing_qos,
        check_retain_source: config.check_retain_source,
        connection_messages: config.connection_messages,
        clientid_prefixes: config.clientid_prefixes.clone(),
        log_types: config.effective_log_types(),
        shards,
        version: format!("mosquitto version {VERSION}"),
        sys_interval: config.sys_interval,
    }
}
