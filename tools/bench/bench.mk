# The engine bench ELF: tools/bench/engine_bench.c linked with the very
# objects the firmware is built from (firmware/ntp, firmware/clock, mbedTLS), so the
# code measured is the code shipped, with the board's CPU and flags.
#
# The harness is compiled without link-time optimisation: it provides the
# system calls newlib resolves after LTO has run (see the Makefile).
#
# Read after the top-level Makefile, for its flags and object rules:
#   make -f Makefile -f tools/bench/bench.mk BOARD=<board> bench-engine-elf

BENCH_DIR  := $(FW_DIR)/bench
BENCH_ELF  := $(BENCH_DIR)/engine_bench.elf
BENCH_OBJS := $(filter $(FW_DIR)/obj/firmware/ntp/% $(FW_DIR)/obj/firmware/clock/% \
    $(FW_DIR)/obj/lib/wide.o $(FW_DIR)/obj/lib/calendar.o $(FW_DIR)/obj/$(MBEDTLS_DIR)/%,$(FW_OBJS))

$(BENCH_DIR)/engine_bench.o: tools/bench/engine_bench.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CROSS)gcc $(FW_CFLAGS) -fno-lto -MMD -MP -c $< -o $@

$(BENCH_ELF): $(BENCH_DIR)/engine_bench.o $(BENCH_OBJS) $(BOARD_LDSCRIPT)
	@echo "  LD      $@"
	$(Q)$(CROSS)gcc $(BOARD_CPU) -T$(BOARD_LDSCRIPT) -nostartfiles --specs=nano.specs \
	    -Wl,--gc-sections -Wl,-Map=$(BENCH_DIR)/engine_bench.map \
	    $(filter %.o,$^) -o $@

.PHONY: bench-engine-elf
bench-engine-elf: $(BENCH_ELF)

-include $(BENCH_DIR)/engine_bench.d

# The MAC code's size per module: firmware/ntp/ntp_auth.c and the mbedTLS
# sources compiled as for the image but without link-time optimisation
# (which merges them past telling apart), linked with only ntp_auth.h's
# functions kept (--gc-sections): the map says which module each byte of
# code, constants and RAM came from (tools/bench.py, section 1).
AUTH_SIZE_DIR  := $(BENCH_DIR)/auth-size
AUTH_SIZE_ELF  := $(AUTH_SIZE_DIR)/auth_size.elf
AUTH_SIZE_OBJS := $(AUTH_SIZE_DIR)/ntp_auth.o \
    $(patsubst $(MBEDTLS_DIR)/library/%.c,$(AUTH_SIZE_DIR)/%.o,$(MBEDTLS_SRCS))
AUTH_SIZE_CFLAGS = $(filter-out -flto%,$(FW_CFLAGS)) -fno-lto

$(AUTH_SIZE_DIR)/ntp_auth.o: firmware/ntp/ntp_auth.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CROSS)gcc $(AUTH_SIZE_CFLAGS) -MMD -MP -c $< -o $@
$(AUTH_SIZE_DIR)/%.o: $(MBEDTLS_DIR)/library/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CROSS)gcc $(AUTH_SIZE_CFLAGS) $(MBEDTLS_RELAX) -MMD -MP -c $< -o $@

$(AUTH_SIZE_ELF): $(AUTH_SIZE_OBJS)
	@echo "  LD      $@"
	$(Q)$(CROSS)gcc $(BOARD_CPU) -nostartfiles --specs=nano.specs -Wl,--gc-sections \
	    -Wl,--entry=ntp_auth_sign -Wl,--undefined=ntp_auth_verify \
	    -Wl,-Map=$(AUTH_SIZE_DIR)/auth_size.map $^ -o $@

.PHONY: bench-auth-size
bench-auth-size: $(AUTH_SIZE_ELF)

-include $(AUTH_SIZE_OBJS:.o=.d)
