/*
 * The clock trim split between a DS3231's aging offset and the served
 * time (see rtctrim.h).
 */
#include "rtctrim.h"

#include "hal/rtc.h"

int8_t rtctrim_aging_lsb(int32_t trim_ppb)
{
    int32_t half = RTC_AGING_PPB_PER_LSB / 2;
    /* A slow RTC (positive trim) is sped up by a negative offset. */
    int32_t lsb = -((trim_ppb >= 0 ? trim_ppb + half : trim_ppb - half) / RTC_AGING_PPB_PER_LSB);
    if (lsb > INT8_MAX) {
        lsb = INT8_MAX;
    } else if (lsb < INT8_MIN) {
        lsb = INT8_MIN;
    }
    return (int8_t)lsb;
}

int32_t rtctrim_rest_ppb(int32_t trim_ppb, int8_t aging_lsb)
{
    /* The chip now runs aging_lsb steps slower: the served time makes that up as well. */
    return trim_ppb + aging_lsb * RTC_AGING_PPB_PER_LSB;
}
