/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_BACKEND_VHOST_H
#define MV_BACKEND_VHOST_H

/**
 * @file
 * The limits of the vhost-user backend, shared by its option description
 * (lib/ctl/backend_args_vhost.c) and its implementation (lib/backend/vhost.c).
 */

/** Longest socket path: sockaddr_un.sun_path holds 108 bytes with the NUL. */
#define MV_VHOST_PATH_MAX 107

/**
 * Most queue pairs one vif serves. Every guest TX queue costs its owner one
 * dequeue call per loop, and more queues than workers deliver to a vif gain
 * nothing; 8 covers the workers of a 16-core host with one port.
 */
#define MV_VHOST_MAX_QUEUES 8

/**
 * The poll-set slots vhost vifs may use. DPDK's vhost library serves every
 * socket from one poll set of 1024 fds (MAX_FDS in 22.11's fd_man.h), one
 * of them its wake-up pipe: a server-mode vif holds a listening fd and,
 * with a guest, a connection fd (2 slots), a client-mode vif only its
 * connection (1; its reconnects are tried on a thread of their own). So at
 * most 511 server-mode vifs, or 1023 client-mode ones, or a mix with
 * 2 * server + client <= 1023. The library's 1024 devices and 1024
 * registered sockets are the other bounds, never reached first.
 */
#define MV_VHOST_FD_SLOTS 1023

#endif /* MV_BACKEND_VHOST_H */
