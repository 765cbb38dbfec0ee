/*
 * lwIP options for the appliance: raw API, NO_SYS=1, IPv4 + UDP + ICMP +
 * ARP + DHCP, nothing else. Every pool is sized here; the board may
 * override any of them before this header is read (option style of
 * lwIP's own opt.h).
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                     1
#define SYS_LIGHTWEIGHT_PROT       0 /* lwIP runs in the main loop only */
#define LWIP_NETCONN               0
#define LWIP_SOCKET                0
#define LWIP_TCP                   0
#define LWIP_UDP                   1
#define LWIP_RAW                   0
#define LWIP_ICMP                  1
#define LWIP_ARP                   1
#define LWIP_DHCP                  1
#define LWIP_IPV4                  1
#define LWIP_IPV6                  0
#define LWIP_IGMP                  0
#define LWIP_DNS                   0
#define LWIP_AUTOIP                0
#define LWIP_STATS                 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_HOSTNAME        1
#define LWIP_DHCP_CHECK_LINK_UP    1
#define DHCP_DOES_ARP_CHECK        0 /* the DHCP server answers for its leases */

/* NTP needs neither fragments nor reassembly; refusing them removes a
 * memory-exhaustion attack (fragments held for reassembly). */
#define IP_REASSEMBLY 0
#define IP_FRAG       0

#define MEM_ALIGNMENT 4
#ifndef MEM_SIZE
#define MEM_SIZE (3 * 1024) /* replies, ARP queue, DHCP */
#endif
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 2 /* net_poll copies in one frame at a time */
#endif
#define PBUF_POOL_BUFSIZE    1536
#define MEMP_NUM_PBUF        8
#define MEMP_NUM_UDP_PCB     6
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)
#define ARP_TABLE_SIZE       16
#define ARP_QUEUEING         1
#define MEMP_NUM_ARP_QUEUE   8
#define ETH_PAD_SIZE         0

#define LWIP_RAND() ((u32_t)net_rand())
unsigned long net_rand(void);

#endif /* LWIPOPTS_H */
