//! Topic names and topic filters (MQTT 5.0 section 4.7).

/// True if `topic` may be published to: no `+` or `#`, at most 65535 bytes.
pub fn is_valid_pub_topic(topic: &[u8]) -> bool {
    let _ = topic;
    todo!()
}

/// True if `filter` may be subscribed to: wildcards occupy whole levels, `#` only last,
/// at most 65535 bytes.
pub fn is_valid_sub_filter(filter: &[u8]) -> bool {
    let _ = filter;
    todo!()
}
