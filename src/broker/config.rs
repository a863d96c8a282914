//! The `mosquitto.conf` reader.
