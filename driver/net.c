// SPDX-License-Identifier: GPL-2.0
/*
 * vigil: network events, from the kernel's copy of the address.
 *
 *	socket_connect	connect: connect(2), io_uring's connect, 32-bit
 *			calls; the address as the kernel copied it
 *	socket_sendmsg	connect: a message sent to an address named with
 *			it (sendto(2), sendmsg(2), io_uring), which is how a
 *			datagram socket reaches a peer without connect(2)
 *
 * Families inet, inet6 and unix (an abstract unix name gets a leading
 * '@'); other families are not reported.  sendmsg() is frequent and
 * mostly without an address: that case returns at once.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/un.h>

#include "event.h"
#include "hooks.h"

/*
 * Report a connection to the @len bytes of address at @sa.
 * Return: 0, or -EPERM to refuse it.
 */
static int vigil_connect(const struct sockaddr *sa, int len)
{
	struct vigil_addr daddr = {};
	struct vigil_scratch *s;
	struct vigil_common c;
	struct vigil_str upath;
	u64 dport = 0;
	size_t n;

	if (len < (int)sizeof(sa_family_t))
		return 0;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < (int)sizeof(struct sockaddr_in))
			return 0;
		break;
	case AF_INET6:
		if (len < (int)offsetofend(struct sockaddr_in6, sin6_addr))
			return 0;
		break;
	case AF_UNIX:
		break;
	default:
		return 0;
	}
	s = vigil_event_begin();
	if (!s)
		return 0;
	upath = vigil_event_str(s->buf1, 0);
	switch (sa->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const void *)sa;

		daddr.a[10] = 0xff;
		daddr.a[11] = 0xff;
		memcpy(&daddr.a[12], &sin->sin_addr, 4);
		dport = ntohs(sin->sin_port);
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		memcpy(daddr.a, &sin6->sin6_addr, 16);
		dport = ntohs(sin6->sin6_port);
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *sun = (const void *)sa;

		if (len <= (int)offsetof(struct sockaddr_un, sun_path))
			break;
		n = min_t(size_t, len - offsetof(struct sockaddr_un, sun_path),
			  sizeof(sun->sun_path));
		memcpy(s->buf1, sun->sun_path, n);
		if (s->buf1[0] == '\0')
			s->buf1[0] = '@';	/* abstract name */
		else
			n = strnlen(s->buf1, n);
		upath.len = n;
		break;
	}
	}
	vigil_event_common(s, &c, current);
	vigil_fill_connect(&s->ev, c.pid, c.tgid, c.ppid, c.uid, c.gid, c.comm,
			   (u64)sa->sa_family, daddr, dport, upath, c.exe);
	return vigil_event_decide(s);
}

/**
 * vigil_socket_connect() - a socket is being connected
 * @sock: the socket
 * @address: the peer's address, the kernel's copy
 * @addrlen: its length
 *
 * Return: 0, or -EPERM to refuse the connection.
 */
int vigil_socket_connect(struct socket *sock, struct sockaddr *address,
			 int addrlen)
{
	return vigil_connect(address, addrlen);
}

/**
 * vigil_socket_sendmsg() - a message is being sent
 * @sock: the socket
 * @msg: the message; msg_name, if set, is the kernel's copy of the address
 * @size: its length
 *
 * Return: 0, or -EPERM to refuse sending to that address.
 */
int vigil_socket_sendmsg(struct socket *sock, struct msghdr *msg, int size)
{
	if (likely(!msg->msg_name))
		return 0;
	return vigil_connect(msg->msg_name, msg->msg_namelen);
}
