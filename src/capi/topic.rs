//! Topic utilities of `mosquitto.h`: checking topic names and filters, matching a topic
//! against a subscription, splitting a topic into levels, and MQTT UTF-8 validation.
//!
//! The rules themselves live in [`crate::protocol::topic`] and [`crate::protocol::utf8`]; this
//! module only turns C arguments into byte slices and results into return codes. Nothing here
//! keeps a pointer past the call. Memory handed to the caller by
//! `mosquitto_sub_topic_tokenise` comes from the C heap, so `free()` can release it.

use std::ffi::{c_char, c_int};

use super::types::*;
use super::util::{cstr_bytes, opt_bytes};
use crate::protocol::{topic, utf8};

const MOSQ_ERR_NOMEM: c_int = mosq_err_t::MOSQ_ERR_NOMEM as c_int;
const MOSQ_ERR_MALFORMED_UTF8: c_int = mosq_err_t::MOSQ_ERR_MALFORMED_UTF8 as c_int;

fn code(ok: bool, error: c_int) -> c_int {
    if ok { MOSQ_ERR_SUCCESS } else { error }
}

/// Split a topic name or filter into its levels.
///
/// On success `*topics` receives an array of `*count` string pointers, one per level (there is
/// always one more level than there are `/` in `subtopic`). An empty level is a NULL entry:
/// `"/a//b"` gives `NULL, "a", NULL, "b"`, and `""` gives one NULL entry. The strings and the
/// array are allocated with the C allocator; release them with
/// `mosquitto_sub_topic_tokens_free` (or `free()` on each entry and then on the array).
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if any argument is NULL (nothing is written),
/// or `MOSQ_ERR_NOMEM` if memory ran out (nothing is handed out).
///
/// # Safety
/// `subtopic` is NULL or a NUL-terminated string; `topics` and `count` are NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_tokenise(
    subtopic: *const c_char,
    topics: *mut *mut *mut c_char,
    count: *mut c_int,
) -> c_int {
    ffi_boundary! {
        if topics.is_null() || count.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `subtopic` is NULL or a C string (caller contract).
        let Some(subtopic) = (unsafe { cstr_bytes(subtopic) }) else {
            return MOSQ_ERR_INVAL;
        };
        let levels = topic::tokenise_bytes(subtopic);
        let Ok(n) = c_int::try_from(levels.len()) else {
            return MOSQ_ERR_NOMEM;
        };
        // SAFETY: calloc may be called with any sizes; the result is checked below.
        let array = unsafe { libc::calloc(levels.len(), size_of::<*mut c_char>()) }.cast::<*mut c_char>();
        if array.is_null() {
            return MOSQ_ERR_NOMEM;
        }
        for (i, level) in levels.iter().enumerate() {
            let Some(level) = level else { continue };
            // SAFETY: calloc may be called with any sizes; the result is checked below.
            let copy = unsafe { libc::calloc(level.len() + 1, 1) }.cast::<u8>();
            if copy.is_null() {
                // SAFETY: `array` holds `levels.len()` entries, each NULL or a calloc'd string.
                unsafe { free_token_array(array, levels.len()) };
                return MOSQ_ERR_NOMEM;
            }
            // SAFETY: `copy` has room for `level.len() + 1` bytes and does not overlap `level`;
            // its last byte is already zero. Entry `i` is inside the array.
            unsafe {
                std::ptr::copy_nonoverlapping(level.as_ptr(), copy, level.len());
                *array.add(i) = copy.cast::<c_char>();
            }
        }
        // SAFETY: both pointers were checked for NULL; the caller promises they are writable.
        unsafe {
            *topics = array;
            *count = n;
        }
        MOSQ_ERR_SUCCESS
    }
}

/// Free the first `count` entries of `array` and then `array` itself.
///
/// # Safety
/// `array` comes from the C allocator and has at least `count` entries, each NULL or from the
/// C allocator; none of it is used afterwards.
unsafe fn free_token_array(array: *mut *mut c_char, count: usize) {
    for i in 0..count {
        // SAFETY: entry `i` is inside the array and is NULL or owned by it (caller contract).
        unsafe { libc::free((*array.add(i)).cast()) };
    }
    // SAFETY: the array comes from the C allocator (caller contract).
    unsafe { libc::free(array.cast()) };
}

/// Free an array made by `mosquitto_sub_topic_tokenise`: each of its `count` strings, then
/// the array. `*topics` is set to NULL afterwards, so a second call is refused instead of
/// freeing twice.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (freeing nothing) if `topics` or `*topics`
/// is NULL or `count` is less than 1.
///
/// # Safety
/// `topics` is NULL or points to NULL or to an array from `mosquitto_sub_topic_tokenise` with
/// at least `count` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_tokens_free(
    topics: *mut *mut *mut c_char,
    count: c_int,
) -> c_int {
    ffi_boundary! {
        if topics.is_null() || count < 1 {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `topics` is not NULL and points to the caller's array pointer.
        let array = unsafe { *topics };
        if array.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: the array and its entries come from tokenise (caller contract); `count` is
        // positive, so the conversion is lossless.
        unsafe {
            free_token_array(array, count as usize);
            *topics = std::ptr::null_mut();
        }
        MOSQ_ERR_SUCCESS
    }
}

/// Does the topic name `topic` match the subscription filter `sub`?
///
/// `*result` is set to true for a match and false otherwise. `+` matches exactly one level,
/// `#` the parent level and everything below it (`a/#` matches `a`), and topics starting with
/// `$` only match filters starting with `$`.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) if an argument is
/// NULL or empty, if `topic` contains `+` or `#`, or if `sub` is a malformed filter. As in
/// libmosquitto, a malformed part of the filter is only reported if matching reaches it.
///
/// # Safety
/// `sub` and `topic` are NULL or NUL-terminated strings; `result` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_topic_matches_sub(
    sub: *const c_char,
    topic: *const c_char,
    result: *mut bool,
) -> c_int {
    ffi_boundary! {
        if result.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `result` is not NULL and writable (caller contract).
        unsafe { *result = false };
        // SAFETY: both are NULL or C strings (caller contract).
        let (Some(sub), Some(topic)) = (unsafe { cstr_bytes(sub) }, unsafe { cstr_bytes(topic) }) else {
            return MOSQ_ERR_INVAL;
        };
        match topic::matches_sub(sub, topic) {
            Ok(matched) => {
                // SAFETY: as above.
                unsafe { *result = matched };
                MOSQ_ERR_SUCCESS
            }
            Err(_) => MOSQ_ERR_INVAL,
        }
    }
}

/// `mosquitto_topic_matches_sub` for strings with known lengths.
///
/// Each string ends at its length or at its first NUL, whichever comes first, so buffers that
/// are not NUL-terminated are safe to pass. (libmosquitto reads both strings up to their NUL
/// whatever the lengths say; for correct lengths the results are the same.)
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) for the same reasons as
/// `mosquitto_topic_matches_sub`.
///
/// # Safety
/// `sub` and `topic` are NULL or point to at least `sublen` and `topiclen` readable bytes (or to
/// a NUL before that); `result` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_topic_matches_sub2(
    sub: *const c_char,
    sublen: usize,
    topic: *const c_char,
    topiclen: usize,
    result: *mut bool,
) -> c_int {
    ffi_boundary! {
        if result.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `result` is not NULL and writable (caller contract).
        unsafe { *result = false };
        if sub.is_null() || topic.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: both are non-NULL and readable up to their length or first NUL (caller
        // contract); strnlen reads no further than that, and the slices cover what it counted.
        let (sub, topic) = unsafe {
            (
                std::slice::from_raw_parts(sub.cast::<u8>(), libc::strnlen(sub, sublen)),
                std::slice::from_raw_parts(topic.cast::<u8>(), libc::strnlen(topic, topiclen)),
            )
        };
        match topic::matches_sub(sub, topic) {
            Ok(matched) => {
                // SAFETY: as above.
                unsafe { *result = matched };
                MOSQ_ERR_SUCCESS
            }
            Err(_) => MOSQ_ERR_INVAL,
        }
    }
}

/// Store a match result: `Ok` sets `*result`, an error returns `MOSQ_ERR_INVAL` (`*result` was
/// already set to false).
///
/// # Safety
/// `result` is valid for a write.
unsafe fn store_match(result: *mut bool, matched: Result<bool, topic::InvalidTopic>) -> c_int {
    match matched {
        Ok(matched) => {
            // SAFETY: forwarded contract.
            unsafe { *result = matched };
            MOSQ_ERR_SUCCESS
        }
        Err(_) => MOSQ_ERR_INVAL,
    }
}

/// Like `mosquitto_topic_matches_sub`, where a level of `sub` that is exactly `%c` stands for
/// `clientid` and one that is exactly `%u` for `username` (`"sensors/%c/temperature"` matches
/// `"sensors/kitchen/temperature"` for the client id `"kitchen"`; `"%count"` is an ordinary
/// level). A pattern whose value is NULL, empty or holds `+` or `#` matches nothing.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) for the reasons of
/// `mosquitto_topic_matches_sub`.
///
/// # Safety
/// `sub`, `topic`, `clientid` and `username` are NULL or NUL-terminated strings; `result` is
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_topic_matches_sub_with_pattern(
    sub: *const c_char,
    topic: *const c_char,
    clientid: *const c_char,
    username: *const c_char,
    result: *mut bool,
) -> c_int {
    ffi_boundary! {
        if result.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `result` is not NULL and writable (caller contract).
        unsafe { *result = false };
        // SAFETY: all are NULL or C strings (caller contract).
        let (sub, topic, client_id, username) =
            unsafe { (cstr_bytes(sub), cstr_bytes(topic), cstr_bytes(clientid), cstr_bytes(username)) };
        let (Some(sub), Some(topic)) = (sub, topic) else {
            return MOSQ_ERR_INVAL;
        };
        let subst = topic::Substitutes { client_id, username };
        // SAFETY: `result` is writable (checked above).
        unsafe { store_match(result, topic::matches_sub_with_pattern(sub, topic, subst)) }
    }
}

/// Whether the subscription `sub` (a topic filter, wildcards allowed) lies within the ACL
/// topic filter `acl`: every topic `sub` can match is matched by `acl`. `"$SYS/broker/#"` lies
/// within `"$SYS/#"` but not within `"$SYS/broker/uptime"`; a `+` of the ACL does not cover a
/// `#` of the subscription.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) if an argument is
/// NULL or empty, or `acl` has a misplaced wildcard that the comparison reaches.
///
/// # Safety
/// `acl` and `sub` are NULL or NUL-terminated strings; `result` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_matches_acl(
    acl: *const c_char,
    sub: *const c_char,
    result: *mut bool,
) -> c_int {
    ffi_boundary! {
        if result.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `result` is not NULL and writable (caller contract).
        unsafe { *result = false };
        // SAFETY: both are NULL or C strings (caller contract).
        let (Some(acl), Some(sub)) = (unsafe { cstr_bytes(acl) }, unsafe { cstr_bytes(sub) }) else {
            return MOSQ_ERR_INVAL;
        };
        // SAFETY: `result` is writable (checked above).
        unsafe { store_match(result, topic::sub_matches_acl(acl, sub, None)) }
    }
}

/// Like `mosquitto_sub_matches_acl`, where a level of `acl` that is exactly `%c` stands for
/// `clientid` and one that is exactly `%u` for `username`; a pattern whose value is NULL, empty
/// or holds `+` or `#` matches nothing.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` (with `*result` false) as
/// `mosquitto_sub_matches_acl` does.
///
/// # Safety
/// `acl`, `sub`, `clientid` and `username` are NULL or NUL-terminated strings; `result` is
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_matches_acl_with_pattern(
    acl: *const c_char,
    sub: *const c_char,
    clientid: *const c_char,
    username: *const c_char,
    result: *mut bool,
) -> c_int {
    ffi_boundary! {
        if result.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `result` is not NULL and writable (caller contract).
        unsafe { *result = false };
        // SAFETY: all are NULL or C strings (caller contract).
        let (acl, sub, client_id, username) =
            unsafe { (cstr_bytes(acl), cstr_bytes(sub), cstr_bytes(clientid), cstr_bytes(username)) };
        let (Some(acl), Some(sub)) = (acl, sub) else {
            return MOSQ_ERR_INVAL;
        };
        let subst = topic::Substitutes { client_id, username };
        // SAFETY: `result` is writable (checked above).
        unsafe { store_match(result, topic::sub_matches_acl(acl, sub, Some(subst))) }
    }
}

/// Check that `topic` is usable as the topic of a PUBLISH: no `+` or `#`, at most 65535 bytes.
/// The empty string passes. UTF-8 is not checked here (see `mosquitto_validate_utf8`).
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a topic breaking those rules.
///
/// # Safety
/// `topic` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pub_topic_check(topic: *const c_char) -> c_int {
    ffi_boundary! {
        // SAFETY: `topic` is NULL or a C string (caller contract).
        match unsafe { cstr_bytes(topic) } {
            Some(topic) => code(topic::is_valid_pub_topic(topic), MOSQ_ERR_INVAL),
            None => MOSQ_ERR_INVAL,
        }
    }
}

/// `mosquitto_pub_topic_check` for the `topiclen` bytes at `topic`, NUL bytes included.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL, a length over 65535, or a `+` or
/// `#` in the topic.
///
/// # Safety
/// `topic` is NULL or points to at least `topiclen` readable bytes (when `topiclen` is at most
/// 65535; longer topics are refused without being read).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_pub_topic_check2(topic: *const c_char, topiclen: usize) -> c_int {
    ffi_boundary! {
        if topiclen > topic::MAX_TOPIC_LEN {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `topic` is NULL or has `topiclen` (small) readable bytes (caller contract).
        match unsafe { opt_bytes(topic, topiclen) } {
            Some(topic) => code(topic::is_valid_pub_topic(topic), MOSQ_ERR_INVAL),
            None => MOSQ_ERR_INVAL,
        }
    }
}

/// Check that `topic` is usable as a subscription filter: `+` and `#` each take a whole level,
/// `#` only as the last level, at most 65535 bytes. The empty string passes. UTF-8 is not
/// checked here (see `mosquitto_validate_utf8`).
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL or a filter breaking those rules.
///
/// # Safety
/// `topic` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_check(topic: *const c_char) -> c_int {
    ffi_boundary! {
        // SAFETY: `topic` is NULL or a C string (caller contract).
        match unsafe { cstr_bytes(topic) } {
            Some(topic) => code(topic::is_valid_sub_filter(topic), MOSQ_ERR_INVAL),
            None => MOSQ_ERR_INVAL,
        }
    }
}

/// `mosquitto_sub_topic_check` for the `topiclen` bytes at `topic`, NUL bytes included; the
/// end of the buffer ends the last level.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` for NULL, a length over 65535, or a misplaced
/// wildcard.
///
/// # Safety
/// `topic` is NULL or points to at least `topiclen` readable bytes (when `topiclen` is at most
/// 65535; longer filters are refused without being read).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_sub_topic_check2(topic: *const c_char, topiclen: usize) -> c_int {
    ffi_boundary! {
        if topiclen > topic::MAX_TOPIC_LEN {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `topic` is NULL or has `topiclen` (small) readable bytes (caller contract).
        match unsafe { opt_bytes(topic, topiclen) } {
            Some(topic) => code(topic::is_valid_sub_filter(topic), MOSQ_ERR_INVAL),
            None => MOSQ_ERR_INVAL,
        }
    }
}

/// Check that the `len` bytes at `str` are a valid MQTT string: well-formed UTF-8 (no overlong
/// forms, surrogates or code points above U+10FFFF) without U+0000, without the control
/// characters U+0001..U+001F and U+007F..U+009F, and without non-characters (U+FDD0..U+FDEF and
/// any code point ending in FFFE or FFFF).
///
/// Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `str` is NULL or `len` is negative or above
/// 65536, or `MOSQ_ERR_MALFORMED_UTF8`. Only the `len` bytes are read: a sequence cut short by
/// the end of the buffer is malformed.
///
/// # Safety
/// `str` is NULL or points to at least `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_validate_utf8(str: *const c_char, len: c_int) -> c_int {
    ffi_boundary! {
        let Ok(len) = usize::try_from(len) else {
            return MOSQ_ERR_INVAL;
        };
        if len > 65_536 {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `str` is NULL or has `len` readable bytes (caller contract).
        match unsafe { opt_bytes(str, len) } {
            Some(bytes) => code(utf8::validate(bytes), MOSQ_ERR_MALFORMED_UTF8),
            None => MOSQ_ERR_INVAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    fn matches(sub: &CStr, topic: &CStr) -> (c_int, bool) {
        let mut result = true;
        // SAFETY: valid C strings and a valid out pointer.
        let rc = unsafe { mosquitto_topic_matches_sub(sub.as_ptr(), topic.as_ptr(), &mut result) };
        (rc, result)
    }

    #[test]
    fn matches_sub_codes() {
        assert_eq!(matches(c"foo/#", c"foo"), (MOSQ_ERR_SUCCESS, true));
        assert_eq!(matches(c"foo/+/#", c"foo/bar"), (MOSQ_ERR_SUCCESS, true));
        assert_eq!(matches(c"+/bar", c"foo/baz"), (MOSQ_ERR_SUCCESS, false));
        assert_eq!(matches(c"#", c"$SYS/x"), (MOSQ_ERR_SUCCESS, false));
        assert_eq!(matches(c"", c"a"), (MOSQ_ERR_INVAL, false));
        assert_eq!(matches(c"#", c"a/+"), (MOSQ_ERR_INVAL, false));
        assert_eq!(matches(c"a/#/b", c"a/b"), (MOSQ_ERR_INVAL, false));

        let mut result = true;
        // SAFETY: NULL strings are allowed; `result` is valid.
        let rc = unsafe { mosquitto_topic_matches_sub(null(), c"a".as_ptr(), &mut result) };
        assert_eq!(rc, MOSQ_ERR_INVAL);
        assert!(!result);
        // SAFETY: as above.
        let rc = unsafe { mosquitto_topic_matches_sub(c"a".as_ptr(), null(), &mut result) };
        assert_eq!(rc, MOSQ_ERR_INVAL);
        // SAFETY: a NULL result pointer is allowed.
        let rc = unsafe { mosquitto_topic_matches_sub(c"a".as_ptr(), c"a".as_ptr(), null_mut()) };
        assert_eq!(rc, MOSQ_ERR_INVAL);
    }

    #[test]
    fn matches_sub2_reads_no_further_than_the_lengths() {
        let mut result = false;
        // Not NUL-terminated buffers.
        let sub = *b"foo/#";
        let topic = *b"foo/bar";
        // SAFETY: each pointer has at least the given number of bytes.
        let rc = unsafe {
            mosquitto_topic_matches_sub2(
                sub.as_ptr().cast(),
                sub.len(),
                topic.as_ptr().cast(),
                7,
                &mut result,
            )
        };
        assert_eq!((rc, result), (MOSQ_ERR_SUCCESS, true));
        // SAFETY: as above; only 3 bytes of the topic are used.
        let rc = unsafe {
            mosquitto_topic_matches_sub2(c"foo".as_ptr(), 3, topic.as_ptr().cast(), 3, &mut result)
        };
        assert_eq!((rc, result), (MOSQ_ERR_SUCCESS, true));
        // Lengths past the NUL stop at the NUL.
        // SAFETY: the reads stop at the NUL.
        let rc =
            unsafe { mosquitto_topic_matches_sub2(c"a/+".as_ptr(), 100, c"a/b".as_ptr(), 100, &mut result) };
        assert_eq!((rc, result), (MOSQ_ERR_SUCCESS, true));
        // SAFETY: zero lengths read nothing.
        let rc = unsafe { mosquitto_topic_matches_sub2(c"a".as_ptr(), 0, c"a".as_ptr(), 1, &mut result) };
        assert_eq!((rc, result), (MOSQ_ERR_INVAL, false));
        // SAFETY: NULL is allowed.
        let rc = unsafe { mosquitto_topic_matches_sub2(null(), 0, c"a".as_ptr(), 1, &mut result) };
        assert_eq!(rc, MOSQ_ERR_INVAL);
    }

    #[test]
    fn topic_checks() {
        // SAFETY: all pointers are NULL or valid C strings / buffers of the given length.
        unsafe {
            assert_eq!(mosquitto_pub_topic_check(c"a/b".as_ptr()), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_pub_topic_check(c"".as_ptr()), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_pub_topic_check(c"a/+".as_ptr()), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_pub_topic_check(null()), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_check(c"a/+/#".as_ptr()), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_sub_topic_check(c"a/#/b".as_ptr()), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_check(null()), MOSQ_ERR_INVAL);

            assert_eq!(mosquitto_pub_topic_check2(c"a+b".as_ptr(), 1), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_pub_topic_check2(c"a+b".as_ptr(), 2), MOSQ_ERR_INVAL);
            assert_eq!(
                mosquitto_pub_topic_check2(b"a\0b".as_ptr().cast(), 3),
                MOSQ_ERR_SUCCESS
            );
            assert_eq!(mosquitto_pub_topic_check2(null(), 0), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_check2(c"a+".as_ptr(), 1), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_sub_topic_check2(c"#/".as_ptr(), 1), MOSQ_ERR_SUCCESS);
            assert_eq!(mosquitto_sub_topic_check2(c"#/".as_ptr(), 2), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_check2(null(), 0), MOSQ_ERR_INVAL);
            // Over-long lengths are refused before anything is read.
            assert_eq!(mosquitto_pub_topic_check2(c"a".as_ptr(), 65_536), MOSQ_ERR_INVAL);
            assert_eq!(
                mosquitto_sub_topic_check2(c"a".as_ptr(), usize::MAX),
                MOSQ_ERR_INVAL
            );
        }
        let long = vec![b'a'; 65_535];
        let longer = vec![b'a'; 65_536];
        // SAFETY: the buffers have the given lengths.
        unsafe {
            assert_eq!(
                mosquitto_pub_topic_check2(long.as_ptr().cast(), long.len()),
                MOSQ_ERR_SUCCESS
            );
            assert_eq!(
                mosquitto_sub_topic_check2(long.as_ptr().cast(), long.len()),
                MOSQ_ERR_SUCCESS
            );
            assert_eq!(
                mosquitto_pub_topic_check2(longer.as_ptr().cast(), longer.len()),
                MOSQ_ERR_INVAL
            );
        }
        let mut long_c = longer.clone();
        long_c.push(0);
        // SAFETY: NUL-terminated.
        unsafe {
            assert_eq!(mosquitto_pub_topic_check(long_c.as_ptr().cast()), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_check(long_c.as_ptr().cast()), MOSQ_ERR_INVAL);
        }
    }

    fn tokenise(topic: &CStr) -> Vec<Option<String>> {
        let mut array: *mut *mut c_char = null_mut();
        let mut count: c_int = -1;
        // SAFETY: valid string and out pointers.
        let rc = unsafe { mosquitto_sub_topic_tokenise(topic.as_ptr(), &mut array, &mut count) };
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        let levels = (0..count as usize)
            .map(|i| {
                // SAFETY: the array has `count` entries, each NULL or a C string.
                let p = unsafe { *array.add(i) };
                // SAFETY: as above.
                (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
            })
            .collect();
        // SAFETY: the array comes from tokenise with `count` entries.
        let rc = unsafe { mosquitto_sub_topic_tokens_free(&mut array, count) };
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        assert!(array.is_null());
        levels
    }

    #[test]
    fn tokenise_and_free() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(tokenise(c""), vec![None]);
        assert_eq!(tokenise(c"a"), vec![s("a")]);
        assert_eq!(
            tokenise(c"/a///hierarchy/"),
            vec![None, s("a"), None, None, s("hierarchy"), None]
        );
        assert_eq!(tokenise(c"+/#"), vec![s("+"), s("#")]);

        let mut array: *mut *mut c_char = null_mut();
        let mut count: c_int = -7;
        // SAFETY: NULL arguments are allowed and leave the outputs alone.
        unsafe {
            assert_eq!(
                mosquitto_sub_topic_tokenise(null(), &mut array, &mut count),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_sub_topic_tokenise(c"a".as_ptr(), null_mut(), &mut count),
                MOSQ_ERR_INVAL
            );
            assert_eq!(
                mosquitto_sub_topic_tokenise(c"a".as_ptr(), &mut array, null_mut()),
                MOSQ_ERR_INVAL
            );
        }
        assert_eq!(count, -7);
        assert!(array.is_null());
        // SAFETY: NULL and non-positive counts are refused without touching anything.
        unsafe {
            assert_eq!(mosquitto_sub_topic_tokens_free(null_mut(), 1), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_tokens_free(&mut array, 1), MOSQ_ERR_INVAL);
            assert_eq!(
                mosquitto_sub_topic_tokenise(c"a/b".as_ptr(), &mut array, &mut count),
                MOSQ_ERR_SUCCESS
            );
            assert_eq!(mosquitto_sub_topic_tokens_free(&mut array, 0), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_sub_topic_tokens_free(&mut array, -1), MOSQ_ERR_INVAL);
            assert!(!array.is_null());
            assert_eq!(
                mosquitto_sub_topic_tokens_free(&mut array, count),
                MOSQ_ERR_SUCCESS
            );
            assert!(array.is_null());
        }
    }

    #[test]
    fn validate_utf8_codes() {
        let v = |bytes: &[u8]| {
            // SAFETY: the slice has `len` bytes.
            unsafe { mosquitto_validate_utf8(bytes.as_ptr().cast(), bytes.len() as c_int) }
        };
        assert_eq!(v(b""), MOSQ_ERR_SUCCESS);
        assert_eq!(v("caf\u{e9}".as_bytes()), MOSQ_ERR_SUCCESS);
        assert_eq!(v(b"a\0b"), MOSQ_ERR_MALFORMED_UTF8);
        assert_eq!(v(b"\xc0\x80"), MOSQ_ERR_MALFORMED_UTF8);
        assert_eq!(v(b"\x01"), MOSQ_ERR_MALFORMED_UTF8);
        // A sequence cut by the length is malformed even if the bytes after it would finish it.
        let euro = "\u{20ac}".as_bytes();
        // SAFETY: one readable byte.
        let rc = unsafe { mosquitto_validate_utf8(euro.as_ptr().cast(), 1) };
        assert_eq!(rc, MOSQ_ERR_MALFORMED_UTF8);
        let max = vec![b'a'; 65_536];
        assert_eq!(v(&max), MOSQ_ERR_SUCCESS);
        // SAFETY: the length is refused before anything is read.
        unsafe {
            assert_eq!(
                mosquitto_validate_utf8(max.as_ptr().cast(), 65_537),
                MOSQ_ERR_INVAL
            );
            assert_eq!(mosquitto_validate_utf8(c"a".as_ptr(), -1), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_validate_utf8(null(), 0), MOSQ_ERR_INVAL);
        }
    }
}
