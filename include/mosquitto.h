/*
 * mosquitto.h: libmosquitto, the MQTT client library.
 *
 * The one header programs include, for libmosquitto 2.0 and 2.1 alike: the client API
 * (<mosquitto/libmosquitto.h>) and, as in libmosquitto 2.1, the MQTT protocol constants
 * (<mosquitto/mqtt_protocol.h>) and the functions of the helper library libmosquitto_common
 * (<mosquitto/libmosquitto_common.h>). The generated headers are under include/mosquitto/;
 * this file only gathers them (make check-header compiles it).
 */

#ifndef MOSQUITTO_H
#define MOSQUITTO_H

#include <mosquitto/mqtt_protocol.h>
#include <mosquitto/libmosquitto.h>
#include <mosquitto/libmosquitto_common.h>

#endif /* MOSQUITTO_H */
