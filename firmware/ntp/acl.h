/*
 * IPv4 access lists: a fixed-size list of subnets, each allowed or denied.
 *
 * Matching: the entry with the longest prefix that contains the address
 * decides (so "deny 10.0.0.0/8, allow 10.1.0.0/16" serves 10.1.x.x only).
 * An address no entry contains is decided by the list's policy:
 *   ACL_POLICY_OPEN   - allowed, unless the list has at least one allow
 *                       entry: a list of allows is a whitelist, so
 *                       "allow 192.168.1.0/24" alone refuses everyone else.
 *   ACL_POLICY_CLOSED - refused (the management list: nobody until named).
 * An empty OPEN list allows everyone. A /0 entry matches every address, so
 * "deny 0.0.0.0/0" plus narrower allows is another way to write a whitelist.
 *
 * Entries are kept sorted by prefix length, longest first, so a lookup
 * stops at the first match: at most ACL_MAX_ENTRIES compares per packet.
 * Addresses are host byte order throughout.
 */
#ifndef NTP_ACL_H
#define NTP_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries per list; each costs 8 bytes of RAM and one compare per lookup. */
#ifndef ACL_MAX_ENTRIES
#define ACL_MAX_ENTRIES 16
#endif

enum acl_action {
    ACL_DENY = 0,
    ACL_ALLOW = 1,
};

enum acl_policy {
    ACL_POLICY_OPEN = 0,   /* unmatched: allowed while the list has no allow entry */
    ACL_POLICY_CLOSED = 1, /* unmatched: refused */
};

struct acl_entry {
    uint32_t net;       /* host order, host bits zero */
    uint8_t prefix_len; /* 0..32 */
    uint8_t action;     /* enum acl_action */
};

struct acl {
    struct acl_entry entries[ACL_MAX_ENTRIES]; /* longest prefix first */
    uint8_t count;
    uint8_t allow_count;
    uint8_t policy; /* enum acl_policy */
};

/* Empties the list and sets its policy for unmatched addresses. */
void acl_init(struct acl *a, enum acl_policy policy);

/*
 * Adds net/prefix_len with the given action; host bits of net are cleared
 * (192.168.1.7/24 is 192.168.1.0/24). Adding a subnet already listed
 * replaces its action. Returns 0, -EINVAL for a prefix over 32 or an
 * unknown action, or -ENOSPC when the list is full.
 */
int acl_add(struct acl *a, uint32_t net, uint8_t prefix_len, enum acl_action action);

/* Removes the entry for net/prefix_len (host bits ignored). Returns 0, -EINVAL for a prefix over 32, or -ENOENT. */
int acl_remove(struct acl *a, uint32_t net, uint8_t prefix_len);

/* Removes every entry; the policy stays. */
void acl_clear(struct acl *a);

/* Returns the number of entries. */
size_t acl_count(const struct acl *a);

/* Copies entry index (0 = longest prefix) to *out. Returns 0, or -ENOENT past the end. */
int acl_get(const struct acl *a, size_t index, struct acl_entry *out);

/* Returns true if the list lets ip (host order) in, by the rules above. */
bool acl_is_allowed(const struct acl *a, uint32_t ip);

/* Returns true when the list has no entry (inline: a check per request costs one load). */
static inline bool acl_is_empty(const struct acl *a)
{
    return a->count == 0;
}

#endif /* NTP_ACL_H */
