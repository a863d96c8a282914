//! One bridge's thread: its two clients, the connection rules of the remote side, and the
//! messages carried across.

use std::collections::{HashSet, VecDeque};
use std::io::Read;
use std::net::ToSocketAddrs;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::Mutex;

use super::topics::{self, Mapping};
use super::{Env, Stop};
use crate::broker::config::{Bridge, BridgeProtocol, LogTypes, RestartTimeout, StartType};
use crate::client::{
    Client, ClientOptions, DisconnectCause, Error, Event, Handler, LogLevel, Property, ProtocolVersion,
    Publish, PublishRequest, Target,
};
use crate::protocol::consts::{
    MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_TOPIC_ALIAS,
};
use crate::protocol::{PropValue, topic};

/// Subscription options of a v5 bridge: No Local and Retain As Published.
const BRIDGE_SUB_OPTIONS: u8 = 0x04 | 0x08;
/// How often a bridge on a secondary address checks whether the first one is back.
const PRIMARY_RETRY: Duration = Duration::from_secs(5);
/// How long the check of the first address may take.
const PRIMARY_PROBE: Duration = Duration::from_secs(1);
/// Delay before the local side connects again (it only drops when someone takes over its
/// client id).
const LOCAL_RETRY: Duration = Duration::from_secs(1);
/// The longest wait of one pass (keepalive housekeeping runs once a second).
const TICK: Duration = Duration::from_secs(1);
/// A connection attempt without CONNACK after this long (at least) is given up.
const MIN_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Collects a client's events for the bridge thread, which handles them between calls.
#[derive(Default)]
struct Collect(Mutex<Vec<Event>>);

impl Handler for Collect {
    fn deliver(&self, event: Event) {
        self.0.lock().push(event);
    }
}

impl Collect {
    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock())
    }
}

/// The remote side's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Not connected: connect once `at` has come (a lazy bridge also waits for its threshold);
    /// `None` waits for the threshold only.
    Waiting {
        at: Option<Instant>,
    },
    /// A connection attempt without CONNACK yet.
    Connecting {
        since: Instant,
    },
    Connected,
    /// `start_type once` after its connection: never again.
    Finished,
}

/// A message waiting for the remote side.
#[derive(Debug)]
struct Outgoing {
    topic: String,
    payload: Bytes,
    qos: u8,
    retain: bool,
    properties: Vec<Property>,
}

/// One bridge; see the module documentation.
pub(super) struct Runner {
    config: Bridge,
    env: Env,
    stop: Arc<Stop>,
    woken: UnixStream,
    remote_id: String,
    local_id: String,
    state_topic: String,
    mappings: Vec<Mapping>,
    v5: bool,
    remote: Client,
    remote_events: Collect,
    local: Client,
    local_events: Collect,
    link: Link,
    local_connected: bool,
    /// When the local side connects again after losing its connection.
    local_retry: Option<Instant>,
    /// The address used by the current or next attempt.
    address: usize,
    /// The bridge flag is sent (cleared when the remote broker refuses it).
    private: bool,
    /// The last restart delay (the back-off grows from it).
    delay: u32,
    /// Messages waiting for the remote side to connect.
    queue: VecDeque<Outgoing>,
    queue_bytes: u64,
    /// Message ids of QoS 1 and 2 messages given to the remote side and not yet complete.
    outstanding: HashSet<u16>,
    /// The drop notice was logged since the last connection.
    drop_logged: bool,
    /// The last message carried either way (for `idle_timeout`).
    last_traffic: Instant,
    /// When the first address is checked again (a bridge connected to a secondary one).
    primary_retry: Option<Instant>,
    /// Local requests (the first subscriptions and state) not yet acknowledged; the bridge is
    /// ready once there are none.
    local_pending: HashSet<u16>,
    /// Told once the bridge is ready.
    ready: Option<Arc<Ready>>,
}

/// Set once a bridge's local side has subscribed, so that messages published from then on
/// reach it.
#[derive(Debug, Default)]
pub(super) struct Ready {
    done: Mutex<bool>,
    cv: parking_lot::Condvar,
}

impl Ready {
    fn set(&self) {
        *self.done.lock() = true;
        self.cv.notify_all();
    }

    /// Wait until set or `deadline`.
    pub(super) fn wait_until(&self, deadline: Instant) {
        let mut done = self.done.lock();
        while !*done {
            if self.cv.wait_until(&mut done, deadline).timed_out() {
                return;
            }
        }
    }
}

impl Runner {
    pub(super) fn new(
        config: Bridge,
        env: Env,
        stop: Arc<Stop>,
        woken: UnixStream,
        ready: Arc<Ready>,
    ) -> std::io::Result<Self> {
        let remote_id = config.remote_clientid(&env.hostname);
        let local_id = config.local_clientid(&env.hostname);
        let state_topic = config.notification_topic(&env.hostname);
        let v5 = config.protocol_version == BridgeProtocol::Mqtt5;
        let mappings = config.topics.iter().map(Mapping::new).collect();
        let io = |e: Error| std::io::Error::other(e.to_string());
        let remote = Client::new(remote_options(&config, &remote_id, v5)).map_err(io)?;
        let local = Client::new(local_options(&config, &local_id, v5)).map_err(io)?;
        let now = crate::client::now();
        let delay = match config.restart_timeout {
            RestartTimeout::Constant(n) => n,
            RestartTimeout::Backoff { base, .. } => base,
        };
        let mut runner = Self {
            private: config.try_private,
            config,
            env,
            stop,
            woken,
            remote_id,
            local_id,
            state_topic,
            mappings,
            v5,
            remote,
            remote_events: Collect::default(),
            local,
            local_events: Collect::default(),
            link: Link::Waiting { at: Some(now) },
            local_connected: false,
            local_retry: None,
            address: 0,
            delay,
            queue: VecDeque::new(),
            queue_bytes: 0,
            outstanding: HashSet::new(),
            drop_logged: false,
            last_traffic: now,
            primary_retry: None,
            local_pending: HashSet::new(),
            ready: Some(ready),
        };
        runner.configure_remote();
        runner.configure_local();
        Ok(runner)
    }

    fn log(&self, kind: LogTypes, text: &str) {
        (self.env.log)(kind, text);
    }

    /// The remote side's settings that do not change between connections.
    fn configure_remote(&mut self) {
        let config = &self.config;
        let mut lines = Vec::new();
        {
            let mut s = self.remote.settings();
            s.set_log_enabled(true);
            s.set_send_maximum(self.env.limits.max_inflight_messages);
            s.set_bind_address(config.bind_address.clone());
            let username = config.remote_username.as_deref().map(str::as_bytes);
            let password = config.remote_password.as_deref().map(str::as_bytes);
            if s.set_credentials(username, password).is_err() {
                lines.push(format!(
                    "Warning: Bridge {} has a remote_password without a remote_username; it is not sent.",
                    config.name
                ));
                let _ = s.set_credentials(username, None);
            }
            if config.notifications && !config.notifications_local_only {
                let _ = s.set_will(self.state_topic.as_bytes(), b"0", 1, true, None);
            }
            let tls = &config.tls;
            if tls.cafile.is_some() || tls.capath.is_some() {
                let t = s.tls();
                t.cafile = tls.cafile.as_ref().map(Into::into);
                t.capath = tls.capath.as_ref().map(Into::into);
                t.certfile = tls.certfile.as_ref().map(Into::into);
                t.keyfile = tls.keyfile.as_ref().map(Into::into);
                t.insecure = tls.insecure;
                t.alpn = tls.alpn.as_ref().map(|a| a.as_bytes().to_vec());
                if let Some(v) = tls.tls_version.as_deref() {
                    match crate::transport::tls::parse_version(v) {
                        Some(v) => t.version = v,
                        None => lines.push(format!(
                            "Warning: Bridge {} has an unknown bridge_tls_version \"{v}\"; using the default.",
                            config.name
                        )),
                    }
                }
            }
        }
        for line in lines {
            self.log(LogTypes::WARNING, &line);
        }
    }

    fn configure_local(&mut self) {
        let config = &self.config;
        let mut s = self.local.settings();
        // The broker sends as fast as the bridge reads.
        s.set_receive_maximum(0);
        s.set_connector(Some(self.env.connector.clone()));
        let username = config.local_username.as_deref().map(str::as_bytes);
        let password = config.local_password.as_deref().map(str::as_bytes);
        if s.set_credentials(username, password).is_err() {
            let _ = s.set_credentials(username, None);
        }
    }

    /// Run until asked to stop.
    pub(super) fn run(mut self) {
        self.connect_local();
        if self.config.notifications {
            self.publish_local_state(b"0");
        }
        let now = crate::client::now();
        self.link = match self.config.start_type {
            StartType::Lazy => Link::Waiting { at: None },
            StartType::Automatic | StartType::Once => Link::Waiting { at: Some(now) },
        };
        let mut next_tick = now;
        while !self.stop.requested() {
            let now = crate::client::now();
            self.due(now);
            self.handle_events();
            let deadline = self.next_deadline(now).min(next_tick);
            self.wait(deadline.saturating_duration_since(crate::client::now()));
            self.handle_events();
            let now = crate::client::now();
            if now >= next_tick {
                next_tick = now + TICK;
                if self.remote.socket().is_some() {
                    let _ = self.remote.misc(&self.remote_events);
                }
                if self.local.socket().is_some() {
                    let _ = self.local.misc(&self.local_events);
                }
                self.handle_events();
            }
        }
        self.remote.close_now();
        self.local.close_now();
        if let Some(ready) = self.ready.take() {
            ready.set();
        }
    }

    /// Start what is due: a connection attempt, a lazy bridge's stop, a check of the first
    /// address, the local side's reconnection.
    fn due(&mut self, now: Instant) {
        if !self.local_connected
            && self.local.socket().is_none()
            && self.local_retry.is_some_and(|t| now >= t)
        {
            self.connect_local();
        }
        match self.link {
            Link::Waiting { at } => {
                let time = at.is_none_or(|t| now >= t);
                let lazy = self.config.start_type == StartType::Lazy;
                let enough = !lazy || self.queue.len() >= self.config.threshold as usize;
                if time && enough && (at.is_some() || lazy) {
                    self.connect_remote(now);
                }
            }
            Link::Connecting { since } => {
                let limit =
                    Duration::from_secs(u64::from(self.config.keepalive_interval)).max(MIN_CONNECT_TIMEOUT);
                if now.saturating_duration_since(since) > limit {
                    self.remote.close_now();
                    self.log(
                        LogTypes::ERROR,
                        &format!(
                            "Error creating bridge: {}.",
                            describe(&Error::Errno(libc::ETIMEDOUT))
                        ),
                    );
                    self.connection_ended(false, now);
                }
            }
            Link::Connected => {
                let idle = Duration::from_secs(u64::from(self.config.idle_timeout));
                if self.config.start_type == StartType::Lazy
                    && self.queue.is_empty()
                    && self.outstanding.is_empty()
                    && now.saturating_duration_since(self.last_traffic) > idle
                {
                    self.log(
                        LogTypes::NOTICE,
                        &format!(
                            "Bridge connection {} has exceeded idle timeout, disconnecting.",
                            self.local_id
                        ),
                    );
                    self.remote.close_now();
                    self.connection_ended(true, now);
                    self.link = Link::Waiting { at: None };
                } else if self.primary_retry.is_some_and(|t| now >= t) {
                    self.check_primary(now);
                }
            }
            Link::Finished => {}
        }
    }

    /// When the loop must look at the state again.
    fn next_deadline(&self, now: Instant) -> Instant {
        let mut at = now + TICK;
        if let Link::Waiting { at: Some(t) } = self.link {
            at = at.min(t);
        }
        if let Some(t) = self.local_retry {
            at = at.min(t);
        }
        at.max(now)
    }

    /// Wait for either socket or a stop request, then read and write what is ready.
    fn wait(&mut self, timeout: Duration) {
        let remote = self.remote.socket();
        let local = self.local.socket();
        let mut fds = vec![libc::pollfd {
            fd: self.woken.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        let mut add = |fd: Option<RawFd>, write: bool| {
            fd.map(|fd| {
                fds.push(libc::pollfd {
                    fd,
                    events: libc::POLLIN | if write { libc::POLLOUT } else { 0 },
                    revents: 0,
                });
                fds.len() - 1
            })
        };
        let remote_at = add(remote, self.remote.wants_write());
        let local_at = add(local, self.local.wants_write());
        let ms = timeout.as_millis().clamp(0, 1000) as libc::c_int;
        // SAFETY: `fds` is a valid array of pollfd for its length during the call.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n <= 0 {
            return;
        }
        if fds[0].revents != 0 {
            let mut buf = [0u8; 16];
            while matches!((&self.woken).read(&mut buf), Ok(n) if n > 0) {}
        }
        let ready = |at: Option<usize>| at.map_or(0, |i| fds[i].revents);
        let (r, l) = (ready(remote_at), ready(local_at));
        let readable = libc::POLLIN | libc::POLLHUP | libc::POLLERR;
        if r & libc::POLLOUT != 0 {
            let _ = self.remote.write(&self.remote_events);
        }
        if r & readable != 0 {
            let _ = self.remote.read(&self.remote_events);
        }
        if l & libc::POLLOUT != 0 {
            let _ = self.local.write(&self.local_events);
        }
        if l & readable != 0 {
            let _ = self.local.read(&self.local_events);
        }
    }

    /// Handle the events of both sides until there are none (handling one may cause others).
    fn handle_events(&mut self) {
        loop {
            let local = self.local_events.take();
            let remote = self.remote_events.take();
            if local.is_empty() && remote.is_empty() {
                return;
            }
            for e in local {
                self.local_event(e);
            }
            for e in remote {
                self.remote_event(e);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // The local side

    fn connect_local(&mut self) {
        self.local_retry = None;
        let target = Target {
            host: "bridge".into(),
            port: 1,
            keepalive: 0,
            bind_address: None,
        };
        let properties = (self.v5 && !self.config.local_cleansession()).then(|| {
            vec![Property {
                id: MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                value: PropValue::Int32(u32::MAX),
            }]
        });
        if let Err(e) = self.local.connect(&self.local_events, target, properties, false) {
            self.log(
                LogTypes::ERROR,
                &format!(
                    "Error: Bridge {} cannot reach this broker: {}.",
                    self.config.name,
                    describe(&e)
                ),
            );
            self.local_retry = Some(crate::client::now() + LOCAL_RETRY);
        }
    }

    /// Subscribe on this broker to every outgoing line (retained messages come with it).
    fn subscribe_local(&mut self) {
        let options = if self.v5 { BRIDGE_SUB_OPTIONS } else { 0 };
        let lines: Vec<(String, u8)> = self
            .mappings
            .iter()
            .filter(|m| m.outgoing())
            .map(|m| (m.local_topic.clone(), m.qos))
            .collect();
        for (filter, qos) in lines {
            self.log(
                LogTypes::DEBUG,
                &format!("Bridge {} doing local SUBSCRIBE on topic {filter}", self.local_id),
            );
            if let Ok(mid) =
                self.local
                    .subscribe(&self.local_events, &[filter.as_bytes()], qos, options, Vec::new())
            {
                if self.ready.is_some() {
                    self.local_pending.insert(mid);
                }
            }
        }
        self.check_ready();
    }

    /// Tell the broker the bridge is ready once its first local requests are acknowledged.
    fn check_ready(&mut self) {
        if self.local_pending.is_empty() {
            if let Some(ready) = self.ready.take() {
                ready.set();
            }
        }
    }

    fn publish_local_state(&mut self, state: &[u8]) {
        let topic = self.state_topic.clone();
        let (mid, _) = self.local.publish(
            &self.local_events,
            PublishRequest {
                topic: Some(topic.as_bytes()),
                payload: state,
                qos: 1,
                retain: true,
                properties: Vec::new(),
            },
        );
        if let (Some(mid), Some(_)) = (mid, &self.ready) {
            self.local_pending.insert(mid);
        }
    }

    fn local_event(&mut self, event: Event) {
        match event {
            Event::Connect { rc: 0, .. } => {
                self.local_connected = true;
                self.subscribe_local();
            }
            Event::Connect { .. } => {}
            Event::Disconnect { .. } => {
                self.local_connected = false;
                self.local_retry = Some(crate::client::now() + LOCAL_RETRY);
            }
            Event::Message { message } => self.outgoing(message),
            Event::Publish { mid, .. } | Event::Subscribe { mid, .. } => {
                if self.local_pending.remove(&mid) {
                    self.check_ready();
                }
            }
            Event::Unsubscribe { .. } | Event::Log { .. } | Event::PreConnect | Event::ExtAuth { .. } => {}
        }
    }

    /// A local message for the remote broker.
    fn outgoing(&mut self, message: Publish) {
        let topic = topics::to_remote(&self.mappings, &message.topic);
        let message = Outgoing {
            topic,
            retain: message.retain && self.config.outgoing_retain,
            qos: message.qos,
            properties: if self.v5 {
                forwarded(message.properties)
            } else {
                Vec::new()
            },
            payload: message.payload,
        };
        if self.config.max_packet_size > 0
            && packet_size(&message, self.v5) > self.config.max_packet_size as usize
        {
            self.log(
                LogTypes::NOTICE,
                &format!(
                    "Dropping too large outgoing PUBLISH for {} ({} bytes)",
                    self.local_id,
                    packet_size(&message, self.v5)
                ),
            );
            return;
        }
        self.last_traffic = crate::client::now();
        if self.link == Link::Connected {
            let limit = self.env.limits.max_queued_messages;
            let inflight = match self.env.limits.max_inflight_messages {
                0 => usize::from(u16::MAX),
                n => usize::from(n),
            };
            if message.qos > 0 && limit > 0 && self.outstanding.len() >= inflight + limit as usize {
                self.dropped();
                return;
            }
            self.send_remote(message);
            return;
        }
        let lazy = self.config.start_type == StartType::Lazy;
        if message.qos == 0 && !lazy && !self.env.limits.queue_qos0_messages {
            return;
        }
        let limits = self.env.limits;
        let full = (limits.max_queued_messages > 0
            && self.queue.len() >= limits.max_queued_messages as usize)
            || (limits.max_queued_bytes > 0
                && self.queue_bytes + message.payload.len() as u64 > limits.max_queued_bytes);
        if full {
            self.dropped();
            return;
        }
        self.queue_bytes += message.payload.len() as u64;
        self.queue.push_back(message);
    }

    fn dropped(&mut self) {
        if !self.drop_logged {
            self.drop_logged = true;
            self.log(
                LogTypes::NOTICE,
                &format!(
                    "Outgoing messages are being dropped for client {}.",
                    self.local_id
                ),
            );
        }
    }

    fn send_remote(&mut self, message: Outgoing) {
        let (mid, result) = self.remote.publish(
            &self.remote_events,
            PublishRequest {
                topic: Some(message.topic.as_bytes()),
                payload: &message.payload,
                qos: message.qos,
                retain: message.retain,
                properties: message.properties,
            },
        );
        match result {
            Ok(()) => {
                if message.qos > 0 {
                    if let Some(mid) = mid {
                        self.outstanding.insert(mid);
                    }
                }
            }
            Err(Error::PayloadSize | Error::OversizePacket) => self.log(
                LogTypes::NOTICE,
                &format!(
                    "Dropping too large outgoing PUBLISH for {} ({} bytes)",
                    self.local_id,
                    packet_size(&message_ref(&message.topic, &message.payload), self.v5)
                ),
            ),
            Err(_) => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // The remote side

    fn connect_remote(&mut self, now: Instant) {
        let Some(address) = self.config.addresses.get(self.address).cloned() else {
            self.link = Link::Finished;
            return;
        };
        self.log(
            LogTypes::NOTICE,
            &format!(
                "Connecting bridge {} ({}:{})",
                self.config.name, address.host, address.port
            ),
        );
        let flag = self.private && !self.v5;
        self.remote.settings().set_bridge(flag);
        self.log(
            LogTypes::DEBUG,
            &format!("Bridge {} sending CONNECT", self.remote_id),
        );
        let target = Target {
            host: address.host.clone(),
            port: address.port,
            keepalive: self.config.keepalive_interval,
            bind_address: None,
        };
        match self.remote.connect(&self.remote_events, target, None, false) {
            Ok(()) => self.link = Link::Connecting { since: now },
            Err(e) => {
                self.log(
                    LogTypes::ERROR,
                    &format!("Error creating bridge: {}.", describe(&e)),
                );
                self.connection_ended(false, now);
            }
        }
    }

    fn remote_event(&mut self, event: Event) {
        match event {
            Event::Connect { rc: 0, .. } => self.remote_connected(),
            Event::Connect { rc, .. } => {
                let reason = match rc {
                    1 => "unacceptable protocol version",
                    2 => "identifier rejected",
                    3 => "broker unavailable",
                    4 => "bad user name or password",
                    5 => "not authorised",
                    _ => "unknown reason",
                };
                if rc == 1 {
                    // The remote broker does not take the bridge flag: connect without it.
                    self.private = false;
                }
                self.log(LogTypes::ERROR, &format!("Connection Refused: {reason}"));
            }
            Event::Disconnect { cause } => self.remote_lost(&cause),
            Event::Message { message } => self.incoming(message),
            Event::Publish { mid, .. } => {
                self.outstanding.remove(&mid);
            }
            Event::Subscribe { .. } => {
                self.log(
                    LogTypes::DEBUG,
                    &format!("Received SUBACK from {}", self.local_id),
                );
            }
            Event::Unsubscribe { .. } => {
                self.log(
                    LogTypes::DEBUG,
                    &format!("Received UNSUBACK from {}", self.local_id),
                );
            }
            Event::Log {
                level: LogLevel::Error,
                text,
            } => self.log(LogTypes::ERROR, &text),
            Event::Log { .. } | Event::PreConnect | Event::ExtAuth { .. } => {}
        }
    }

    fn remote_connected(&mut self) {
        let now = crate::client::now();
        self.log(
            LogTypes::DEBUG,
            &format!("Received CONNACK on connection {}.", self.local_id),
        );
        self.link = Link::Connected;
        self.drop_logged = false;
        self.last_traffic = now;
        if let RestartTimeout::Backoff { base, .. } = self.config.restart_timeout {
            self.delay = base;
        }
        self.primary_retry = (!self.config.round_robin && self.address != 0).then(|| now + PRIMARY_RETRY);
        if self.config.notifications {
            if !self.config.notifications_local_only {
                let topic = self.state_topic.clone();
                let _ = self.remote.publish(
                    &self.remote_events,
                    PublishRequest {
                        topic: Some(topic.as_bytes()),
                        payload: b"1",
                        qos: 1,
                        retain: true,
                        properties: Vec::new(),
                    },
                );
            }
            self.publish_local_state(b"1");
        }
        let options = if self.v5 { BRIDGE_SUB_OPTIONS } else { 0 };
        let lines: Vec<Mapping> = self.mappings.clone();
        for m in lines {
            let filter = m.remote_topic.as_bytes();
            if m.incoming() {
                if let Ok(mid) =
                    self.remote
                        .subscribe(&self.remote_events, &[filter], m.qos, options, Vec::new())
                {
                    self.log(
                        LogTypes::DEBUG,
                        &format!(
                            "Bridge {} sending SUBSCRIBE (Mid: {mid}, Topic: {}, QoS: {}, Options: 0x{options:02x})",
                            self.local_id, m.remote_topic, m.qos
                        ),
                    );
                }
            } else if self.config.attempt_unsubscribe {
                if let Ok(mid) = self
                    .remote
                    .unsubscribe(&self.remote_events, &[filter], Vec::new())
                {
                    self.log(
                        LogTypes::DEBUG,
                        &format!(
                            "Bridge {} sending UNSUBSCRIBE (Mid: {mid}, Topic: {})",
                            self.local_id, m.remote_topic
                        ),
                    );
                }
            }
        }
        // Messages queued meanwhile, then the retained messages of the outgoing lines again.
        while let Some(message) = self.queue.pop_front() {
            self.queue_bytes = self.queue_bytes.saturating_sub(message.payload.len() as u64);
            self.send_remote(message);
        }
        if self.local_connected {
            self.subscribe_local();
        }
    }

    /// The remote connection ended (or failed before CONNACK).
    fn remote_lost(&mut self, cause: &DisconnectCause) {
        let now = crate::client::now();
        let connected = self.link == Link::Connected;
        if !matches!(self.link, Link::Connected | Link::Connecting { .. }) {
            return;
        }
        let line = match cause {
            DisconnectCause::Error(Error::ConnLost | Error::ConnRefused) | DisconnectCause::Requested => {
                format!("Client {} closed its connection.", self.local_id)
            }
            DisconnectCause::Error(Error::Keepalive) => {
                format!("Client {} has exceeded timeout, disconnecting.", self.local_id)
            }
            DisconnectCause::Server(_) => format!("Client {} disconnected.", self.local_id),
            DisconnectCause::Error(e) if !connected => format!("Error creating bridge: {}.", describe(e)),
            DisconnectCause::Error(_) => format!("Socket error on client {}, disconnecting.", self.local_id),
        };
        let kind = if line.starts_with("Error") {
            LogTypes::ERROR
        } else {
            LogTypes::NOTICE
        };
        self.log(kind, &line);
        self.connection_ended(connected, now);
    }

    /// Decide what follows a connection or an attempt: the next address, after the restart
    /// delay (a `once` bridge never connects again).
    fn connection_ended(&mut self, was_connected: bool, now: Instant) {
        self.primary_retry = None;
        if was_connected && self.config.notifications {
            self.publish_local_state(b"0");
        }
        if !self.config.addresses.is_empty() {
            self.address = (self.address + 1) % self.config.addresses.len();
        }
        let delay = self.next_delay();
        self.link = match self.config.start_type {
            StartType::Once => Link::Finished,
            StartType::Automatic | StartType::Lazy => Link::Waiting {
                at: Some(now + Duration::from_secs(u64::from(delay))),
            },
        };
    }

    /// The restart delay: constant, or mosquitto's jittered back-off between the base and the
    /// cap.
    fn next_delay(&mut self) -> u32 {
        match self.config.restart_timeout {
            RestartTimeout::Constant(n) => n,
            RestartTimeout::Backoff { base, cap } => {
                let high = self.delay.saturating_mul(3).max(base + 1);
                let span = high - base;
                let pick = base + random_u32() % span.max(1);
                self.delay = pick.min(cap);
                self.delay
            }
        }
    }

    /// Connected to a secondary address: if the first one accepts connections again, move
    /// back to it.
    fn check_primary(&mut self, now: Instant) {
        self.primary_retry = Some(now + PRIMARY_RETRY);
        let Some(first) = self.config.addresses.first() else {
            return;
        };
        let reachable = (first.host.as_str(), first.port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, PRIMARY_PROBE).is_ok());
        if reachable {
            self.remote.close_now();
            self.primary_retry = None;
            if self.config.notifications {
                self.publish_local_state(b"0");
            }
            self.address = 0;
            self.link = Link::Waiting { at: Some(now) };
        }
    }

    /// A remote message for this broker.
    fn incoming(&mut self, message: Publish) {
        let topic = topics::to_local(&self.mappings, &message.topic);
        if topic.is_empty() || !topic::is_valid_pub_topic(topic.as_bytes()) {
            return;
        }
        self.last_traffic = crate::client::now();
        let properties = if self.v5 {
            forwarded(message.properties)
        } else {
            Vec::new()
        };
        let _ = self.local.publish(
            &self.local_events,
            PublishRequest {
                topic: Some(topic.as_bytes()),
                payload: &message.payload,
                qos: message.qos,
                retain: message.retain,
                properties,
            },
        );
    }
}

/// The options of the remote side.
fn remote_options(config: &Bridge, id: &str, v5: bool) -> ClientOptions {
    let mut o = ClientOptions::new(Some(id.to_owned()), config.cleansession);
    o.protocol = match config.protocol_version {
        BridgeProtocol::Mqtt31 => ProtocolVersion::V31,
        BridgeProtocol::Mqtt311 => ProtocolVersion::V311,
        BridgeProtocol::Mqtt5 => ProtocolVersion::V5,
    };
    o.keepalive = config.keepalive_interval;
    o.bridge = config.try_private && !v5;
    o
}

/// The options of the local side: the bridge's protocol (3.x as a bridge).
fn local_options(config: &Bridge, id: &str, v5: bool) -> ClientOptions {
    let mut o = ClientOptions::new(Some(id.to_owned()), config.local_cleansession());
    o.protocol = if v5 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V311
    };
    o.keepalive = 0;
    o.bridge = !v5;
    o
}

/// The properties of a message that travel on: all but those of one hop (subscription
/// identifiers, topic alias).
fn forwarded(mut properties: Vec<Property>) -> Vec<Property> {
    properties.retain(|p| p.id != MQTT_PROP_SUBSCRIPTION_IDENTIFIER && p.id != MQTT_PROP_TOPIC_ALIAS);
    properties
}

fn message_ref(topic: &str, payload: &Bytes) -> Outgoing {
    Outgoing {
        topic: topic.to_owned(),
        payload: payload.clone(),
        qos: 0,
        retain: false,
        properties: Vec::new(),
    }
}

/// The size of the PUBLISH packet a message makes, fixed header included.
fn packet_size(m: &Outgoing, v5: bool) -> usize {
    let mut rest = 2 + m.topic.len() + m.payload.len();
    if m.qos > 0 {
        rest += 2;
    }
    if v5 {
        let props: usize = m.properties.iter().map(Property::encoded_len).sum();
        rest += varint_len(props) + props;
    }
    1 + varint_len(rest) + rest
}

fn varint_len(n: usize) -> usize {
    match n {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// An error as mosquitto's `Error creating bridge` line words it.
fn describe(e: &Error) -> String {
    match e {
        Error::Errno(code) => {
            let text = std::io::Error::from_raw_os_error(*code).to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_owned(),
                None => text,
            }
        }
        Error::Eai(code) => crate::transport::tcp::gai_error_text(*code),
        Error::ConnLost => "Connection reset by peer".to_owned(),
        Error::Tls => "TLS error".to_owned(),
        other => other.to_string(),
    }
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    let _ = crate::random::fill(&mut b);
    u32::from_be_bytes(b)
}
