# Network time appliance: build, test, run.
#
#   make run                 build and boot the appliance in QEMU (NTP on 127.0.0.1:$(NTP_PORT))
#   make test                host unit tests, fuzz smoke, then the real image in QEMU against real clients
#   make fuzz                every libFuzzer harness for FUZZ_SECONDS (default 60) each
#   make firmware BOARD=b    build/<b>/firmware.elf, .bin, .hex
#   make interop             the client matrix on the reference board, written to docs/INTEROP.md
#   make bench               performance table (builds the lwIP-only baseline too: NET_FASTPATH=0)
#   make flash BOARD=b       flash a real board (OpenOCD; MPS2: MPS2_MOUNT=<usb drive>)
#   make debug               OpenOCD + gdb-multiarch on a real EK-LM3S6965
#   make deps                install what is missing (Debian packages, lwIP source)
#   make format              apply .clang-format to every C file (format-check: CI's check)

BOARD    ?= lm3s6965evb
NTP_PORT ?= 12300
BUILD    := build
LWIP_VER := 2.1.3
LWIPDIR  := $(BUILD)/lwip/lwip-$(LWIP_VER)/src
MBEDTLS_VER := 2.28.3
MBEDTLS_DIR := $(BUILD)/mbedtls/mbedtls-$(MBEDTLS_VER)
PYTHON   := /usr/bin/python3
Q        ?= @

# Makes `make deps` a prerequisite only when something is missing, so that
# a configured machine does not run apt on every build: when the stamp is
# older than the script or a checksum list, or when a source tree it
# promises is not there (a clone made before that tree was added to it).
DEPS_STAMP := $(BUILD)/.deps-ok
DEPS_TREES := $(LWIPDIR)/core/udp.c $(MBEDTLS_DIR)/library/cmac.c
$(DEPS_STAMP): tools/deps.sh tools/lwip.sha256 tools/mbedtls.sha256 \
               $(if $(filter-out $(wildcard $(DEPS_TREES)),$(DEPS_TREES)),deps-missing)
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $@
.PHONY: deps-missing

.PHONY: deps
deps:
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $(DEPS_STAMP)

# ---------------------------------------------------------------- mbedTLS --
#
# The MAC algorithms of NTP's symmetric keys (firmware/ntp/ntp_auth.c): only
# the modules they need, configured by firmware/ntp/mbedtls_config.h, the
# same sources for the images, the unit tests and the fuzzers. Third-party
# code: built with its own warnings relaxed, ours not.

MBEDTLS_SRCS   := $(addprefix $(MBEDTLS_DIR)/library/, aes.c cipher.c cipher_wrap.c cmac.c \
                      md5.c sha1.c platform_util.c constant_time.c)
MBEDTLS_CFLAGS := -I$(MBEDTLS_DIR)/include -DMBEDTLS_CONFIG_FILE='"ntp/mbedtls_config.h"'
MBEDTLS_RELAX  := -Wno-error -Wno-missing-prototypes -Wno-shadow -Wno-undef \
                  -Wno-unused-const-variable

# ---------------------------------------------------------------- firmware --

include board/$(BOARD)/board.mk

CROSS    := arm-none-eabi-
# NET_FASTPATH=0: the lwIP-only baseline `make bench` compares the NTP fast
# path with (firmware/net/net.h), built apart in build/<board>-baseline.
NET_FASTPATH ?= 1
FW_DIR   := $(BUILD)/$(BOARD)$(if $(filter 0,$(NET_FASTPATH)),-baseline)
FW_ELF   := $(FW_DIR)/firmware.elf

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wundef
FW_CFLAGS := $(BOARD_CPU) -Os -flto=auto -g3 -std=gnu11 -ffunction-sections -fdata-sections \
             -fno-common $(WARN) -DBOARD_$(BOARD_DEFINE) -DNET_FASTPATH=$(NET_FASTPATH) \
             -I. -Iboard/$(BOARD) -Ifirmware -Ifirmware/net -Ihal/include -Ihal \
             -I$(LWIPDIR)/include $(MBEDTLS_CFLAGS)
FW_LDFLAGS := $(BOARD_CPU) -Os -flto=auto -T$(BOARD_LDSCRIPT) -nostartfiles --specs=nano.specs \
              -Wl,--gc-sections -Wl,-Map=$(FW_DIR)/firmware.map \
              -Wl,--print-memory-usage

APP_SRCS := $(wildcard firmware/*.c firmware/*/*.c)
# Hardware-free code the application and the drivers share.
LIB_SRCS := $(wildcard lib/*.c)
LWIP_SRCS := $(addprefix $(LWIPDIR)/, core/init.c core/def.c core/inet_chksum.c \
    core/ip.c core/mem.c core/memp.c core/netif.c core/pbuf.c core/stats.c core/udp.c \
    core/timeouts.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
    core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c)
FW_SRCS  := $(APP_SRCS) $(LIB_SRCS) $(BOARD_SRCS) $(LWIP_SRCS) $(MBEDTLS_SRCS)
FW_OBJS  := $(patsubst %.c,$(FW_DIR)/obj/%.o,$(FW_SRCS))

# newlib's references to the system calls, and the libc functions the
# firmware replaces (lib/format.c), are resolved after link-time optimisation
# has run, so they must come from plain objects.
$(FW_DIR)/obj/hal/cortexm/syscalls.o: FW_EXTRA := -fno-lto
$(FW_DIR)/obj/lib/format.o: FW_EXTRA := -fno-lto -fno-builtin

# lwIP is third-party code: build it with its own warnings relaxed, ours not.
$(FW_DIR)/obj/$(LWIPDIR)/%.o: FW_EXTRA := -Wno-error -Wno-missing-prototypes -Wno-shadow -Wno-undef
$(FW_DIR)/obj/$(MBEDTLS_DIR)/%.o: FW_EXTRA := $(MBEDTLS_RELAX)

$(FW_DIR)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CROSS)gcc $(FW_CFLAGS) $(FW_EXTRA) -MMD -MP -c $< -o $@

$(FW_ELF): $(FW_OBJS) $(BOARD_LDSCRIPT)
	@echo "  LD      $@"
	$(Q)$(CROSS)gcc $(FW_LDFLAGS) $(FW_OBJS) -o $@

$(FW_DIR)/firmware.bin: $(FW_ELF)
	$(Q)$(CROSS)objcopy -O binary $< $@
$(FW_DIR)/firmware.hex: $(FW_ELF)
	$(Q)$(CROSS)objcopy -O ihex $< $@

.PHONY: firmware
firmware: $(FW_ELF) $(FW_DIR)/firmware.bin $(FW_DIR)/firmware.hex

-include $(FW_OBJS:.o=.d)

# Every firmware source needs lwIP and mbedTLS unpacked before the compiler sees it.
$(FW_SRCS): | $(DEPS_STAMP)

# ---------------------------------------------------------------- unit tests --
#
# tests/unit/test_X.c is one test program; tests/unit/test_X.mk names the
# project sources it links against: TEST_SRCS_test_X := firmware/...c
# (and $(MBEDTLS_HOST_LIB), last, for mbedTLS), and may add compiler flags
# for that program: TEST_CFLAGS_test_X := -D...
# Host build with sanitizers; cmocka prints each program's summary.

HOST_DIR    := $(BUILD)/host
HOST_CFLAGS := -std=gnu11 -g -O1 $(WARN) -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -DUNIT_TEST \
               -I. -Ifirmware -Ifirmware/net -Ihal/include -Ihal -Itests/unit $(MBEDTLS_CFLAGS)

# mbedTLS for the host programs: an archive, so each links what it calls.
MBEDTLS_HOST_LIB := $(HOST_DIR)/mbedtls/libmbedcrypto.a
$(HOST_DIR)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)gcc $(HOST_CFLAGS) $(MBEDTLS_RELAX) -MMD -MP -c $< -o $@
$(MBEDTLS_HOST_LIB): $(patsubst $(MBEDTLS_DIR)/library/%.c,$(HOST_DIR)/mbedtls/%.o,$(MBEDTLS_SRCS))
	$(Q)rm -f $@ && ar rcs $@ $^
-include $(wildcard $(HOST_DIR)/mbedtls/*.d)
UNIT_TESTS  := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
-include $(wildcard tests/unit/test_*.mk)

define unit_rule
$(HOST_DIR)/$(1): tests/unit/$(1).c tests/unit/$(1).mk $$(TEST_SRCS_$(1)) | $(DEPS_STAMP)
	@mkdir -p $(HOST_DIR)
	@echo "  HOSTCC  $$@"
	$(Q)gcc $(HOST_CFLAGS) $$(TEST_CFLAGS_$(1)) -MMD -MP -MF $$@.d -o $$@ tests/unit/$(1).c $$(TEST_SRCS_$(1)) -lcmocka -lm
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
-include $(wildcard $(HOST_DIR)/*.d)

.PHONY: unit
unit: $(addprefix $(HOST_DIR)/,$(UNIT_TESTS))
	@tools/run-unit.sh $^

# ---------------------------------------------------------------- fuzzing --
#
# tests/fuzz/fuzz_X.c is one libFuzzer harness; tests/fuzz/fuzz_X.mk names
# the project sources it links: FUZZ_SRCS_fuzz_X := firmware/...c (and
# $(MBEDTLS_FUZZ_LIB), last, for mbedTLS). Seeds
# are committed in tests/fuzz/corpus/fuzz_X/ (with tests/fuzz/fuzz_X.dict, if
# there is one, as its dictionary); what a run finds goes to
# build/fuzz/corpus/fuzz_X/ (crashes to build/fuzz/fuzz_X-crash-...).
#   make fuzz                each harness for FUZZ_SECONDS (60) seconds
#   make fuzz-smoke          each for 5 s (part of `make test`): a harness that
#                            no longer builds, or crashes on its seeds, fails

FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -fno-omit-frame-pointer -DUNIT_TEST \
                -I. -Ifirmware -Ifirmware/net -Ihal/include -Ihal -Itests/unit -Itests/fuzz \
                $(MBEDTLS_CFLAGS)
FUZZERS      := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))

# mbedTLS for the harnesses: sanitized, without coverage feedback (the
# harnesses steer by the engine's branches, not by the hash rounds').
MBEDTLS_FUZZ_LIB := $(FUZZ_DIR)/mbedtls/libmbedcrypto.a
$(FUZZ_DIR)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)clang $(filter-out -fsanitize=%,$(FUZZ_CFLAGS)) -fsanitize=address,undefined \
	    $(MBEDTLS_RELAX) -MMD -MP -c $< -o $@
$(MBEDTLS_FUZZ_LIB): $(patsubst $(MBEDTLS_DIR)/library/%.c,$(FUZZ_DIR)/mbedtls/%.o,$(MBEDTLS_SRCS))
	$(Q)rm -f $@ && ar rcs $@ $^
-include $(wildcard $(FUZZ_DIR)/mbedtls/*.d)
-include $(wildcard tests/fuzz/fuzz_*.mk)

define fuzz_rule
$(FUZZ_DIR)/$(1): tests/fuzz/$(1).c tests/fuzz/$(1).mk $$(FUZZ_SRCS_$(1)) | $(DEPS_STAMP)
	@mkdir -p $(FUZZ_DIR)
	@echo "  FUZZCC  $$@"
	$(Q)clang $(FUZZ_CFLAGS) -MMD -MP -MF $$@.d -o $$@ tests/fuzz/$(1).c $$(FUZZ_SRCS_$(1))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))
-include $(wildcard $(FUZZ_DIR)/*.d)

# Runs every harness for $(1) seconds from its seeds; stops at the first finding.
define fuzz_run
	@for f in $(FUZZERS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$f && \
	    echo "fuzz: $$f for $(1) s" && \
	    dict=; [ -f tests/fuzz/$$f.dict ] && dict=-dict=tests/fuzz/$$f.dict; \
	    $(FUZZ_DIR)/$$f -max_total_time=$(1) -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
	        $$dict -artifact_prefix=$(FUZZ_DIR)/$$f- $(FUZZ_DIR)/corpus/$$f tests/fuzz/corpus/$$f \
	        > $(FUZZ_DIR)/$$f.log 2>&1 || \
	        { tail -n 40 $(FUZZ_DIR)/$$f.log; echo "fuzz: $$f failed (log: $(FUZZ_DIR)/$$f.log)"; exit 1; }; \
	    grep -E "^stat::number_of_executed_units|^Done" $(FUZZ_DIR)/$$f.log | tr '\n' ' '; echo; \
	done
endef

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZERS))
fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))
fuzz-smoke: fuzz-build
	$(call fuzz_run,5)

# ---------------------------------------------------------------- integration --

.PHONY: integration
integration: firmware | $(DEPS_STAMP)
	BOARD=$(BOARD) $(PYTHON) -m pytest -v -p no:cacheprovider tests/integration

# The second board proves the hardware boundary: its image boots and serves
# the same clients (the whole client matrix among them, and signed replies,
# which leave through its own driver), also as a host on a real (virtual)
# LAN, where its LAN9118 model shows the link going down and up (the full
# suite runs on the reference board).
SECOND_BOARD ?= mps2-an386
.PHONY: integration-second-board
integration-second-board: | $(DEPS_STAMP)
	$(MAKE) BOARD=$(SECOND_BOARD) firmware
	BOARD=$(SECOND_BOARD) $(PYTHON) -m pytest -v -p no:cacheprovider \
	    tests/integration/test_boot.py tests/integration/test_ntp_clients.py \
	    tests/integration/test_auth.py tests/integration/test_keys.py \
	    tests/integration/test_lan.py tests/integration/test_interop.py

# docs/INTEROP.md: every NTP client on this machine against the image
# (tests/integration/test_interop.py), written from the run on the reference
# board. `make test` runs the same matrix without INTEROP_WRITE, so that CI
# leaves the tree as it was.
REFERENCE_BOARD := lm3s6965evb
.PHONY: interop
interop: | $(DEPS_STAMP)
	$(MAKE) BOARD=$(REFERENCE_BOARD) firmware
	BOARD=$(REFERENCE_BOARD) INTEROP_WRITE=1 $(PYTHON) -m pytest -v -p no:cacheprovider \
	    tests/integration/test_interop.py

# ---------------------------------------------------------------- style --
#
# Every tracked C file (git ls-files: build/ and lwIP are not ours) in the
# house style of .clang-format.

C_FILES = $(shell git ls-files '*.c' '*.h')

.PHONY: format format-check
format: | $(DEPS_STAMP)
	@clang-format -i $(C_FILES)
format-check: | $(DEPS_STAMP)
	@clang-format --dry-run -Werror $(C_FILES) && echo "format: $(words $(C_FILES)) files clean"

.PHONY: test
test: $(DEPS_STAMP)
	$(MAKE) format-check
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) integration
	$(MAKE) integration-second-board

# ---------------------------------------------------------------- run/flash --

.PHONY: run
run: firmware
	@tools/qemu-run.sh --board $(BOARD) --port $(NTP_PORT) --elf $(FW_ELF)

.PHONY: flash debug
flash: firmware
	@tools/flash.sh $(BOARD) $(FW_ELF) $(MPS2_MOUNT)
debug: firmware
	@tools/debug.sh $(BOARD) $(FW_ELF)

.PHONY: bench
bench: firmware
	@$(PYTHON) tools/bench.py --board $(BOARD) --elf $(FW_ELF)

.PHONY: clean
clean:
	rm -rf $(FW_DIR) $(HOST_DIR) $(FUZZ_DIR)
