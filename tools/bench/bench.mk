# The engine bench ELF: tools/bench/engine_bench.c linked with the very
# objects the firmware is built from (firmware/ntp, firmware/clock), so the
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
    $(FW_DIR)/obj/lib/wide.o $(FW_DIR)/obj/lib/calendar.o,$(FW_OBJS))

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
