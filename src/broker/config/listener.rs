//! Listener options: `listener`, the default listener's `port` and `bind_address`, and the
//! options that apply to the listener being configured, TLS included.

use super::error::{ConfigError, MessageLevel};
use super::lexer::{self, Tokens};
use super::model::{KeyForm, Listener, Protocol, SocketDomain};
use super::reader::{
    ConfigReader, Ctx, FileState, ListenerRef, empty, int_value, set_bool, set_string, utf8_string,
};
use crate::protocol::topic;

/// The keywords handled here.
pub(super) const LISTENER_OPTIONS: &[&str] = &[
    "bind_address",
    "bind_interface",
    "cafile",
    "capath",
    "certfile",
    "ciphers",
    "ciphers_tls1.3",
    "crlfile",
    "dhparamfile",
    "http_dir",
    "keyfile",
    "listener",
    "max_connections",
    "max_qos",
    "max_topic_alias",
    "maximum_qos",
    "mount_point",
    "port",
    "protocol",
    "psk_hint",
    "require_certificate",
    "socket_domain",
    "tls_engine",
    "tls_engine_kpass_sha1",
    "tls_keyform",
    "tls_version",
    "use_identity_as_username",
    "use_subject_as_username",
    "use_username_as_clientid",
];

pub(super) fn is_listener_option(word: &str) -> bool {
    LISTENER_OPTIONS.contains(&word)
}

impl ConfigReader {
    /// The listener that `listener` points at.
    pub(super) fn listener_mut(&mut self, listener: ListenerRef) -> &mut Listener {
        let config = &mut self.config;
        match listener {
            ListenerRef::Index(i) if i < config.listeners.len() => match config.listeners.get_mut(i) {
                Some(found) => found,
                None => &mut config.default_listener,
            },
            _ => &mut config.default_listener,
        }
    }

    /// Note where the default listener was given a port or address, the first time.
    fn place_default_listener(&mut self, ctx: &Ctx<'_>) {
        let listener = &mut self.config.default_listener;
        if listener.line == 0 {
            listener.file = ctx.file.to_string();
            listener.line = ctx.line;
        }
    }

    pub(super) fn listener_option(
        &mut self,
        state: &mut FileState,
        ctx: &Ctx<'_>,
        word: &str,
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        match word {
            "listener" => return self.new_listener(state, ctx, tokens),
            "port" => {
                self.note(
                    ctx,
                    MessageLevel::Notice,
                    "The 'port' option is now deprecated and will be removed in a future version. Please use \
                     'listener' instead.",
                );
                self.config.network_configured = true;
                if self.config.default_port_given {
                    self.note(
                        ctx,
                        MessageLevel::Warning,
                        "Warning: Default listener port specified multiple times. Only the latest will be used.",
                    );
                }
                let value = int_value(tokens, word, ctx)?;
                let port = u16::try_from(value)
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| ctx.err(format!("Error: Invalid port value ({value}).")))?;
                self.config.default_listener.port = port;
                self.config.default_port_given = true;
                self.place_default_listener(ctx);
                return Ok(());
            }
            "bind_address" => {
                self.note(
                    ctx,
                    MessageLevel::Notice,
                    "The 'bind_address' option is now deprecated and will be removed in a future version. The \
                     behaviour will default to true.",
                );
                self.config.network_configured = true;
                set_string(
                    &mut self.config.default_listener.bind_address,
                    tokens,
                    "default listener bind_address",
                    ctx,
                )?;
                self.place_default_listener(ctx);
                return Ok(());
            }
            "mount_point" if self.config.listeners.is_empty() => {
                return Err(ctx.err(
                    "Error: You must use create a listener before using the mount_point option in the \
                     configuration file.",
                ));
            }
            _ => {}
        }

        let listener = self.listener_mut(state.listener);
        let tls = &mut listener.tls;
        match word {
            "bind_interface" => set_string(&mut listener.bind_interface, tokens, word, ctx),
            "http_dir" => set_string(&mut listener.http_dir, tokens, word, ctx),
            "max_connections" => {
                let Some(token) = tokens.next_token() else {
                    // mosquitto logs this one and goes on.
                    let message = empty(ctx, word).message;
                    self.note(ctx, MessageLevel::Error, message);
                    return Ok(());
                };
                listener.max_connections = lexer::atoi(token).max(-1);
                Ok(())
            }
            "max_qos" | "maximum_qos" => {
                let value = int_value(tokens, word, ctx)?;
                listener.max_qos = u8::try_from(value)
                    .ok()
                    .filter(|q| *q <= 2)
                    .ok_or_else(|| ctx.err("Error: max_qos must be between 0 and 2 inclusive."))?;
                Ok(())
            }
            "max_topic_alias" => {
                let token = tokens.next_token().ok_or_else(|| empty(ctx, word))?;
                listener.max_topic_alias = u16::try_from(lexer::atoi(token))
                    .map_err(|_| ctx.err("Error: Invalid max_topic_alias value in configuration."))?;
                Ok(())
            }
            "mount_point" => {
                set_string(&mut listener.mount_point, tokens, word, ctx)?;
                let mount_point = listener.mount_point.as_deref().unwrap_or_default();
                if !topic::is_valid_pub_topic(mount_point.as_bytes()) {
                    return Err(ctx.err(format!(
                        "Error: Invalid mount_point '{mount_point}'. Does it contain a wildcard character?"
                    )));
                }
                Ok(())
            }
            "protocol" => {
                listener.protocol = match tokens.next_token() {
                    None => return Err(empty(ctx, word)),
                    Some(b"mqtt") => Protocol::Mqtt,
                    Some(b"websockets") => Protocol::Websockets,
                    Some(other) => {
                        return Err(ctx.err(format!(
                            "Error: Invalid protocol value ({}).",
                            lexer::lossy(other)
                        )));
                    }
                };
                Ok(())
            }
            "socket_domain" => {
                listener.socket_domain = match tokens.next_token() {
                    None => return Err(empty(ctx, word)),
                    Some(b"ipv4") => Some(SocketDomain::Ipv4),
                    Some(b"ipv6") => Some(SocketDomain::Ipv6),
                    Some(other) => {
                        return Err(ctx.err(format!(
                            "Error: Invalid socket_domain value \"{}\" in configuration.",
                            lexer::lossy(other)
                        )));
                    }
                };
                Ok(())
            }
            "use_username_as_clientid" => set_bool(&mut listener.use_username_as_clientid, tokens, word, ctx),
            "cafile" | "certfile" if tls.psk_hint.is_some() => {
                Err(ctx.err("Error: Cannot use both certificate and psk encryption in a single listener."))
            }
            "cafile" => set_string(&mut tls.cafile, tokens, word, ctx),
            "capath" => set_string(&mut tls.capath, tokens, word, ctx),
            "certfile" => set_string(&mut tls.certfile, tokens, word, ctx),
            "keyfile" => set_string(&mut tls.keyfile, tokens, word, ctx),
            "ciphers" => set_string(&mut tls.ciphers, tokens, word, ctx),
            "ciphers_tls1.3" => set_string(&mut tls.ciphers_tls13, tokens, word, ctx),
            "crlfile" => set_string(&mut tls.crlfile, tokens, word, ctx),
            "dhparamfile" => set_string(&mut tls.dhparamfile, tokens, word, ctx),
            "psk_hint" => set_string(&mut tls.psk_hint, tokens, word, ctx),
            "require_certificate" => set_bool(&mut tls.require_certificate, tokens, word, ctx),
            "tls_engine" => set_string(&mut tls.tls_engine, tokens, word, ctx),
            "tls_engine_kpass_sha1" => {
                set_string(&mut tls.tls_engine_kpass_sha1, tokens, word, ctx)?;
                let hex = tls.tls_engine_kpass_sha1.as_deref().unwrap_or_default();
                if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ctx.err(format!("Error: Invalid tls_engine_kpass_sha1 value ({hex}).")));
                }
                Ok(())
            }
            "tls_keyform" => {
                // Any word but `engine` means a PEM key.
                let form = reader_string(tokens, word, ctx)?;
                tls.tls_keyform = if form == "engine" {
                    KeyForm::Engine
                } else {
                    KeyForm::Pem
                };
                Ok(())
            }
            "tls_version" => set_string(&mut tls.tls_version, tokens, word, ctx),
            "use_identity_as_username" => set_bool(&mut tls.use_identity_as_username, tokens, word, ctx),
            "use_subject_as_username" => set_bool(&mut tls.use_subject_as_username, tokens, word, ctx),
            // Every keyword of LISTENER_OPTIONS is handled above.
            _ => Err(ctx.err(format!("Error: Unknown configuration variable \"{word}\"."))),
        }
    }

    /// `listener PORT [ADDRESS|PATH]`.
    fn new_listener(
        &mut self,
        state: &mut FileState,
        ctx: &Ctx<'_>,
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        self.config.network_configured = true;
        let token = tokens.next_token().ok_or_else(|| empty(ctx, "listener"))?;
        let value = lexer::atoi(token);
        let port =
            u16::try_from(value).map_err(|_| ctx.err(format!("Error: Invalid port value ({value}).")))?;
        // A second token starting with `#` is a comment.
        let address = tokens.next_token().filter(|t| !t.starts_with(b"#"));
        // `listener 0` alone asks the system for a port (an extension of ours); anything else
        // that reads as port 0 must come with a socket path.
        if port == 0 && address.is_none() && !token.iter().all(u8::is_ascii_digit) {
            return Err(ctx.err("Error: A listener with port 0 must provide a Unix socket path."));
        }
        let mut listener = Listener::new(port, ctx.file.to_string(), ctx.line);
        if let Some(address) = address {
            let address = utf8_string(address, ctx)?;
            // `listener 0 PATH` is a Unix socket in mosquitto. An IP address there makes no
            // sense as a path: we take it as a TCP listener on a free port of that address.
            let ip_literal = address
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok();
            if port == 0 && !ip_literal {
                listener.unix_socket_path = Some(address);
            } else {
                listener.bind_address = Some(address);
            }
        }
        self.config.listeners.push(listener);
        state.listener = ListenerRef::Index(self.config.listeners.len() - 1);
        Ok(())
    }
}

/// A string value that is read for its content only (never a duplicate).
fn reader_string(tokens: &mut Tokens<'_>, name: &str, ctx: &Ctx<'_>) -> Result<String, ConfigError> {
    super::reader::string_value(tokens, name, false, ctx)
}
