//! Checking lists against the protocol's rules, and property names:
//! `mosquitto_property_check_command`, `mosquitto_property_check_all`,
//! `mosquitto_property_identifier_to_string` and `mosquitto_string_to_property_info`.

use super::*;

/// Whether property `identifier` may be sent in a packet of type `command` (`CMD_CONNECT`,
/// `CMD_PUBLISH`, ..., or `CMD_WILL` for the will properties of CONNECT). Commands are whole
/// values, so a first byte with flag bits (such as 0x32) is not a known command; reason-string
/// and user-property are nevertheless accepted for such values, like every command for which
/// they are not forbidden.
///
/// Returns `MOSQ_ERR_SUCCESS` if allowed, or `MOSQ_ERR_PROTOCOL` if not or if `identifier` is
/// not a property identifier.
///
/// # Safety
/// None: any values may be passed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_command(command: c_int, identifier: c_int) -> c_int {
    ffi_boundary! {
        let Ok(id) = u8::try_from(identifier) else {
            return MOSQ_ERR_PROTOCOL;
        };
        match properties::check_command(command_of(command), id) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => property_error(e),
        }
    }
}

/// Check a whole property list for use with `command` (as for
/// `mosquitto_property_check_command`), property by property in list order: first the value
/// (every one-byte property must be 0 or 1; receive-maximum, topic-alias and
/// maximum-packet-size must not be 0), then whether the identifier is allowed for `command`,
/// then whether the identifier appears again later in the list (only user-property may). The
/// first problem found decides the result.
///
/// Returns `MOSQ_ERR_SUCCESS` (also for an empty list), `MOSQ_ERR_PROTOCOL` for a value out of
/// range or a property not allowed with `command`, or `MOSQ_ERR_DUPLICATE_PROPERTY`.
///
/// # Safety
/// `properties` is NULL or a valid list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_check_all(
    command: c_int,
    properties: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        let mut props = Vec::new();
        let mut cur = properties.cast::<PropNode>();
        while !cur.is_null() {
            // SAFETY: every node of the list is valid (caller contract).
            let node = unsafe { &*cur };
            props.push(node.prop.clone());
            cur = node.next;
        }
        match properties::check_all(command_of(command), &props) {
            Ok(()) => MOSQ_ERR_SUCCESS,
            Err(e) => property_error(e),
        }
    }
}

/// The property names as static C strings, built once from the protocol table.
fn property_names() -> &'static [(u8, CString)] {
    static NAMES: OnceLock<Vec<(u8, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        properties::PROPERTIES
            .iter()
            .filter_map(|p| Some((p.id, CString::new(p.name).ok()?)))
            .collect()
    })
}

/// The name of property `identifier` as the MQTT v5 specification spells it in lower case with
/// hyphens (e.g. "payload-format-indicator" for `MQTT_PROP_PAYLOAD_FORMAT_INDICATOR`), or NULL
/// if `identifier` is not a property identifier. The string is static: do not free or modify
/// it.
///
/// # Safety
/// None: any value may be passed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_identifier_to_string(identifier: c_int) -> *const c_char {
    ffi_boundary! {
        let Ok(id) = u8::try_from(identifier) else {
            return std::ptr::null();
        };
        property_names()
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(std::ptr::null(), |(_, name)| CStr::as_ptr(name))
    }
}

/// Look up a property by its name (as `mosquitto_property_identifier_to_string` gives it,
/// compared without regard to ASCII case) and store its identifier (`MQTT_PROP_*`) in
/// `*identifier` and its value type (`MQTT_PROP_TYPE_*`) in `*type`.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if any argument is NULL or the name is not a
/// property name; nothing is written then.
///
/// # Safety
/// `propname` is NULL or a NUL-terminated string; `identifier` and `type` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_string_to_property_info(
    propname: *const c_char,
    identifier: *mut c_int,
    type_: *mut c_int,
) -> c_int {
    ffi_boundary! {
        if identifier.is_null() || type_.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: forwarded contract.
        let Some(name) = (unsafe { cstr_bytes(propname) }) else {
            return MOSQ_ERR_INVAL;
        };
        let Some((id, ty)) = properties::prop_from_name(name) else {
            return MOSQ_ERR_INVAL;
        };
        // SAFETY: both writable (checked non-NULL; caller contract).
        unsafe {
            *identifier = c_int::from(id);
            *type_ = c_int::from(ty.code());
        }
        MOSQ_ERR_SUCCESS
    }
}
