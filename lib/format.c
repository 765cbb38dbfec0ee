/*
 * snprintf and vsnprintf for the firmware, replacing newlib-nano's.
 *
 * newlib's formatter brings its FILE machinery and malloc (for asprintf)
 * into the image, about 3 KiB the appliance never uses. This one formats
 * into the caller's buffer only and knows what the firmware's format
 * strings use: flags '-' '0' '+' ' ', width and precision (digits or '*'),
 * length modifiers hh h l ll z j t, conversions d i u x X o c s p %.
 * Anything else is copied through as text. No floating point, no heap.
 * It returns what C99 says: the length the whole output would have had.
 *
 * Host unit tests build it as fmt_snprintf/fmt_vsnprintf (format.h), so
 * it does not replace the host libc's, and compare it with the host's.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"

#ifdef FORMAT_PREFIX
#define CAT2(a, b) a##b
#define CAT(a, b)  CAT2(a, b)
#define FN(name)   CAT(FORMAT_PREFIX, name)
#else
#define FN(name) name
#endif

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, stored or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1u < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0) {
        put(o, c);
    }
}

/* Writes digits of v in base (10, 8, 16) with the sign/prefix and padding rules of printf. */
static void put_number(struct out *o, uintmax_t v, bool negative, unsigned base, bool upper,
                       char sign_flag, bool left, bool zero, int width, int precision)
{
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v != 0) {
        digits[n++] = set[v % base];
        v /= base;
    }
    if (precision < 0) {
        precision = 1;
    } else {
        zero = false; /* a precision overrides the 0 flag (C99 7.19.6.1) */
    }
    int zeros = precision > n ? precision - n : 0;
    char sign = negative ? '-' : sign_flag;
    int total = n + zeros + (sign ? 1 : 0);
    if (!left && !zero) {
        pad(o, ' ', width - total);
    }
    if (sign) {
        put(o, sign);
    }
    if (!left && zero) {
        pad(o, '0', width - total);
    }
    pad(o, '0', zeros);
    while (n > 0) {
        put(o, digits[--n]);
    }
    if (left) {
        pad(o, ' ', width - total);
    }
}

int FN(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    while (*fmt != '\0') {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        const char *start = fmt++;
        bool left = false, zero = false;
        char sign_flag = 0;
        for (;; fmt++) {
            if (*fmt == '-') {
                left = true;
            } else if (*fmt == '0') {
                zero = true;
            } else if (*fmt == '+') {
                sign_flag = '+';
            } else if (*fmt == ' ') {
                if (sign_flag == 0) {
                    sign_flag = ' ';
                }
            } else {
                break;
            }
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9') {
                width = width * 10 + (*fmt++ - '0');
            }
        }
        int precision = -1;
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') {
                    precision = precision * 10 + (*fmt++ - '0');
                }
            }
        }
        int size_class =
            0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t, 4 intmax, 5 ptrdiff */
        if (*fmt == 'h') {
            size_class = -1;
            if (*++fmt == 'h') {
                size_class = -2;
                fmt++;
            }
        } else if (*fmt == 'l') {
            size_class = 1;
            if (*++fmt == 'l') {
                size_class = 2;
                fmt++;
            }
        } else if (*fmt == 'z') {
            size_class = 3;
            fmt++;
        } else if (*fmt == 'j') {
            size_class = 4;
            fmt++;
        } else if (*fmt == 't') {
            size_class = 5;
            fmt++;
        }
        char conv = *fmt;
        if (conv == '\0') {
            while (start < fmt) {
                put(&o, *start++); /* a lone '%' at the end: as text */
            }
            break;
        }
        fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (size_class) {
            case -2: v = (signed char)va_arg(ap, int); break;
            case -1: v = (short)va_arg(ap, int); break;
            case 1: v = va_arg(ap, long); break;
            case 2: v = va_arg(ap, long long); break;
            case 3: v = (intmax_t)va_arg(ap, size_t); break;
            case 4: v = va_arg(ap, intmax_t); break;
            case 5: v = va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, int); break;
            }
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            put_number(&o, mag, v < 0, 10, false, sign_flag, left, zero, width, precision);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t v;
            switch (size_class) {
            case -2: v = (unsigned char)va_arg(ap, unsigned); break;
            case -1: v = (unsigned short)va_arg(ap, unsigned); break;
            case 1: v = va_arg(ap, unsigned long); break;
            case 2: v = va_arg(ap, unsigned long long); break;
            case 3: v = va_arg(ap, size_t); break;
            case 4: v = va_arg(ap, uintmax_t); break;
            case 5: v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            unsigned base = conv == 'u' ? 10u : conv == 'o' ? 8u : 16u;
            put_number(&o, v, false, base, conv == 'X', 0, left, zero, width, precision);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, v, false, 16u, false, 0, left, false, width > 2 ? width - 2 : 0, -1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left) {
                pad(&o, ' ', width - 1);
            }
            put(&o, c);
            if (left) {
                pad(&o, ' ', width - 1);
            }
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            int n = 0;
            while (s[n] != '\0' && (precision < 0 || n < precision)) {
                n++;
            }
            if (!left) {
                pad(&o, ' ', width - n);
            }
            for (int i = 0; i < n; i++) {
                put(&o, s[i]);
            }
            if (left) {
                pad(&o, ' ', width - n);
            }
            break;
        }
        case '%': put(&o, '%'); break;
        default:
            while (start < fmt) {
                put(&o, *start++); /* unknown conversion: as text */
            }
            break;
        }
    }
    if (size != 0) {
        buf[o.len < size ? o.len : size - 1u] = '\0';
    }
    return (int)o.len;
}

int FN(snprintf)(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = FN(vsnprintf)(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
