/*
 * mqtt_protocol.h: the MQTT protocol constants, where libmosquitto 2.0 programs include them
 * (libmosquitto 2.1 keeps them in <mosquitto/mqtt_protocol.h>, which <mosquitto.h> includes).
 */

#ifndef MQTT_PROTOCOL_H
#define MQTT_PROTOCOL_H

#include <mosquitto/mqtt_protocol.h>

#endif /* MQTT_PROTOCOL_H */
