//! Building a list: the `mosquitto_property_add_*` functions, each appending one node.

use super::*;

/// Add a one-byte property (payload-format-indicator, request-problem-information,
/// request-response-information, maximum-qos, retain-available,
/// wildcard-subscription-available, subscription-identifier-available or
/// shared-subscription-available) to the end of `*proplist`. If `*proplist` is NULL a new list
/// is started there. The value is not range-checked here; `mosquitto_property_check_all` and
/// the functions that send properties do that.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a one-byte property (the list is then unchanged).
///
/// The list belongs to the caller, who releases it with `mosquitto_property_free_all`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_byte(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u8,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Byte(value)) }
    }
}

/// Add a two-byte integer property (server-keep-alive, receive-maximum, topic-alias-maximum
/// or topic-alias) to the end of `*proplist`, starting a new list if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a two-byte integer property. The caller owns the list (see
/// `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int16(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u16,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Int16(value)) }
    }
}

/// Add a four-byte integer property (message-expiry-interval, session-expiry-interval,
/// will-delay-interval or maximum-packet-size) to the end of `*proplist`, starting a new list
/// if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is
/// not a four-byte integer property. The caller owns the list (see
/// `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_int32(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Int32(value)) }
    }
}

/// Add a variable byte integer property (subscription-identifier, the only one) to the end of
/// `*proplist`, starting a new list if `*proplist` is NULL.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
/// a variable byte integer property or `value` is above 268435455, the largest such integer.
/// The caller owns the list (see `mosquitto_property_free_all`).
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_varint(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: u32,
) -> c_int {
    ffi_boundary! {
        if value > VARINT_MAX {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::VarInt(value)) }
    }
}

/// Add a binary property (correlation-data or authentication-data) holding a copy of the `len`
/// bytes at `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL.
/// `value` may be NULL when `len` is 0.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `proplist` is NULL, `identifier` is not
/// a binary property, or `value` is NULL with a non-zero `len`. The caller owns the list (see
/// `mosquitto_property_free_all`) and keeps ownership of `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
/// or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_binary(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_void,
    len: u16,
) -> c_int {
    ffi_boundary! {
        if value.is_null() && len > 0 {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `value` has `len` readable bytes (caller contract).
        let data = unsafe { bytes(value, usize::from(len)) }.to_vec();
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::Binary(data)) }
    }
}

/// Add a string property (content-type, response-topic, assigned-client-identifier,
/// authentication-method, response-information, server-reference or reason-string) holding a
/// copy of `value` to the end of `*proplist`, starting a new list if `*proplist` is NULL. A
/// NULL `value` adds an empty string.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL; otherwise
/// `MOSQ_ERR_MALFORMED_UTF8` if `value` is not valid MQTT UTF-8 (see `mosquitto_validate_utf8`)
/// or longer than 65535 bytes; otherwise `MOSQ_ERR_INVAL` if `identifier` is not a string
/// property. The caller owns the list (see `mosquitto_property_free_all`) and keeps ownership
/// of `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `value` is NULL
/// or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        if proplist.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let value = match unsafe { mqtt_string(value) } {
            Ok(value) => value,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::String(value)) }
    }
}

/// Add a name/value string pair property (user-property, the only one, which unlike the others
/// may appear any number of times in a list) holding copies of `name` and `value` to the end
/// of `*proplist`, starting a new list if `*proplist` is NULL. A NULL `name` or `value` stands
/// for an empty string.
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `proplist` is NULL or `identifier` is not a
/// string pair property; otherwise `MOSQ_ERR_MALFORMED_UTF8` if `name` or `value` is not valid
/// MQTT UTF-8 or is longer than 65535 bytes. The caller owns the list (see
/// `mosquitto_property_free_all`) and keeps ownership of `name` and `value`.
///
/// # Safety
/// `proplist` is NULL or points to NULL or to a list built by these functions; `name` and
/// `value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_add_string_pair(
    proplist: *mut *mut mosquitto_property,
    identifier: c_int,
    name: *const c_char,
    value: *const c_char,
) -> c_int {
    ffi_boundary! {
        if proplist.is_null() || identifier_of_type(identifier, PropType::StringPair).is_none() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let name = match unsafe { mqtt_string(name) } {
            Ok(name) => name,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        let value = match unsafe { mqtt_string(value) } {
            Ok(value) => value,
            Err(code) => return code,
        };
        // SAFETY: forwarded contract.
        unsafe { add(proplist, identifier, PropValue::StringPair(name, value)) }
    }
}
