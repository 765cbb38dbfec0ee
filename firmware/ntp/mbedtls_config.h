/*
 * mbedTLS configuration (MBEDTLS_CONFIG_FILE) for the NTP MACs: the
 * library's default config.h replaced by the few modules ntp_auth.c calls,
 * for the Cortex-M3 images and the same on the host (unit tests, fuzzers).
 * mbedTLS 2.28 option names; the Makefile builds only the sources these
 * need (aes, cipher, cipher_wrap, cmac, md5, sha1, platform_util,
 * constant_time).
 *
 * Memory: the image has no heap. The cipher layer allocates two blocks per
 * AES-CMAC (the AES context in mbedtls_cipher_setup(), the CMAC state in
 * mbedtls_cipher_cmac_starts()) and frees both in mbedtls_cipher_free();
 * MD5 and SHA-1 allocate nothing. mbedtls_calloc/mbedtls_free are bound at
 * compile time to ntp_auth.c's allocator, one static slot for each of those
 * two blocks (see there).
 */
#ifndef NTP_MBEDTLS_CONFIG_H
#define NTP_MBEDTLS_CONFIG_H

#include <stddef.h>

/* ---------------------------------------------------------- algorithms -- */

/* AES-128-CMAC (RFC 4493, RFC 8573): the block cipher, the cipher layer, CMAC. */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CMAC_C
/* MD5 (RFC 5905 sec. 7.3, legacy) and SHA-1 (ntpd's and chrony's SHA1 keys). */
#define MBEDTLS_MD5_C
#define MBEDTLS_SHA1_C

/*
 * AES tables in flash (const), and one table per direction instead of four
 * (the other three are rotations, computed on the fly): about 2 KiB of
 * flash per direction instead of 8, no RAM; slower per round, which a
 * 48-byte NTP header (three blocks) barely feels.
 */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES

/*
 * CMAC only ever encrypts, but the cipher layer's AES-ECB descriptor
 * links decryption too (its key schedule, rounds and inverse tables, about
 * 2 KiB of flash). ntp_auth.c replaces both with functions that refuse
 * (MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE), and the linker drops the rest.
 */
#define MBEDTLS_AES_SETKEY_DEC_ALT
#define MBEDTLS_AES_DECRYPT_ALT

/*
 * Not defined, on purpose: MBEDTLS_AESNI_C and MBEDTLS_PADLOCK_C (x86 only),
 * MBEDTLS_HAVE_ASM, every MBEDTLS_CIPHER_MODE_* and MBEDTLS_CIPHER_PADDING_*
 * (CMAC needs ECB only, which the cipher layer always has), MBEDTLS_MD_C,
 * MBEDTLS_FS_IO, MBEDTLS_HAVE_TIME, MBEDTLS_SELF_TEST, MBEDTLS_ERROR_C,
 * MBEDTLS_THREADING_C, MBEDTLS_PSA_CRYPTO_C.
 */

/* Only the mbedtls_*_ret() forms of the hash API (the others are deprecated). */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---------------------------------------------------------- platform -- */

/* calloc/free are ours, bound at compile time (no mbedtls_platform_set_calloc_free()). */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO ntp_auth_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   ntp_auth_free

/* ntp_auth.c: blocks from its static slots; NULL when none fits (never the heap). */
void *ntp_auth_calloc(size_t n, size_t size);
void ntp_auth_free(void *p);

#include "mbedtls/check_config.h"

#endif /* NTP_MBEDTLS_CONFIG_H */
