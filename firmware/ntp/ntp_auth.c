/*
 * NTP MACs on mbedTLS (see ntp_auth.h): MD5 and SHA-1 through their own
 * contexts (on the stack, nothing allocated), AES-128-CMAC through
 * mbedtls_cipher_cmac(), and the allocator that one needs.
 *
 * Allocator: mbedtls_cipher_cmac() sets up a cipher context, which
 * allocates the AES context (mbedtls_cipher_setup()), starts CMAC, which
 * allocates its state (mbedtls_cipher_cmac_starts()), and frees both,
 * zeroed, before it returns (mbedtls_cipher_free()). The image has no heap,
 * so mbedtls_calloc/mbedtls_free are bound (mbedtls_config.h) to a static
 * slot for each of those two blocks, exactly their size: about 320 bytes
 * of RAM in all, nothing left allocated between requests, the expanded AES
 * key wiped after each (see Held key below). A request that fits no free
 * slot gets NULL, which mbedTLS reports as MBEDTLS_ERR_CIPHER_ALLOC_FAILED
 * (-ENOMEM here): nothing else in the firmware calls mbedTLS, so that would
 * be a bug, and the fuzzers would find it. Chosen over mbedTLS's memory_buffer_alloc (a
 * general heap, with its bookkeeping and fragmentation, for two fixed
 * blocks) and over one long-lived cipher context (the same RAM, but the
 * key schedule of the last key kept in it).
 *
 * Held key (ntp_auth_hold()): for the two MACs of one exchange, the
 * request's and the reply's, the cipher context is set up and the AES key
 * expanded once; each digest under that key then only restarts CMAC
 * (mbedtls_cipher_cmac_reset()). ntp_auth_release() frees it, zeroed, as
 * a one-shot MAC does; a digest under any other key releases it first. The
 * schedule lives for the microseconds of one request, never between them.
 */
#include "ntp/ntp_auth.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "mbedtls/aes.h"
#include "mbedtls/cipher.h"
#include "mbedtls/cmac.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/md5.h"
#include "mbedtls/sha1.h"
#include "ntp/ntp_time.h"

#define MD5_DIGEST_LEN  16
#define SHA1_DIGEST_LEN 20
#define CMAC_DIGEST_LEN 16

_Static_assert(SHA1_DIGEST_LEN <= NTP_AUTH_DIGEST_MAX, "NTP_AUTH_DIGEST_MAX");
_Static_assert(NTP_AUTH_CMAC_KEY_LEN <= NTP_KEY_SECRET_MAX, "NTP_KEY_SECRET_MAX");

/* ------------------------------------------------------------ allocator -- */

/* The two blocks of an AES-CMAC, each in storage aligned for anything. */
static union {
    mbedtls_cmac_context_t ctx;
    max_align_t align;
} cmac_block;
static union {
    mbedtls_aes_context ctx;
    max_align_t align;
} aes_block;

struct slot {
    void *mem;
    size_t size;
    bool is_used;
};

/* Smallest first: a request takes the smallest free slot it fits. */
static struct slot slots[] = {
    { &cmac_block, sizeof(cmac_block), false },
    { &aes_block, sizeof(aes_block), false },
};

void *ntp_auth_calloc(size_t n, size_t size)
{
    if (n != 0 && size > SIZE_MAX / n) {
        return NULL;
    }
    size_t bytes = n * size;
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        struct slot *sl = &slots[i];
        if (!sl->is_used && bytes <= sl->size) {
            sl->is_used = true;
            memset(sl->mem, 0, sl->size);
            return sl->mem;
        }
    }
    return NULL;
}

void ntp_auth_free(void *p)
{
    for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        if (slots[i].mem == p) {
            slots[i].is_used = false;
        }
    }
}

/* ------------------------------------------------------- no decryption -- */

/*
 * AES decryption, which nothing here uses, replaced by refusals
 * (MBEDTLS_AES_SETKEY_DEC_ALT and MBEDTLS_AES_DECRYPT_ALT in
 * mbedtls_config.h): the cipher layer still names them, the inverse tables
 * and rounds are not linked.
 */
int mbedtls_aes_setkey_dec(mbedtls_aes_context *ctx, const unsigned char *key, unsigned int keybits)
{
    (void)ctx;
    (void)key;
    (void)keybits;
    return MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE;
}

int mbedtls_internal_aes_decrypt(mbedtls_aes_context *ctx, const unsigned char input[16],
                                 unsigned char output[16])
{
    (void)ctx;
    (void)input;
    (void)output;
    return MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE;
}

/* ----------------------------------------------------------------- MACs -- */

size_t ntp_auth_digest_len(uint8_t algorithm)
{
    switch (algorithm) {
    case NTP_KEY_MD5: return MD5_DIGEST_LEN;
    case NTP_KEY_SHA1: return SHA1_DIGEST_LEN;
    case NTP_KEY_AES128_CMAC: return CMAC_DIGEST_LEN;
    default: return 0;
    }
}

int ntp_auth_check_key(const struct ntp_key *key)
{
    if (key == NULL || ntp_auth_digest_len(key->algorithm) == 0 || key->secret_len == 0 ||
        key->secret_len > NTP_KEY_SECRET_MAX) {
        return -EINVAL;
    }
    if (key->algorithm == NTP_KEY_AES128_CMAC && key->secret_len != NTP_AUTH_CMAC_KEY_LEN) {
        return -EINVAL;
    }
    return 0;
}

/* MD5(secret || msg): RFC 5905 sec. 7.3 and appendix A.2's md5(). */
static int digest_md5(const struct ntp_key *key, const uint8_t *msg, size_t len, uint8_t *out)
{
    mbedtls_md5_context c;
    mbedtls_md5_init(&c);
    int err = mbedtls_md5_starts_ret(&c);
    if (err == 0) {
        err = mbedtls_md5_update_ret(&c, key->secret, key->secret_len);
    }
    if (err == 0) {
        err = mbedtls_md5_update_ret(&c, msg, len);
    }
    if (err == 0) {
        err = mbedtls_md5_finish_ret(&c, out);
    }
    mbedtls_md5_free(&c);
    return err;
}

/* SHA1(secret || msg): ntpd's and chrony's SHA1 keys, the same construction. */
static int digest_sha1(const struct ntp_key *key, const uint8_t *msg, size_t len, uint8_t *out)
{
    mbedtls_sha1_context c;
    mbedtls_sha1_init(&c);
    int err = mbedtls_sha1_starts_ret(&c);
    if (err == 0) {
        err = mbedtls_sha1_update_ret(&c, key->secret, key->secret_len);
    }
    if (err == 0) {
        err = mbedtls_sha1_update_ret(&c, msg, len);
    }
    if (err == 0) {
        err = mbedtls_sha1_finish_ret(&c, out);
    }
    mbedtls_sha1_free(&c);
    return err;
}

/* The AES-CMAC key held by ntp_auth_hold(), its key schedule expanded in cipher. */
static struct {
    mbedtls_cipher_context_t cipher;
    const struct ntp_key *key; /* NULL: none held */
    uint32_t key_id;           /* key->key_id when held: a changed key is not used */
} held;

void ntp_auth_release(void)
{
    if (held.key != NULL) {
        mbedtls_cipher_free(&held.cipher); /* zeroes and frees both blocks */
        held.key = NULL;
    }
}

int ntp_auth_hold(const struct ntp_key *key)
{
    ntp_auth_release();
    if (ntp_auth_check_key(key) != 0) {
        return -EINVAL;
    }
    if (key->algorithm != NTP_KEY_AES128_CMAC) {
        return 0; /* MD5 and SHA-1 have nothing to keep: the secret is hashed with the message */
    }
    mbedtls_cipher_init(&held.cipher);
    int err = mbedtls_cipher_setup(&held.cipher,
                                   mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_128_ECB));
    if (err == 0) {
        err = mbedtls_cipher_cmac_starts(&held.cipher, key->secret, 8u * NTP_AUTH_CMAC_KEY_LEN);
    }
    if (err != 0) {
        mbedtls_cipher_free(&held.cipher);
        return err == MBEDTLS_ERR_CIPHER_ALLOC_FAILED ? -ENOMEM : -EINVAL;
    }
    held.key = key;
    held.key_id = key->key_id;
    return 0;
}

/* The CMAC of msg under the held key (ntp_auth_hold()); CMAC restarted first. */
static int digest_held(const uint8_t *msg, size_t len, uint8_t *out)
{
    int err = mbedtls_cipher_cmac_reset(&held.cipher);
    if (err == 0) {
        err = mbedtls_cipher_cmac_update(&held.cipher, msg, len);
    }
    if (err == 0) {
        err = mbedtls_cipher_cmac_finish(&held.cipher, out);
    }
    return err;
}

int ntp_auth_digest(const struct ntp_key *key, const uint8_t *msg, size_t len, uint8_t *digest)
{
    if (ntp_auth_check_key(key) != 0 || (msg == NULL && len != 0) || digest == NULL) {
        return -EINVAL;
    }
    bool is_held = held.key != NULL && held.key == key && held.key_id == key->key_id;
    if (!is_held) {
        ntp_auth_release(); /* the slots are needed, and the held key is not this one */
    }
    int err;
    switch (key->algorithm) {
    case NTP_KEY_MD5: err = digest_md5(key, msg, len, digest); break;
    case NTP_KEY_SHA1: err = digest_sha1(key, msg, len, digest); break;
    default:
        err = is_held
                  ? digest_held(msg, len, digest)
                  : mbedtls_cipher_cmac(mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_128_ECB),
                                        key->secret, 8u * NTP_AUTH_CMAC_KEY_LEN, msg, len, digest);
        break;
    }
    return err == 0 ? 0 : err == MBEDTLS_ERR_CIPHER_ALLOC_FAILED ? -ENOMEM : -EINVAL;
}

int ntp_auth_verify(const struct ntp_key *key, const uint8_t *msg, size_t len,
                    const uint8_t *digest, size_t digest_len)
{
    if (ntp_auth_check_key(key) != 0) {
        return -EINVAL;
    }
    if (digest == NULL || digest_len != ntp_auth_digest_len(key->algorithm)) {
        return -EBADMSG;
    }
    uint8_t want[NTP_AUTH_DIGEST_MAX];
    int err = ntp_auth_digest(key, msg, len, want);
    if (err != 0) {
        return err;
    }
    return mbedtls_ct_memcmp(want, digest, digest_len) == 0 ? 0 : -EBADMSG;
}

int ntp_auth_sign(const struct ntp_key *key, uint8_t *pkt, size_t len, size_t *mac_len)
{
    if (pkt == NULL || mac_len == NULL) {
        return -EINVAL;
    }
    int err = ntp_auth_digest(key, pkt, len, pkt + len + NTP_AUTH_KEYID_LEN);
    if (err != 0) {
        return err;
    }
    ntp_time_put_be32(pkt + len, key->key_id);
    *mac_len = NTP_AUTH_KEYID_LEN + ntp_auth_digest_len(key->algorithm);
    return 0;
}
