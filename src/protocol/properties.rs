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
mod tests {
    use super::*;
    use crate::protocol::consts::*;

    fn prop(id: u8, value: PropValue) -> Property {
        Property { id, value }
    }

    fn user(k: &str, v: &str) -> Property {
        prop(MQTT_PROP_USER_PROPERTY, PropValue::StringPair(k.into(), v.into()))
    }

    #[test]
    fn names_and_types_match_libmosquitto() {
        let expected: [(u8, &str, u8); 27] = [
            (1, "payload-format-indicator", 1),
            (2, "message-expiry-interval", 3),
            (3, "content-type", 6),
            (8, "response-topic", 6),
            (9, "correlation-data", 5),
            (11, "subscription-identifier", 4),
            (17, "session-expiry-interval", 3),
            (18, "assigned-client-identifier", 6),
            (19, "server-keep-alive", 2),
            (21, "authentication-method", 6),
            (22, "authentication-data", 5),
            (23, "request-problem-information", 1),
            (24, "will-delay-interval", 3),
            (25, "request-response-information", 1),
            (26, "response-information", 6),
            (28, "server-reference", 6),
            (31, "reason-string", 6),
            (33, "receive-maximum", 2),
            (34, "topic-alias-maximum", 2),
            (35, "topic-alias", 2),
            (36, "maximum-qos", 1),
            (37, "retain-available", 1),
            (38, "user-property", 7),
            (39, "maximum-packet-size", 3),
            (40, "wildcard-subscription-available", 1),
            (41, "subscription-identifier-available", 1),
            (42, "shared-subscription-available", 1),
        ];
        for (id, name, ty) in expected {
            assert_eq!(prop_name(id), Some(name));
            assert_eq!(prop_type(id).map(PropType::code), Some(ty));
            assert_eq!(prop_from_name(name), Some((id, PropType::from_code(ty).unwrap())));
        }
        for id in 0..=255u8 {
            if !expected.iter().any(|e| e.0 == id) {
                assert_eq!(prop_name(id), None, "{id}");
                assert_eq!(prop_type(id), None, "{id}");
            }
        }
    }

    #[test]
    fn name_lookup_ignores_ascii_case_only() {
        assert_eq!(
            prop_from_name("Payload-Format-Indicator"),
            Some((MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropType::Byte))
        );
        assert_eq!(
            prop_from_name(b"USER-PROPERTY".as_slice()),
            Some((MQTT_PROP_USER_PROPERTY, PropType::StringPair))
        );
        assert_eq!(prop_from_name("payload-format-indicator "), None);
        assert_eq!(prop_from_name(""), None);
        assert_eq!(prop_from_name("bogus"), None);
        assert_eq!(prop_from_name("payload_format_indicator"), None);
    }

    #[test]
    fn prop_type_codes() {
        for code in 1..=7 {
            assert_eq!(PropType::from_code(code).map(PropType::code), Some(code));
        }
        assert_eq!(PropType::from_code(0), None);
        assert_eq!(PropType::from_code(8), None);
    }

    /// The commands each identifier is allowed with, as probed from libmosquitto.
    fn allowed_commands(id: u8) -> Vec<u32> {
        match id {
            1 | 2 | 3 | 8 | 9 => vec![CMD_PUBLISH, CMD_WILL],
            11 => vec![CMD_PUBLISH, CMD_SUBSCRIBE],
            17 => vec![CMD_CONNECT, CMD_CONNACK, CMD_DISCONNECT],
            21 | 22 => vec![CMD_CONNECT, CMD_CONNACK, CMD_AUTH],
            18 | 19 | 26 | 36 | 37 | 40 | 41 | 42 => vec![CMD_CONNACK],
            24 => vec![CMD_WILL],
            23 | 25 => vec![CMD_CONNECT],
            28 => vec![CMD_CONNACK, CMD_DISCONNECT],
            31 => COMMANDS
                .iter()
                .copied()
                .filter(|c| ![CMD_CONNECT, CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE].contains(c))
                .collect(),
            33 | 34 | 39 => vec![CMD_CONNECT, CMD_CONNACK],
            35 => vec![CMD_PUBLISH],
            38 => COMMANDS.to_vec(),
            _ => vec![],
        }
    }

    #[test]
    fn check_command_matrix() {
        for id in 0..=255u8 {
            let allowed = allowed_commands(id);
            for cmd in COMMANDS {
                let expected = if allowed.contains(&cmd) {
                    Ok(())
                } else {
                    Err(PropertyError::Protocol)
                };
                assert_eq!(check_command(cmd, id), expected, "id {id} cmd {cmd:#x}");
            }
        }
    }

    #[test]
    fn check_command_compares_whole_command_values() {
        // A first byte with flags is not the command; only the reason string and the user
        // property (allowed "everywhere but") pass.
        for cmd in [0u32, 0x32, 0x62, 0x82, 0xA2, 0x1, 0x3, 0x110, 0x200, u32::MAX] {
            for id in 0..=255u8 {
                let expected = if id == MQTT_PROP_REASON_STRING || id == MQTT_PROP_USER_PROPERTY {
                    Ok(())
                } else {
                    Err(PropertyError::Protocol)
                };
                assert_eq!(check_command(cmd, id), expected, "id {id} cmd {cmd:#x}");
            }
        }
    }

    #[test]
    fn check_all_values() {
        let proto = Err(PropertyError::Protocol);
        for id in [1u8, 23, 25, 36, 37, 40, 41, 42] {
            let cmd = allowed_commands(id)[0];
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(0))]), Ok(()), "{id}");
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(1))]), Ok(()), "{id}");
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(2))]), proto, "{id}");
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Byte(255))]), proto, "{id}");
        }
        for id in [MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_TOPIC_ALIAS] {
            let cmd = allowed_commands(id)[0];
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(0))]), proto);
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(1))]), Ok(()));
            assert_eq!(check_all(cmd, &[prop(id, PropValue::Int16(65535))]), Ok(()));
        }
        let mps = MQTT_PROP_MAXIMUM_PACKET_SIZE;
        assert_eq!(check_all(CMD_CONNACK, &[prop(mps, PropValue::Int32(0))]), proto);
        assert_eq!(check_all(CMD_CONNACK, &[prop(mps, PropValue::Int32(1))]), Ok(()));
        // Zero is fine where the spec gives it a meaning.
        let tam = prop(MQTT_PROP_TOPIC_ALIAS_MAXIMUM, PropValue::Int16(0));
        assert_eq!(check_all(CMD_CONNECT, &[tam]), Ok(()));
        let sid = prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(0));
        assert_eq!(check_all(CMD_SUBSCRIBE, std::slice::from_ref(&sid)), Ok(()));
        assert_eq!(check_all(CMD_PUBLISH, &[sid]), Ok(()));
        let sei = prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropValue::Int32(0));
        assert_eq!(check_all(CMD_CONNECT, &[sei]), Ok(()));
        // Wildcards in a response topic are not checked here.
        let rt = prop(MQTT_PROP_RESPONSE_TOPIC, PropValue::String("a/+/#".into()));
        assert_eq!(check_all(CMD_PUBLISH, &[rt]), Ok(()));
        // A value of the wrong type for its identifier.
        let bad = prop(MQTT_PROP_MAXIMUM_QOS, PropValue::Int32(1));
        assert_eq!(check_all(CMD_CONNACK, &[bad]), proto);
        assert_eq!(check_all(CMD_PUBLISH, &[]), Ok(()));
        assert_eq!(check_all(0, &[]), Ok(()));
    }

    #[test]
    fn check_all_duplicates() {
        let dup = Err(PropertyError::Duplicate);
        for info in PROPERTIES {
            let value = match info.ty {
                PropType::Byte => PropValue::Byte(1),
                PropType::Int16 => PropValue::Int16(1),
                PropType::Int32 => PropValue::Int32(1),
                PropType::VarInt => PropValue::VarInt(1),
                PropType::Binary => PropValue::Binary(vec![b'x']),
                PropType::String => PropValue::String("x".into()),
                PropType::StringPair => PropValue::StringPair("x".into(), "y".into()),
            };
            let list = [prop(info.id, value.clone()), prop(info.id, value)];
            for cmd in COMMANDS {
                let expected = if check_command(cmd, info.id).is_err() {
                    Err(PropertyError::Protocol)
                } else if info.id == MQTT_PROP_USER_PROPERTY {
                    Ok(())
                } else {
                    dup
                };
                assert_eq!(check_all(cmd, &list), expected, "{} {cmd:#x}", info.name);
            }
        }
        // Several subscription identifiers are a duplicate for check_all, even on PUBLISH.
        let sid = |v| prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(v));
        assert_eq!(check_all(CMD_PUBLISH, &[sid(1), sid(2)]), dup);
        assert_eq!(check_received(CMD_PUBLISH, &[sid(1), sid(2)]), Ok(()));
        assert_eq!(check_received(CMD_SUBSCRIBE, &[sid(1), sid(2)]), dup);
        assert_eq!(
            check_received(CMD_SUBSCRIBE, &[sid(0)]),
            Err(PropertyError::Protocol)
        );
        assert_eq!(check_received(CMD_PUBLISH, &[sid(0)]), Ok(()));
    }

    #[test]
    fn check_all_reports_the_first_problem_in_list_order() {
        let pfi = |v| prop(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropValue::Byte(v));
        let mq = |v| prop(MQTT_PROP_MAXIMUM_QOS, PropValue::Byte(v));
        let rm0 = prop(MQTT_PROP_RECEIVE_MAXIMUM, PropValue::Int16(0));
        let dup = Err(PropertyError::Duplicate);
        let proto = Err(PropertyError::Protocol);
        assert_eq!(check_all(CMD_PUBLISH, &[mq(1), mq(1)]), proto);
        assert_eq!(check_all(CMD_PUBLISH, &[pfi(1), pfi(1), mq(1)]), dup);
        assert_eq!(check_all(CMD_PUBLISH, &[pfi(1), mq(1), pfi(1)]), dup);
        assert_eq!(check_all(CMD_CONNACK, &[mq(2), mq(1)]), proto);
        assert_eq!(check_all(CMD_CONNACK, &[mq(1), mq(2)]), dup);
        assert_eq!(check_all(CMD_CONNACK, &[mq(1), mq(1), rm0]), dup);
        assert_eq!(
            check_all(CMD_CONNACK, &[user("a", "b"), mq(1), user("a", "b")]),
            Ok(())
        );
    }

    #[test]
    fn property_constructor_checks_type() {
        assert!(Property::new(MQTT_PROP_MAXIMUM_QOS, PropValue::Byte(1)).is_some());
        assert!(Property::new(MQTT_PROP_MAXIMUM_QOS, PropValue::Int16(1)).is_none());
        assert!(Property::new(0, PropValue::Byte(1)).is_none());
        assert_eq!(user("k", "v").name(), Some("user-property"));
    }

    /// One property of every type, with its wire form.
    fn sample() -> (Vec<Property>, Vec<u8>) {
        let props = vec![
            prop(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropValue::Byte(1)),
            prop(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(0x0102)),
            prop(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, PropValue::Int32(0x0A0B_0C0D)),
            prop(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, PropValue::VarInt(200)),
            prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![0, 0xFF])),
            prop(MQTT_PROP_CONTENT_TYPE, PropValue::String("t".into())),
            user("k", "vv"),
        ];
        let bytes = vec![
            30, // property length
            0x01, 0x01, //
            0x23, 0x01, 0x02, //
            0x02, 0x0A, 0x0B, 0x0C, 0x0D, //
            0x0B, 0xC8, 0x01, //
            0x09, 0x00, 0x02, 0x00, 0xFF, //
            0x03, 0x00, 0x01, b't', //
            0x26, 0x00, 0x01, b'k', 0x00, 0x02, b'v', b'v',
        ];
        (props, bytes)
    }

    #[test]
    fn encode_and_decode_every_type() {
        let (props, bytes) = sample();
        assert_eq!(bytes.len(), 31);
        let mut out = Vec::new();
        encode_properties(&props, &mut out);
        assert_eq!(out, bytes);
        assert_eq!(properties_len(&props), bytes.len());
        assert_eq!(properties_body_len(&props), bytes.len() - 1);
        let mut r = Reader::new(&bytes);
        assert_eq!(decode_properties(&mut r), Ok(props.clone()));
        assert!(r.is_empty());
        let mut r = Reader::new(&bytes);
        assert_eq!(decode_properties_for(CMD_PUBLISH, &mut r), Ok(props));
    }

    #[test]
    fn empty_block() {
        let mut out = Vec::new();
        encode_properties(&[], &mut out);
        assert_eq!(out, [0]);
        assert_eq!(properties_len(&[]), 1);
        assert_eq!(decode_properties(&mut Reader::new(&[0])), Ok(vec![]));
    }

    #[test]
    fn long_block_uses_a_multi_byte_length() {
        let props = vec![prop(MQTT_PROP_CORRELATION_DATA, PropValue::Binary(vec![7; 200]))];
        let mut out = Vec::new();
        encode_properties(&props, &mut out);
        assert_eq!(&out[..2], &[0xCB, 0x01]); // 203 = 1 + 2 + 200
        assert_eq!(out.len(), properties_len(&props));
        assert_eq!(decode_properties(&mut Reader::new(&out)), Ok(props));
    }

    #[test]
    fn truncated_blocks_fail() {
        let (_, bytes) = sample();
        for n in 0..bytes.len() {
            let r = decode_properties(&mut Reader::new(&bytes[..n]));
            assert_eq!(r, Err(DecodeError::Truncated), "prefix {n}");
        }
    }

    #[test]
    fn property_running_past_its_block_fails() {
        // Block length 2 announces less than the 5 bytes of message-expiry-interval, although
        // the packet has the bytes.
        let bytes = [0x02, 0x02, 0x00, 0x00, 0x00, 0x01];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::Truncated)
        );
        // Block length larger than the packet.
        let bytes = [0x05, 0x01, 0x01];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::Truncated)
        );
    }

    #[test]
    fn bad_identifiers_and_varints() {
        for id in [0u8, 4, 10, 12, 20, 27, 30, 32, 43, 0x7F, 0x80, 0xFF] {
            let bytes = [0x02, id, 0x00];
            assert_eq!(
                decode_properties(&mut Reader::new(&bytes)),
                Err(DecodeError::UnknownProperty),
                "{id}"
            );
        }
        // The block length is a varint too.
        let bytes = [0x80, 0x80, 0x80, 0x80, 0x01];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::BadVarint)
        );
        // A subscription identifier of five bytes.
        let bytes = [0x06, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::BadVarint)
        );
    }

    #[test]
    fn bad_utf8_in_strings() {
        let bytes = [0x04, 0x03, 0x00, 0x01, 0xC0];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::Utf8)
        );
        let bytes = [0x07, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0x00];
        assert_eq!(
            decode_properties(&mut Reader::new(&bytes)),
            Err(DecodeError::Utf8)
        );
        // Binary data is not checked.
        let bytes = [0x04, 0x09, 0x00, 0x01, 0xC0];
        assert!(decode_properties(&mut Reader::new(&bytes)).is_ok());
    }

    #[test]
    fn decoding_for_a_command_checks_the_rules() {
        let decode = |cmd, bytes: &[u8]| decode_properties_for(cmd, &mut Reader::new(bytes));
        // maximum-qos is a CONNACK property.
        assert_eq!(decode(CMD_CONNACK, &[0x02, 0x24, 0x01]).map(|p| p.len()), Ok(1));
        assert_eq!(
            decode(CMD_PUBLISH, &[0x02, 0x24, 0x01]),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(CMD_CONNACK, &[0x02, 0x24, 0x02]),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(CMD_CONNACK, &[0x04, 0x24, 0x01, 0x24, 0x00]),
            Err(DecodeError::DuplicateProperty)
        );
        // User properties repeat freely.
        let two_users = [0x0E, 0x26, 0, 1, b'a', 0, 1, b'b', 0x26, 0, 1, b'a', 0, 1, b'b'];
        assert_eq!(decode(CMD_PUBACK, &two_users).map(|p| p.len()), Ok(2));
        // Topic alias 0, receive maximum 0, maximum packet size 0.
        assert_eq!(
            decode(CMD_PUBLISH, &[0x03, 0x23, 0, 0]),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(CMD_CONNACK, &[0x03, 0x21, 0, 0]),
            Err(DecodeError::BadProperty)
        );
        assert_eq!(
            decode(CMD_CONNACK, &[0x05, 0x27, 0, 0, 0, 0]),
            Err(DecodeError::BadProperty)
        );
        // Several subscription identifiers in a PUBLISH from the server.
        let sids = [0x04, 0x0B, 0x01, 0x0B, 0x02];
        assert_eq!(decode(CMD_PUBLISH, &sids).map(|p| p.len()), Ok(2));
        assert_eq!(decode(CMD_SUBSCRIBE, &sids), Err(DecodeError::DuplicateProperty));
        assert_eq!(
            decode(CMD_SUBSCRIBE, &[0x02, 0x0B, 0x00]),
            Err(DecodeError::BadProperty)
        );
        // Will properties.
        assert_eq!(
            decode(CMD_WILL, &[0x05, 0x18, 0, 0, 0, 5]).map(|p| p.len()),
            Ok(1)
        );
        assert_eq!(
            decode(CMD_CONNECT, &[0x05, 0x18, 0, 0, 0, 5]),
            Err(DecodeError::BadProperty)
        );
    }

    #[test]
    fn finders() {
        let (props, _) = sample();
        assert_eq!(find_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), Some(1));
        assert_eq!(find_int16(&props, MQTT_PROP_TOPIC_ALIAS), Some(0x0102));
        assert_eq!(
            find_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL),
            Some(0x0A0B_0C0D)
        );
        assert_eq!(find_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER), Some(200));
        assert_eq!(
            find_binary(&props, MQTT_PROP_CORRELATION_DATA),
            Some(&[0, 0xFF][..])
        );
        assert_eq!(find_string(&props, MQTT_PROP_CONTENT_TYPE), Some("t"));
        assert_eq!(find_string(&props, MQTT_PROP_RESPONSE_TOPIC), None);
        assert_eq!(find_int16(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), None);
    }

    #[test]
    fn error_mapping() {
        assert_eq!(
            DecodeError::from(PropertyError::Protocol),
            DecodeError::BadProperty
        );
        assert_eq!(
            DecodeError::from(PropertyError::Duplicate),
            DecodeError::DuplicateProperty
        );
    }
}
