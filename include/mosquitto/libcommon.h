/*
 * mosquitto/libcommon.h: one of the headers libmosquitto 2.1 splits its API into. Here the whole API
 * is declared by <mosquitto/libmosquitto.h> (generated from the sources) and the protocol
 * constants by <mosquitto/mqtt_protocol.h>; this file includes both, so that a program
 * including it alone finds what it declares in libmosquitto 2.1.
 */

#ifndef MOSQUITTO_LIBCOMMON_H
#define MOSQUITTO_LIBCOMMON_H

#include <mosquitto/mqtt_protocol.h>
#include <mosquitto/libmosquitto.h>

#endif /* MOSQUITTO_LIBCOMMON_H */
