//! Reading a CONNECT the way mosquitto 2.0.20 reads it: field by field, each check at its
//! place, so that a CONNECT breaking several rules gets the answer of the first one (a
//! CONNACK refusal or a silent close), and 3.1 keeps its leniencies (no check of the header
//! flags or the reserved flag, a user name or password flag without the field is ignored).

use super::conn::Ending;
use super::input::rc;
use super::shard::Shard;
use crate::broker::config::LogTypes;
use crate::protocol::consts::{CMD_CONNECT, CMD_WILL};
use crate::protocol::properties::decode_properties_for;
use crate::protocol::reader::Reader;
use crate::protocol::{Connect, DecodeError, ProtocolVersion, Will, topic};

/// CONNACK return codes of MQTT 3.x.
pub(super) const V3_BAD_PROTOCOL: u8 = 1;
pub(super) const V3_ID_REJECTED: u8 = 2;
pub(super) const V3_NOT_AUTHORISED: u8 = 5;

/// Why a CONNECT is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Close without answering.
    Close(Ending),
    /// A CONNACK with this 3.x return code or v5 reason code, then close.
    Connack { v3: u8, v5: u8, ending: Ending },
}

const FLAG_RESERVED: u8 = 0x01;
const FLAG_CLEAN: u8 = 0x02;
const FLAG_WILL: u8 = 0x04;
const FLAG_WILL_RETAIN: u8 = 0x20;
const FLAG_PASSWORD: u8 = 0x40;
const FLAG_USERNAME: u8 = 0x80;

/// The ending for a property list that could not be read.
fn property_ending(e: DecodeError) -> Ending {
    match e {
        DecodeError::DuplicateProperty => Ending::Failed("Duplicate property in property list"),
        DecodeError::BadProperty => Ending::Protocol,
        _ => Ending::Malformed,
    }
}

impl Shard {
    /// The rest of a CONNECT after its protocol name and level (already checked: `version`),
    /// on listener `listener`.
    pub(super) fn read_connect(
        &mut self,
        first_byte: u8,
        version: ProtocolVersion,
        r: &mut Reader<'_>,
        listener: usize,
    ) -> Result<Connect, Refusal> {
        use Refusal::{Close, Connack};
        let v5 = version.is_v5();
        let v31 = version == ProtocolVersion::V31;
        let (max_qos, allow_empty) = self
            .settings
            .listeners
            .get(listener)
            .map_or((2, true), |l| (l.max_qos, l.allow_zero_length_clientid));
        // 3.1 does not have the rule on the fixed header's flags.
        if !v31 && first_byte & 0x0F != 0 {
            return Err(Close(Ending::Protocol));
        }
        let flags = r.u8().map_err(|_| Close(Ending::Protocol))?;
        if !v31 && flags & FLAG_RESERVED != 0 {
            return Err(Close(Ending::Protocol));
        }
        let clean_start = flags & FLAG_CLEAN != 0;
        let keepalive = r.u16().map_err(|_| Close(Ending::Protocol))?;
        let properties = if v5 {
            decode_properties_for(CMD_CONNECT, r).map_err(|e| Close(property_ending(e)))?
        } else {
            Vec::new()
        };
        let will_flag = flags & FLAG_WILL != 0;
        let will_qos = (flags >> 3) & 0x03;
        let will_retain = flags & FLAG_WILL_RETAIN != 0;
        if will_qos == 3 {
            return Err(Close(Ending::Protocol));
        }
        if will_flag && will_retain && !self.settings.retain_available {
            return Err(if v5 {
                Connack {
                    v3: 0,
                    v5: rc::RETAIN_NOT_SUPPORTED,
                    ending: Ending::NotAllowed,
                }
            } else {
                Close(Ending::NotAllowed)
            });
        }
        if will_flag && will_qos > max_qos {
            return Err(if v5 {
                Connack {
                    v3: 0,
                    v5: rc::QOS_NOT_SUPPORTED,
                    ending: Ending::NotAllowed,
                }
            } else {
                Close(Ending::NotAllowed)
            });
        }

        let client_id = r.utf8_string().map_err(|_| Close(Ending::Protocol))?.to_owned();
        if client_id.is_empty() && (v31 || (version == ProtocolVersion::V311 && !clean_start) || !allow_empty)
        {
            return Err(Connack {
                v3: V3_ID_REJECTED,
                v5: rc::UNSPECIFIED,
                ending: Ending::Protocol,
            });
        }
        if let Some(prefixes) = &self.settings.clientid_prefixes {
            if !client_id.is_empty() && !client_id.starts_with(prefixes.as_str()) {
                return Err(Connack {
                    v3: V3_NOT_AUTHORISED,
                    v5: rc::NOT_AUTHORIZED,
                    ending: Ending::NotAuthorised,
                });
            }
        }

        let will = if will_flag {
            let properties = if v5 {
                decode_properties_for(CMD_WILL, r).map_err(|e| Close(property_ending(e)))?
            } else {
                Vec::new()
            };
            let topic_name = r.utf8_string().map_err(|_| Close(Ending::Protocol))?.to_owned();
            if topic_name.is_empty() {
                return Err(Close(Ending::Protocol));
            }
            // As for a PUBLISH: no wildcards, at most 200 separators.
            if !topic::is_valid_pub_topic(topic_name.as_bytes())
                || topic_name.bytes().filter(|&b| b == b'/').count() > super::publish::MAX_TOPIC_LEVELS
            {
                return Err(Close(Ending::Failed("Invalid arguments provided.")));
            }
            if topic_name.starts_with("$CONTROL/") {
                return Err(Close(Ending::Protocol));
            }
            let payload = r.binary().map_err(|_| Close(Ending::Protocol))?.to_vec();
            Some(Will {
                topic: topic_name,
                payload,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            if !v31 && (will_qos != 0 || will_retain) {
                return Err(Close(Ending::Protocol));
            }
            None
        };

        let mut username = None;
        if flags & FLAG_USERNAME != 0 {
            match r.utf8_string() {
                Ok(u) => username = Some(u.to_owned()),
                // 3.1: a user name flag without a user name is ignored.
                Err(_) if v31 => {}
                Err(_) => return Err(Close(Ending::Protocol)),
            }
        } else if !v5 && flags & FLAG_PASSWORD != 0 {
            let shown = client_id.clone();
            self.log(LogTypes::ERROR, || {
                format!("Protocol error from {shown}: password without username, closing connection.")
            });
            return Err(Close(Ending::Protocol));
        }
        let mut password = None;
        if flags & FLAG_PASSWORD != 0 {
            match r.binary() {
                Ok(p) => password = Some(p.to_vec()),
                Err(_) if v31 => {}
                Err(_) => return Err(Close(Ending::Protocol)),
            }
        }
        if !r.is_empty() {
            return Err(Close(Ending::Protocol));
        }
        Ok(Connect {
            version,
            clean_start,
            keepalive,
            client_id,
            will,
            username,
            password,
            properties,
        })
    }
}
