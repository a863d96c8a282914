//! The MQTT v5 side of the recording client: the v5 callbacks with their properties read back,
//! and the calls that take property lists.

use std::ffi::{CString, c_char, c_int};

use ::mosquitto::capi::types::mosquitto_property;
use ::mosquitto::capi::{callbacks, connect, publish, subscribe, will};

use super::client::Client;
use super::events::*;

impl Client {
    /// Also record every v5 callback with its properties read back ([`Event::ConnectV5Props`],
    /// [`Event::DisconnectV5Props`], [`Event::PublishV5Props`], [`Event::MessageV5`],
    /// [`Event::SubscribeV5`], [`Event::UnsubscribeV5`]).
    pub fn with_v5_callbacks(self) -> Self {
        // SAFETY: valid client; the callbacks have the signatures the setters expect.
        unsafe {
            callbacks::mosquitto_connect_v5_callback_set(self.mosq, Some(on_connect_v5_props));
            callbacks::mosquitto_disconnect_v5_callback_set(self.mosq, Some(on_disconnect_v5_props));
            callbacks::mosquitto_publish_v5_callback_set(self.mosq, Some(on_publish_v5_props));
            callbacks::mosquitto_message_v5_callback_set(self.mosq, Some(on_message_v5_props));
            callbacks::mosquitto_subscribe_v5_callback_set(self.mosq, Some(on_subscribe_v5_props));
            callbacks::mosquitto_unsubscribe_v5_callback_set(self.mosq, Some(on_unsubscribe_v5_props));
        }
        self
    }

    /// `mosquitto_connect_bind_v5(mosq, "127.0.0.1", port, keepalive, NULL, props)`.
    pub fn connect_v5(&self, port: u16, keepalive: c_int, props: *const mosquitto_property) -> c_int {
        // SAFETY: valid client and host string; `props` is NULL or a live list.
        unsafe {
            connect::mosquitto_connect_bind_v5(
                self.mosq,
                c"127.0.0.1".as_ptr(),
                c_int::from(port),
                keepalive,
                std::ptr::null(),
                props,
            )
        }
    }

    /// `mosquitto_publish_v5` (`topic` `None` is NULL); returns (rc, mid), mid -1 when the
    /// library did not write it.
    pub fn publish_v5(
        &self,
        topic: Option<&str>,
        payload: &[u8],
        qos: c_int,
        retain: bool,
        props: *const mosquitto_property,
    ) -> (c_int, c_int) {
        let topic = topic.map(|t| CString::new(t).unwrap());
        let mut mid: c_int = -1;
        // SAFETY: valid client, topic (or NULL), payload and list (or NULL).
        let rc = unsafe {
            publish::mosquitto_publish_v5(
                self.mosq,
                &mut mid,
                topic.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_subscribe_multiple` with properties; returns (rc, mid).
    pub fn subscribe_v5(
        &self,
        topics: &[&str],
        qos: c_int,
        options: c_int,
        props: *const mosquitto_property,
    ) -> (c_int, c_int) {
        let owned: Vec<CString> = topics.iter().map(|t| CString::new(*t).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut mid: c_int = -1;
        // SAFETY: valid client; `ptrs` holds `topics.len()` valid strings; list or NULL.
        let rc = unsafe {
            subscribe::mosquitto_subscribe_multiple(
                self.mosq,
                &mut mid,
                ptrs.len() as c_int,
                ptrs.as_ptr(),
                qos,
                options,
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_unsubscribe_multiple` with properties; returns (rc, mid).
    pub fn unsubscribe_v5(&self, topics: &[&str], props: *const mosquitto_property) -> (c_int, c_int) {
        let owned: Vec<CString> = topics.iter().map(|t| CString::new(*t).unwrap()).collect();
        let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
        let mut mid: c_int = -1;
        // SAFETY: valid client; `ptrs` holds `topics.len()` valid strings; list or NULL.
        let rc = unsafe {
            subscribe::mosquitto_unsubscribe_multiple(
                self.mosq,
                &mut mid,
                ptrs.len() as c_int,
                ptrs.as_ptr(),
                props,
            )
        };
        (rc, mid)
    }

    /// `mosquitto_disconnect_v5(mosq, reason, NULL)`.
    pub fn disconnect_v5(&self, reason: c_int) -> c_int {
        // SAFETY: valid client, no properties.
        unsafe { connect::mosquitto_disconnect_v5(self.mosq, reason, std::ptr::null()) }
    }

    /// `mosquitto_disconnect_v5(mosq, reason, props)`.
    pub fn disconnect_v5_with(&self, reason: c_int, props: *const mosquitto_property) -> c_int {
        // SAFETY: valid client; list or NULL.
        unsafe { connect::mosquitto_disconnect_v5(self.mosq, reason, props) }
    }

    /// `mosquitto_will_set_v5`. On success the library owns `props`.
    pub fn will_set_v5(
        &self,
        topic: &str,
        payload: &[u8],
        qos: c_int,
        retain: bool,
        props: *mut mosquitto_property,
    ) -> c_int {
        let topic = CString::new(topic).unwrap();
        // SAFETY: valid client, topic and payload; list or NULL.
        unsafe {
            will::mosquitto_will_set_v5(
                self.mosq,
                topic.as_ptr(),
                payload.len() as c_int,
                payload.as_ptr().cast(),
                qos,
                retain,
                props,
            )
        }
    }
}
