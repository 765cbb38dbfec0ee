/*
 * IPv4 access lists (see acl.h for the matching rules).
 *
 * A sorted array rather than a trie: with a few dozen entries at most, a
 * linear scan that stops at the first (longest) match is smaller and about
 * as fast, and needs no allocation.
 */
#include "ntp/acl.h"

#include <errno.h>
#include <string.h>

static uint32_t prefix_mask(uint8_t prefix_len)
{
    return prefix_len == 0 ? 0 : 0xFFFFFFFFu << (32 - prefix_len);
}

static int find(const struct acl *a, uint32_t net, uint8_t prefix_len)
{
    for (int i = 0; i < a->count; i++)
        if (a->entries[i].net == net && a->entries[i].prefix_len == prefix_len)
            return i;
    return -1;
}

void acl_init(struct acl *a, enum acl_policy policy)
{
    memset(a, 0, sizeof(*a));
    a->policy = (uint8_t)policy;
}

int acl_add(struct acl *a, uint32_t net, uint8_t prefix_len, enum acl_action action)
{
    if (prefix_len > 32 || (action != ACL_ALLOW && action != ACL_DENY))
        return -EINVAL;
    net &= prefix_mask(prefix_len);

    int i = find(a, net, prefix_len);
    if (i >= 0) {
        if (a->entries[i].action == ACL_ALLOW)
            a->allow_count--;
        a->entries[i].action = (uint8_t)action;
        if (action == ACL_ALLOW)
            a->allow_count++;
        return 0;
    }
    if (a->count >= ACL_MAX_ENTRIES)
        return -ENOSPC;

    /* Insert after every entry with a longer or equal prefix. */
    int pos = 0;
    while (pos < a->count && a->entries[pos].prefix_len >= prefix_len)
        pos++;
    memmove(&a->entries[pos + 1], &a->entries[pos],
            (size_t)(a->count - pos) * sizeof(a->entries[0]));
    a->entries[pos].net = net;
    a->entries[pos].prefix_len = prefix_len;
    a->entries[pos].action = (uint8_t)action;
    a->count++;
    if (action == ACL_ALLOW)
        a->allow_count++;
    return 0;
}

int acl_remove(struct acl *a, uint32_t net, uint8_t prefix_len)
{
    if (prefix_len > 32)
        return -EINVAL;
    int i = find(a, net & prefix_mask(prefix_len), prefix_len);
    if (i < 0)
        return -ENOENT;
    if (a->entries[i].action == ACL_ALLOW)
        a->allow_count--;
    memmove(&a->entries[i], &a->entries[i + 1], (size_t)(a->count - i - 1) * sizeof(a->entries[0]));
    a->count--;
    return 0;
}

void acl_clear(struct acl *a)
{
    a->count = 0;
    a->allow_count = 0;
}

size_t acl_count(const struct acl *a)
{
    return a->count;
}

int acl_get(const struct acl *a, size_t index, struct acl_entry *out)
{
    if (index >= a->count)
        return -ENOENT;
    *out = a->entries[index];
    return 0;
}

bool acl_is_allowed(const struct acl *a, uint32_t ip)
{
    for (int i = 0; i < a->count; i++) {
        const struct acl_entry *e = &a->entries[i];
        if ((ip & prefix_mask(e->prefix_len)) == e->net)
            return e->action == ACL_ALLOW;
    }
    if (a->policy == ACL_POLICY_CLOSED)
        return false;
    return a->allow_count == 0;
}
