//! MQTT v5 properties: identifiers, their value types, the wire encoding and the rules on which
//! properties each packet may carry (MQTT 5.0 section 2.2.2).
//!
//! The rules follow libmosquitto, because they are visible through its C API
//! (`mosquitto_property_check_command`, `mosquitto_property_check_all`) and because they decide
//! which packets from a server the client accepts:
//! - [`check_command`]: which identifiers each command may carry. `CMD_WILL` (0x100) stands for
//!   the will properties of CONNECT. Commands are compared as whole values, so a first byte with
//!   flags (0x32, 0x62, ...) is not the command it starts with; the reason string and user
//!   property are allowed for every command value other than the ones the table forbids them.
//! - [`check_all`]: for each property in order, first its value (every byte property must be 0
//!   or 1; receive maximum, topic alias and maximum packet size must not be 0), then the command,
//!   then whether the same identifier appears again later (only the user property may repeat).
//!   The first failure is the result.
//!
//! Decoding a packet applies the same rules, except that a PUBLISH may carry several
//! subscription identifiers (MQTT 5.0 section 3.3.2.3.8: a server sends one for each matching
//! subscription) and a SUBSCRIBE may not carry subscription identifier 0 (section 3.8.2.1.2).

use super::consts::{
    CMD_AUTH, CMD_CONNACK, CMD_CONNECT, CMD_DISCONNECT, CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE,
    CMD_WILL, MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_AUTHENTICATION_DATA,
    MQTT_PROP_AUTHENTICATION_METHOD, MQTT_PROP_CONTENT_TYPE, MQTT_PROP_CORRELATION_DATA,
    MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_REASON_STRING, MQTT_PROP_RECEIVE_MAXIMUM,
    MQTT_PROP_REQUEST_PROBLEM_INFORMATION, MQTT_PROP_REQUEST_RESPONSE_INFORMATION,
    MQTT_PROP_RESPONSE_INFORMATION, MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_RETAIN_AVAILABLE,
    MQTT_PROP_SERVER_KEEP_ALIVE, MQTT_PROP_SERVER_REFERENCE, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
    MQTT_PROP_SHARED_SUB_AVAILABLE, MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
    MQTT_PROP_TOPIC_ALIAS, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, MQTT_PROP_USER_PROPERTY,
    MQTT_PROP_WILDCARD_SUB_AVAILABLE, MQTT_PROP_WILL_DELAY_INTERVAL,
};
use super::reader::Reader;
use super::writer::{binary_len, put_binary, put_str, put_u16, put_u32, put_varint, varint_len};
use super::{DecodeError, Sender};

/// The wire type of a property value (the `MQTT_PROP_TYPE_*` numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PropType {
    /// One byte.
    Byte = 1,
    /// Two-byte integer.
    Int16 = 2,
    /// Four-byte integer.
    Int32 = 3,
    /// Variable byte integer.
    VarInt = 4,
    /// Binary data (two-byte length prefix).
    Binary = 5,
    /// UTF-8 string (two-byte length prefix).
    String = 6,
    /// Two UTF-8 strings: name, then value.
    StringPair = 7,
}

impl PropType {
    /// The `MQTT_PROP_TYPE_*` number.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The type for an `MQTT_PROP_TYPE_*` number.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Byte,
            2 => Self::Int16,
            3 => Self::Int32,
            4 => Self::VarInt,
            5 => Self::Binary,
            6 => Self::String,
            7 => Self::StringPair,
            _ => return None,
        })
    }
}

/// One entry of the property table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropInfo {
    /// The identifier (`MQTT_PROP_*`).
    pub id: u8,
    /// The name libmosquitto uses (`mosquitto_property_identifier_to_string`).
    pub name: &'static str,
    /// The value type.
    pub ty: PropType,
}

const fn info(id: u8, name: &'static str, ty: PropType) -> PropInfo {
    PropInfo { id, name, ty }
}

/// Every MQTT v5 property, in identifier order.
pub const PROPERTIES: [PropInfo; 27] = [
    info(
        MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
        "payload-format-indicator",
        PropType::Byte,
    ),
    info(
        MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
        "message-expiry-interval",
        PropType::Int32,
    ),
    info(MQTT_PROP_CONTENT_TYPE, "content-type", PropType::String),
    info(MQTT_PROP_RESPONSE_TOPIC, "response-topic", PropType::String),
    info(MQTT_PROP_CORRELATION_DATA, "correlation-data", PropType::Binary),
    info(
        MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
        "subscription-identifier",
        PropType::VarInt,
    ),
    info(
        MQTT_PROP_SESSION_EXPIRY_INTERVAL,
        "session-expiry-interval",
        PropType::Int32,
    ),
    info(
        MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
        "assigned-client-identifier",
        PropType::String,
    ),
    info(MQTT_PROP_SERVER_KEEP_ALIVE, "server-keep-alive", PropType::Int16),
    info(
        MQTT_PROP_AUTHENTICATION_METHOD,
        "authentication-method",
        PropType::String,
    ),
    info(
        MQTT_PROP_AUTHENTICATION_DATA,
        "authentication-data",
        PropType::Binary,
    ),
    info(
        MQTT_PROP_REQUEST_PROBLEM_INFORMATION,
        "request-problem-information",
        PropType::Byte,
    ),
    info(
        MQTT_PROP_WILL_DELAY_INTERVAL,
        "will-delay-interval",
        PropType::Int32,
    ),
    info(
        MQTT_PROP_REQUEST_RESPONSE_INFORMATION,
        "request-response-information",
        PropType::Byte,
    ),
    info(
        MQTT_PROP_RESPONSE_INFORMATION,
        "response-information",
        PropType::String,
    ),
    info(MQTT_PROP_SERVER_REFERENCE, "server-reference", PropType::String),
    info(MQTT_PROP_REASON_STRING, "reason-string", PropType::String),
    info(MQTT_PROP_RECEIVE_MAXIMUM, "receive-maximum", PropType::Int16),
    info(
        MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
        "topic-alias-maximum",
        PropType::Int16,
    ),
    info(MQTT_PROP_TOPIC_ALIAS, "topic-alias", PropType::Int16),
    info(MQTT_PROP_MAXIMUM_QOS, "maximum-qos", PropType::Byte),
    info(MQTT_PROP_RETAIN_AVAILABLE, "retain-available", PropType::Byte),
    info(MQTT_PROP_USER_PROPERTY, "user-property", PropType::StringPair),
    info(
        MQTT_PROP_MAXIMUM_PACKET_SIZE,
        "maximum-packet-size",
        PropType::Int32,
    ),
    info(
        MQTT_PROP_WILDCARD_SUB_AVAILABLE,
        "wildcard-subscription-available",
        PropType::Byte,
    ),
    info(
        MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE,
        "subscription-identifier-available",
        PropType::Byte,
    ),
    info(
        MQTT_PROP_SHARED_SUB_AVAILABLE,
        "shared-subscription-available",
        PropType::Byte,
    ),
];

fn lookup(id: u8) -> Option<&'static PropInfo> {
    PROPERTIES.iter().find(|p| p.id == id)
}

/// The value type of property `id`, or `None` for an unknown identifier.
pub fn prop_type(id: u8) -> Option<PropType> {
    lookup(id).map(|p| p.ty)
}

/// The name of property `id` (e.g. "payload-format-indicator"), as
/// `mosquitto_property_identifier_to_string` returns it.
pub fn prop_name(id: u8) -> Option<&'static str> {
    lookup(id).map(|p| p.name)
}

/// The identifier and type for a property name, compared without regard to ASCII case, as
/// `mosquitto_string_to_property_info` does.
pub fn prop_from_name<N: AsRef<[u8]> + ?Sized>(name: &N) -> Option<(u8, PropType)> {
    let name = name.as_ref();
    PROPERTIES
        .iter()
        .find(|p| p.name.as_bytes().eq_ignore_ascii_case(name))
        .map(|p| (p.id, p.ty))
}

/// The value of one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropValue {
    Byte(u8),
    Int16(u16),
    Int32(u32),
    VarInt(u32),
    Binary(Vec<u8>),
    String(String),
    StringPair(String, String),
}

impl PropValue {
    /// The wire type of this value.
    pub fn prop_type(&self) -> PropType {
        match self {
            Self::Byte(_) => PropType::Byte,
            Self::Int16(_) => PropType::Int16,
            Self::Int32(_) => PropType::Int32,
            Self::VarInt(_) => PropType::VarInt,
            Self::Binary(_) => PropType::Binary,
            Self::String(_) => PropType::String,
            Self::StringPair(..) => PropType::StringPair,
        }
    }

    fn encoded_len(&self) -> usize {
        match self {
            Self::Byte(_) => 1,
            Self::Int16(_) => 2,
            Self::Int32(_) => 4,
            Self::VarInt(v) => varint_len(*v),
            Self::Binary(b) => binary_len(b),
            Self::String(s) => binary_len(s.as_bytes()),
            Self::StringPair(k, v) => binary_len(k.as_bytes()) + binary_len(v.as_bytes()),
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Byte(v) => out.push(*v),
            Self::Int16(v) => put_u16(out, *v),
            Self::Int32(v) => put_u32(out, *v),
            Self::VarInt(v) => put_varint(out, *v),
            Self::Binary(b) => put_binary(out, b),
            Self::String(s) => put_str(out, s),
            Self::StringPair(k, v) => {
                put_str(out, k);
                put_str(out, v);
            }
        }
    }
}

/// One property: identifier and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub id: u8,
    pub value: PropValue,
}

impl Property {
    /// A property, if `id` is known and `value` has the type that identifier requires.
    pub fn new(id: u8, value: PropValue) -> Option<Self> {
        (prop_type(id)? == value.prop_type()).then_some(Self { id, value })
    }

    /// The size of the property on the wire: identifier byte plus value.
    pub fn encoded_len(&self) -> usize {
        1 + self.value.encoded_len()
    }

    /// Append the property (identifier, then value) to `out`.
    ///
    /// The value is written as its [`PropValue`] variant says; a property built with the wrong
    /// type for its identifier ([`Property::new`] refuses those) yields bytes a peer rejects.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.id);
        self.value.encode(out);
    }

    /// The property's name, if the identifier is known.
    pub fn name(&self) -> Option<&'static str> {
        prop_name(self.id)
    }
}

/// The value of the first property `id` in `props`.
pub fn find(props: &[Property], id: u8) -> Option<&PropValue> {
    props.iter().find(|p| p.id == id).map(|p| &p.value)
}

/// The first byte property `id` in `props`.
pub fn find_byte(props: &[Property], id: u8) -> Option<u8> {
    match find(props, id)? {
        PropValue::Byte(v) => Some(*v),
        _ => None,
    }
}

/// The first two-byte integer property `id` in `props`.
pub fn find_int16(props: &[Property], id: u8) -> Option<u16> {
    match find(props, id)? {
        PropValue::Int16(v) => Some(*v),
        _ => None,
    }
}

/// The first four-byte integer property `id` in `props`.
pub fn find_int32(props: &[Property], id: u8) -> Option<u32> {
    match find(props, id)? {
        PropValue::Int32(v) => Some(*v),
        _ => None,
    }
}

/// The first variable byte integer property `id` in `props`.
pub fn find_varint(props: &[Property], id: u8) -> Option<u32> {
    match find(props, id)? {
        PropValue::VarInt(v) => Some(*v),
        _ => None,
    }
}

/// The first string property `id` in `props`.
pub fn find_string(props: &[Property], id: u8) -> Option<&str> {
    match find(props, id)? {
        PropValue::String(v) => Some(v),
        _ => None,
    }
}

/// The first binary property `id` in `props`.
pub fn find_binary(props: &[Property], id: u8) -> Option<&[u8]> {
    match find(props, id)? {
        PropValue::Binary(v) => Some(v),
        _ => None,
    }
}

/// Why a property list is not acceptable for a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyError {
    /// The identifier is unknown or not allowed for the command, or its value is out of range
    /// (`MOSQ_ERR_PROTOCOL`).
    Protocol,
    /// An identifier that may appear only once appears again (`MOSQ_ERR_DUPLICATE_PROPERTY`).
    Duplicate,
}

impl std::fmt::Display for PropertyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Protocol => "property not valid for this packet",
            Self::Duplicate => "duplicate property",
        })
    }
}

impl std::error::Error for PropertyError {}

impl From<PropertyError> for DecodeError {
    fn from(e: PropertyError) -> Self {
        match e {
            PropertyError::Protocol => Self::BadProperty,
            PropertyError::Duplicate => Self::DuplicateProperty,
        }
    }
}

/// Whether property `identifier` may be used with `command` (`CMD_CONNECT`, ..., `CMD_WILL`),
/// as `mosquitto_property_check_command` decides.
pub fn check_command(command: u32, identifier: u8) -> Result<(), PropertyError> {
    let allowed = match identifier {
        MQTT_PROP_PAYLOAD_FORMAT_INDICATOR
        | MQTT_PROP_MESSAGE_EXPIRY_INTERVAL
        | MQTT_PROP_CONTENT_TYPE
        | MQTT_PROP_RESPONSE_TOPIC
        | MQTT_PROP_CORRELATION_DATA => command == CMD_PUBLISH || command == CMD_WILL,

        MQTT_PROP_SUBSCRIPTION_IDENTIFIER => command == CMD_PUBLISH || command == CMD_SUBSCRIBE,

        MQTT_PROP_SESSION_EXPIRY_INTERVAL => {
            command == CMD_CONNECT || command == CMD_CONNACK || command == CMD_DISCONNECT
        }

        MQTT_PROP_AUTHENTICATION_METHOD | MQTT_PROP_AUTHENTICATION_DATA => {
            command == CMD_CONNECT || command == CMD_CONNACK || command == CMD_AUTH
        }

        MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER
        | MQTT_PROP_SERVER_KEEP_ALIVE
        | MQTT_PROP_RESPONSE_INFORMATION
        | MQTT_PROP_MAXIMUM_QOS
        | MQTT_PROP_RETAIN_AVAILABLE
        | MQTT_PROP_WILDCARD_SUB_AVAILABLE
        | MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE
        | MQTT_PROP_SHARED_SUB_AVAILABLE => command == CMD_CONNACK,

        MQTT_PROP_WILL_DELAY_INTERVAL => command == CMD_WILL,

        MQTT_PROP_REQUEST_PROBLEM_INFORMATION | MQTT_PROP_REQUEST_RESPONSE_INFORMATION => {
            command == CMD_CONNECT
        }

        MQTT_PROP_SERVER_REFERENCE => command == CMD_CONNACK || command == CMD_DISCONNECT,

        MQTT_PROP_REASON_STRING => !matches!(
            command,
            CMD_CONNECT | CMD_PUBLISH | CMD_SUBSCRIBE | CMD_UNSUBSCRIBE
        ),

        MQTT_PROP_RECEIVE_MAXIMUM | MQTT_PROP_TOPIC_ALIAS_MAXIMUM | MQTT_PROP_MAXIMUM_PACKET_SIZE => {
            command == CMD_CONNECT || command == CMD_CONNACK
        }

        MQTT_PROP_TOPIC_ALIAS => command == CMD_PUBLISH,

        MQTT_PROP_USER_PROPERTY => true,

        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(PropertyError::Protocol)
    }
}

/// Whether the value of `p` is in range, and of the type its identifier requires.
fn check_value(p: &Property) -> Result<(), PropertyError> {
    if prop_type(p.id).is_some_and(|ty| ty != p.value.prop_type()) {
        return Err(PropertyError::Protocol);
    }
    let ok = match (p.id, &p.value) {
        // Every byte property is a flag or a QoS that may be 0 or 1.
        (_, PropValue::Byte(v)) => *v <= 1,
        (MQTT_PROP_MAXIMUM_PACKET_SIZE, PropValue::Int32(v)) => *v != 0,
        (MQTT_PROP_RECEIVE_MAXIMUM | MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(v)) => *v != 0,
        _ => true,
    };
    if ok { Ok(()) } else { Err(PropertyError::Protocol) }
}

/// The shared rule set of [`check_all`] and the decoder (`received`: from whom).
fn check_list(command: u32, props: &[Property], received: Option<Sender>) -> Result<(), PropertyError> {
    let from_client = received == Some(Sender::Client);
    for (i, p) in props.iter().enumerate() {
        check_value(p)?;
        if from_client && command == CMD_PUBLISH {
            // MQTT-3.3.4-6: a client never sends a subscription identifier; a Response Topic
            // is a topic name, so it has no wildcards.
            match (p.id, &p.value) {
                (MQTT_PROP_SUBSCRIPTION_IDENTIFIER, _) => return Err(PropertyError::Protocol),
                (MQTT_PROP_RESPONSE_TOPIC, PropValue::String(t)) if t.contains(['+', '#']) => {
                    return Err(PropertyError::Protocol);
                }
                _ => {}
            }
        }
        let received = received.is_some();
        if received
            && command == CMD_SUBSCRIBE
            && p.id == MQTT_PROP_SUBSCRIPTION_IDENTIFIER
            && p.value == PropValue::VarInt(0)
        {
            return Err(PropertyError::Protocol);
        }
        check_command(command, p.id)?;
        let may_repeat = p.id == MQTT_PROP_USER_PROPERTY
            || (received && command == CMD_PUBLISH && p.id == MQTT_PROP_SUBSCRIPTION_IDENTIFIER);
        if !may_repeat && props.iter().skip(i + 1).any(|q| q.id == p.id) {
            return Err(PropertyError::Duplicate);
        }
    }
    Ok(())
}

/// Check a property list for `command` as `mosquitto_property_check_all` does: values in range,
/// identifiers allowed for the command, no forbidden duplicates. The first problem in list
/// order decides the error.
pub fn check_all(command: u32, props: &[Property]) -> Result<(), PropertyError> {
    check_list(command, props, None)
}

/// Check the properties of a packet of type `command` received from a server (see the module
/// documentation for how this differs from [`check_all`]).
pub fn check_received(command: u32, props: &[Property]) -> Result<(), PropertyError> {
    check_list(command, props, Some(Sender::Server))
}

/// Check the properties of a packet of type `command` received from `sender`.
pub fn check_received_from(sender: Sender, command: u32, props: &[Property]) -> Result<(), PropertyError> {
    check_list(command, props, Some(sender))
}

fn decode_one(r: &mut Reader<'_>) -> Result<Property, DecodeError> {
    // The identifier is a variable byte integer on the wire; every defined one fits in a byte.
    let id = u8::try_from(r.varint()?).map_err(|_| DecodeError::UnknownProperty)?;
    let ty = prop_type(id).ok_or(DecodeError::UnknownProperty)?;
    let value = match ty {
        PropType::Byte => PropValue::Byte(r.u8()?),
        PropType::Int16 => PropValue::Int16(r.u16()?),
        PropType::Int32 => PropValue::Int32(r.u32()?),
        PropType::VarInt => PropValue::VarInt(r.varint()?),
        PropType::Binary => PropValue::Binary(r.binary()?.to_vec()),
        PropType::String => PropValue::String(r.utf8_string()?.to_owned()),
        PropType::StringPair => {
            let name = r.utf8_string()?.to_owned();
            let value = r.utf8_string()?.to_owned();
            PropValue::StringPair(name, value)
        }
    };
    Ok(Property { id, value })
}

/// Read a property block (length varint, then the properties) from `r`.
///
/// This checks the encoding only: an unknown identifier is [`DecodeError::UnknownProperty`], a
/// property that runs past the announced length is [`DecodeError::Truncated`]. Which
/// properties the packet may carry is checked by [`decode_properties_for`].
pub fn decode_properties(r: &mut Reader<'_>) -> Result<Vec<Property>, DecodeError> {
    let len = r.varint()?;
    let block = r.take(usize::try_from(len).map_err(|_| DecodeError::Truncated)?)?;
    let mut inner = Reader::new(block);
    let mut props = Vec::new();
    while !inner.is_empty() {
        props.push(decode_one(&mut inner)?);
    }
    Ok(props)
}

/// Read a property block of a received packet of type `command` and check it with
/// [`check_received`].
pub fn decode_properties_for(command: u32, r: &mut Reader<'_>) -> Result<Vec<Property>, DecodeError> {
    decode_properties_from(Sender::Server, command, r)
}

/// Like [`decode_properties_for`], for a packet received from `sender`.
pub fn decode_properties_from(
    sender: Sender,
    command: u32,
    r: &mut Reader<'_>,
) -> Result<Vec<Property>, DecodeError> {
    let props = decode_properties(r)?;
    check_received_from(sender, command, &props)?;
    Ok(props)
}

/// The size of the properties without the length varint.
pub fn properties_body_len(props: &[Property]) -> usize {
    props.iter().map(Property::encoded_len).sum()
}

/// Append a property block (length varint, then the properties) to `out`.
pub fn encode_properties(props: &[Property], out: &mut Vec<u8>) {
    super::writer::put_varint_usize(out, properties_body_len(props));
    for p in props {
        p.encode(out);
    }
}

/// The size of a property block on the wire, its length varint included.
pub fn properties_len(props: &[Property]) -> usize {
    let body = properties_body_len(props);
    super::writer::varint_len_usize(body) + body
}

/// Every command a property list can belong to (the packet types and `CMD_WILL`).
pub const COMMANDS: [u32; 16] = {
    use super::consts::*;
    [
        CMD_CONNECT,
        CMD_CONNACK,
        CMD_PUBLISH,
        CMD_PUBACK,
        CMD_PUBREC,
        CMD_PUBREL,
        CMD_PUBCOMP,
        CMD_SUBSCRIBE,
        CMD_SUBACK,
        CMD_UNSUBSCRIBE,
        CMD_UNSUBACK,
        CMD_PINGREQ,
        CMD_PINGRESP,
        CMD_DISCONNECT,
        CMD_AUTH,
        CMD_WILL,
    ]
};

#[cfg(test)]
mod tests;
