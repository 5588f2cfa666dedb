# SPDX-License-Identifier: GPL-2.0
#
# vigil: userspace tools, tests and the out-of-tree module.
# The kernel build (in tree, or out of tree through this file's "module"
# target) reads Kbuild and Kconfig instead.
#
#   make            tools: build/vigil-chan, build/gencorpus
#   make check      every test (installs what it needs)
#   make demo       the channel pipeline, then live detections in QEMU
#   make bench      benchmarks; figures go to BENCHMARKS.md by hand
#   make fuzz       a longer fuzzing run (FUZZ_SECONDS, default 600)
#   make module     build/module/vigil.ko for Debian's packaged kernel
#   make module-fi  build/module-fi/vigil.ko, with test-only fault injection
#   make kunit      the KUnit suite on UML with KASAN and UBSAN
#   make lint       checkpatch over everything the kernel compiles
#   make install    DESTDIR=D [MODULE=KO]: tools, module, channels, bootguard

B		:= build
CC		?= cc
CLANG		?= clang
PKGS		:= libzstd yaml-0.1 json-c libcrypto
WARN		:= -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
		   -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS_COMMON	:= -std=gnu11 -g $(WARN) -iquote loader -iquote channels/lib -D_GNU_SOURCE
CFLAGS_OPT	:= $(CFLAGS_COMMON) -O2
SAN		:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
CFLAGS_SAN	:= $(CFLAGS_COMMON) -O1 $(SAN)
LDLIBS		= $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
		    echo -lzstd -lyaml -ljson-c -lcrypto)

LOADER_SRC	:= $(wildcard loader/*.c)
CHANLIB_SRC	:= $(wildcard channels/lib/*.c)
CHAN_SRC	:= $(wildcard channels/vigil-chan/*.c)
HDRS		:= $(wildcard loader/*.h channels/lib/*.h channels/vigil-chan/*.h)

# Each of these is built twice: optimised (tools, benchmarks) and with
# ASan+UBSan (everything the tests run).
define objs
$(patsubst %.c,$(B)/$(1)/%.o,$(2))
endef

LIB_SRC		:= $(LOADER_SRC) $(CHANLIB_SRC)

all: $(B)/vigil-chan $(B)/gencorpus $(B)/vigilctl $(B)/vigil-bootguard

$(B)/opt/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) -c -o $@ $<

$(B)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -c -o $@ $<

$(B)/vigil-chan: $(call objs,opt,$(LIB_SRC) $(CHAN_SRC))
	$(CC) $(CFLAGS_OPT) -o $@ $^ $(LDLIBS)

$(B)/san/vigil-chan: $(call objs,san,$(LIB_SRC) $(CHAN_SRC))
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(LDLIBS)

$(B)/gencorpus: $(call objs,opt,$(LIB_SRC) channels/testdata/gencorpus.c)
	$(CC) $(CFLAGS_OPT) -o $@ $^ $(LDLIBS)

# Unit tests (cmocka), one binary per file, all sanitised.  A test may use
# any loader, channels/lib or vigil-chan object except vigil-chan's main.
UNIT_SRC	:= $(wildcard loader/tests/test_*.c channels/tests/test_*.c \
		     bootguard/tests/test_*.c)
UNIT_BIN	:= $(patsubst %.c,$(B)/san/%,$(UNIT_SRC))
CHAN_NOMAIN	:= $(filter-out channels/vigil-chan/main.c,$(CHAN_SRC))

$(B)/san/%: %.c $(call objs,san,$(LIB_SRC) $(CHAN_NOMAIN)) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -iquote channels/vigil-chan -o $@ $< \
		$(call objs,san,$(LIB_SRC) $(CHAN_NOMAIN)) $(LDLIBS) -lcmocka

# vigil-bootguard stands apart: its own sources, libsystemd and libkmod.
# Its unit tests link every bootguard object but the command line ones.
BG_SRC		:= $(wildcard bootguard/*.c)
BG_HDRS		:= $(wildcard bootguard/*.h)
BG_NOMAIN	:= $(filter-out bootguard/main.c bootguard/status.c,$(BG_SRC))
BG_LIBS		= $(shell pkg-config --libs libsystemd libkmod json-c libcrypto \
		    2>/dev/null || echo -lsystemd -lkmod -ljson-c -lcrypto)

$(call objs,opt,$(BG_SRC)) $(call objs,san,$(BG_SRC)): $(BG_HDRS)
# (not loader's include paths: its limits.h would hide <limits.h>; its
# messages are cut to fit on purpose, hence no format-truncation warning)
BG_CFLAGS	:= -std=gnu11 -g $(WARN) -Wno-format-truncation -D_GNU_SOURCE
$(call objs,opt,$(BG_SRC)): CFLAGS_OPT := $(BG_CFLAGS) -O2
$(call objs,san,$(BG_SRC)): CFLAGS_SAN := $(BG_CFLAGS) -O1 $(SAN)

$(B)/vigil-bootguard: $(call objs,opt,$(BG_SRC))
	$(CC) $(CFLAGS_OPT) -o $@ $^ $(BG_LIBS)

$(B)/san/vigil-bootguard: $(call objs,san,$(BG_SRC))
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(BG_LIBS)

$(B)/san/bootguard/tests/%: bootguard/tests/%.c bootguard/tests/testutil.h \
		$(call objs,san,$(BG_NOMAIN)) $(BG_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BG_CFLAGS) -O1 $(SAN) -iquote bootguard -o $@ $< \
		$(call objs,san,$(BG_NOMAIN)) $(BG_LIBS) -lcmocka

# The malformed corpus, generated: $(B)/testdata/*.vch and MANIFEST.
$(B)/testdata/MANIFEST: $(B)/gencorpus
	rm -rf $(B)/testdata && mkdir -p $(B)/testdata
	$(B)/gencorpus $(B)/testdata

$(B)/opt/channels/testdata/gencorpus.o: loader/tests/testutil.h

# test_corpus replays it (from build/testdata by default).
$(B)/san/loader/tests/test_corpus: $(B)/testdata/MANIFEST

# The shipped channels.
CHANNEL_SRC	:= $(wildcard channels/rules/*.yaml)
CHANNELS	:= $(patsubst channels/rules/%.yaml,$(B)/channels/%.vch,$(CHANNEL_SRC))

$(B)/channels/%.vch: channels/rules/%.yaml $(B)/vigil-chan
	@mkdir -p $(dir $@)
	$(B)/vigil-chan build -o $@ $<

channels: $(CHANNELS)

# Benchmark programs (scripts/bench runs them), optimised.
$(B)/bench/%: loader/bench/%.c $(call objs,opt,$(LIB_SRC)) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) -o $@ $< $(call objs,opt,$(LIB_SRC)) $(LDLIBS)

# libFuzzer harnesses.
FUZZ_SRC	:= $(wildcard loader/tests/fuzz_*.c)
FUZZ_BIN	:= $(patsubst loader/tests/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS	?= 600

$(B)/fuzz/%: loader/tests/%.c $(LIB_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(CFLAGS_COMMON) -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(LIB_SRC) $(LDLIBS)

# vigilctl needs only the driver's UAPI header, libnl and json-c.
VIGILCTL_PKGS	:= libnl-genl-3.0 json-c
$(B)/vigilctl: vigilctl/vigilctl.c driver/uapi/vigil.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -g -O2 $(WARN) -iquote driver/uapi \
		$$(pkg-config --cflags $(VIGILCTL_PKGS)) -o $@ $< \
		$$(pkg-config --libs $(VIGILCTL_PKGS))

# The out-of-tree module, against the headers of the installed
# linux-headers-amd64 (the kernel selftests/vm/guest-kernel boots).  Built
# in a copy under $(B)/module so no object lands in the source tree; cp -p
# keeps timestamps, so Kbuild rebuilds only what changed.
KVER		?= $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 \
		     2>/dev/null | sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
KDIR		?= /usr/src/linux-headers-$(KVER)
MODULE_SRC	= Kbuild $(wildcard loader/*.[ch] driver/*.[ch] driver/uapi/*.h)

# Channel signing: the module trusts VIGIL_SIGNING_CERT (PEM), built in
# (driver/keys.c); VIGIL_SIGNING_CERT= builds none in.  By default a
# development key is generated once under $(B)/keys, as the kernel does
# for module signing: vigil-chan sign --key $(B)/keys/signing_key.pem
# --cert $(B)/keys/signing_cert.pem signs channels it accepts.
VIGIL_SIGNING_CERT ?= $(B)/keys/signing_cert.pem
MODULE_CERT	:= $(if $(VIGIL_SIGNING_CERT),$(B)/module/driver/vigil_cert.inc)

$(B)/keys/signing_cert.pem:
	@mkdir -p $(dir $@)
	openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 36500 \
		-subj "/CN=vigil development channel signing key" \
		-addext keyUsage=digitalSignature \
		-keyout $(B)/keys/signing_key.pem -out $@ 2>/dev/null
	chmod 600 $(B)/keys/signing_key.pem

$(B)/module/driver/vigil_cert.inc: $(VIGIL_SIGNING_CERT)
	@mkdir -p $(dir $@)
	openssl x509 -in $< -outform DER | od -An -v -tx1 | \
		sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g' > $@

module: $(B)/module/vigil.ko

$(B)/module/vigil.ko: $(MODULE_SRC) $(MODULE_CERT)
	@mkdir -p $(B)/module
	$(if $(MODULE_CERT),,rm -f $(B)/module/driver/vigil_cert.inc)
	cp -p --parents $(MODULE_SRC) $(B)/module/
	$(MAKE) -C $(KDIR) M=$(abspath $(B)/module) CONFIG_VIGIL=m modules

# The same sources with CONFIG_VIGIL_FAULT_INJECTION (Kconfig: test only,
# never installed), for the crash-loop tests, in a folder of its own.
MODULE_FI_CERT	:= $(if $(MODULE_CERT),$(B)/module-fi/driver/vigil_cert.inc)

$(B)/module-fi/driver/vigil_cert.inc: $(MODULE_CERT)
	@mkdir -p $(dir $@)
	cp $< $@

module-fi: $(B)/module-fi/vigil.ko

$(B)/module-fi/vigil.ko: $(MODULE_SRC) $(MODULE_FI_CERT)
	@mkdir -p $(B)/module-fi
	$(if $(MODULE_FI_CERT),,rm -f $(B)/module-fi/driver/vigil_cert.inc)
	cp -p --parents $(MODULE_SRC) $(B)/module-fi/
	$(MAKE) -C $(KDIR) M=$(abspath $(B)/module-fi) CONFIG_VIGIL=m \
		CONFIG_VIGIL_FAULT_INJECTION=y modules

# make install DESTDIR=D [MODULE=path/to/vigil.ko]: the tools, the module
# (default the normal build), the shipped channels, the bootguard's
# configuration, units (enabled) and drop-ins; see scripts/install.
MODULE		?= $(B)/module/vigil.ko
install: all channels $(B)/vigil-bootguard $(MODULE)
	scripts/install "$(or $(DESTDIR),/)" "$(MODULE)" "$(KVER)"

deps:
	scripts/install-deps build test

unit: deps $(UNIT_BIN)
	scripts/run-unit $(UNIT_BIN)

check: deps
	scripts/check

fuzz: deps $(FUZZ_BIN) $(B)/testdata/MANIFEST channels
	scripts/fuzz $(FUZZ_SECONDS)

fuzzers: $(FUZZ_BIN)

demo: deps
	scripts/demo

bench: deps
	scripts/bench

kunit: deps
	scripts/install-deps kunit
	scripts/kunit

lint:
	scripts/install-deps kunit
	scripts/lint

clean:
	rm -rf $(B)

.PHONY: all deps unit check fuzz fuzzers demo bench kunit lint clean install \
	channels module module-fi
.SECONDARY:
