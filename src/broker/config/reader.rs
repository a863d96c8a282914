//! The reader: files, `include_dir`, value conversions, and the general, logging and security
//! options. Listener options are in `listener.rs`, bridge options in `bridge.rs`.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::error::{ConfigError, ConfigMessage, MessageLevel};
use super::lexer::{self, Tokens};
use super::model::{Config, LogDest, LogTypes, PluginConfig, Security};
use crate::protocol::utf8;

/// The listener that listener options apply to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum ListenerRef {
    /// Options before any `listener` line of the file being read.
    #[default]
    Default,
    /// An entry of [`Config::listeners`].
    Index(usize),
}

/// Where a plugin's options live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SecurityRef {
    Global,
    Listener(ListenerRef),
}

/// What the lines read so far in one file point at. Every file read through `include_dir`
/// starts afresh (the default listener, no bridge, no plugin), as in mosquitto; the files and
/// strings given to a [`ConfigReader`] directly share one, as if they were one file.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FileState {
    pub(super) listener: ListenerRef,
    pub(super) bridge: Option<usize>,
    pub(super) plugin: Option<(SecurityRef, usize)>,
}

/// The line being read.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) line: usize,
    /// 0 for a file given to the reader, 1 for a file read through `include_dir`.
    pub(super) level: u32,
}

impl Ctx<'_> {
    pub(super) fn err(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::at(self.file, self.line, message)
    }
}

/// Reads configuration files and strings into a [`Config`].
///
/// Give it the main file (and any further files or strings: they are read as if appended to
/// one another), log what [`ConfigReader::take_messages`] returns, then call
/// [`ConfigReader::finish`]. After an error, drop the reader. A reader holds no global state,
/// so a reload reads into a fresh one.
#[derive(Debug)]
pub struct ConfigReader {
    pub(super) config: Config,
    top: FileState,
    /// A security option was read: `per_listener_settings true` may no longer come.
    security_touched: bool,
    log_type_set: bool,
    log_dest_set: bool,
    messages: Vec<ConfigMessage>,
}

impl Default for ConfigReader {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigReader {
    /// A reader holding the defaults.
    pub fn new() -> Self {
        ConfigReader {
            config: Config::default(),
            top: FileState::default(),
            security_touched: false,
            log_type_set: false,
            log_dest_set: false,
            messages: Vec::new(),
        }
    }

    /// Read a configuration file. Its name in messages is `path` as given.
    pub fn parse_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let mut state = self.top;
        let result = self.read_path(path, 0, &mut state);
        self.top = state;
        result
    }

    /// Read configuration text; `name` stands for the file name in messages.
    pub fn parse_str(&mut self, text: &str, name: &str) -> Result<(), ConfigError> {
        self.parse_bytes(text.as_bytes(), name)
    }

    /// Read configuration bytes (values must be UTF-8; comments need not be).
    pub fn parse_bytes(&mut self, text: &[u8], name: &str) -> Result<(), ConfigError> {
        let mut state = self.top;
        let result = self.read_text(text, name, 0, &mut state);
        self.top = state;
        result
    }

    /// The configuration read so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The lines logged so far (notices, warnings, `Loading config file ...`).
    pub fn messages(&self) -> &[ConfigMessage] {
        &self.messages
    }

    /// The lines logged so far, leaving none behind.
    pub fn take_messages(&mut self) -> Vec<ConfigMessage> {
        std::mem::take(&mut self.messages)
    }

    /// Check what can only be checked once everything is read (every bridge needs an address
    /// and a topic, PSK needs both an identity and a key), then apply local-only mode's
    /// `allow_anonymous true`. The errors here have no line.
    pub fn finish(self) -> Result<Config, ConfigError> {
        let mut config = self.config;
        for bridge in &config.bridges {
            let missing = if bridge.addresses.is_empty() {
                Some("no remote addresses defined")
            } else if bridge.topics.is_empty() {
                Some("no topics defined")
            } else if bridge.tls.psk.is_some() && bridge.tls.identity.is_none() {
                Some("missing bridge_identity")
            } else if bridge.tls.identity.is_some() && bridge.tls.psk.is_none() {
                Some("missing bridge_psk")
            } else {
                None
            };
            if let Some(what) = missing {
                return Err(ConfigError::unplaced(format!(
                    "Error: Invalid bridge configuration: {what}."
                )));
            }
        }
        if config.local_only() {
            config.security.allow_anonymous = Some(true);
        }
        Ok(config)
    }

    pub(super) fn note(&mut self, ctx: &Ctx<'_>, level: MessageLevel, text: impl Into<String>) {
        self.messages.push(ConfigMessage {
            level,
            text: text.into(),
            file: ctx.file.to_string(),
            line: ctx.line,
        });
    }

    fn read_path(&mut self, path: &Path, level: u32, state: &mut FileState) -> Result<(), ConfigError> {
        let name = path.to_string_lossy().into_owned();
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(ConfigError::at(
                &name,
                0,
                format!("Error: Config file {name} is a directory."),
            ));
        }
        let text = std::fs::read(path)
            .map_err(|_| ConfigError::at(&name, 0, format!("Error: Unable to open config file {name}.")))?;
        self.read_text(&text, &name, level, state)
    }

    fn read_text(
        &mut self,
        text: &[u8],
        name: &str,
        level: u32,
        state: &mut FileState,
    ) -> Result<(), ConfigError> {
        for (line, content) in lexer::directive_lines(text) {
            let mut tokens = Tokens::new(content);
            let Some(keyword) = tokens.next_token() else {
                continue;
            };
            let ctx = Ctx {
                file: name,
                line,
                level,
            };
            self.config.directives.push(super::model::Directive {
                option: lexer::lossy(keyword),
                value: lexer::lossy(lexer::trim_c_space(tokens.clone().rest().unwrap_or_default())),
                file: name.to_string(),
                line,
            });
            self.directive(state, &ctx, keyword, &mut tokens)?;
        }
        Ok(())
    }

    /// `include_dir DIR`: every `*.conf` in DIR, in mosquitto's order.
    fn include_dir(&mut self, ctx: &Ctx<'_>, tokens: &mut Tokens<'_>) -> Result<(), ConfigError> {
        if ctx.level > 0 {
            // Only the main file may include; elsewhere the line is ignored.
            return Ok(());
        }
        let Some(dir) = tokens.rest() else {
            return Err(ctx.err("Error: Empty include_dir value in configuration."));
        };
        let shown = lexer::lossy(dir);
        let open_error = || ctx.err(format!("Error: Unable to open include_dir '{shown}'."));
        let entries = std::fs::read_dir(std::ffi::OsStr::from_bytes(dir)).map_err(|_| open_error())?;
        let mut names: Vec<Vec<u8>> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|_| open_error())?;
            let name = entry.file_name().as_bytes().to_vec();
            if name.len() > ".conf".len() && name.ends_with(b".conf") {
                names.push(name);
            }
        }
        // Letter by letter: case-insensitively, the upper case before the lower case of the same
        // letter (A < a < B < b), so `_` and other symbols above `Z` come after the letters.
        names.sort_by(|a, b| {
            let key = |name: &[u8]| {
                name.iter()
                    .map(|&c| (c.to_ascii_uppercase(), c))
                    .collect::<Vec<_>>()
            };
            key(a).cmp(&key(b))
        });
        for name in names {
            let mut path = dir.to_vec();
            path.push(b'/');
            path.extend_from_slice(&name);
            let path = Path::new(std::ffi::OsStr::from_bytes(&path));
            self.note(
                ctx,
                MessageLevel::Info,
                format!("Loading config file {}", path.to_string_lossy()),
            );
            let mut state = FileState::default();
            self.read_path(path, ctx.level + 1, &mut state).map_err(|mut e| {
                e.included_from = Some((ctx.file.to_string(), ctx.line));
                e
            })?;
        }
        Ok(())
    }

    /// The security options that security lines apply to now; reading one makes
    /// `per_listener_settings true` too late.
    pub(super) fn security_mut(&mut self, state: &FileState) -> &mut Security {
        self.security_touched = true;
        if self.config.per_listener_settings {
            &mut self.listener_mut(state.listener).security
        } else {
            &mut self.config.security
        }
    }

    fn security_ref(&self, state: &FileState) -> SecurityRef {
        if self.config.per_listener_settings {
            SecurityRef::Listener(state.listener)
        } else {
            SecurityRef::Global
        }
    }

    fn plugin_mut(&mut self, plugin: (SecurityRef, usize)) -> Option<&mut PluginConfig> {
        let security = match plugin.0 {
            SecurityRef::Global => &mut self.config.security,
            SecurityRef::Listener(listener) => &mut self.listener_mut(listener).security,
        };
        security.plugins.get_mut(plugin.1)
    }

    fn directive(
        &mut self,
        state: &mut FileState,
        ctx: &Ctx<'_>,
        keyword: &[u8],
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        if keyword.starts_with(b"auth_opt_") || keyword.starts_with(b"plugin_opt_") {
            return self.plugin_option(state, ctx, keyword, tokens);
        }
        let Ok(word) = std::str::from_utf8(keyword) else {
            return Err(unknown(ctx, keyword));
        };
        let config = &mut self.config;
        match word {
            "acl_file" => set_string(&mut self.security_mut(state).acl_file, tokens, word, ctx),
            "password_file" => set_string(&mut self.security_mut(state).password_file, tokens, word, ctx),
            "psk_file" => set_string(&mut self.security_mut(state).psk_file, tokens, word, ctx),
            "auto_id_prefix" => set_string(&mut self.security_mut(state).auto_id_prefix, tokens, word, ctx),
            "allow_anonymous" => {
                let security = self.security_mut(state);
                security.allow_anonymous = Some(bool_value(tokens, word, ctx)?);
                Ok(())
            }
            "allow_zero_length_clientid" => {
                let security = self.security_mut(state);
                security.allow_zero_length_clientid = bool_value(tokens, word, ctx)?;
                Ok(())
            }
            "check_retain_source" => {
                // mosquitto counts this one among the security options.
                self.security_touched = true;
                self.config.check_retain_source = bool_value(tokens, word, ctx)?;
                Ok(())
            }
            "auth_plugin" | "plugin" => {
                let at = self.security_ref(state);
                let path = string_value(tokens, "auth_plugin", false, ctx)?;
                let security = self.security_mut(state);
                security.plugins.push(PluginConfig {
                    path,
                    options: Vec::new(),
                    deny_special_chars: true,
                    file: ctx.file.to_string(),
                    line: ctx.line,
                });
                state.plugin = Some((at, security.plugins.len() - 1));
                Ok(())
            }
            "auth_plugin_deny_special_chars" => {
                let plugin = state.plugin.and_then(|p| self.plugin_mut(p)).ok_or_else(|| {
                    ctx.err(
                        "Error: An auth_plugin_deny_special_chars option exists in the config file without an \
                         auth_plugin.",
                    )
                })?;
                plugin.deny_special_chars = bool_value(tokens, word, ctx)?;
                Ok(())
            }
            "per_listener_settings" => {
                let value = bool_value(tokens, word, ctx)?;
                if value && self.security_touched {
                    return Err(ctx.err(
                        "Error: per_listener_settings must be set before any other security settings.",
                    ));
                }
                self.config.per_listener_settings = value;
                Ok(())
            }
            "allow_duplicate_messages" => {
                self.note(
                    ctx,
                    MessageLevel::Notice,
                    "The 'allow_duplicate_messages' option is now deprecated and will be removed in a future \
                     version. The behaviour will default to true.",
                );
                self.config.allow_duplicate_messages = bool_value(tokens, word, ctx)?;
                Ok(())
            }
            "autosave_interval" => {
                config.autosave_interval = u32::try_from(int_value(tokens, word, ctx)?).unwrap_or(0);
                Ok(())
            }
            "autosave_on_changes" => set_bool(&mut config.autosave_on_changes, tokens, word, ctx),
            "clientid_prefixes" => {
                self.note(
                    ctx,
                    MessageLevel::Notice,
                    "The 'clientid_prefixes' option is now deprecated and will be removed in a future version.",
                );
                set_string(&mut self.config.clientid_prefixes, tokens, word, ctx)
            }
            "connection_messages" => set_bool(&mut config.connection_messages, tokens, word, ctx),
            "include_dir" => self.include_dir(ctx, tokens),
            "log_dest" => self.log_dest(ctx, tokens),
            "log_facility" => {
                let value = int_value(tokens, word, ctx)?;
                let facility = u8::try_from(value)
                    .ok()
                    .filter(|f| *f <= 7)
                    .ok_or_else(|| ctx.err(format!("Error: Invalid log_facility value ({value}).")))?;
                config.log_facility = Some(facility);
                Ok(())
            }
            "log_timestamp" => set_bool(&mut config.log_timestamp, tokens, word, ctx),
            "log_timestamp_format" => set_string(&mut config.log_timestamp_format, tokens, word, ctx),
            "log_type" => self.log_type(ctx, tokens),
            "max_inflight_bytes" => {
                config.max_inflight_bytes = u64::try_from(int_value(tokens, word, ctx)?).unwrap_or(0);
                Ok(())
            }
            "max_inflight_messages" => {
                let value = int_value(tokens, word, ctx)?;
                config.max_inflight_messages = match u16::try_from(value) {
                    Ok(u16::MAX) => 0,
                    Ok(n) => n,
                    Err(_) if value < 0 => 0,
                    Err(_) => return Err(ctx.err("Error: max_inflight_messages must be <= 65535.")),
                };
                Ok(())
            }
            "max_keepalive" => {
                let value = int_value(tokens, word, ctx)?;
                config.max_keepalive = u16::try_from(value)
                    .map_err(|_| ctx.err(format!("Error: Invalid max_keepalive value ({value}).")))?;
                Ok(())
            }
            "max_packet_size" => {
                let value = int_value(tokens, word, ctx)?;
                config.max_packet_size = u32::try_from(value)
                    .ok()
                    .filter(|n| *n >= 20)
                    .ok_or_else(|| ctx.err(format!("Error: Invalid max_packet_size value ({value}).")))?;
                Ok(())
            }
            "max_queued_bytes" => {
                config.max_queued_bytes = u64::try_from(int_value(tokens, word, ctx)?).unwrap_or(0);
                Ok(())
            }
            "max_queued_messages" => {
                config.max_queued_messages = u32::try_from(int_value(tokens, word, ctx)?).unwrap_or(0);
                Ok(())
            }
            "memory_limit" => {
                let token = tokens.next_token().ok_or_else(|| empty(ctx, word))?;
                let value = lexer::atol(token);
                config.memory_limit = u64::try_from(value)
                    .map_err(|_| ctx.err(format!("Error: Invalid memory_limit value ({value}).")))?;
                Ok(())
            }
            "message_size_limit" => {
                self.note(
                    ctx,
                    MessageLevel::Notice,
                    "Note: It is recommended to replace `message_size_limit` with `max_packet_size`.",
                );
                // Read as an int, kept as unsigned: -1 is 4294967295.
                let value = int_value(tokens, word, ctx)? as u32;
                if value > MAX_PAYLOAD {
                    return Err(ctx.err(format!("Error: Invalid message_size_limit value ({value}).")));
                }
                self.config.message_size_limit = value;
                Ok(())
            }
            "persistence" | "retained_persistence" => set_bool(&mut config.persistence, tokens, word, ctx),
            "persistence_file" => set_string(&mut config.persistence_file, tokens, word, ctx),
            "persistence_location" => set_string(&mut config.persistence_location, tokens, word, ctx),
            "persistent_client_expiration" => {
                let Some(token) = tokens.next_token() else {
                    // mosquitto logs this one and goes on.
                    self.note(ctx, MessageLevel::Error, empty(ctx, word).message);
                    return Ok(());
                };
                let seconds = parse_duration(token).ok_or_else(|| {
                    ctx.err("Error: Invalid persistent_client_expiration duration in configuration.")
                })?;
                self.config.persistent_client_expiration = Some(seconds);
                Ok(())
            }
            "pid_file" => set_string(&mut config.pid_file, tokens, word, ctx),
            "queue_qos0_messages" => set_bool(&mut config.queue_qos0_messages, tokens, word, ctx),
            "retain_available" => set_bool(&mut config.retain_available, tokens, word, ctx),
            "retry_interval" => {
                self.note(
                    ctx,
                    MessageLevel::Warning,
                    "Warning: The retry_interval option is no longer available.",
                );
                Ok(())
            }
            "set_tcp_nodelay" => set_bool(&mut config.set_tcp_nodelay, tokens, word, ctx),
            "sys_interval" => {
                let value = int_value(tokens, word, ctx)?;
                config.sys_interval = u16::try_from(value)
                    .map_err(|_| ctx.err(format!("Error: Invalid sys_interval value ({value}).")))?;
                Ok(())
            }
            "upgrade_outgoing_qos" => set_bool(&mut config.upgrade_outgoing_qos, tokens, word, ctx),
            // Our own option: the number of worker threads (0: one per core).
            "worker_threads" => {
                let value = int_value(tokens, word, ctx)?;
                config.worker_threads = u16::try_from(value)
                    .ok()
                    .filter(|n| *n <= 1024)
                    .ok_or_else(|| ctx.err(format!("Error: Invalid worker_threads value ({value}).")))?;
                Ok(())
            }
            "user" => {
                // The last `user` wins.
                config.user = string_value(tokens, word, false, ctx)?;
                Ok(())
            }
            "websockets_log_level" => {
                config.websockets_log_level = int_value(tokens, word, ctx)?;
                Ok(())
            }
            "websockets_headers_size" => {
                let value = int_value(tokens, word, ctx)?;
                let size = u16::try_from(value).map_err(|_| {
                    ctx.err("Error: Websockets headers size must be between 0 and 65535 inclusive.")
                })?;
                config.websockets_headers_size = Some(size);
                Ok(())
            }
            _ if super::listener::is_listener_option(word) => self.listener_option(state, ctx, word, tokens),
            _ if super::bridge::is_bridge_option(word) => self.bridge_option(state, ctx, word, tokens),
            _ => Err(unknown(ctx, keyword)),
        }
    }

    /// `auth_opt_KEY VALUE` / `plugin_opt_KEY VALUE`: an option of the last plugin.
    fn plugin_option(
        &mut self,
        state: &FileState,
        ctx: &Ctx<'_>,
        keyword: &[u8],
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        let plugin = state.plugin.and_then(|p| self.plugin_mut(p)).ok_or_else(|| {
            ctx.err("Error: An auth_opt_ option exists in the config file without an auth_plugin.")
        })?;
        let prefix = if keyword.starts_with(b"auth_opt_") {
            "auth_opt_".len()
        } else {
            "plugin_opt_".len()
        };
        // mosquitto wants at least three characters of key.
        let key = keyword
            .get(prefix..)
            .filter(|key| key.len() >= 3)
            .ok_or_else(|| ctx.err("Error: Invalid auth_opt_ config option."))?;
        let key = std::str::from_utf8(key).map_err(|_| malformed(ctx))?;
        let value = lexer::skip_blanks(tokens.rest().unwrap_or_default());
        if value.is_empty() {
            return Err(ctx.err(format!("Error: Empty {key} value in configuration.")));
        }
        let value = std::str::from_utf8(value).map_err(|_| malformed(ctx))?;
        plugin.options.push((key.to_string(), value.to_string()));
        Ok(())
    }

    /// `log_type`: the first line replaces the default, later lines add.
    fn log_type(&mut self, ctx: &Ctx<'_>, tokens: &mut Tokens<'_>) -> Result<(), ConfigError> {
        let Some(token) = tokens.next_token() else {
            // mosquitto logs this one and goes on.
            self.note(
                ctx,
                MessageLevel::Error,
                "Error: Empty log_type value in configuration.",
            );
            return Ok(());
        };
        if !self.log_type_set {
            self.log_type_set = true;
            self.config.log_type = LogTypes::NONE;
        }
        let current = self.config.log_type;
        self.config.log_type = match token {
            b"none" => LogTypes::NONE,
            b"all" => LogTypes::ALL,
            b"information" => current.with(LogTypes::INFORMATION),
            b"notice" => current.with(LogTypes::NOTICE),
            b"warning" => current.with(LogTypes::WARNING),
            b"error" => current.with(LogTypes::ERROR),
            b"debug" => current.with(LogTypes::DEBUG),
            b"subscribe" => current.with(LogTypes::SUBSCRIBE),
            b"unsubscribe" => current.with(LogTypes::UNSUBSCRIBE),
            b"websockets" => current.with(LogTypes::WEBSOCKETS),
            b"internal" => current.with(LogTypes::INTERNAL),
            _ => {
                return Err(ctx.err(format!(
                    "Error: Invalid log_type value ({}).",
                    lexer::lossy(token)
                )));
            }
        };
        Ok(())
    }

    /// `log_dest`: the first line replaces the default, later lines add; one file at most.
    fn log_dest(&mut self, ctx: &Ctx<'_>, tokens: &mut Tokens<'_>) -> Result<(), ConfigError> {
        let token = tokens
            .next_token()
            .ok_or_else(|| ctx.err("Error: Empty log_dest value in configuration."))?;
        if !self.log_dest_set {
            self.log_dest_set = true;
            self.config.log_dest = LogDest::NONE;
        }
        let dest = &mut self.config.log_dest;
        match token {
            b"none" => *dest = LogDest::NONE,
            b"stderr" => dest.stderr = true,
            b"stdout" => dest.stdout = true,
            b"syslog" => dest.syslog = true,
            b"topic" => dest.topic = true,
            b"dlt" => dest.dlt = true,
            b"file" => {
                dest.file = true;
                if self.config.log_file.is_some() {
                    return Err(ctx.err("Error: Duplicate \"log_dest file\" value."));
                }
                // The path is the rest of the line after leading blanks, trailing blanks kept.
                let path = lexer::skip_blanks(tokens.rest().unwrap_or_default());
                if path.is_empty() {
                    return Err(ctx.err("Error: Empty \"log_dest file\" value in configuration."));
                }
                self.config.log_file = Some(utf8_string(path, ctx)?);
            }
            _ => {
                return Err(ctx.err(format!(
                    "Error: Invalid log_dest value ({}).",
                    lexer::lossy(token)
                )));
            }
        }
        Ok(())
    }
}

/// The largest payload MQTT can carry (`message_size_limit` may not exceed it).
const MAX_PAYLOAD: u32 = 268_435_455;

/// `Error: Unknown configuration variable "KEYWORD".`
fn unknown(ctx: &Ctx<'_>, keyword: &[u8]) -> ConfigError {
    ctx.err(format!(
        "Error: Unknown configuration variable \"{}\".",
        lexer::lossy(keyword)
    ))
}

/// `Error: Empty NAME value in configuration.`
pub(super) fn empty(ctx: &Ctx<'_>, name: &str) -> ConfigError {
    ctx.err(format!("Error: Empty {name} value in configuration."))
}

pub(super) fn malformed(ctx: &Ctx<'_>) -> ConfigError {
    ctx.err("Error: Malformed UTF-8 in configuration.")
}

/// `bytes` as a `String`, held to MQTT's UTF-8 rules as every configuration string is.
pub(super) fn utf8_string(bytes: &[u8], ctx: &Ctx<'_>) -> Result<String, ConfigError> {
    if !utf8::validate(bytes) {
        return Err(malformed(ctx));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| malformed(ctx))
}

/// A string option: the rest of the line, trimmed, non-empty, valid UTF-8, given once.
pub(super) fn string_value(
    tokens: &mut Tokens<'_>,
    name: &str,
    already_set: bool,
    ctx: &Ctx<'_>,
) -> Result<String, ConfigError> {
    let rest = tokens.rest().ok_or_else(|| empty(ctx, name))?;
    if already_set {
        return Err(ctx.err(format!("Error: Duplicate {name} value in configuration.")));
    }
    let value = lexer::trim_c_space(rest);
    if value.is_empty() {
        return Err(empty(ctx, name));
    }
    if value.len() > usize::from(u16::MAX) {
        return Err(ctx.err(format!("Error: The {name} value in configuration is too long.")));
    }
    utf8_string(value, ctx)
}

/// [`string_value`] stored into `slot`; a second value is an error.
pub(super) fn set_string(
    slot: &mut Option<String>,
    tokens: &mut Tokens<'_>,
    name: &str,
    ctx: &Ctx<'_>,
) -> Result<(), ConfigError> {
    *slot = Some(string_value(tokens, name, slot.is_some(), ctx)?);
    Ok(())
}

/// A boolean option: exactly `true`, `false`, `1` or `0`.
pub(super) fn bool_value(tokens: &mut Tokens<'_>, name: &str, ctx: &Ctx<'_>) -> Result<bool, ConfigError> {
    match tokens.next_token() {
        None => Err(empty(ctx, name)),
        Some(b"true" | b"1") => Ok(true),
        Some(b"false" | b"0") => Ok(false),
        Some(other) => Err(ctx.err(format!("Error: Invalid {name} value ({}).", lexer::lossy(other)))),
    }
}

/// [`bool_value`] stored into `slot`; the last value wins.
pub(super) fn set_bool(
    slot: &mut bool,
    tokens: &mut Tokens<'_>,
    name: &str,
    ctx: &Ctx<'_>,
) -> Result<(), ConfigError> {
    *slot = bool_value(tokens, name, ctx)?;
    Ok(())
}

/// An integer option, read with `atoi`.
pub(super) fn int_value(tokens: &mut Tokens<'_>, name: &str, ctx: &Ctx<'_>) -> Result<i32, ConfigError> {
    tokens
        .next_token()
        .map(lexer::atoi)
        .ok_or_else(|| empty(ctx, name))
}

/// A duration: an integer followed by `h`, `d`, `w`, `m` (30 days) or `y` (365 days), in
/// seconds; `None` unless it is positive.
pub fn parse_duration(token: &[u8]) -> Option<u64> {
    let (&unit, number) = token.split_last()?;
    let multiplier: i64 = match unit {
        b'h' => 3600,
        b'd' => 86_400,
        b'w' => 7 * 86_400,
        b'm' => 30 * 86_400,
        b'y' => 365 * 86_400,
        _ => return None,
    };
    let seconds = i64::from(lexer::atoi(number)) * multiplier;
    u64::try_from(seconds).ok().filter(|s| *s > 0)
}
