/*
 * Tests for the NTP MACs (ntp_auth.c on mbedTLS): RFC 4493's AES-CMAC
 * examples, then MD5, SHA-1 and AES-CMAC MACs over real NTP messages
 * compared byte for byte with a second implementation's (Python's hashlib
 * and python3-cryptography: fakes/ntp_auth_vectors.h, written by
 * tests/unit/gen_auth_vectors.py), verification that refuses any change,
 * the keys refused, and the static allocator the cipher layer draws on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "fakes/ntp_auth_vectors.h"
#include "mbedtls/aes.h"
#include "mbedtls/cmac.h"
#include "ntp/mbedtls_config.h" /* ntp_auth_calloc(), ntp_auth_free() */
#include "ntp/ntp_auth.h"

/* The blocks mbedtls_cipher_cmac() asks for. */
#define CMAC_BLOCK sizeof(mbedtls_cmac_context_t)
#define AES_BLOCK  sizeof(mbedtls_aes_context)

#define N_VECTORS (sizeof(auth_vectors) / sizeof(auth_vectors[0]))

/* RFC 4493 sec. 4: the key, the message, and the tags of its first 0, 16, 40 and 64 bytes. */
static const uint8_t rfc4493_key[16] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};
static const uint8_t rfc4493_msg[64] = {
    0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
    0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
    0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
    0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const struct {
    size_t len;
    uint8_t tag[16];
} rfc4493_examples[] = {
    { 0,
      { 0xbb, 0x1d, 0x69, 0x29, 0xe9, 0x59, 0x37, 0x28, 0x7f, 0xa3, 0x7d, 0x12, 0x9b, 0x75, 0x67,
        0x46 } },
    { 16,
      { 0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44, 0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28,
        0x7c } },
    { 40,
      { 0xdf, 0xa6, 0x67, 0x47, 0xde, 0x9a, 0xe6, 0x30, 0x30, 0xca, 0x32, 0x61, 0x14, 0x97, 0xc8,
        0x27 } },
    { 64,
      { 0x51, 0xf0, 0xbe, 0xbf, 0x7e, 0x3b, 0x9d, 0x92, 0xfc, 0x49, 0x74, 0x17, 0x79, 0x36, 0x3c,
        0xfe } },
};

static struct ntp_key cmac_key(const uint8_t *secret)
{
    struct ntp_key k = { .key_id = 1, .algorithm = NTP_KEY_AES128_CMAC, .secret_len = 16 };
    memcpy(k.secret, secret, 16);
    return k;
}

static void test_rfc4493_examples(void **state)
{
    (void)state;
    struct ntp_key k = cmac_key(rfc4493_key);
    for (size_t i = 0; i < sizeof(rfc4493_examples) / sizeof(rfc4493_examples[0]); i++) {
        uint8_t tag[16];
        memset(tag, 0xEE, sizeof(tag));
        assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, rfc4493_examples[i].len, tag), 0);
        assert_memory_equal(tag, rfc4493_examples[i].tag, 16);
        assert_int_equal(
            ntp_auth_verify(&k, rfc4493_msg, rfc4493_examples[i].len, rfc4493_examples[i].tag, 16),
            0);
    }
}

/* Every vector signed: the key id and digest exactly as Python computed them, nothing more. */
static void test_sign_matches_python(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct auth_vector *v = &auth_vectors[i];
        uint8_t pkt[128 + NTP_AUTH_MAC_MAX + 4];
        memset(pkt, 0xA5, sizeof(pkt));
        memcpy(pkt, v->msg, v->msg_len);
        size_t mac_len = 0;
        int rc = ntp_auth_sign(&v->key, pkt, v->msg_len, &mac_len);
        if (rc != 0 || mac_len != v->mac_len || memcmp(pkt + v->msg_len, v->mac, v->mac_len) != 0)
            fail_msg("vector %zu (%s): rc %d, mac_len %zu", i, v->what, rc, mac_len);
        assert_memory_equal(pkt, v->msg, v->msg_len);      /* the message untouched */
        assert_int_equal(pkt[v->msg_len + mac_len], 0xA5); /* nothing written past the MAC */
        assert_int_equal(mac_len, NTP_AUTH_KEYID_LEN + ntp_auth_digest_len(v->key.algorithm));
    }
}

/* Every vector verifies; a flipped bit anywhere in message or digest, or a digest cut short, does not. */
static void test_verify_refuses_any_change(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct auth_vector *v = &auth_vectors[i];
        const uint8_t *dig = v->mac + NTP_AUTH_KEYID_LEN;
        size_t dig_len = v->mac_len - NTP_AUTH_KEYID_LEN;
        assert_int_equal(ntp_auth_verify(&v->key, v->msg, v->msg_len, dig, dig_len), 0);

        uint8_t msg[128], d[NTP_AUTH_DIGEST_MAX];
        for (size_t bit = 0; bit < 8 * v->msg_len; bit += 7) {
            memcpy(msg, v->msg, v->msg_len);
            msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            assert_int_equal(ntp_auth_verify(&v->key, msg, v->msg_len, dig, dig_len), -EBADMSG);
        }
        for (size_t bit = 0; bit < 8 * dig_len; bit++) {
            memcpy(d, dig, dig_len);
            d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            assert_int_equal(ntp_auth_verify(&v->key, v->msg, v->msg_len, d, dig_len), -EBADMSG);
        }
        assert_int_equal(ntp_auth_verify(&v->key, v->msg, v->msg_len, dig, dig_len - 4), -EBADMSG);
        assert_int_equal(ntp_auth_verify(&v->key, v->msg, v->msg_len - 1, dig, dig_len), -EBADMSG);
        /* The same secret under another algorithm is another MAC. */
        struct ntp_key other = v->key;
        other.algorithm = v->key.algorithm == NTP_KEY_MD5 ? NTP_KEY_SHA1 : NTP_KEY_MD5;
        assert_int_not_equal(ntp_auth_verify(&other, v->msg, v->msg_len, dig, dig_len), 0);
    }
}

static void test_digest_lengths(void **state)
{
    (void)state;
    assert_int_equal(ntp_auth_digest_len(NTP_KEY_MD5), 16);
    assert_int_equal(ntp_auth_digest_len(NTP_KEY_SHA1), 20);
    assert_int_equal(ntp_auth_digest_len(NTP_KEY_AES128_CMAC), 16);
    assert_int_equal(ntp_auth_digest_len(3), 0);
    assert_int_equal(ntp_auth_digest_len(0xFF), 0);
}

static void test_keys_refused(void **state)
{
    (void)state;
    uint8_t msg[48] = { 0x23 }, d[NTP_AUTH_DIGEST_MAX];
    struct ntp_key k = { .key_id = 1, .algorithm = NTP_KEY_AES128_CMAC, .secret_len = 16 };
    assert_int_equal(ntp_auth_check_key(&k), 0);
    /* AES-128-CMAC: the AES key itself, 16 bytes, no more, no less (RFC 8573 sec. 4). */
    for (uint8_t len = 0; len <= NTP_KEY_SECRET_MAX; len++) {
        k.secret_len = len;
        assert_int_equal(ntp_auth_check_key(&k), len == 16 ? 0 : -EINVAL);
    }
    k.secret_len = 15;
    assert_int_equal(ntp_auth_digest(&k, msg, sizeof(msg), d), -EINVAL);
    assert_int_equal(ntp_auth_verify(&k, msg, sizeof(msg), d, 16), -EINVAL);
    /* MD5 and SHA-1: 1..NTP_KEY_SECRET_MAX bytes. */
    for (uint8_t alg = NTP_KEY_MD5; alg <= NTP_KEY_SHA1; alg++) {
        struct ntp_key h = { .key_id = 2, .algorithm = alg, .secret_len = 0 };
        assert_int_equal(ntp_auth_check_key(&h), -EINVAL);
        h.secret_len = 1;
        assert_int_equal(ntp_auth_check_key(&h), 0);
        h.secret_len = NTP_KEY_SECRET_MAX;
        assert_int_equal(ntp_auth_check_key(&h), 0);
        h.secret_len = NTP_KEY_SECRET_MAX + 1;
        assert_int_equal(ntp_auth_check_key(&h), -EINVAL);
    }
    struct ntp_key unknown = { .key_id = 3, .algorithm = 3, .secret_len = 16 };
    assert_int_equal(ntp_auth_check_key(&unknown), -EINVAL);
    size_t mac_len = 99;
    uint8_t pkt[48 + NTP_AUTH_MAC_MAX] = { 0 };
    assert_int_equal(ntp_auth_sign(&unknown, pkt, 48, &mac_len), -EINVAL);
    assert_int_equal(mac_len, 99);
    assert_int_equal(ntp_auth_check_key(NULL), -EINVAL);
}

/* The cipher layer's two blocks come from the static slots and go back after every CMAC. */
static void test_allocator_slots(void **state)
{
    (void)state;
    /* Two blocks at once (what a CMAC takes), a third refused; each freed slot is used again. */
    void *small = ntp_auth_calloc(1, CMAC_BLOCK);
    void *large = ntp_auth_calloc(1, AES_BLOCK);
    assert_non_null(small);
    assert_non_null(large);
    assert_ptr_not_equal(small, large);
    assert_null(ntp_auth_calloc(1, 1));
    ntp_auth_free(small);
    assert_ptr_equal(ntp_auth_calloc(1, CMAC_BLOCK - 1), small);
    ntp_auth_free(small);
    ntp_auth_free(large);
    /* Too large for any slot, or an overflowing count. */
    assert_null(ntp_auth_calloc(1, 4096));
    assert_null(ntp_auth_calloc(SIZE_MAX / 2, 4));
    /* Zeroed, as calloc promises. */
    uint8_t *p = ntp_auth_calloc(1, AES_BLOCK);
    assert_non_null(p);
    memset(p, 0xFF, AES_BLOCK);
    ntp_auth_free(p);
    p = ntp_auth_calloc(1, AES_BLOCK);
    for (size_t i = 0; i < AES_BLOCK; i++)
        assert_int_equal(p[i], 0);
    ntp_auth_free(p);
    ntp_auth_free(NULL);

    /* A thousand CMACs in a row: nothing left allocated after each. */
    struct ntp_key k = cmac_key(rfc4493_key);
    uint8_t tag[16];
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, (size_t)i % 65, tag), 0);
    void *a = ntp_auth_calloc(1, CMAC_BLOCK), *b = ntp_auth_calloc(1, AES_BLOCK);
    assert_non_null(a);
    assert_non_null(b);
    /* With the slots taken, a CMAC fails cleanly: -ENOMEM, and MD5/SHA-1 need none. */
    assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, 16, tag), -ENOMEM);
    struct ntp_key h = { .key_id = 9, .algorithm = NTP_KEY_SHA1, .secret_len = 3 };
    uint8_t d[20];
    assert_int_equal(ntp_auth_digest(&h, rfc4493_msg, 16, d), 0);
    ntp_auth_free(a);
    ntp_auth_free(b);
    assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, 16, tag), 0);
    assert_memory_equal(tag, rfc4493_examples[1].tag, 16);
}

/* Both slots taken (something is held) when neither a CMAC nor an AES block can be had. */
static bool slots_taken(void)
{
    void *a = ntp_auth_calloc(1, CMAC_BLOCK), *b = ntp_auth_calloc(1, AES_BLOCK);
    bool taken = a == NULL && b == NULL;
    ntp_auth_free(a);
    ntp_auth_free(b);
    return taken;
}

/* A held AES-CMAC key: expanded once, the same tags as one-shot MACs, freed by release. */
static void test_held_key(void **state)
{
    (void)state;
    struct ntp_key k = cmac_key(rfc4493_key);
    uint8_t tag[16];
    assert_false(slots_taken());
    assert_int_equal(ntp_auth_hold(&k), 0);
    assert_true(slots_taken()); /* the schedule is kept */
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof(rfc4493_examples) / sizeof(rfc4493_examples[0]); i++) {
            assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, rfc4493_examples[i].len, tag), 0);
            assert_memory_equal(tag, rfc4493_examples[i].tag, 16);
            assert_int_equal(ntp_auth_verify(&k, rfc4493_msg, rfc4493_examples[i].len,
                                             rfc4493_examples[i].tag, 16),
                             0);
            assert_true(slots_taken()); /* still held: no one-shot MAC ran */
        }
    }
    /* A signature under the held key, then release: the slots are free, zeroed on reuse. */
    uint8_t pkt[48 + NTP_AUTH_MAC_LEN_16];
    memcpy(pkt, rfc4493_msg, 48);
    size_t mac_len = 0;
    assert_int_equal(ntp_auth_sign(&k, pkt, 48, &mac_len), 0);
    assert_int_equal(mac_len, NTP_AUTH_MAC_LEN_16);
    ntp_auth_release();
    assert_false(slots_taken());
    uint8_t one_shot[16];
    assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, 48, one_shot), 0);
    assert_memory_equal(pkt + 52, one_shot, 16);
    ntp_auth_release(); /* nothing held: nothing done */

    /* Another key's digest releases the held one, and is its own. */
    static const uint8_t other_secret[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    struct ntp_key o = cmac_key(other_secret);
    uint8_t want[16], got[16];
    assert_int_equal(ntp_auth_digest(&o, rfc4493_msg, 40, want), 0);
    assert_int_equal(ntp_auth_hold(&k), 0);
    assert_int_equal(ntp_auth_digest(&o, rfc4493_msg, 40, got), 0);
    assert_memory_equal(got, want, 16);
    assert_false(slots_taken());
    /* A key whose id changed while held is not taken for the held one. */
    assert_int_equal(ntp_auth_hold(&k), 0);
    k.key_id = 2;
    assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, 16, tag), 0);
    assert_memory_equal(tag, rfc4493_examples[1].tag, 16);
    assert_false(slots_taken());

    /* MD5 and SHA-1 keys hold nothing; a refused key neither. */
    struct ntp_key h = { .key_id = 9, .algorithm = NTP_KEY_SHA1, .secret_len = 3 };
    assert_int_equal(ntp_auth_hold(&h), 0);
    assert_false(slots_taken());
    struct ntp_key bad = cmac_key(rfc4493_key);
    bad.secret_len = 15;
    assert_int_equal(ntp_auth_hold(&bad), -EINVAL);
    assert_false(slots_taken());
    /* Slots taken by someone else: nothing held, MACs computed one by one (and fail cleanly). */
    void *a = ntp_auth_calloc(1, CMAC_BLOCK);
    assert_non_null(a);
    assert_int_equal(ntp_auth_hold(&k), -ENOMEM);
    ntp_auth_free(a);
    assert_false(slots_taken());
    assert_int_equal(ntp_auth_digest(&k, rfc4493_msg, 16, tag), 0);
    assert_memory_equal(tag, rfc4493_examples[1].tag, 16);
}

/* Decryption is refused (mbedtls_config.h): CMAC never needs it, and it is not linked. */
static void test_no_decryption(void **state)
{
    (void)state;
    mbedtls_aes_context aes;
    uint8_t block[16] = { 0 };
    mbedtls_aes_init(&aes);
    assert_int_equal(mbedtls_aes_setkey_dec(&aes, rfc4493_key, 128),
                     MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE);
    assert_int_equal(mbedtls_internal_aes_decrypt(&aes, block, block),
                     MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE);
    assert_int_equal(mbedtls_aes_setkey_enc(&aes, rfc4493_key, 128), 0);
    assert_int_equal(mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, block, block),
                     MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE);
    mbedtls_aes_free(&aes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4493_examples),
        cmocka_unit_test(test_sign_matches_python),
        cmocka_unit_test(test_verify_refuses_any_change),
        cmocka_unit_test(test_digest_lengths),
        cmocka_unit_test(test_keys_refused),
        cmocka_unit_test(test_held_key),
        cmocka_unit_test(test_allocator_slots),
        cmocka_unit_test(test_no_decryption),
    };
    return cmocka_run_group_tests_name("ntp_auth", tests, NULL, NULL);
}
