/*
 * Forwarding header: the calendar moved to lib/calendar.h (hardware-free
 * code shared with the drivers). Kept only for firmware/console/commands.c
 * and firmware/net/syslog.c, which still include "clock/calendar.h"; remove
 * it once they include "lib/calendar.h".
 */
#ifndef CLOCK_CALENDAR_H
#define CLOCK_CALENDAR_H

#include "lib/calendar.h"

#endif /* CLOCK_CALENDAR_H */
