/*
 * NTP message authentication codes with symmetric keys (RFC 5905 sec. 7.3,
 * RFC 8573): the digest computed over everything before the MAC (the
 * 48-byte header and any extension fields), and the MAC itself, a 32-bit
 * key id followed by the digest.
 *
 *   MD5           MD5(secret || message), 16 bytes      (RFC 5905, legacy)
 *   SHA-1         SHA1(secret || message), 20 bytes     (ntpd's and chrony's SHA1)
 *   AES-128-CMAC  CMAC(secret, message), 16 bytes       (RFC 8573, RFC 4493)
 *
 * as ntpd, NTPsec and chrony compute them: the whole digest, never
 * truncated; an AES-128-CMAC secret is exactly 16 bytes. The crypto is
 * mbedTLS's (built from Debian's source package, configured by
 * mbedtls_config.h); nothing here touches hardware. Not reentrant (the
 * AES-CMAC context lives in static slots, see ntp_auth.c).
 */
#ifndef NTP_NTP_AUTH_H
#define NTP_NTP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ntp/ntp.h"

/* The key id before the digest (RFC 5905 sec. 7.3). */
#define NTP_AUTH_KEYID_LEN 4

/* The two MAC lengths on the wire: a 16-byte digest (MD5, AES-CMAC) or a 20-byte one (SHA-1). */
#define NTP_AUTH_MAC_LEN_16 (NTP_AUTH_KEYID_LEN + 16)
#define NTP_AUTH_MAC_LEN_20 (NTP_AUTH_KEYID_LEN + 20)

/* Longest digest (SHA-1) and longest MAC. */
#define NTP_AUTH_DIGEST_MAX 20
#define NTP_AUTH_MAC_MAX    (NTP_AUTH_KEYID_LEN + NTP_AUTH_DIGEST_MAX)

/* An AES-128-CMAC secret: the AES-128 key itself (RFC 8573 sec. 4). */
#define NTP_AUTH_CMAC_KEY_LEN 16

/* Returns the digest length of algorithm (enum ntp_key_algorithm) in bytes, 0 for an unknown one. */
size_t ntp_auth_digest_len(uint8_t algorithm);

/*
 * Returns 0 when key can sign and verify: a known algorithm, a secret of
 * 1..NTP_KEY_SECRET_MAX bytes, exactly NTP_AUTH_CMAC_KEY_LEN for
 * AES-128-CMAC. -EINVAL otherwise.
 */
int ntp_auth_check_key(const struct ntp_key *key);

/*
 * Holds key for the MACs of one exchange (the request's digest, the
 * reply's signature) until ntp_auth_release(): an AES-128-CMAC key is
 * expanded once instead of for each MAC (MD5 and SHA-1 keys need nothing
 * held). key must stay where it is, unchanged, while held. Holding another
 * key, or a digest under another key, releases the held one. Returns 0,
 * -EINVAL for a key ntp_auth_check_key() refuses, -ENOMEM as
 * ntp_auth_digest() (nothing held then: the MACs are computed one by one).
 */
int ntp_auth_hold(const struct ntp_key *key);

/* Frees the key ntp_auth_hold() holds, its expanded key zeroed. Nothing held: nothing done. */
void ntp_auth_release(void);

/*
 * Computes the digest of msg[0..len-1] under key into digest
 * (ntp_auth_digest_len() bytes). Returns 0, -EINVAL for a key
 * ntp_auth_check_key() refuses, -ENOMEM if the AES-CMAC slots are taken
 * (a call from inside another: never in this firmware).
 */
int ntp_auth_digest(const struct ntp_key *key, const uint8_t *msg, size_t len, uint8_t *digest);

/*
 * Checks the digest that follows a MAC's key id (digest_len bytes) against
 * the digest of msg[0..len-1] under key, in time that does not depend on
 * where they differ. Returns 0 when they match, -EBADMSG when they do not
 * or digest_len is not the algorithm's, -EINVAL or -ENOMEM as
 * ntp_auth_digest().
 */
int ntp_auth_verify(const struct ntp_key *key, const uint8_t *msg, size_t len,
                    const uint8_t *digest, size_t digest_len);

/*
 * Appends the MAC of pkt[0..len-1] at pkt + len: key->key_id (big-endian),
 * then the digest. The caller provides room for NTP_AUTH_KEYID_LEN +
 * ntp_auth_digest_len() bytes there. Returns 0 with *mac_len set to the
 * bytes appended, or -EINVAL or -ENOMEM as ntp_auth_digest() (no MAC:
 * what lies after pkt + len is then undefined).
 */
int ntp_auth_sign(const struct ntp_key *key, uint8_t *pkt, size_t len, size_t *mac_len);

#endif /* NTP_NTP_AUTH_H */
