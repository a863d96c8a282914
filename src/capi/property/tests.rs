use std::ptr::{null, null_mut};

use super::*;
use crate::protocol::consts::*;

const PUBLISH: c_int = CMD_PUBLISH as c_int;

fn id(p: u8) -> c_int {
    c_int::from(p)
}

/// The identifiers of a list, in order.
fn ids(list: *const mosquitto_property) -> Vec<c_int> {
    let mut out = Vec::new();
    let mut p = list;
    while !p.is_null() {
        // SAFETY: `p` is a node of a list built in the test.
        unsafe {
            out.push(mosquitto_property_identifier(p));
            p = mosquitto_property_next(p);
        }
    }
    out
}

/// Take a string the library allocated with calloc, and free it.
fn take_c_string(p: *mut c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: a NUL-terminated allocation from `c_copy`, freed once here.
    unsafe {
        let s = CStr::from_ptr(p).to_str().unwrap().to_owned();
        libc::free(p.cast());
        s
    }
}

fn free(mut list: *mut mosquitto_property) {
    // SAFETY: a list built in the test, not used afterwards.
    unsafe { mosquitto_property_free_all(&raw mut list) };
    assert!(list.is_null());
}

#[test]
fn add_appends_in_order_and_checks_identifier_types() {
    let mut list: *mut mosquitto_property = null_mut();
    let l = &raw mut list;
    // SAFETY: `l` points to a list owned by the test; string arguments are C literals.
    unsafe {
        assert_eq!(
            mosquitto_property_add_string(l, id(MQTT_PROP_CONTENT_TYPE), c"a/b".as_ptr()),
            0
        );
        assert_eq!(
            mosquitto_property_add_byte(l, id(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), 1),
            0
        );
        assert_eq!(mosquitto_property_add_int16(l, id(MQTT_PROP_TOPIC_ALIAS), 9), 0);
        assert_eq!(
            mosquitto_property_add_int32(l, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), 60),
            0
        );
        assert_eq!(
            mosquitto_property_add_varint(l, id(MQTT_PROP_SUBSCRIPTION_IDENTIFIER), 5),
            0
        );
        assert_eq!(
            mosquitto_property_add_binary(l, id(MQTT_PROP_CORRELATION_DATA), c"xy".as_ptr().cast(), 2),
            0
        );
        assert_eq!(
            mosquitto_property_add_string_pair(l, id(MQTT_PROP_USER_PROPERTY), c"k".as_ptr(), c"v".as_ptr()),
            0
        );
        // Wrong type for the identifier, unknown identifiers, and values that would name a
        // property only if truncated to a byte.
        assert_eq!(
            mosquitto_property_add_byte(l, id(MQTT_PROP_CONTENT_TYPE), 1),
            MOSQ_ERR_INVAL
        );
        assert_eq!(mosquitto_property_add_int16(l, 0, 1), MOSQ_ERR_INVAL);
        assert_eq!(mosquitto_property_add_byte(l, 256 + 1, 1), MOSQ_ERR_INVAL);
        assert_eq!(mosquitto_property_add_int32(l, -254, 1), MOSQ_ERR_INVAL);
        assert_eq!(
            mosquitto_property_add_string(l, 256 + 3, c"x".as_ptr()),
            MOSQ_ERR_INVAL
        );
        assert_eq!(mosquitto_property_add_byte(null_mut(), 1, 1), MOSQ_ERR_INVAL);
    }
    assert_eq!(ids(list), [3, 1, 35, 2, 11, 9, 38]);
    // Every node was built by the application.
    // SAFETY: `list` is a valid list.
    assert_eq!(unsafe { from_c_list(list) }.len(), 7);
    free(list);
}

#[test]
fn string_and_number_limits() {
    let mut list: *mut mosquitto_property = null_mut();
    let l = &raw mut list;
    let long = CString::new(vec![b'a'; 65_536]).unwrap();
    let longest = CString::new(vec![b'a'; 65_535]).unwrap();
    let sub_id = id(MQTT_PROP_SUBSCRIPTION_IDENTIFIER);
    // SAFETY: `l` points to a list owned by the test; strings are valid C strings.
    unsafe {
        assert_eq!(mosquitto_property_add_varint(l, sub_id, VARINT_MAX), 0);
        assert_eq!(
            mosquitto_property_add_varint(l, sub_id, VARINT_MAX + 1),
            MOSQ_ERR_INVAL
        );
        let ct = id(MQTT_PROP_CONTENT_TYPE);
        assert_eq!(mosquitto_property_add_string(l, ct, longest.as_ptr()), 0);
        assert_eq!(
            mosquitto_property_add_string(l, ct, long.as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        assert_eq!(
            mosquitto_property_add_string(l, ct, c"\xff".as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        assert_eq!(
            mosquitto_property_add_string(l, ct, c"a\tb".as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        // The string is checked before the identifier.
        assert_eq!(
            mosquitto_property_add_string(l, 1, c"\xff".as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        let up = id(MQTT_PROP_USER_PROPERTY);
        assert_eq!(
            mosquitto_property_add_string_pair(l, up, c"ok".as_ptr(), c"\xc0\xaf".as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        assert_eq!(
            mosquitto_property_add_string_pair(l, up, long.as_ptr(), c"v".as_ptr()),
            MOSQ_ERR_MALFORMED_UTF8
        );
        // For the pair the identifier is checked first.
        assert_eq!(
            mosquitto_property_add_string_pair(l, ct, c"\xff".as_ptr(), null()),
            MOSQ_ERR_INVAL
        );
        assert_eq!(
            mosquitto_property_add_binary(l, id(MQTT_PROP_CORRELATION_DATA), null(), 1),
            MOSQ_ERR_INVAL
        );
    }
    assert_eq!(ids(list), [11, 3]);
    free(list);
}

#[test]
fn read_with_skip_first_visits_every_occurrence() {
    let mut list: *mut mosquitto_property = null_mut();
    let l = &raw mut list;
    let up = id(MQTT_PROP_USER_PROPERTY);
    // SAFETY: `l` points to a list owned by the test; strings are C literals.
    unsafe {
        mosquitto_property_add_string_pair(l, up, c"a".as_ptr(), c"1".as_ptr());
        mosquitto_property_add_string(l, id(MQTT_PROP_CONTENT_TYPE), c"t".as_ptr());
        mosquitto_property_add_string_pair(l, up, c"b".as_ptr(), null());
        mosquitto_property_add_string_pair(l, up, null(), c"3".as_ptr());
    }
    let mut seen = Vec::new();
    let (mut name, mut value) = (null_mut(), null_mut());
    // SAFETY: valid list and writable outputs; the copies are freed by `take_c_string`.
    unsafe {
        let mut p = mosquitto_property_read_string_pair(list, up, &raw mut name, &raw mut value, false);
        while !p.is_null() {
            seen.push((take_c_string(name), take_c_string(value)));
            p = mosquitto_property_read_string_pair(p, up, &raw mut name, &raw mut value, true);
        }
        // The call that found nothing cleared the outputs.
        assert!(name.is_null() && value.is_null());
        // skip_first from the head skips the first match, not the first node.
        let p = mosquitto_property_read_string_pair(list, up, &raw mut name, null_mut(), true);
        assert_eq!(ids(p)[0], up);
        assert_eq!(take_c_string(name), "b");
        // An identifier beyond a byte never matches.
        assert!(mosquitto_property_read_string_pair(list, up + 256, null_mut(), null_mut(), false).is_null());
    }
    let expect = [("a", "1"), ("b", ""), ("", "3")].map(|(n, v)| (n.to_owned(), v.to_owned()));
    assert_eq!(seen, expect);
    free(list);
}

#[test]
fn read_wrong_type_or_missing_leaves_outputs_as_upstream_does() {
    let mut list: *mut mosquitto_property = null_mut();
    let ct = id(MQTT_PROP_CONTENT_TYPE);
    // SAFETY: test-owned list; C literal.
    unsafe { mosquitto_property_add_string(&raw mut list, ct, c"text".as_ptr()) };
    let marker: *mut c_char = c"marker".as_ptr().cast_mut();
    let mut byte = 7u8;
    let mut s = marker;
    let mut bin: *mut c_void = marker.cast();
    let mut len = 9u16;
    // SAFETY: valid list and writable outputs; nothing is allocated on these paths.
    unsafe {
        assert!(mosquitto_property_read_byte(list, ct, &raw mut byte, false).is_null());
        assert_eq!(byte, 7);
        assert!(
            mosquitto_property_read_string(list, id(MQTT_PROP_REASON_STRING), &raw mut s, false).is_null()
        );
        assert_eq!(s, marker);
        assert!(mosquitto_property_read_string(list, ct, &raw mut s, true).is_null());
        assert_eq!(s, marker);
        // Binary: one output without the other is refused before anything is written.
        assert!(mosquitto_property_read_binary(list, ct, &raw mut bin, null_mut(), false).is_null());
        assert_eq!(bin, marker.cast());
        // Otherwise the value is cleared first; the length is left alone.
        assert!(mosquitto_property_read_binary(list, ct, &raw mut bin, &raw mut len, false).is_null());
        assert!(bin.is_null());
        assert_eq!(len, 9);
        assert!(mosquitto_property_read_string(null(), ct, &raw mut s, false).is_null());
        assert!(!mosquitto_property_read_string(list, ct, null_mut(), false).is_null());
        assert!(mosquitto_property_read_int32(null(), 2, null_mut(), false).is_null());
    }
    free(list);
}

#[test]
fn read_binary_copies_are_zero_terminated() {
    let mut list: *mut mosquitto_property = null_mut();
    let cd = id(MQTT_PROP_CORRELATION_DATA);
    // SAFETY: test-owned list; the byte array lives for the call.
    unsafe {
        mosquitto_property_add_binary(&raw mut list, cd, null(), 0);
        mosquitto_property_add_binary(&raw mut list, cd, [1u8, 0, 2].as_ptr().cast(), 3);
    }
    let mut bin = null_mut();
    let mut len = 99u16;
    // SAFETY: valid list, writable outputs; the copies are read within their length + 1
    // and freed once.
    unsafe {
        let p = mosquitto_property_read_binary(list, cd, &raw mut bin, &raw mut len, false);
        assert!(!p.is_null() && !bin.is_null());
        assert_eq!((len, *bin.cast::<u8>()), (0, 0));
        libc::free(bin);
        let p = mosquitto_property_read_binary(p, cd, &raw mut bin, &raw mut len, true);
        assert!(!p.is_null());
        assert_eq!(std::slice::from_raw_parts(bin.cast::<u8>(), 4), [1, 0, 2, 0]);
        assert_eq!(len, 3);
        libc::free(bin);
        assert!(mosquitto_property_read_binary(p, cd, null_mut(), null_mut(), true).is_null());
    }
    free(list);
}

#[test]
fn copy_all_is_deep_and_keeps_the_origin_of_each_node() {
    let props = [
        Property::new(MQTT_PROP_CONTENT_TYPE, PropValue::String("a".into())).unwrap(),
        Property::new(MQTT_PROP_TOPIC_ALIAS, PropValue::Int16(4)).unwrap(),
    ];
    let received = to_c_list(&props, false);
    let mut copy: *mut mosquitto_property = null_mut();
    // SAFETY: valid lists and a writable destination.
    unsafe {
        assert_eq!(mosquitto_property_copy_all(&raw mut copy, received.cast()), 0);
        free_list(received);
        assert_eq!(ids(copy), [3, 35]);
        // Still a received list: only its first property would be sent.
        assert_eq!(from_c_list(copy), props[..1]);
        let before = copy;
        assert_eq!(mosquitto_property_copy_all(&raw mut copy, null()), 0);
        assert_eq!(copy, before);
        assert_eq!(mosquitto_property_copy_all(null_mut(), copy), MOSQ_ERR_INVAL);
        assert_eq!(mosquitto_property_copy_all(null_mut(), null()), 0);
        mosquitto_property_free_all(null_mut());
    }
    free(copy);
}

#[test]
fn checks_map_to_upstream_codes() {
    let mut list: *mut mosquitto_property = null_mut();
    let l = &raw mut list;
    // SAFETY: plain integers, and a test-owned list.
    unsafe {
        assert_eq!(
            mosquitto_property_check_command(PUBLISH, id(MQTT_PROP_TOPIC_ALIAS)),
            0
        );
        assert_eq!(
            mosquitto_property_check_command(CMD_CONNECT as c_int, 35),
            MOSQ_ERR_PROTOCOL
        );
        assert_eq!(
            mosquitto_property_check_command(PUBLISH, 256 + 38),
            MOSQ_ERR_PROTOCOL
        );
        assert_eq!(mosquitto_property_check_command(PUBLISH, -1), MOSQ_ERR_PROTOCOL);
        // A command that is none of the known ones still allows reason-string.
        assert_eq!(
            mosquitto_property_check_command(-1, id(MQTT_PROP_REASON_STRING)),
            0
        );
        assert_eq!(mosquitto_property_check_all(PUBLISH, null()), 0);

        mosquitto_property_add_string(l, 3, c"a".as_ptr());
        mosquitto_property_add_string_pair(l, 38, c"k".as_ptr(), c"v".as_ptr());
        mosquitto_property_add_string_pair(l, 38, c"k".as_ptr(), c"v".as_ptr());
        assert_eq!(mosquitto_property_check_all(PUBLISH, list), 0);
        assert_eq!(
            mosquitto_property_check_all(CMD_CONNECT as c_int, list),
            MOSQ_ERR_PROTOCOL
        );
        mosquitto_property_add_string(l, 3, c"b".as_ptr());
        assert_eq!(
            mosquitto_property_check_all(PUBLISH, list),
            MOSQ_ERR_DUPLICATE_PROPERTY
        );
        free(list);

        list = null_mut();
        mosquitto_property_add_byte(&raw mut list, id(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), 2);
        assert_eq!(mosquitto_property_check_all(PUBLISH, list), MOSQ_ERR_PROTOCOL);
    }
    free(list);
}

#[test]
fn names_round_trip() {
    for ident in -1..=300 {
        // SAFETY: any integer may be passed; the result is NULL or a static C string.
        let name = unsafe { mosquitto_property_identifier_to_string(ident) };
        let expect = u8::try_from(ident).ok().and_then(properties::prop_name);
        if name.is_null() {
            assert_eq!(expect, None, "{ident}");
            continue;
        }
        // SAFETY: a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(name) };
        assert_eq!(name.to_str().ok(), expect);
        let upper = CString::new(name.to_bytes().to_ascii_uppercase()).unwrap();
        let (mut got_id, mut got_type) = (-1, -1);
        // SAFETY: valid C string and writable outputs.
        let rc =
            unsafe { mosquitto_string_to_property_info(upper.as_ptr(), &raw mut got_id, &raw mut got_type) };
        assert_eq!((rc, got_id), (0, ident));
        let ty = properties::prop_type(u8::try_from(ident).unwrap()).unwrap();
        assert_eq!(got_type, c_int::from(ty.code()));
    }
    let mut out = 0;
    // SAFETY: C literals or NULL, and writable outputs or NULL.
    unsafe {
        assert_eq!(
            mosquitto_string_to_property_info(c"user_property".as_ptr(), &raw mut out, &raw mut out),
            MOSQ_ERR_INVAL
        );
        assert_eq!(
            mosquitto_string_to_property_info(null(), &raw mut out, &raw mut out),
            MOSQ_ERR_INVAL
        );
        assert_eq!(
            mosquitto_string_to_property_info(c"user-property".as_ptr(), null_mut(), &raw mut out),
            MOSQ_ERR_INVAL
        );
    }
    assert_eq!(out, 0);
}

#[test]
fn callback_lists_can_be_read() {
    let props = [
        Property::new(
            MQTT_PROP_USER_PROPERTY,
            PropValue::StringPair("k".into(), "v".into()),
        )
        .unwrap(),
        Property::new(
            MQTT_PROP_USER_PROPERTY,
            PropValue::StringPair("k2".into(), "v2".into()),
        )
        .unwrap(),
    ];
    let count = with_c_list(&props, |list| {
        let mut n = 0;
        let mut name = null_mut();
        // SAFETY: `list` is valid for the closure; the copies are freed.
        unsafe {
            let mut p = mosquitto_property_read_string_pair(list, 38, &raw mut name, null_mut(), false);
            while !p.is_null() {
                take_c_string(name);
                n += 1;
                p = mosquitto_property_read_string_pair(p, 38, &raw mut name, null_mut(), true);
            }
        }
        n
    });
    assert_eq!(count, 2);
}

#[test]
fn single_property_values() {
    let mut list = null_mut();
    // SAFETY: a list built and freed in the test; the pointers read belong to it.
    unsafe {
        assert_eq!(
            mosquitto_property_add_byte(&raw mut list, id(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR), 1),
            0
        );
        assert_eq!(
            mosquitto_property_add_int16(&raw mut list, id(MQTT_PROP_TOPIC_ALIAS), 7),
            0
        );
        assert_eq!(
            mosquitto_property_add_int32(&raw mut list, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), 90),
            0
        );
        assert_eq!(
            mosquitto_property_add_varint(&raw mut list, id(MQTT_PROP_SUBSCRIPTION_IDENTIFIER), 300),
            0
        );
        assert_eq!(
            mosquitto_property_add_binary(
                &raw mut list,
                id(MQTT_PROP_CORRELATION_DATA),
                b"ab\0c".as_ptr().cast(),
                4
            ),
            0
        );
        assert_eq!(
            mosquitto_property_add_string(&raw mut list, id(MQTT_PROP_CONTENT_TYPE), c"text".as_ptr()),
            0
        );
        assert_eq!(
            mosquitto_property_add_string_pair(
                &raw mut list,
                id(MQTT_PROP_USER_PROPERTY),
                c"k".as_ptr(),
                c"vv".as_ptr()
            ),
            0
        );
        let mut p: *const mosquitto_property = list;
        assert_eq!(mosquitto_property_type(p), 1);
        assert_eq!(mosquitto_property_byte_value(p), 1);
        assert_eq!(mosquitto_property_int16_value(p), 0);
        p = mosquitto_property_next(p);
        assert_eq!(mosquitto_property_type(p), 2);
        assert_eq!(mosquitto_property_int16_value(p), 7);
        p = mosquitto_property_next(p);
        assert_eq!(mosquitto_property_int32_value(p), 90);
        p = mosquitto_property_next(p);
        assert_eq!(mosquitto_property_varint_value(p), 300);
        assert!(mosquitto_property_string_value(p).is_null());
        p = mosquitto_property_next(p);
        assert_eq!(mosquitto_property_binary_value_length(p), 4);
        let bin = mosquitto_property_binary_value(p).cast::<u8>();
        assert_eq!(std::slice::from_raw_parts(bin, 5), b"ab\0c\0");
        p = mosquitto_property_next(p);
        assert_eq!(CStr::from_ptr(mosquitto_property_string_value(p)), c"text");
        assert_eq!(mosquitto_property_string_value_length(p), 4);
        assert!(mosquitto_property_string_name(p).is_null());
        let pair = mosquitto_property_next(p);
        assert_eq!(CStr::from_ptr(mosquitto_property_string_name(pair)), c"k");
        assert_eq!(mosquitto_property_string_name_length(pair), 1);
        assert_eq!(CStr::from_ptr(mosquitto_property_string_value(pair)), c"vv");
        assert_eq!(mosquitto_property_string_value_length(pair), 2);
        // NULL everywhere.
        assert_eq!(mosquitto_property_type(null()), 0);
        assert_eq!(mosquitto_property_varint_value(null()), 0);
        assert!(mosquitto_property_binary_value(null()).is_null());
        assert!(mosquitto_property_string_name(null()).is_null());

        // Removing: the middle, the head, then one no longer in the list.
        let second = mosquitto_property_next(list);
        assert_eq!(mosquitto_property_remove(&raw mut list, second), 0);
        assert_eq!(ids(list).len(), 6);
        assert!(mosquitto_property_next(second).is_null());
        let mut removed = second.cast_mut();
        mosquitto_property_free_all(&raw mut removed);
        let head = list.cast_const();
        assert_eq!(mosquitto_property_remove(&raw mut list, head), 0);
        assert_eq!(
            mosquitto_property_identifier(list),
            id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL)
        );
        assert_eq!(
            mosquitto_property_remove(&raw mut list, head),
            MOSQ_ERR_NOT_FOUND_CODE
        );
        let mut removed = head.cast_mut();
        mosquitto_property_free_all(&raw mut removed);
        assert_eq!(mosquitto_property_remove(null_mut(), list), MOSQ_ERR_INVAL);
        assert_eq!(mosquitto_property_remove(&raw mut list, null()), MOSQ_ERR_INVAL);
    }
    free(list);
}

const MOSQ_ERR_NOT_FOUND_CODE: c_int = mosq_err_t::MOSQ_ERR_NOT_FOUND as c_int;
