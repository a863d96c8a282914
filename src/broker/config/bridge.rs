//! Bridge options: `connection NAME` starts a bridge, and the options after it configure it.

use super::error::{ConfigError, MessageLevel};
use super::lexer::{self, Tokens};
use super::model::{
    Bridge, BridgeAddress, BridgeDirection, BridgeProtocol, BridgeTopic, DEFAULT_PORT, RestartTimeout,
    StartType,
};
use super::reader::{ConfigReader, Ctx, FileState, empty, int_value, set_bool, set_string, utf8_string};
use crate::protocol::topic;

/// The keywords handled here, `connection` included.
pub(super) const BRIDGE_OPTIONS: &[&str] = &[
    "address",
    "addresses",
    "bridge_alpn",
    "bridge_attempt_unsubscribe",
    "bridge_bind_address",
    "bridge_cafile",
    "bridge_capath",
    "bridge_certfile",
    "bridge_identity",
    "bridge_insecure",
    "bridge_keyfile",
    "bridge_max_packet_size",
    "bridge_outgoing_retain",
    "bridge_protocol_version",
    "bridge_psk",
    "bridge_require_ocsp",
    "bridge_tls_version",
    "cleansession",
    "clientid",
    "connection",
    "idle_timeout",
    "keepalive_interval",
    "local_cleansession",
    "local_clientid",
    "local_password",
    "local_username",
    "notification_topic",
    "notifications",
    "notifications_local_only",
    "password",
    "remote_clientid",
    "remote_password",
    "remote_username",
    "restart_timeout",
    "round_robin",
    "start_type",
    "threshold",
    "topic",
    "try_private",
    "username",
];

pub(super) fn is_bridge_option(word: &str) -> bool {
    BRIDGE_OPTIONS.contains(&word)
}

impl ConfigReader {
    pub(super) fn bridge_option(
        &mut self,
        state: &mut FileState,
        ctx: &Ctx<'_>,
        word: &str,
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        if word == "connection" {
            return self.new_bridge(state, ctx, tokens);
        }
        let Some(index) = state.bridge.filter(|&i| i < self.config.bridges.len()) else {
            // mosquitto's message for this one lacks the full stop.
            let stop = if word == "notifications_local_only" {
                ""
            } else {
                "."
            };
            return Err(ctx.err(format!("Error: Invalid bridge configuration{stop}")));
        };
        // Three options raise a value to its minimum with a notice.
        let raised = |value: i32, min: i32| if value < min { (min, true) } else { (value, false) };
        let Some(bridge) = self.config.bridges.get_mut(index) else {
            return Err(ctx.err("Error: Invalid bridge configuration."));
        };
        let tls = &mut bridge.tls;
        let uses_psk = tls.identity.is_some() || tls.psk.is_some();
        let uses_certificate =
            tls.cafile.is_some() || tls.capath.is_some() || tls.certfile.is_some() || tls.keyfile.is_some();
        let mut notice: Option<String> = None;
        match word {
            "address" | "addresses" => {
                if !bridge.addresses.is_empty() {
                    return Err(ctx.err("Error: Invalid bridge configuration."));
                }
                bridge.addresses = addresses(ctx, tokens)?;
            }
            "topic" => {
                let topic = bridge_topic(ctx, tokens)?;
                bridge.topics.push(topic);
            }
            "bridge_attempt_unsubscribe" => set_bool(&mut bridge.attempt_unsubscribe, tokens, word, ctx)?,
            "bridge_cafile" | "bridge_capath" | "bridge_certfile" | "bridge_keyfile" if uses_psk => {
                return Err(
                    ctx.err("Error: Cannot use both certificate and psk encryption in a single bridge.")
                );
            }
            "bridge_cafile" => set_string(&mut tls.cafile, tokens, word, ctx)?,
            "bridge_capath" => set_string(&mut tls.capath, tokens, word, ctx)?,
            "bridge_certfile" => set_string(&mut tls.certfile, tokens, word, ctx)?,
            "bridge_keyfile" => set_string(&mut tls.keyfile, tokens, word, ctx)?,
            "bridge_identity" if uses_certificate => {
                return Err(
                    ctx.err("Error: Cannot use both certificate and identity encryption in a single bridge.")
                );
            }
            "bridge_psk" if uses_certificate => {
                return Err(
                    ctx.err("Error: Cannot use both certificate and psk encryption in a single bridge.")
                );
            }
            "bridge_identity" => set_string(&mut tls.identity, tokens, word, ctx)?,
            "bridge_psk" => set_string(&mut tls.psk, tokens, word, ctx)?,
            "bridge_alpn" => set_string(&mut tls.alpn, tokens, word, ctx)?,
            "bridge_bind_address" => set_string(&mut bridge.bind_address, tokens, word, ctx)?,
            "bridge_tls_version" => set_string(&mut tls.tls_version, tokens, word, ctx)?,
            "bridge_insecure" => {
                set_bool(&mut tls.insecure, tokens, word, ctx)?;
                if tls.insecure {
                    notice = Some(format!("Warning: Bridge {} using insecure mode.", bridge.name));
                }
            }
            "bridge_require_ocsp" => set_bool(&mut tls.require_ocsp, tokens, word, ctx)?,
            "bridge_max_packet_size" => {
                bridge.max_packet_size = u32::try_from(int_value(tokens, word, ctx)?).unwrap_or(0);
            }
            "bridge_outgoing_retain" => set_bool(&mut bridge.outgoing_retain, tokens, word, ctx)?,
            "bridge_protocol_version" => {
                // The whole rest of the line, untrimmed.
                bridge.protocol_version = match tokens.rest() {
                    None => return Err(empty(ctx, word)),
                    Some(b"mqttv31") => BridgeProtocol::Mqtt31,
                    Some(b"mqttv311") => BridgeProtocol::Mqtt311,
                    Some(b"mqttv50") => BridgeProtocol::Mqtt5,
                    Some(other) => {
                        return Err(ctx.err(format!(
                            "Error: Invalid bridge_protocol_version value ({}).",
                            lexer::lossy(other)
                        )));
                    }
                };
            }
            "clientid" | "remote_clientid" => {
                set_string(&mut bridge.remote_clientid, tokens, "bridge remote clientid", ctx)?;
            }
            "remote_username" | "username" => {
                set_string(&mut bridge.remote_username, tokens, "bridge remote_username", ctx)?;
            }
            "remote_password" | "password" => {
                set_string(&mut bridge.remote_password, tokens, "bridge remote_password", ctx)?;
            }
            // mosquitto spells this name so in its messages.
            "local_clientid" => set_string(&mut bridge.local_clientid, tokens, "bridge local clientd", ctx)?,
            "local_username" => set_string(&mut bridge.local_username, tokens, "bridge local_username", ctx)?,
            "local_password" => set_string(&mut bridge.local_password, tokens, "bridge local_password", ctx)?,
            "cleansession" => set_bool(&mut bridge.cleansession, tokens, word, ctx)?,
            "local_cleansession" => {
                let mut value = false;
                set_bool(&mut value, tokens, word, ctx)?;
                bridge.local_cleansession = Some(value);
            }
            "keepalive_interval" => {
                let value = int_value(tokens, word, ctx)?;
                if value > i32::from(u16::MAX) {
                    return Err(ctx.err("Error: Bridge keepalive value too high."));
                }
                let (value, low) = raised(value, 5);
                if low {
                    notice = Some("keepalive interval too low, using 5 seconds.".to_string());
                }
                bridge.keepalive_interval = u16::try_from(value).unwrap_or(5);
            }
            "idle_timeout" => {
                let (value, low) = raised(int_value(tokens, word, ctx)?, 1);
                if low {
                    notice = Some("idle_timeout interval too low, using 1 second.".to_string());
                }
                bridge.idle_timeout = u32::try_from(value).unwrap_or(1);
            }
            "threshold" => {
                let (value, low) = raised(int_value(tokens, word, ctx)?, 1);
                if low {
                    notice = Some("threshold too low, using 1 message.".to_string());
                }
                bridge.threshold = u32::try_from(value).unwrap_or(1);
            }
            "restart_timeout" => {
                let token = tokens.next_token().ok_or_else(|| empty(ctx, word))?;
                let (base, low) = raised(lexer::atoi(token), 1);
                if low {
                    notice = Some("restart_timeout interval too low, using 1 second.".to_string());
                }
                let base = u32::try_from(base).unwrap_or(1);
                bridge.restart_timeout = match tokens.next_token() {
                    None => RestartTimeout::Constant(base),
                    Some(token) => {
                        let cap = u32::try_from(lexer::atoi(token))
                            .ok()
                            .filter(|cap| *cap >= base)
                            .ok_or_else(|| {
                                ctx.err("Error: backoff cap is lower than the base in restart_timeout.")
                            })?;
                        RestartTimeout::Backoff { base, cap }
                    }
                };
            }
            "round_robin" => set_bool(&mut bridge.round_robin, tokens, word, ctx)?,
            "start_type" => {
                bridge.start_type = match tokens.next_token() {
                    None => return Err(empty(ctx, word)),
                    Some(b"automatic") => StartType::Automatic,
                    Some(b"lazy") => StartType::Lazy,
                    Some(b"once") => StartType::Once,
                    Some(b"manual") => return Err(ctx.err("Error: Manual start_type not supported.")),
                    Some(other) => {
                        return Err(ctx.err(format!(
                            "Error: Invalid start_type value in configuration ({}).",
                            lexer::lossy(other)
                        )));
                    }
                };
            }
            "try_private" => set_bool(&mut bridge.try_private, tokens, word, ctx)?,
            "notifications" => set_bool(&mut bridge.notifications, tokens, word, ctx)?,
            "notifications_local_only" => set_bool(&mut bridge.notifications_local_only, tokens, word, ctx)?,
            "notification_topic" => set_string(&mut bridge.notification_topic, tokens, word, ctx)?,
            // Every keyword of BRIDGE_OPTIONS is handled above.
            _ => return Err(ctx.err(format!("Error: Unknown configuration variable \"{word}\"."))),
        }
        if let Some(text) = notice {
            let level = if text.starts_with("Warning") {
                MessageLevel::Warning
            } else {
                MessageLevel::Notice
            };
            self.note(ctx, level, text);
        }
        Ok(())
    }

    /// `connection NAME`.
    fn new_bridge(
        &mut self,
        state: &mut FileState,
        ctx: &Ctx<'_>,
        tokens: &mut Tokens<'_>,
    ) -> Result<(), ConfigError> {
        let name = tokens.next_token().ok_or_else(|| empty(ctx, "connection"))?;
        let name = utf8_string(name, ctx)?;
        if self.config.bridges.iter().any(|b| b.name == name) {
            return Err(ctx.err(format!("Error: Duplicate bridge name \"{name}\".")));
        }
        self.config
            .bridges
            .push(Bridge::new(name, ctx.file.to_string(), ctx.line));
        state.bridge = Some(self.config.bridges.len() - 1);
        Ok(())
    }
}

/// `address HOST[:PORT] ...`, up to a token starting with `#`. The port follows the last `:`.
fn addresses(ctx: &Ctx<'_>, tokens: &mut Tokens<'_>) -> Result<Vec<BridgeAddress>, ConfigError> {
    let mut out = Vec::new();
    while let Some(token) = tokens.next_token() {
        if token.starts_with(b"#") {
            break;
        }
        let (host, port) = match token.iter().rposition(|&b| b == b':') {
            Some(colon) => {
                let value = lexer::atoi(token.get(colon + 1..).unwrap_or_default());
                let port = u16::try_from(value)
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| ctx.err(format!("Error: Invalid port value ({value}).")))?;
                (token.get(..colon).unwrap_or_default(), port)
            }
            None => (token, DEFAULT_PORT),
        };
        out.push(BridgeAddress {
            host: utf8_string(host, ctx)?,
            port,
        });
    }
    if out.is_empty() {
        return Err(empty(ctx, "address"));
    }
    Ok(out)
}

/// `topic PATTERN [out|in|both [QOS [LOCAL_PREFIX REMOTE_PREFIX]]]`. `""` stands for an empty
/// pattern or prefix; after the direction, a token starting with `#` ends the line.
fn bridge_topic(ctx: &Ctx<'_>, tokens: &mut Tokens<'_>) -> Result<BridgeTopic, ConfigError> {
    let pattern = tokens.next_token().ok_or_else(|| empty(ctx, "topic"))?;
    let mut topic = BridgeTopic {
        pattern: if pattern == b"\"\"" {
            None
        } else {
            Some(utf8_string(pattern, ctx)?)
        },
        direction: BridgeDirection::Out,
        qos: 0,
        local_prefix: None,
        remote_prefix: None,
    };
    if let Some(direction) = tokens.next_token() {
        topic.direction = match direction.to_ascii_lowercase().as_slice() {
            b"out" => BridgeDirection::Out,
            b"in" => BridgeDirection::In,
            b"both" => BridgeDirection::Both,
            _ => {
                return Err(ctx.err(format!(
                    "Error: Invalid bridge topic direction '{}'.",
                    lexer::lossy(direction)
                )));
            }
        };
        if let Some(qos) = tokens.next_token() {
            if qos.starts_with(b"#") {
                tokens.rest();
            }
            // Read as atoi, kept in a byte as mosquitto does.
            topic.qos = lexer::atoi(qos) as u8;
            if topic.qos > 2 {
                return Err(ctx.err(format!(
                    "Error: Invalid bridge QoS level '{}'.",
                    lexer::lossy(qos)
                )));
            }
            if let Some(local) = tokens.next_token() {
                if local.starts_with(b"#") {
                    tokens.rest();
                } else if local != b"\"\"" {
                    topic.local_prefix = Some(utf8_string(local, ctx)?);
                }
                match tokens.next_token() {
                    Some(remote) if !remote.starts_with(b"#") && remote != b"\"\"" => {
                        topic.remote_prefix = Some(utf8_string(remote, ctx)?);
                    }
                    _ => {}
                }
            }
        }
    }
    for (side, prefix) in [("local", &topic.local_prefix), ("remote", &topic.remote_prefix)] {
        if let Some(prefix) = prefix {
            if !topic::is_valid_pub_topic(prefix.as_bytes()) {
                return Err(ctx.err(format!("Error: Invalid bridge topic {side} prefix '{prefix}'.")));
            }
        }
    }
    if topic.pattern.is_none() && (topic.local_prefix.is_none() || topic.remote_prefix.is_none()) {
        return Err(ctx.err("Error: Invalid bridge remapping."));
    }
    Ok(topic)
}
