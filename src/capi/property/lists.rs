//! Whole lists: `mosquitto_property_free_all` and `mosquitto_property_copy_all`.

use super::*;

/// Free every property of the list `*properties` and set `*properties` to NULL. Does nothing
/// if `properties` is NULL; `*properties` may be NULL (an empty list).
///
/// # Safety
/// `properties` is NULL or points to NULL or to a list built with the
/// `mosquitto_property_add_*` functions or `mosquitto_property_copy_all` that is not used
/// afterwards. Lists the library passes to callbacks belong to the library and must not be
/// freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_free_all(properties: *mut *mut mosquitto_property) {
    ffi_boundary! {
        if properties.is_null() {
            return;
        }
        // SAFETY: readable and writable, holding NULL or a list of ours (caller contract),
        // which is freed once and cleared.
        unsafe {
            free_list((*properties).cast::<PropNode>());
            *properties = std::ptr::null_mut();
        }
    }
}

/// Make a deep copy of the list `src` in `*dest`. Each copied property keeps the origin of the
/// one it copies, so a copy of a list received in a callback is still treated as such when it
/// is passed to a publish or similar function.
///
/// If `src` is NULL there is nothing to copy: the result is `MOSQ_ERR_SUCCESS` and `*dest` is
/// left as it was. Otherwise `*dest` is overwritten without freeing what it held, so it should
/// be NULL or a list the caller still owns elsewhere.
///
/// Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `dest` is NULL (and `src` is not). The
/// copy belongs to the caller, who frees it with `mosquitto_property_free_all`.
///
/// # Safety
/// `dest` is NULL or writable; `src` is NULL or a valid list built by this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mosquitto_property_copy_all(
    dest: *mut *mut mosquitto_property,
    src: *const mosquitto_property,
) -> c_int {
    ffi_boundary! {
        if src.is_null() {
            return MOSQ_ERR_SUCCESS;
        }
        if dest.is_null() {
            return MOSQ_ERR_INVAL;
        }
        let mut nodes = Vec::new();
        let mut cur = src.cast::<PropNode>();
        while !cur.is_null() {
            // SAFETY: every node of the list is valid (caller contract).
            let node = unsafe { &*cur };
            nodes.push((node.prop.clone(), node.client_generated));
            cur = node.next;
        }
        let mut head: *mut PropNode = std::ptr::null_mut();
        for (prop, client_generated) in nodes.into_iter().rev() {
            head = Box::into_raw(Box::new(PropNode::new(prop, head, client_generated)));
        }
        // SAFETY: not NULL; writable (caller contract).
        unsafe { *dest = head.cast() };
        MOSQ_ERR_SUCCESS
    }
}
