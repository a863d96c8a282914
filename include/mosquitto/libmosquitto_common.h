/*
 * mosquitto/libmosquitto_common.h: the functions of libmosquitto_common, libmosquitto 2.1's
 * helper library, that libmosquitto itself does not export (link with -lmosquitto_common).
 * The property, topic, UTF-8 and string functions both libraries export are declared by
 * <mosquitto/libmosquitto.h>, which this header includes.
 *
 * Generated from the Rust sources by `make header` (cbindgen). Do not edit.
 */

#ifndef MOSQUITTO_LIBMOSQUITTO_COMMON_H
#define MOSQUITTO_LIBMOSQUITTO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <mosquitto/libmosquitto.h>
/** Free `A` with mosquitto_free() and set it to NULL. */
#define mosquitto_FREE(A) do { mosquitto_free(A); (A) = NULL; } while(0)

/**
 * The hash types of `mosquitto_pw_new`.
 */
enum mosquitto_pwhash_type {
  /**
   * The library's choice: PBKDF2-HMAC-SHA512 here.
   */
  MOSQ_PW_DEFAULT = 0,
  /**
   * `$6$`: one round of salted SHA-512.
   */
  MOSQ_PW_SHA512 = 6,
  /**
   * `$7$`: PBKDF2-HMAC-SHA512.
   */
  MOSQ_PW_SHA512_PBKDF2 = 7,
  /**
   * Argon2id: not supported by this library.
   */
  MOSQ_PW_ARGON2ID = 8,
};

/**
 * The parameters of `mosquitto_pw_set_param`.
 */
enum mosquitto_pw_params {
  /**
   * The PBKDF2 iteration count (`MOSQ_PW_SHA512_PBKDF2` only).
   */
  MOSQ_PW_PARAM_ITERATIONS = 1,
};

/**
 * A password hash. Opaque: made by `mosquitto_pw_new`, released by `mosquitto_pw_cleanup`.
 */
struct mosquitto_pw;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Set the most memory, in bytes, the allocation functions of this library may have handed
 * out at once; 0 (the initial value) means no limit. An allocation that would go over it
 * fails (returns NULL).
 */
void mosquitto_memory_set_limit(size_t lim);

/**
 * The memory, in bytes, the allocation functions of this library have handed out and not yet
 * taken back (the usable size of each block).
 */
unsigned long mosquitto_memory_used(void);

/**
 * The highest value `mosquitto_memory_used` has had.
 */
unsigned long mosquitto_max_memory_used(void);

/**
 * `calloc(nmemb, size)`, counted: zeroed memory for `nmemb` elements of `size` bytes, or NULL
 * (no memory, over the limit, or a size that overflows). Release it with `mosquitto_free` or
 * `free`.
 */
void *mosquitto_calloc(size_t nmemb, size_t size);

/**
 * `free(mem)`, counted. NULL is allowed and does nothing.
 *
 * # Safety
 * `mem` is NULL or a live block from the C allocator (from any of these functions, or from
 * `malloc` and its relatives), not used afterwards.
 */
void mosquitto_free(void *mem);

/**
 * `malloc(size)`, counted: NULL on failure or over the limit. Release it with
 * `mosquitto_free` or `free`.
 */
void *mosquitto_malloc(size_t size);

/**
 * `realloc(ptr, size)`, counted. On failure (or over the limit) NULL is returned and `ptr`
 * is left as it was.
 *
 * # Safety
 * `ptr` is NULL or a live block from the C allocator; after success it is not used again.
 */
void *mosquitto_realloc(void *ptr, size_t size);

/**
 * A counted copy of the string `s`, or NULL (no memory, over the limit, or `s` NULL).
 *
 * # Safety
 * `s` is NULL or a NUL-terminated string.
 */
char *mosquitto_strdup(const char *s);

/**
 * A counted copy of at most the first `n` bytes of the string `s`, always NUL-terminated, or
 * NULL (no memory, over the limit, or `s` NULL).
 *
 * # Safety
 * `s` is NULL or points to a NUL-terminated string or to at least `n` readable bytes.
 */
char *mosquitto_strndup(const char *s, size_t n);

/**
 * Open a file as `fopen(path, mode)` does, refusing anything but a regular file.
 *
 * With `restrict_read`, a file it creates gets mode 0600, a symbolic link as the last path
 * component is refused, mode `"w"` refuses an existing file, and a warning goes to standard
 * error when the file may be read by others or does not belong to the user or group running
 * the program.
 *
 * Returns the stream (close it with `fclose`), or NULL with `errno` set (`EINVAL` for a NULL
 * argument, `EISDIR` or the like for something that is not a regular file).
 *
 * # Safety
 * `path` and `mode` are NULL or NUL-terminated strings.
 */
FILE *mosquitto_fopen(const char *path, const char *mode, bool restrict_read);

/**
 * Read one line of any length from `stream` into `*buf`, a `malloc`ed buffer of `*buflen`
 * bytes that grows (with `realloc`, updating `*buf` and `*buflen`) until the whole line fits.
 * The line keeps its `'\n'`.
 *
 * Returns `*buf`, or NULL at the end of the file, on a read error, for a line holding a NUL
 * byte, when the buffer cannot grow (`*buf` is then still valid), or when an argument is NULL
 * or `*buflen` is below 1.
 *
 * # Safety
 * `buf` and `buflen` are NULL or valid, `*buf` is a block from the C allocator of at least
 * `*buflen` bytes, and `stream` is NULL or an open stream.
 */
char *mosquitto_fgets(char **buf, int *buflen, FILE *stream);

/**
 * Replace the file `target_path` with what `write_fn` writes, so that a crash leaves either
 * the old file or the new one: `write_fn(stream, user_data)` writes `target_path` followed
 * by `.new` (opened as `mosquitto_fopen(..., "wb", restrict_read)` after any stale copy is
 * removed), which is then flushed, synced to disk, closed and renamed over `target_path`.
 * Each failure is described to `log_fn` (which may be NULL).
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if `target_path` or `write_fn` is NULL, the
 * path is too long, or the temporary file cannot be removed or created; `MOSQ_ERR_ERRNO` if
 * `write_fn` returns anything but `MOSQ_ERR_SUCCESS` or a later step fails (the temporary
 * file is then removed).
 *
 * # Safety
 * `target_path` is NULL or a NUL-terminated string; `write_fn` and `log_fn` are NULL or
 * functions of these types.
 */
int mosquitto_write_file(const char *target_path,
                         bool restrict_read,
                         int (*write_fn)(FILE *fptr, void *user_data),
                         void *user_data,
                         void (*log_fn)(const char *msg));

/**
 * Read the whole file `file` (opened as `mosquitto_fopen(file, "rt", restrict_read)`) into
 * `*buf`, a new buffer with a NUL byte after the contents, and store its length without the
 * NUL in `*buflen` when `buflen` is not NULL. An empty file gives `*buf` NULL and length 0.
 * Release the buffer with `mosquitto_free` or `free`.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_ERRNO` if the file cannot be opened or measured (see
 * `errno`); `MOSQ_ERR_NOMEM`; `MOSQ_ERR_INVAL` if `file` or `buf` is NULL or the file could
 * not be read in full.
 *
 * # Safety
 * `file` is NULL or a NUL-terminated string; `buf` and `buflen` are NULL or writable.
 */
int mosquitto_read_file(const char *file, bool restrict_read, char **buf, size_t *buflen);

/**
 * Remove white space (as C's `isspace` knows it) from both ends of the string `str`: the
 * end by writing NUL bytes into it, the start by returning a pointer past it. NULL gives
 * NULL.
 *
 * # Safety
 * `str` is NULL or a writable NUL-terminated string.
 */
char *mosquitto_trimblanks(char *str);

/**
 * Choose the clock `mosquitto_time` reads: the boot-time clock where the system has one,
 * else the monotonic clock. Optional; may be called again.
 */
void mosquitto_time_init(void);

/**
 * The time in seconds on a clock that never goes back (unrelated to the date), for
 * measuring intervals; -1 if the clock cannot be read.
 */
time_t mosquitto_time(void);

/**
 * Store the wall-clock time (which may jump when the system clock is set) as seconds since
 * the epoch in `*s` and nanoseconds in `*ns`. A NULL pointer is skipped.
 *
 * # Safety
 * `s` and `ns` are NULL or writable.
 */
void mosquitto_time_ns(time_t *s, long *ns);

/**
 * Compare two times given as seconds and nanoseconds: negative if the first is earlier,
 * 0 if they are equal, positive if it is later. The value is the difference in seconds when
 * the seconds differ, else in nanoseconds.
 */
long mosquitto_time_cmp(time_t t1_s, long t1_ns, time_t t2_s, long t2_ns);

/**
 * Encode the `in_len` bytes at `in` as base64 into `*encoded`, a new NUL-terminated string
 * (empty for no input) to release with `mosquitto_free` or `free`.
 *
 * Returns 0 (`MOSQ_ERR_SUCCESS`), 1 if memory runs out, or `MOSQ_ERR_INVAL` if `encoded` is
 * NULL, or `in` is NULL while `in_len` is not 0.
 *
 * # Safety
 * `in` is NULL or points to `in_len` readable bytes; `encoded` is NULL or writable.
 */
int mosquitto_base64_encode(const unsigned char *in, size_t in_len, char **encoded);

/**
 * Decode the base64 string `in` into `*decoded`, a new buffer of `*decoded_len` bytes to
 * release with `mosquitto_free` or `free`.
 *
 * Returns 0 (`MOSQ_ERR_SUCCESS`); 1 (libmosquitto's value for any failure) if `in` is not
 * valid base64, decodes to nothing, or memory runs out, with `*decoded` NULL and
 * `*decoded_len` 0; or `MOSQ_ERR_INVAL` if an argument is NULL.
 *
 * # Safety
 * `in` is NULL or a NUL-terminated string; `decoded` and `decoded_len` are NULL or writable.
 */
int mosquitto_base64_decode(const char *in, unsigned char **decoded, unsigned int *decoded_len);

/**
 * Fill the `count` bytes at `bytes` with cryptographically secure random bytes.
 *
 * Returns `MOSQ_ERR_SUCCESS` (also for `count` 0), `MOSQ_ERR_UNKNOWN` if the system's
 * generator fails, or `MOSQ_ERR_INVAL` if `count` is negative or `bytes` is NULL while
 * `count` is not 0.
 *
 * # Safety
 * `bytes` is NULL or points to at least `count` writable bytes.
 */
int mosquitto_getrandom(void *bytes, int count);

/**
 * Mark the hash usable or not: `mosquitto_pw_verify` accepts nothing for a hash marked not
 * valid. NULL is ignored.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`.
 */
void mosquitto_pw_set_valid(struct mosquitto_pw *pw, bool valid);

/**
 * Whether the hash is usable: made by `mosquitto_pw_hash_encoded`, read by
 * `mosquitto_pw_decode`, or marked so by `mosquitto_pw_set_valid`. False for NULL.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`.
 */
bool mosquitto_pw_is_valid(struct mosquitto_pw *pw);

/**
 * Make an empty hash of type `hashtype` in `*pw`, to fill with `mosquitto_pw_hash_encoded`
 * or `mosquitto_pw_decode` and release with `mosquitto_pw_cleanup`.
 *
 * Returns `MOSQ_ERR_SUCCESS`, `MOSQ_ERR_INVAL` if `pw` is NULL, or `MOSQ_ERR_NOT_SUPPORTED` in a
 * build without TLS and without the broker (no SHA-512 then).
 *
 * # Safety
 * `pw` is NULL or writable.
 */
int mosquitto_pw_new(struct mosquitto_pw **pw, enum mosquitto_pwhash_type hashtype);

/**
 * Release a hash from `mosquitto_pw_new`; NULL is allowed.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`, not used afterwards.
 */
void mosquitto_pw_cleanup(struct mosquitto_pw *pw);

/**
 * Hash `password` with a new random salt: `$6$` for `MOSQ_PW_SHA512`, otherwise `$7$`
 * (PBKDF2-HMAC-SHA512, 1000 iterations unless `MOSQ_PW_PARAM_ITERATIONS` set another
 * count). The hash becomes valid and its text is what `mosquitto_pw_get_encoded` returns.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if an argument is NULL;
 * `MOSQ_ERR_NOT_SUPPORTED` for `MOSQ_PW_ARGON2ID`; `MOSQ_ERR_UNKNOWN` if no random salt can
 * be had.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`; `password` is NULL or a
 * NUL-terminated string.
 */
int mosquitto_pw_hash_encoded(struct mosquitto_pw *pw, const char *password);

/**
 * The text of the hash (`$6$…` or `$7$…`), as a password file holds it after `user:`; NULL
 * if there is none yet or `pw` is NULL. The string belongs to the hash and lasts until it
 * changes or is released.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`.
 */
const char *mosquitto_pw_get_encoded(struct mosquitto_pw *pw);

/**
 * Check `password` against a valid hash, in constant time.
 *
 * Returns `MOSQ_ERR_SUCCESS` if it matches, else `MOSQ_ERR_AUTH` (also for a NULL argument
 * or a hash not valid).
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`; `password` is NULL or a
 * NUL-terminated string.
 */
int mosquitto_pw_verify(struct mosquitto_pw *pw, const char *password);

/**
 * Set a parameter for the hashes `mosquitto_pw_hash_encoded` makes. The one parameter,
 * `MOSQ_PW_PARAM_ITERATIONS`, is the PBKDF2 iteration count of a `MOSQ_PW_SHA512_PBKDF2`
 * hash. Other parameters are ignored.
 *
 * Returns `MOSQ_ERR_SUCCESS`, or `MOSQ_ERR_INVAL` if `pw` is NULL, the hash is of another
 * type, or `value` is below 1.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`.
 */
int mosquitto_pw_set_param(struct mosquitto_pw *pw, int param, int value);

/**
 * Read a hash in text form (`$6$SALT$HASH` or `$7$ITERATIONS$SALT$HASH`, salts of 12 or 64
 * bytes): on success the hash is valid, takes the type read, and
 * `mosquitto_pw_get_encoded` returns a copy of `encoded_password`. On failure it is not
 * valid.
 *
 * Returns `MOSQ_ERR_SUCCESS`; `MOSQ_ERR_INVAL` if an argument is NULL or the text is not
 * such a hash; `MOSQ_ERR_NOT_SUPPORTED` for an Argon2id hash; `MOSQ_ERR_NOMEM`.
 *
 * # Safety
 * `pw` is NULL or a live hash from `mosquitto_pw_new`; `encoded_password` is NULL or a
 * NUL-terminated string.
 */
int mosquitto_pw_decode(struct mosquitto_pw *pw, const char *encoded_password);

/**
 * The number of bytes MQTT's variable byte integer encoding takes for `word`: 1 to 4, or 5
 * for values above 268,435,455, which MQTT cannot carry.
 */
unsigned int mosquitto_varint_bytes(uint32_t word);

/**
 * Free the one property `*property` (not the rest of a list it heads) and set `*property` to
 * NULL. NULL, or a pointer to NULL, does nothing.
 *
 * # Safety
 * `property` is NULL or points to NULL or to a property made by this library and owned by
 * the caller, which no list still links to and which is not used afterwards.
 */
void mosquitto_property_free(mosquitto_property **property);

/**
 * The size in bytes of the one property `property` as it is sent (identifier and value); 0
 * for NULL.
 *
 * # Safety
 * `property` is NULL or a valid property of a list made by this library.
 */
unsigned int mosquitto_property_get_length(const mosquitto_property *property);

/**
 * The size in bytes of every property of the list `property` as they are sent, without the
 * length that precedes them in a packet; 0 for NULL.
 *
 * # Safety
 * `property` is NULL or a valid list made by this library.
 */
unsigned int mosquitto_property_get_length_all(const mosquitto_property *property);

/**
 * The size in bytes of the list `props` in a packet: its properties and the variable byte
 * integer giving their length (1 for an empty list or NULL).
 *
 * # Safety
 * `props` is NULL or a valid list made by this library.
 */
unsigned int mosquitto_property_get_remaining_length(const mosquitto_property *props);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MOSQUITTO_LIBMOSQUITTO_COMMON_H */
