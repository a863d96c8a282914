//! Authentication and authorisation: password files, ACL files, `mosquitto_passwd`.
