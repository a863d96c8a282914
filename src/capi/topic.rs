//! TODO module doc

#[allow(unused_imports)]
use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::*;

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_tokenise(subtopic: *const c_char, topics: *mut *mut *mut c_char, count: *mut c_int) -> c_int {
    ffi_boundary! {
        let _ = (subtopic, topics, count);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_tokens_free(topics: *mut *mut *mut c_char, count: c_int) -> c_int {
    ffi_boundary! {
        let _ = (topics, count);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_topic_matches_sub(sub: *const c_char, topic: *const c_char, result: *mut bool) -> c_int {
    ffi_boundary! {
        let _ = (sub, topic, result);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_topic_matches_sub2(sub: *const c_char, sublen: usize, topic: *const c_char, topiclen: usize, result: *mut bool) -> c_int {
    ffi_boundary! {
        let _ = (sub, sublen, topic, topiclen, result);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pub_topic_check(topic: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (topic);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pub_topic_check2(topic: *const c_char, topiclen: usize) -> c_int {
    ffi_boundary! {
        let _ = (topic, topiclen);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_check(topic: *const c_char) -> c_int {
    ffi_boundary! {
        let _ = (topic);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_check2(topic: *const c_char, topiclen: usize) -> c_int {
    ffi_boundary! {
        let _ = (topic, topiclen);
        MOSQ_ERR_NOT_SUPPORTED
    }
}

/// Not implemented yet: returns `MOSQ_ERR_NOT_SUPPORTED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_validate_utf8(str: *const c_char, len: c_int) -> c_int {
    ffi_boundary! {
        let _ = (str, len);
        MOSQ_ERR_NOT_SUPPORTED
    }
}
