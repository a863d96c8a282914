//! Copying and freeing `struct mosquitto_message`.
//!
//! Messages handed to applications are plain C heap memory: the struct, its topic and its
//! payload each come from the C allocator, so an application may release them with these
//! functions or with `free()`. A copied payload has one extra zero byte after its end, so text
//! payloads can be used as C strings.

use std::ffi::{c_char, c_int, c_void};

use super::types::*;

const MOSQ_ERR_NOMEM: c_int = mosq_err_t::MOSQ_ERR_NOMEM as c_int;

/// Copy `len` bytes from `src` into a new C heap block of `len + 1` bytes whose last byte is
/// zero. NULL if memory ran out.
///
/// # Safety
/// `src` points to at least `len` readable bytes.
unsafe fn dup_with_nul(src: *const u8, len: usize) -> *mut u8 {
    let Some(size) = len.checked_add(1) else {
        return std::ptr::null_mut();
    };
    // SAFETY: calloc may be called with any sizes; the result is checked before use.
    let copy = unsafe { libc::calloc(size, 1) }.cast::<u8>();
    if !copy.is_null() {
        // SAFETY: `copy` has room for `len` bytes (and the zero after them), `src` has `len`
        // readable bytes (caller contract), and a fresh block cannot overlap them.
        unsafe { std::ptr::copy_nonoverlapping(src, copy, len) };
    }
    copy
}

/// Make `dst` a deep copy of `src`: same mid, QoS and retain flag, and new C heap copies of
/// the topic and the payload. The payload copy is `payloadlen + 1` bytes with a final zero
/// byte; an empty payload (`payloadlen` 0) becomes a NULL payload.
///
/// `dst`'s previous topic and payload are not freed. Release the copy with
/// `mosquitto_message_free_contents` (or `mosquitto_message_free` if `dst` itself is on the
/// C heap).
///
/// Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `dst` or `src` is NULL, if `src` has no topic,
/// a negative `payloadlen`, or a NULL payload with a positive length (`dst` is then untouched);
/// `MOSQ_ERR_NOMEM` if memory ran out (`dst` is then untouched and nothing is leaked).
///
/// # Safety
/// `dst` is NULL or valid for a write; `src` is NULL or a valid message whose topic is NULL or
/// a C string and whose payload has `payloadlen` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_copy(
    dst: *mut mosquitto_message,
    src: *const mosquitto_message,
) -> c_int {
    ffi_boundary! {
        if dst.is_null() || src.is_null() {
            return MOSQ_ERR_INVAL;
        }
        // SAFETY: `src` is not NULL and points to a valid message (caller contract).
        let src = unsafe { &*src };
        let Ok(payloadlen) = usize::try_from(src.payloadlen) else {
            return MOSQ_ERR_INVAL;
        };
        if src.topic.is_null() || (payloadlen > 0 && src.payload.is_null()) {
            return MOSQ_ERR_INVAL;
        }

        // SAFETY: the topic is a C string (caller contract).
        let topic = unsafe { libc::strdup(src.topic) };
        if topic.is_null() {
            return MOSQ_ERR_NOMEM;
        }
        let payload = if payloadlen > 0 {
            // SAFETY: the payload has `payloadlen` readable bytes (caller contract).
            let copy = unsafe { dup_with_nul(src.payload.cast::<u8>(), payloadlen) };
            if copy.is_null() {
                // SAFETY: `topic` came from strdup above and is not handed out.
                unsafe { libc::free(topic.cast()) };
                return MOSQ_ERR_NOMEM;
            }
            copy.cast::<c_void>()
        } else {
            std::ptr::null_mut()
        };

        // SAFETY: `dst` is not NULL and writable (caller contract); writing a whole struct
        // does not read or drop its previous contents.
        unsafe {
            dst.write(mosquitto_message {
                mid: src.mid,
                topic,
                payload,
                payloadlen: src.payloadlen,
                qos: src.qos,
                retain: src.retain,
            });
        }
        MOSQ_ERR_SUCCESS
    }
}

/// Free a message that lives on the C heap: its topic, its payload, and the struct itself.
/// Does nothing if `message` or `*message` is NULL.
///
/// Like libmosquitto, this does not set `*message` to NULL; do not use the pointer afterwards.
///
/// # Safety
/// `message` is NULL or points to NULL or to a message allocated with the C allocator whose
/// topic and payload are each NULL or from the C allocator, none of them used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_free(message: *mut *mut mosquitto_message) {
    ffi_boundary! {
        if message.is_null() {
            return;
        }
        // SAFETY: `message` is not NULL and points to the caller's pointer.
        let msg = unsafe { *message };
        if msg.is_null() {
            return;
        }
        // SAFETY: the message and its contents come from the C allocator and are not used
        // again (caller contract).
        unsafe {
            libc::free((*msg).topic.cast());
            libc::free((*msg).payload);
            libc::free(msg.cast());
        }
    }
}

/// Free the topic and payload of a message without freeing the struct (for a message on the
/// stack or in an array), and set both pointers to NULL, so that calling this twice is
/// harmless. The other fields are left as they are. Does nothing if `message` is NULL.
///
/// # Safety
/// `message` is NULL or points to a message whose topic and payload are each NULL or from the C
/// allocator and not used afterwards through other pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_message_free_contents(message: *mut mosquitto_message) {
    ffi_boundary! {
        if message.is_null() {
            return;
        }
        // SAFETY: `message` is not NULL and valid (caller contract); topic and payload come
        // from the C allocator, and clearing them prevents a second free.
        unsafe {
            let msg = &mut *message;
            libc::free(msg.payload);
            msg.payload = std::ptr::null_mut();
            libc::free(msg.topic.cast());
            msg.topic = std::ptr::null_mut::<c_char>();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    fn empty() -> mosquitto_message {
        mosquitto_message {
            mid: -1,
            topic: null_mut(),
            payload: null_mut(),
            payloadlen: -1,
            qos: -1,
            retain: false,
        }
    }

    #[test]
    fn deep_copy_with_terminated_payload() {
        let mut payload = *b"hello";
        let src = mosquitto_message {
            mid: 5,
            topic: c"top/ic".as_ptr().cast_mut(),
            payload: payload.as_mut_ptr().cast(),
            payloadlen: 5,
            qos: 1,
            retain: true,
        };
        let mut dst = empty();
        // SAFETY: both messages are valid.
        let rc = unsafe { mosquitto_message_copy(&mut dst, &src) };
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        assert_eq!((dst.mid, dst.payloadlen, dst.qos, dst.retain), (5, 5, 1, true));
        assert_ne!(dst.topic, src.topic);
        assert_ne!(dst.payload, src.payload);
        // SAFETY: the copy holds a C string topic and a payload of 5 bytes plus a zero.
        unsafe {
            assert_eq!(CStr::from_ptr(dst.topic), c"top/ic");
            assert_eq!(
                std::slice::from_raw_parts(dst.payload.cast::<u8>(), 6),
                b"hello\0"
            );
            mosquitto_message_free_contents(&mut dst);
        }
        assert!(dst.topic.is_null() && dst.payload.is_null());
        // A second call is harmless.
        // SAFETY: the pointers are NULL now.
        unsafe { mosquitto_message_free_contents(&mut dst) };
    }

    #[test]
    fn empty_payload_becomes_null() {
        let src = mosquitto_message {
            mid: 1,
            topic: c"t".as_ptr().cast_mut(),
            payload: 0x1234 as *mut c_void,
            payloadlen: 0,
            qos: 0,
            retain: false,
        };
        let mut dst = empty();
        // SAFETY: a zero-length payload is not read.
        let rc = unsafe { mosquitto_message_copy(&mut dst, &src) };
        assert_eq!(rc, MOSQ_ERR_SUCCESS);
        assert!(dst.payload.is_null());
        assert_eq!(dst.payloadlen, 0);
        // SAFETY: the copy owns its topic.
        unsafe { mosquitto_message_free_contents(&mut dst) };
    }

    #[test]
    fn invalid_arguments() {
        let mut dst = empty();
        let good = mosquitto_message {
            mid: 1,
            topic: c"t".as_ptr().cast_mut(),
            ..empty()
        };
        let no_topic = mosquitto_message {
            payloadlen: 0,
            ..empty()
        };
        let negative = mosquitto_message {
            payloadlen: -1,
            ..good
        };
        let null_payload = mosquitto_message {
            payloadlen: 3,
            payload: null_mut(),
            ..good
        };
        // SAFETY: every case is refused before anything is read through a bad pointer.
        unsafe {
            assert_eq!(mosquitto_message_copy(null_mut(), &good), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_message_copy(&mut dst, null()), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_message_copy(&mut dst, &no_topic), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_message_copy(&mut dst, &negative), MOSQ_ERR_INVAL);
            assert_eq!(mosquitto_message_copy(&mut dst, &null_payload), MOSQ_ERR_INVAL);
        }
        assert_eq!(dst.mid, -1, "dst is untouched on error");
    }

    #[test]
    fn free_heap_message() {
        let mut payload = *b"xy";
        let src = mosquitto_message {
            mid: 2,
            topic: c"a".as_ptr().cast_mut(),
            payload: payload.as_mut_ptr().cast(),
            payloadlen: 2,
            qos: 2,
            retain: false,
        };
        // SAFETY: a fresh C heap block large enough for a message, filled by message_copy and
        // then freed with everything it owns.
        unsafe {
            let mut msg = libc::malloc(size_of::<mosquitto_message>()).cast::<mosquitto_message>();
            assert!(!msg.is_null());
            assert_eq!(mosquitto_message_copy(msg, &src), MOSQ_ERR_SUCCESS);
            mosquitto_message_free(&mut msg);
            mosquitto_message_free(null_mut());
            let mut none: *mut mosquitto_message = null_mut();
            mosquitto_message_free(&mut none);
            mosquitto_message_free_contents(null_mut());
        }
    }
}
