//! MQTT v5 properties: identifiers, their value types, the wire encoding and the rules on which
//! properties each packet may carry.

use super::DecodeError;
use super::reader::Reader;

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

/// One property: identifier and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub id: u8,
    pub value: PropValue,
}

/// Read a property block (length varint, then the properties) from `r`.
pub fn decode_properties(r: &mut Reader<'_>) -> Result<Vec<Property>, DecodeError> {
    let _ = r;
    todo!()
}

/// Append a property block (length varint, then the properties) to `out`.
pub fn encode_properties(props: &[Property], out: &mut Vec<u8>) {
    let _ = (props, out);
    todo!()
}

/// The size of a property block on the wire, its length varint included.
pub fn properties_len(props: &[Property]) -> usize {
    let _ = props;
    todo!()
}
