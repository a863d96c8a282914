//! Messages as the broker routes them: one shared value per published message, and a
//! delivery per subscriber copy.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::protocol::consts::{
    MQTT_PROP_CONTENT_TYPE, MQTT_PROP_CORRELATION_DATA, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
    MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
    MQTT_PROP_USER_PROPERTY,
};
use crate::protocol::{PropValue, Property, PublishRef};

/// Where a session lives: the shard that owns it, its slot there, and the slot's generation
/// (so that a delivery to a session that has gone is recognised and dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    pub shard: u16,
    pub slot: u32,
    pub generation: u16,
}

/// A message as published, shared by every copy of it.
#[derive(Debug)]
pub struct Message {
    /// The topic (after the publisher's mount point was applied).
    pub topic: Arc<str>,
    pub payload: Bytes,
    /// The QoS it was published with.
    pub qos: u8,
    /// The retain flag it was published with.
    pub retain: bool,
    /// The v5 properties passed on to subscribers, in the order received: payload format,
    /// content type, response topic, correlation data, user properties.
    pub properties: Vec<Property>,
    /// When it was received and its expiry interval in seconds (v5 Message Expiry Interval).
    pub expiry: Option<(Instant, u32)>,
    /// The session that published it (for No Local), if a client did.
    pub origin: Option<SessionKey>,
    /// The publishing client's id (for `check_retain_source` and log lines).
    pub origin_id: Option<Arc<str>>,
    /// The publishing client's username and listener (for `check_retain_source`).
    pub origin_username: Option<Arc<str>>,
    pub origin_listener: Option<usize>,
}

impl Message {
    /// A message from `properties` of a received PUBLISH: the properties that are forwarded
    /// are kept, the expiry interval becomes a deadline.
    pub fn new(
        topic: Arc<str>,
        payload: Bytes,
        qos: u8,
        retain: bool,
        properties: &[Property],
        now: Instant,
    ) -> Self {
        let mut kept = Vec::new();
        let mut expiry = None;
        for p in properties {
            match p.id {
                MQTT_PROP_PAYLOAD_FORMAT_INDICATOR
                | MQTT_PROP_CONTENT_TYPE
                | MQTT_PROP_RESPONSE_TOPIC
                | MQTT_PROP_CORRELATION_DATA
                | MQTT_PROP_USER_PROPERTY => kept.push(p.clone()),
                MQTT_PROP_MESSAGE_EXPIRY_INTERVAL => {
                    if let PropValue::Int32(secs) = p.value {
                        expiry = Some((now, secs));
                    }
                }
                _ => {}
            }
        }
        Self {
            topic,
            payload,
            qos,
            retain,
            properties: kept,
            expiry,
            origin: None,
            origin_id: None,
            origin_username: None,
            origin_listener: None,
        }
    }

    /// Whether the message's expiry interval has passed.
    pub fn expired(&self, now: Instant) -> bool {
        self.expiry.is_some_and(|(at, secs)| {
            now.saturating_duration_since(at) >= Duration::from_secs(u64::from(secs))
        })
    }

    /// The seconds left of its expiry interval, if it has one.
    pub fn remaining_expiry(&self, now: Instant) -> Option<u32> {
        self.expiry.map(|(at, secs)| {
            let gone = now.saturating_duration_since(at).as_secs();
            u32::try_from(u64::from(secs).saturating_sub(gone)).unwrap_or(0)
        })
    }

    /// The properties of one copy sent to a v5 subscriber, in mosquitto's order: subscription
    /// identifiers first, the forwarded properties, the remaining expiry interval last.
    pub fn outgoing_properties(&self, sub_ids: &[u32], now: Instant) -> Vec<Property> {
        let mut props = Vec::with_capacity(sub_ids.len() + self.properties.len() + 1);
        for &id in sub_ids {
            props.push(Property {
                id: MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
                value: PropValue::VarInt(id),
            });
        }
        props.extend(self.properties.iter().cloned());
        if let Some(left) = self.remaining_expiry(now) {
            props.push(Property {
                id: MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                value: PropValue::Int32(left),
            });
        }
        props
    }

    /// The PUBLISH of one copy, for encoding.
    pub fn publish_ref<'a>(
        &'a self,
        topic: &'a str,
        qos: u8,
        retain: bool,
        dup: bool,
        mid: u16,
        properties: &'a [Property],
    ) -> PublishRef<'a> {
        PublishRef {
            dup,
            qos,
            retain,
            topic,
            mid,
            payload: &self.payload,
            properties,
        }
    }
}

/// One copy of a message for one session.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub message: Arc<Message>,
    /// The QoS of this copy.
    pub qos: u8,
    /// The retain flag to send.
    pub retain: bool,
    /// The subscription identifiers of the subscriptions this copy is for (v5).
    pub sub_ids: Vec<u32>,
}

/// A copy about to be sent or kept, borrowing what it is made of.
#[derive(Debug, Clone, Copy)]
pub struct CopyRef<'a> {
    pub message: &'a Arc<Message>,
    pub qos: u8,
    pub retain: bool,
    pub sub_ids: &'a [u32],
}

impl CopyRef<'_> {
    /// The copy to keep (the message shared, not copied).
    pub fn to_owned(self) -> Delivery {
        Delivery {
            message: self.message.clone(),
            qos: self.qos,
            retain: self.retain,
            sub_ids: self.sub_ids.to_vec(),
        }
    }

    /// The bytes this copy counts for in queue limits (the payload).
    pub fn size(&self) -> usize {
        self.message.payload.len()
    }
}

impl Delivery {
    /// A borrowed view of this copy.
    pub fn as_ref(&self) -> CopyRef<'_> {
        CopyRef {
            message: &self.message,
            qos: self.qos,
            retain: self.retain,
            sub_ids: &self.sub_ids,
        }
    }

    /// The bytes this copy counts for in queue limits (the payload).
    pub fn size(&self) -> usize {
        self.message.payload.len()
    }
}
