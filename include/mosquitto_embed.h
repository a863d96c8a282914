/*
 * mosquitto_embed.h: an MQTT broker inside the program, compatible with mosquitto 2.0.
 *
 * Generated from the Rust sources by `make header` (cbindgen). Do not edit.
 */

#ifndef MOSQUITTO_EMBED_H
#define MOSQUITTO_EMBED_H

#include <mosquitto.h>

/**
 * An embedded broker: its configuration, and the running broker once started.
 *
 * Made by `mosquitto_embed_new`, freed by `mosquitto_embed_destroy`. The functions may be
 * called from any thread, but not from the log function.
 */
struct mosquitto_embed;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Create an embedded broker handle with mosquitto's defaults: until a configuration names a
 * listener, the broker runs in local-only mode (127.0.0.1 and ::1, port 1883, anonymous
 * clients allowed). Nothing is started.
 *
 * Returns the handle, or NULL if it could not be made.
 */
struct mosquitto_embed *mosquitto_embed_new(void);

/**
 * Stop the broker if it runs (as `mosquitto_embed_stop` does) and free the handle. NULL is
 * ignored.
 *
 * # Safety
 * `embed` is NULL or a handle from `mosquitto_embed_new`, not used again afterwards.
 */
void mosquitto_embed_destroy(struct mosquitto_embed *embed);

/**
 * Read a configuration file in `mosquitto.conf` syntax. It may be called several times
 * before the broker starts: the files are read in order, as if they were one.
 *
 * Returns MOSQ_ERR_SUCCESS; MOSQ_ERR_INVAL for NULL arguments or a configuration error (the
 * error is logged as mosquitto prints it, naming the file, line and option, and the handle
 * keeps the configuration it had); MOSQ_ERR_ALREADY_EXISTS while the broker runs.
 *
 * # Safety
 * `embed` is NULL or a live handle; `path` is NULL or a NUL-terminated string.
 */
int mosquitto_embed_config_file(struct mosquitto_embed *embed, const char *path);

/**
 * Read configuration text in `mosquitto.conf` syntax (lines separated by newlines; messages
 * call it `<string>`). It may be called several times, with files too, before the broker
 * starts.
 *
 * Returns as `mosquitto_embed_config_file` does.
 *
 * # Safety
 * `embed` is NULL or a live handle; `text` is NULL or a NUL-terminated string.
 */
int mosquitto_embed_config_string(struct mosquitto_embed *embed, const char *text);

/**
 * Send the broker's log lines to `on_log` instead of where `log_dest` says: `level` is one
 * of the MOSQ_LOG_* values, `line` the text without timestamp (valid during the call only).
 * `on_log` is called from the broker's threads, possibly several at once; it must not call
 * the `mosquitto_embed_*` functions. NULL restores `log_dest`. Takes effect at the next start.
 *
 * # Safety
 * `embed` is NULL or a live handle; `on_log` may be called with `userdata` from any thread
 * until the broker stops.
 */
void mosquitto_embed_log_callback_set(struct mosquitto_embed *embed,
                                      void (*on_log)(void *userdata, int level, const char *line),
                                      void *userdata);

/**
 * Start the broker: read the configuration, open every listener, and serve on the broker's
 * own threads. Returns once every listener accepts connections.
 *
 * Returns MOSQ_ERR_SUCCESS; MOSQ_ERR_INVAL for NULL or a configuration error (logged);
 * MOSQ_ERR_NOT_SUPPORTED when the configuration uses an option this broker does not
 * implement yet (logged with its file and line); MOSQ_ERR_ERRNO when a listener cannot be
 * opened or a password or ACL file cannot be read (`errno` says why, e.g. EADDRINUSE or
 * EACCES); MOSQ_ERR_TLS when a TLS listener's certificate, key or CA file cannot be used;
 * MOSQ_ERR_ALREADY_EXISTS when it already runs.
 *
 * # Safety
 * `embed` is NULL or a live handle.
 */
int mosquitto_embed_start(struct mosquitto_embed *embed);

/**
 * The port a listener is bound to, counting listeners from 0 in the configuration's order
 * (useful with `listener 0`, which takes a free port). In local-only mode the listeners are
 * 127.0.0.1 and ::1 for each port.
 *
 * Returns the port (0 for a Unix socket listener), or a negative MOSQ_ERR_* value:
 * -MOSQ_ERR_INVAL for NULL or no such listener, -MOSQ_ERR_NO_CONN when the broker is not
 * running.
 *
 * # Safety
 * `embed` is NULL or a live handle.
 */
int mosquitto_embed_port(struct mosquitto_embed *embed, int listener_index);

/**
 * Stop the broker as SIGTERM stops mosquitto: every will is published, every socket closed
 * (without DISCONNECT), every thread joined. The handle may be started again.
 *
 * Returns MOSQ_ERR_SUCCESS, MOSQ_ERR_INVAL for NULL, or MOSQ_ERR_NO_CONN when it does not
 * run.
 *
 * # Safety
 * `embed` is NULL or a live handle.
 */
int mosquitto_embed_stop(struct mosquitto_embed *embed);

/**
 * The `mosquitto` command: parse `argv` as mosquitto does (`-c FILE`, `-d`, `-p PORT`, `-v`,
 * `-h`), run the broker until SIGINT or SIGTERM (SIGHUP reloads the configuration), and
 * return the exit status mosquitto would (0, 1, 3 or 13). SIGINT, SIGTERM, SIGHUP, SIGUSR1
 * and SIGUSR2 are blocked in the calling thread and taken by it.
 *
 * # Safety
 * `argv` holds `argc` NUL-terminated strings (or `argc` is 0).
 */
int mosquitto_embed_main(int argc, char **argv);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MOSQUITTO_EMBED_H */
