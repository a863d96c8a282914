//! What the session keeps of an outgoing QoS 1 or 2 message while its flow runs (the flow
//! itself, with its states and in-flight slots, is [`crate::protocol::flow::OutFlow`]).

use crate::protocol::Property;

/// The contents of an outgoing message.
#[derive(Debug, Clone)]
pub(crate) struct OutMessage {
    pub topic: String,
    pub payload: Vec<u8>,
    pub retain: bool,
    pub properties: Vec<Property>,
}
