# libmosquitto in Rust: build, C headers, examples, installation.
#
#   make                      build/lib/libmosquitto.so.1, the libmosquitto.so link,
#                             libmosquitto.a, build/sbin/mosquitto (the broker) and
#                             build/bin/mosquitto_passwd (runs cargo build --release)
#   make install              PREFIX=/usr/local (default), LIBDIR, INCLUDEDIR, PKGCONFIGDIR, BINDIR,
#                             SBINDIR, DESTDIR; the libraries and programs are installed stripped,
#                             their debug information split into DEBUGDIR (e.g. /usr/lib/debug,
#                             as .build-id/xx/yyyy.debug files) when DEBUGDIR is given
#   make uninstall            remove what install put there
#   make header               regenerate include/mosquitto/libmosquitto.h,
#                             include/mosquitto/libmosquitto_common.h,
#                             include/mosquitto/mqtt_protocol.h and include/mosquitto_embed.h (cbindgen)
#   make check-header         fail if the committed headers differ from what the sources generate,
#                             or do not compile warning-free as C99 and as C++
#   make check-exports        fail if libmosquitto.so.1 or libmosquitto_common.so.1 exports anything
#                             but the mosquitto_* functions of its version script, each with its
#                             version node
#   make examples             build c-examples/*.c into build/examples/
#   make demo                 build everything and run the demonstration (c-examples/demo.sh)
#                             against Debian's broker and against ours, then the embedded broker
#   make check                every test and check; what CI runs (also check-options)
#   make check-options        build the library with each build option turned off, then check
#                             each build: its exports, C examples exchanging messages with
#                             Debian's broker, and what its left-out functions return
#   make test                 cargo test
#   make bench                throughput and CPU per message, ours against the system's library,
#                             over plain TCP and over TLS (ROUNDS=3 rounds, medians), and memory
#                             per idle connected client
#   make sizes                the sizes of the builds made so far, stripped as installed, beside the
#                             system's libmosquitto (with and without OpenSSL)
#   make bench-broker         our broker beside Debian's mosquitto and rumqttd (installed into
#                             .cache/rumqttd when missing): throughput, broker CPU per message and
#                             memory, latency, 100,000 idle connections, 10,000 publishing ones
#                             (ROUNDS=3 rounds, medians; benches/broker.sh), then websockets
#                             against TCP
#   make soak                 the long link-cut, hostile-client and thread tests (minutes; the
#                             link cuts need root), the ThreadSanitizer run, then prints what
#                             they counted
#   make tsan                 the C test programs and the in-process broker tests on a library
#                             and broker built with ThreadSanitizer (.ci/tsan.sh; minutes)
#   make fuzz-smoke           run each fuzz target FUZZ_SECONDS (20) s from its seeds
#   make fuzz-long            run each fuzz target to 10^8 executions or 2 hours, from its
#                             corpus (hours; .ci/fuzz_long.sh), and print the counts
#   make support-table        print the Markdown table of implemented functions
#   make update-support-table rewrite that table in README.md
#   make check-support-table  fail if the table in README.md differs from it
#   make clean
#
# Build options, as libmosquitto's own build has them (each yes, the default, or no):
#   WITH_TLS=no               no TLS: no rustls and no cryptographic crates for the client; the
#                             TLS functions return what libmosquitto built without TLS returns,
#                             and the broker refuses TLS options in its configuration
#   WITH_TLS_LEGACY_KEYS=no   no DES-EDE3 and MD5, so no keys in OpenSSL's traditional encrypted PEM
#                             form and no DES-EDE3 encrypted PKCS#8 keys
#   WITH_SOCKS=no             no SOCKS5 proxy support: mosquitto_socks5_set returns
#                             MOSQ_ERR_NOT_SUPPORTED
#   WITH_BROKER=no            no broker: no mosquitto and mosquitto_passwd commands, no
#                             mosquitto_embed_* functions (mosquitto_embed.h is not installed)
# A build with options turned off goes to its own directory (build/no-tls, build/no-socks-no-broker,
# ...) with its own cargo features, so that builds with different options never mix.

.DELETE_ON_ERROR:
.SUFFIXES:

CARGO ?= cargo
CBINDGEN ?= cbindgen
# The headers are committed; another cbindgen version may lay them out differently.
CBINDGEN_VERSION := 0.29.2
INSTALL ?= install

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin

STRIP ?= strip
OBJCOPY ?= objcopy
# Where the split debug information goes (empty: it is not installed).
DEBUGDIR ?=

WITH_TLS ?= yes
WITH_TLS_LEGACY_KEYS ?= yes
WITH_SOCKS ?= yes
WITH_BROKER ?= yes
OPTIONS := WITH_TLS WITH_TLS_LEGACY_KEYS WITH_SOCKS WITH_BROKER
$(foreach o,$(OPTIONS),$(if $(filter yes no,$($(o))),,$(error $(o) must be yes or no, not '$($(o))')))
yes = $(filter yes,$(WITH_$(1)))
FEATURES := $(strip $(if $(call yes,TLS),tls $(if $(call yes,TLS_LEGACY_KEYS),tls-legacy-keys)) \
	$(if $(call yes,SOCKS),socks) $(if $(call yes,BROKER),broker))
CARGO_FEATURES := --no-default-features $(if $(FEATURES),--features "$(FEATURES)")
# The build directory: build/ for the default options, else one per set of options.
empty :=
space := $(empty) $(empty)
OFF := $(strip $(if $(call yes,TLS),$(if $(call yes,TLS_LEGACY_KEYS),,legacy-keys),tls) \
	$(if $(call yes,SOCKS),,socks) $(if $(call yes,BROKER),,broker))
BUILD := build$(if $(OFF),/$(subst $(space),-,$(addprefix no-,$(OFF))))

LIBOUT := $(BUILD)/lib
CARGO_TARGET_DIR ?= target
RUST_LIB := $(CARGO_TARGET_DIR)/release/libmosquitto.a
PROGRAMS := $(if $(call yes,BROKER),$(BUILD)/sbin/mosquitto $(BUILD)/bin/mosquitto_passwd)

SONAME := libmosquitto.so.1
# Without the broker, its node (MOSQ_EMBED_1.0) is left out of the version script.
VERSION_SCRIPT := $(if $(call yes,BROKER),src/capi/libmosquitto.map,$(BUILD)/libmosquitto.map)
# Generated from the sources (make header, make check-header).
GENERATED_HEADERS := include/mosquitto/libmosquitto.h include/mosquitto/libmosquitto_common.h \
	include/mosquitto/mqtt_protocol.h include/mosquitto_embed.h
INSTALLED_HEADERS = $(if $(call yes,BROKER),$(HEADERS),$(filter-out include/mosquitto_embed.h,$(HEADERS)))
# Written by hand: they only include the generated ones (libmosquitto 2.1's file names).
WRAPPER_HEADERS := include/mosquitto.h include/mqtt_protocol.h \
	$(filter-out $(GENERATED_HEADERS),$(wildcard include/mosquitto/*.h))
HEADERS := $(GENERATED_HEADERS) $(WRAPPER_HEADERS)
# libmosquitto 2.1's helper library, linked from the same archive as libmosquitto.so.1.
COMMON_SONAME := libmosquitto_common.so.1
COMMON_VERSION_SCRIPT := src/capi/libmosquitto_common.map
# The version the library reports, from LIBMOSQUITTO_MAJOR/MINOR/REVISION in the sources.
VERSION := $(shell sed -nE 's/^pub const LIBMOSQUITTO_(MAJOR|MINOR|REVISION): c_int = ([0-9]+);$$/\2/p' \
	src/capi/types.rs | paste -sd. -)
# What the Rust standard library in the static archive needs from the system, as printed by
# `cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs` (less -lc).
NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl
# The same for pkg-config's Libs.private, less -lgcc_s: the C compiler adds libgcc_s itself
# where it is needed, and libgcc_eh when linking with -static (where -lgcc_s would fail).
PC_LIBS_PRIVATE := $(filter-out -lgcc_s,$(NATIVE_LIBS))

EXAMPLE_CFLAGS := -std=c99 -Wall -Wextra -Werror -pedantic -pthread
ROUNDS ?= 3
EXAMPLES := $(patsubst c-examples/%.c,$(BUILD)/examples/%,$(if $(call yes,BROKER),$(wildcard c-examples/*.c),\
	$(filter-out c-examples/embedded_broker.c,$(wildcard c-examples/*.c))))

.PHONY: all install uninstall header check-header check-exports examples test demo check bench bench-broker soak \
	fuzz-smoke fuzz-long tsan check-options check-build-options sizes FORCE \
	support-table update-support-table check-support-table clean cbindgen-version

all: $(LIBOUT)/$(SONAME) $(LIBOUT)/libmosquitto.so $(LIBOUT)/libmosquitto.a \
	$(LIBOUT)/$(COMMON_SONAME) $(LIBOUT)/libmosquitto_common.so $(PROGRAMS)

# Cargo decides what to rebuild (it keeps the builds of each set of features apart); its
# outputs are copied into $(BUILD) only when they changed, so that what is linked from them is
# relinked only then.
$(LIBOUT)/libmosquitto.a: FORCE | $(LIBOUT)
	$(CARGO) build --release --lib $(CARGO_FEATURES)
	@cmp -s $(RUST_LIB) $@ || cp $(RUST_LIB) $@

$(BUILD)/cargo-bins.stamp: FORCE | $(BUILD)/sbin $(BUILD)/bin
	$(CARGO) build --release --bins $(CARGO_FEATURES)
	@cmp -s $(CARGO_TARGET_DIR)/release/mosquitto $(BUILD)/sbin/mosquitto || \
		cp $(CARGO_TARGET_DIR)/release/mosquitto $(BUILD)/sbin/mosquitto
	@cmp -s $(CARGO_TARGET_DIR)/release/mosquitto_passwd $(BUILD)/bin/mosquitto_passwd || \
		cp $(CARGO_TARGET_DIR)/release/mosquitto_passwd $(BUILD)/bin/mosquitto_passwd
	@touch $@

$(PROGRAMS): $(BUILD)/cargo-bins.stamp
	@:

$(LIBOUT) $(BUILD)/examples $(BUILD)/sbin $(BUILD)/bin:
	mkdir -p $@

$(BUILD)/libmosquitto.map: src/capi/libmosquitto.map | $(LIBOUT)
	sed '/^MOSQ_EMBED_1\.0 {/,/^}/d' $< > $@

# rustc gives a cdylib a version script of its own, so the shared library is linked here from
# the static archive: every function gets its upstream version node, everything else is local,
# and --gc-sections drops the code no exported function reaches.
$(LIBOUT)/$(SONAME): $(LIBOUT)/libmosquitto.a $(VERSION_SCRIPT)
	$(CC) -shared -o $@ -Wl,-soname,$(SONAME) -Wl,--version-script=$(VERSION_SCRIPT) \
		-Wl,--gc-sections -Wl,-z,defs -Wl,-z,relro -Wl,-z,now -Wl,--build-id $(LDFLAGS) \
		-Wl,--whole-archive $< -Wl,--no-whole-archive -Wl,--as-needed $(NATIVE_LIBS)

$(LIBOUT)/libmosquitto.so: | $(LIBOUT)
	ln -sf $(SONAME) $@

# libmosquitto_common.so.1 is a second shared object linked from the same archive: its
# property functions are the very code of libmosquitto.so.1 (same layout of a list, same C
# allocator), so lists pass between the two in either direction.
$(LIBOUT)/$(COMMON_SONAME): $(LIBOUT)/libmosquitto.a $(COMMON_VERSION_SCRIPT)
	$(CC) -shared -o $@ -Wl,-soname,$(COMMON_SONAME) -Wl,--version-script=$(COMMON_VERSION_SCRIPT) \
		-Wl,--gc-sections -Wl,-z,defs -Wl,-z,relro -Wl,-z,now -Wl,--build-id $(LDFLAGS) \
		-Wl,--whole-archive $< -Wl,--no-whole-archive -Wl,--as-needed $(NATIVE_LIBS)

$(LIBOUT)/libmosquitto_common.so: | $(LIBOUT)
	ln -sf $(COMMON_SONAME) $@

# $(call install_elf,FILE,DEST,MODE,STRIP-OPTION): install FILE as DEST, stripped. With DEBUGDIR,
# its debug information goes first to DEBUGDIR/.build-id/xx/yyyy.debug (named after its build
# id, where debuggers look) and DEST carries a link to that file.
define install_elf
	$(INSTALL) -m $(3) $(1) $(2)
	$(if $(DEBUGDIR),id=$$(LC_ALL=C readelf -n $(2) | sed -n 's/^ *Build ID: *//p'); \
		[ -n "$$id" ] || { echo "make: $(1) has no build id" >&2; exit 1; }; \
		dir=$(DESTDIR)$(DEBUGDIR)/.build-id/$$(echo $$id | cut -c1-2); \
		debug=$$dir/$$(echo $$id | cut -c3-).debug; \
		mkdir -p $$dir && $(OBJCOPY) --only-keep-debug $(2) $$debug && chmod 644 $$debug && \
		$(STRIP) $(4) --remove-section=.comment $(2) && \
		$(OBJCOPY) --add-gnu-debuglink=$$debug $(2),\
		$(STRIP) $(4) --remove-section=.comment $(2))
endef

install: all
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
ifneq ($(PROGRAMS),)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR)
	$(call install_elf,$(BUILD)/sbin/mosquitto,$(DESTDIR)$(SBINDIR)/mosquitto,755,--strip-all)
	$(call install_elf,$(BUILD)/bin/mosquitto_passwd,$(DESTDIR)$(BINDIR)/mosquitto_passwd,755,--strip-all)
endif
	$(call install_elf,$(LIBOUT)/$(SONAME),$(DESTDIR)$(LIBDIR)/$(SONAME),755,--strip-unneeded)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmosquitto.so
	$(call install_elf,$(LIBOUT)/$(COMMON_SONAME),$(DESTDIR)$(LIBDIR)/$(COMMON_SONAME),755,--strip-unneeded)
	ln -sf $(COMMON_SONAME) $(DESTDIR)$(LIBDIR)/libmosquitto_common.so
	$(INSTALL) -m 644 $(LIBOUT)/libmosquitto.a $(DESTDIR)$(LIBDIR)/libmosquitto.a
	$(STRIP) --strip-debug $(DESTDIR)$(LIBDIR)/libmosquitto.a
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR)/mosquitto
	$(INSTALL) -m 644 $(filter-out include/mosquitto/%,$(INSTALLED_HEADERS)) $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(filter include/mosquitto/%,$(INSTALLED_HEADERS)) $(DESTDIR)$(INCLUDEDIR)/mosquitto/
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' \
		-e 's|@VERSION@|$(VERSION)|g' -e 's|@LIBS_PRIVATE@|$(PC_LIBS_PRIVATE)|g' \
		pkgconfig/libmosquitto.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmosquitto.pc
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' \
		-e 's|@VERSION@|$(VERSION)|g' -e 's|@LIBS_PRIVATE@|$(PC_LIBS_PRIVATE)|g' \
		pkgconfig/libmosquitto_common.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmosquitto_common.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/libmosquitto.pc $(DESTDIR)$(PKGCONFIGDIR)/libmosquitto_common.pc

# With DEBUGDIR, the debug files of the installed libraries and programs go too.
uninstall:
	$(if $(DEBUGDIR),for f in $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(COMMON_SONAME) \
		$(DESTDIR)$(SBINDIR)/mosquitto $(DESTDIR)$(BINDIR)/mosquitto_passwd; do \
		[ -e $$f ] || continue; id=$$(LC_ALL=C readelf -n $$f | sed -n 's/^ *Build ID: *//p'); \
		[ -z "$$id" ] || rm -f $(DESTDIR)$(DEBUGDIR)/.build-id/$$(echo $$id | cut -c1-2)/$$(echo $$id | cut -c3-).debug; \
		done)
	rm -f $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmosquitto.so \
		$(DESTDIR)$(LIBDIR)/libmosquitto.a $(DESTDIR)$(INCLUDEDIR)/mosquitto.h \
		$(DESTDIR)$(LIBDIR)/$(COMMON_SONAME) $(DESTDIR)$(LIBDIR)/libmosquitto_common.so \
		$(DESTDIR)$(INCLUDEDIR)/mqtt_protocol.h $(DESTDIR)$(INCLUDEDIR)/mosquitto_embed.h \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/mosquitto/,$(notdir $(filter include/mosquitto/%,$(HEADERS)))) \
		$(DESTDIR)$(PKGCONFIGDIR)/libmosquitto.pc $(DESTDIR)$(PKGCONFIGDIR)/libmosquitto_common.pc \
		$(DESTDIR)$(SBINDIR)/mosquitto $(DESTDIR)$(BINDIR)/mosquitto_passwd
	-rmdir $(DESTDIR)$(INCLUDEDIR)/mosquitto

# $(call generate_headers,DIR): run cbindgen on the sources, writing DIR/*.h.
define generate_headers
	mkdir -p $(1)/mosquitto
	$(CBINDGEN) --quiet --config cbindgen.toml --output $(1)/mosquitto/libmosquitto.h src/capi/mod.rs
	$(CBINDGEN) --quiet --config cbindgen-libcommon.toml --output $(1)/mosquitto/libmosquitto_common.h \
		src/libcommon/mod.rs
	$(CBINDGEN) --quiet --config cbindgen-mqtt_protocol.toml --output $(1)/mosquitto/mqtt_protocol.h \
		src/protocol/consts.rs
	$(CBINDGEN) --quiet --config cbindgen-embed.toml --output $(1)/mosquitto_embed.h src/broker/embed.rs
endef

cbindgen-version:
	@$(CBINDGEN) --version 2>/dev/null | grep -qx 'cbindgen $(CBINDGEN_VERSION)' || { \
		echo "make: needs cbindgen $(CBINDGEN_VERSION) (found: $$($(CBINDGEN) --version 2>&1 | head -n 1))." >&2; \
		echo "      cargo install --locked cbindgen --version $(CBINDGEN_VERSION)" >&2; exit 1; }

header: cbindgen-version
	$(call generate_headers,include)

check-header: cbindgen-version
	@rm -rf $(BUILD)/check-header && mkdir -p $(BUILD)/check-header
	$(call generate_headers,$(BUILD)/check-header)
	@for h in $(patsubst include/%,%,$(GENERATED_HEADERS)); do \
		diff -u include/$$h $(BUILD)/check-header/$$h || { \
			echo "make: include/$$h is out of date: run make header and commit it" >&2; exit 1; }; \
	done
	@printf '#include <mosquitto.h>\n#include <mqtt_protocol.h>\n#include <mosquitto_embed.h>\n' \
		> $(BUILD)/check-header/a.c
	@printf '#include <mosquitto_embed.h>\n#include <mqtt_protocol.h>\n#include <mosquitto.h>\n' \
		> $(BUILD)/check-header/b.c
	@for h in $(patsubst include/%,%,$(filter include/mosquitto/%,$(HEADERS))); do \
		printf '#include <%s>\n' $$h; done > $(BUILD)/check-header/c.c
	@for h in $(patsubst include/%,%,$(filter include/mosquitto/%,$(HEADERS))); do \
		printf '#include <%s>\n' $$h > $(BUILD)/check-header/one-$$(basename $$h .h).c; done
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only \
		$(BUILD)/check-header/*.c
	$(CXX) -x c++ -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only \
		$(BUILD)/check-header/a.c $(BUILD)/check-header/b.c $(BUILD)/check-header/c.c

check-exports: $(LIBOUT)/$(SONAME) $(LIBOUT)/$(COMMON_SONAME)
	.ci/check_exports.sh $(VERSION_SCRIPT) $(LIBOUT)/$(SONAME)
	.ci/check_exports.sh $(COMMON_VERSION_SCRIPT) $(LIBOUT)/$(COMMON_SONAME)

examples: $(EXAMPLES)

$(BUILD)/examples/%: c-examples/%.c $(HEADERS) $(LIBOUT)/$(SONAME) $(LIBOUT)/libmosquitto.so \
		| $(BUILD)/examples
	$(CC) $(EXAMPLE_CFLAGS) $(CFLAGS) -Iinclude -o $@ $< $(LDFLAGS) -L$(LIBOUT) -lmosquitto \
		-Wl,-rpath,'$$ORIGIN/../lib'

test:
	$(CARGO) test --features fuzzing

demo:
	.ci/deps.sh demo
	$(MAKE) all examples
	@echo "==== the examples against Debian's mosquitto"
	c-examples/demo.sh $(LIBOUT) $(BUILD)/examples
	@echo "==== the examples against this project's mosquitto ($(BUILD)/sbin/mosquitto)"
	MOSQUITTO=$(CURDIR)/$(BUILD)/sbin/mosquitto c-examples/demo.sh $(LIBOUT) $(BUILD)/examples
	@echo "==== this project's mosquitto: a bridge, and a queued message kept across a restart"
	c-examples/broker_demo.sh $(BUILD)/sbin/mosquitto $(LIBOUT)
	@echo "==== a broker inside a program (c-examples/embedded_broker.c)"
	timeout -k 5 30 $(BUILD)/examples/embedded_broker

check:
	.ci/deps.sh check
	$(MAKE) all examples
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --all-features -- -D warnings
	$(MAKE) check-header check-exports check-support-table
	$(CARGO) test --features fuzzing
	$(MAKE) check-options

# Every build option turned off at least once, each build in its own directory.
check-options:
	$(MAKE) check-build-options WITH_TLS=no
	$(MAKE) check-build-options WITH_BROKER=no WITH_SOCKS=no WITH_TLS_LEGACY_KEYS=no
	$(CARGO) clippy --lib --no-default-features -- -D warnings

check-build-options: all examples
	WITH_TLS=$(WITH_TLS) WITH_SOCKS=$(WITH_SOCKS) WITH_BROKER=$(WITH_BROKER) \
		.ci/check_build_options.sh $(BUILD) $(VERSION_SCRIPT)

bench: all
	benches/run.sh $(ROUNDS)
	benches/run.sh --tls $(ROUNDS)
	benches/memory.sh

# The installed sizes of each build made so far (build/ and build/no-*/), beside the system's
# libmosquitto.
sizes: all
	benches/sizes.sh $(BUILD) $(filter-out $(BUILD),$(patsubst %/lib/libmosquitto.a,%,$(wildcard build/lib/libmosquitto.a build/no-*/lib/libmosquitto.a)))

bench-broker: all
	benches/broker.sh $(ROUNDS)
	$(CARGO) bench --bench websocket

soak: all
	CARGO=$(CARGO) .ci/soak.sh

tsan:
	CARGO=$(CARGO) .ci/tsan.sh

FUZZ_SECONDS ?= 20
fuzz-smoke:
	.ci/fuzz_smoke.sh $(FUZZ_SECONDS)

fuzz-long:
	.ci/fuzz_long.sh

support-table:
	@.ci/support_table.sh

update-support-table:
	@.ci/support_table.sh --update

check-support-table:
	@.ci/support_table.sh --check

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
