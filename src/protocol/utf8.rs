//! The UTF-8 rules MQTT places on strings (MQTT 5.0 section 1.5.4, 3.1.1 section 1.5.3).

/// Check `s` against MQTT's string rules, as `mosquitto_validate_utf8` does: well-formed UTF-8,
/// no NUL, no control characters U+0001..U+001F and U+007F..U+009F, no non-characters.
pub fn validate(s: &[u8]) -> bool {
    let _ = s;
    todo!()
}
