/*
 * LAN9118 driver configuration. The board fills it with the chip's base
 * address and interrupt and hands it over once, before eth_init().
 */
#ifndef HAL_LAN9118_DRIVERS_H
#define HAL_LAN9118_DRIVERS_H

#include <stdint.h>

struct lan9118_config {
    uintptr_t base;
    unsigned irq;
};

/* Stores the pointer; the config must outlive the driver. */
void lan9118_configure(const struct lan9118_config *cfg);

/*
 * Reads the station address the chip holds (loaded from its EEPROM at
 * reset, or set by QEMU's -nic). Usable before eth_init(). Returns 0;
 * -ENODEV when the chip does not answer; -ENODATA when the address is not
 * a usable unicast one (no EEPROM: all zeros or all ones).
 */
int lan9118_read_mac(uint8_t mac[6]);

/* Interrupt handler the board's vector table names. */
void lan9118_eth_isr(void);

#endif /* HAL_LAN9118_DRIVERS_H */
