/*
 * mosquitto/libmosquitto_helpers.h: one of the headers libmosquitto 2.1 splits its API into. Here the API is
 * declared by three generated headers: <mosquitto/libmosquitto.h> (libmosquitto),
 * <mosquitto/libmosquitto_common.h> (what only the helper library libmosquitto_common
 * exports) and <mosquitto/mqtt_protocol.h> (the protocol constants); this file includes all
 * three, so that a program including it alone finds what it declares in libmosquitto 2.1.
 */

#ifndef MOSQUITTO_LIBMOSQUITTO_HELPERS_H
#define MOSQUITTO_LIBMOSQUITTO_HELPERS_H

#include <mosquitto/mqtt_protocol.h>
#include <mosquitto/libmosquitto.h>
#include <mosquitto/libmosquitto_common.h>

#endif /* MOSQUITTO_LIBMOSQUITTO_HELPERS_H */
