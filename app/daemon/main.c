/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-macvlan: the Linux macvlan driver as a DPDK program.
 *
 *   dpdk-macvlan [EAL options] -- [-i] [--cmdline-file FILE]
 *                [--stats-period SEC] [--burst N] [--ring-size N] [--mbufs N]
 *                [--flood-share PCT] [--ctl-socket PATH|none] [--ctl-group NAME]
 *
 * The main lcore is the control thread (tables, shell, control socket, link
 * polling: loop.c); every other lcore is a worker running the datapath.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "app.h"
#include "mv_ctl_hooks.h"
#include "trace.h"
#include "eal_errors.h"
#include "mv_render.h"
#include "show.h"
#include "telemetry.h"
#include "ctl_queue.h"
#include "ctl_server.h"
#include "events.h"
#include "runtime.h"
#include "watch.h"

volatile sig_atomic_t app_signal;
volatile sig_atomic_t app_sigint_clears;
volatile sig_atomic_t app_sigint_pending;

/*
 * The first SIGINT/SIGTERM ends the control loop and the program shuts down
 * in order; a second one, while that is under way (a stuck worker, a slow
 * teardown), ends the process at once: SIGTERM always ends it. While the
 * shell runs at a terminal, SIGINT is the shell's: it clears the line.
 */
static void
on_signal(int sig)
{
	static const char msg[] = "dpdk-macvlan: second signal, exiting now\n";

	if (sig == SIGINT && app_sigint_clears && app_signal == 0) {
		app_sigint_pending = 1;
		return;
	}

	if (app_signal != 0) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to do in a signal handler */
		}
		_exit(128 + sig);
	}
	app_signal = sig;
}

static void
usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [EAL options] -- [-i] [--cmdline-file FILE] [--stats-period SEC]\n"
		"       [--burst N] [--ring-size N] [--mbufs N] [--flood-share PCT]\n"
		"       [--ctl-socket PATH|none] [--ctl-group NAME] [--socket-group NAME]\n"
		"  -i                  interactive shell on stdin (prompt \"macvlan> \")\n"
		"  --cmdline-file FILE run the commands in FILE first; stop at the first error\n"
		"  --stats-period SEC  print link stats every SEC seconds\n"
		"  --burst N           frames per burst (1..%d, default %d)\n"
		"  --ring-size N       per-vif ring entries (power of 2, default %d)\n"
		"  --mbufs N           mbufs in the pool (default: what the ports' rings, the\n"
		"                      broadcast queues and the workers can hold, plus %d)\n"
		"  --flood-share PCT   at most this share of a busy worker's time goes to the\n"
		"                      broadcast queue\n"
		"                      (1..100, default %d; 100: a burst per loop)\n"
		"  --ctl-socket PATH   the control socket (default %s/<file-prefix>.sock;\n"
		"                      none: no socket); dpdk-macvlan-ctl talks to it\n"
		"  --ctl-group NAME    members of group NAME may use the control socket\n"
		"  --socket-group NAME the group of the vhost-user and memif sockets vifs\n"
		"                      create (mode 0660; a vif's socket-group overrides it)\n"
		"  -h, --help          this text (before or after \"--\"); --version: the version\n"
		"EAL options (-l, --vdev, -a, --file-prefix, --no-huge, ...) come before \"--\";\n"
		"%s --help-eal lists them (DPDK's own usage).\n",
		prog, MV_DP_MAX_BURST, APP_DEFAULT_BURST, APP_DEFAULT_RING_SIZE, APP_VIF_MBUFS,
		MV_DP_DEFAULT_FLOOD_SHARE, APP_CTL_SOCKET_DIR, prog);
}

/* After EAL's usage (--help-eal): where the program's own options are. */
static void
eal_usage_tail(const char *prog)
{
	printf("\n%s's own options come after \"--\": %s --help lists them.\n", prog, prog);
}

/*
 * --help, --version and --help-eal among the EAL options are answered before
 * anything starts: no control socket, no EAL runtime directory.
 */
static void
early_options(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout, argv[0]);
			exit(EXIT_SUCCESS);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("dpdk-macvlan %s (%s)\n", MV_VERSION, rte_version());
			exit(EXIT_SUCCESS);
		}
		if (strcmp(argv[i], "--help-eal") == 0) {
			char *v[] = { argv[0], (char *)"--help", NULL };

			/* EAL prints its usage, then ours, and exits before it sets up anything */
			rte_set_application_usage_hook(eal_usage_tail);
			rte_eal_init(2, v);
			exit(EXIT_SUCCESS);
		}
	}
}

static int
parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_app_args(int argc, char **argv, struct app_options *opt)
{
	static const struct option longopts[] = {
		{ "cmdline-file", required_argument, NULL, 'f' },
		{ "stats-period", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "mbufs", required_argument, NULL, 'm' },
		{ "flood-share", required_argument, NULL, 'F' },
		{ "ctl-socket", required_argument, NULL, 'S' },
		{ "ctl-group", required_argument, NULL, 'G' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	opt->burst = APP_DEFAULT_BURST;
	opt->ring_size = APP_DEFAULT_RING_SIZE;
	opt->mbufs = 0;
	opt->flood_share = MV_DP_DEFAULT_FLOOD_SHARE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ih", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			opt->interactive = true;
			break;
		case 'f':
			opt->cmdline_file = optarg;
			break;
		case 's':
			if (parse_number(optarg, 0, 86400, &v) < 0)
				goto bad;
			opt->stats_period = (unsigned int)v;
			break;
		case 'b':
			if (parse_number(optarg, 1, MV_DP_MAX_BURST, &v) < 0)
				goto bad;
			opt->burst = (uint16_t)v;
			break;
		case 'r':
			if (parse_number(optarg, 64, 1u << 20, &v) < 0 || (v & (v - 1)) != 0)
				goto bad;
			opt->ring_size = (uint32_t)v;
			break;
		case 'm':
			if (parse_number(optarg, 1024, 1u << 26, &v) < 0)
				goto bad;
			opt->mbufs = (uint32_t)v;
			break;
		case 'F':
			if (parse_number(optarg, 1, 100, &v) < 0)
				goto bad;
			opt->flood_share = (uint32_t)v;
			break;
		case 'S':
			if (optarg[0] == '\0')
				goto bad;
			opt->ctl_socket = optarg;
			break;
		case 'G':
			if (optarg[0] == '\0')
				goto bad;
			opt->ctl_group = optarg;
			break;
		case 'g':
			if (optarg[0] == '\0' || (getgrnam(optarg) == NULL &&
						  strspn(optarg, "0123456789") != strlen(optarg))) {
				fprintf(stderr, "Error: --socket-group: no group \"%s\"\n", optarg);
				return -EINVAL;
			}
			opt->socket_group = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("dpdk-macvlan %s (%s)\n", MV_VERSION, rte_version());
			exit(EXIT_SUCCESS);
		default:
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Error: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	/* a missing command file is said before EAL and the ports come up */
	if (opt->cmdline_file != NULL && access(opt->cmdline_file, R_OK) < 0) {
		fprintf(stderr, "Error: cannot read the command file %s (--cmdline-file): %s\n",
			opt->cmdline_file, strerror(errno));
		return -EINVAL;
	}
	return 0;
bad:
	if (c == 'b')
		fprintf(stderr, "Error: invalid value \"%s\" for --burst (1..%d)\n", optarg,
			MV_DP_MAX_BURST);
	else
		fprintf(stderr, "Error: invalid value \"%s\" for --%s\n", optarg,
			c == 'r'   ? "ring-size (a power of 2, 64..1048576)"
			: c == 'm' ? "mbufs (1024..67108864)"
			: c == 'F' ? "flood-share (1..100)"
			: c == 'S' ? "ctl-socket (a path, or none)"
			: c == 'G' ? "ctl-group (a group name)"
				   : "stats-period (0..86400 seconds; 0: off)");
	return -EINVAL;
}

/*
 * The program's own options (after "--") parsed before EAL is initialised,
 * so that the control socket is checked before anything is touched. A copy
 * of the pointers: getopt permutes them.
 */
static int
parse_args_before_eal(int argc, char **argv, struct app_options *opt)
{
	int sep = 1, ret;
	char **v;

	while (sep < argc && strcmp(argv[sep], "--") != 0)
		sep++;
	v = calloc((size_t)(argc - sep) + 2, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	v[0] = argv[0];
	for (int i = sep + 1; i < argc; i++)
		v[i - sep] = argv[i];
	ret = parse_app_args(sep < argc ? argc - sep : 1, v, opt);
	free(v);
	optind = 0; /* a full reset of getopt for EAL's own parsing */
	return ret;
}

/* EAL's --file-prefix (the socket's default name), "rte" when not given. */
static const char *
eal_file_prefix(int argc, char **argv)
{
	const char *prefix = "rte";

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--file-prefix=", 14) == 0)
			prefix = argv[i] + 14;
		else if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc)
			prefix = argv[++i];
	}
	return prefix;
}

/*
 * The pool's size from the configuration: what every physical port's rx and
 * tx rings and broadcast queue can hold, each worker's mempool cache and the
 * frames it has in hand (a burst, its free list, its stages), and
 * APP_VIF_MBUFS for vif rings and backends; rounded up to 2^k - 1, the
 * mempool's best size. A vdev that keeps frames of its own (net_pcap's
 * infinite_rx holds its whole capture) or many vdev vifs with rx rings need
 * --mbufs.
 */
static uint32_t
default_mbufs(uint16_t n_workers)
{
	uint64_t n = (uint64_t)n_workers * (APP_MEMPOOL_CACHE * 3 / 2 + 3 * MV_DP_MAX_BURST) +
		     APP_VIF_MBUFS;
	uint64_t size = 1024;
	uint16_t port_id;

	RTE_ETH_FOREACH_DEV (port_id) {
		struct rte_eth_dev_info info;
		uint64_t rxq = 1;

		if (rte_eth_dev_info_get(port_id, &info) == 0 && info.flow_type_rss_offloads != 0)
			rxq = RTE_MIN(n_workers, RTE_MAX(info.max_rx_queues, 1));
		n += rxq * APP_RX_DESC + (uint64_t)n_workers * APP_TX_DESC + APP_BC_RING_SIZE;
	}
	while (size - 1 < n && size < (UINT64_C(1) << 26))
		size <<= 1;
	return (uint32_t)(size - 1);
}

/* Each TAP vif holds a file descriptor: allow as many as the hard limit does. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
start_workers(struct app *app)
{
	unsigned int lcore;
	uint16_t w = 0;

	RTE_LCORE_FOREACH_WORKER (lcore) {
		if (w == MV_DP_MAX_WORKERS)
			break;
		app->worker_lcore[w++] = lcore;
	}
	app->n_workers = w;
	if (w == 0) {
		fprintf(stderr, "Error: no worker lcore: give EAL at least two lcores (-l 0-1)\n");
		return -EINVAL;
	}
	return 0;
}

static void
teardown(struct app *app)
{
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		struct mv_port *port = app->ctl.ports[p];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		while ((vif = TAILQ_FIRST(&port->vifs)) != NULL) {
			struct app_vif *av = vif->priv;

			if (av == NULL) {
				mv_vif_delete(&app->ctl, vif);
				continue;
			}
			mv_trace_dellink(vif->name, port->name, "exit");
			app_vif_del(app, vif);
		}
	}
	/* the released endpoints are freed now (mv_dp_stop drained their rings) */
	app->forwarding = false;
	mv_backend_batch_begin(); /* their TAPs are closed in parallel */
	app_commit(app);
	mv_backend_batch_end();
	app_ports_fini(app);
	app_print_mempool(app);
	mv_ctl_fini(&app->ctl);
	free(app->mc_scratch);
	app->mc_scratch = NULL;
	app_watch_fini(app);
}

int
main(int argc, char **argv)
{
	static struct app_runtime runtime;
	static struct app app;
	char claim_err[PATH_MAX + 256];
	int ret;

	early_options(argc, argv);
	if (parse_args_before_eal(argc, argv, &app.opt) < 0)
		return EXIT_FAILURE;
	signal(SIGPIPE, SIG_IGN);
	ret = app_ctl_server_open(&app, app.opt.ctl_socket, app.opt.ctl_group,
				  eal_file_prefix(argc, argv));
	/* the default place may be out of reach (not root): go on without a socket */
	if (ret < 0 && app.opt.ctl_socket == NULL &&
	    (ret == -EACCES || ret == -EPERM || ret == -EROFS))
		fprintf(stderr,
			"Warning: no control socket (--ctl-socket PATH puts it elsewhere)\n");
	else if (ret < 0)
		return EXIT_FAILURE;
	/* the prefix is ours alone while we run: its files go when we do */
	ret = app_runtime_claim(&runtime, eal_file_prefix(argc, argv), claim_err,
				sizeof(claim_err));
	if (ret < 0) {
		fprintf(stderr, "%s\n", claim_err);
		app_ctl_server_close(&app);
		return EXIT_FAILURE;
	}
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		struct app_eal_facts facts;
		char why[512];
		int err = rte_errno;

		app_eal_facts(argc, argv, eal_file_prefix(argc, argv), &facts);
		app_eal_explain(err, &facts, why, sizeof(why));
		fprintf(stderr, "Error: cannot initialise EAL: %s\n", why);
		app_ctl_server_close(&app);
		app_runtime_release(&runtime);
		return EXIT_FAILURE;
	}
	app_runtime_note_hugepages(&runtime, rte_eal_has_hugepages() != 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* logs go to stderr (journald under systemd), command output to stdout */
	if (rte_openlog_stream(stderr) < 0)
		fprintf(stderr, "Error: cannot direct the log to stderr\n");
	raise_fd_limit();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	mv_ctl_init(&app.ctl);
	app.ctl.hooks = &app_trace_hooks;
	app.forwarding = true;
	ret = start_workers(&app);
	if (ret == 0) {
		if (app.opt.mbufs == 0)
			app.opt.mbufs = default_mbufs(app.n_workers);
		app.pool = rte_pktmbuf_pool_create("mv_mbufs", app.opt.mbufs, APP_MEMPOOL_CACHE, 0,
						   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
		if (app.pool == NULL) {
			fprintf(stderr, "Error: cannot create a pool of %u mbufs: %s\n",
				app.opt.mbufs, rte_strerror(rte_errno));
			ret = -ENOMEM;
		}
	}
	if (ret == 0) {
		struct mv_dp_config dc = {
			.ctl = &app.ctl,
			.n_workers = app.n_workers,
			.lcores = app.worker_lcore,
			.burst = app.opt.burst,
			.flood_share = app.opt.flood_share,
			.socket_id = (int)rte_socket_id(),
		};

		ret = mv_dp_init(&app.dp, &dc);
	}
	if (ret == 0)
		ret = app_events_init(&app);
	if (ret == 0)
		ret = app_queue_init(&app);
	if (ret == 0)
		ret = app_ports_init(&app);
	if (ret == 0) {
		ret = app_telemetry_init();
		if (ret < 0)
			fprintf(stderr, "Error: cannot register the telemetry endpoints: %s\n",
				strerror(-ret));
	}
	if (ret < 0) {
		app_ctl_server_close(&app);
		app_queue_fini(&app);
		app_events_fini(&app);
		rte_eal_cleanup();
		app_runtime_release(&runtime);
		return EXIT_FAILURE;
	}
	/* a scripted setup is complete before the first frame is classified */
	app.hold = true;
	ret = app_commit(&app);
	if (ret >= 0)
		ret = mv_dp_start(&app.dp);
	if (ret == 0 && app.opt.cmdline_file != NULL)
		ret = app_run_cmdline_file(&app, app.opt.cmdline_file);
	if (ret == 0) {
		app.hold = false;
		app_commit(&app);
		unsigned int n_ports = 0;

		for (unsigned int p = 0; p < MV_MAX_PORTS; p++)
			n_ports += app.ctl.ports[p] != NULL;
		printf("dpdk-macvlan: %u port(s), %u vif(s), %u worker(s), forwarding %s\n",
		       n_ports, app.ctl.n_vifs, app.n_workers, app.forwarding ? "on" : "off");
		ret = app_control_loop(&app);
	}
	app_ctl_server_close(&app);
	/* deliver what is queued, then stop the workers */
	if (mv_dp_stop(&app.dp) < 0) {
		/*
		 * A worker is stuck inside a backend or driver call: freeing what
		 * it may touch is not safe, and waiting may never end. The socket
		 * file is gone; the kernel takes back the rest (TAPs, memory).
		 */
		fprintf(stderr, "dpdk-macvlan: a worker is stuck; exiting without cleanup\n");
		fflush(stdout);
		_exit(EXIT_FAILURE);
	}
	teardown(&app);
	app_queue_fini(&app);
	app_events_fini(&app);
	mv_dp_fini(&app.dp);
	rte_mempool_free(app.pool);
	rte_eal_cleanup();
	app_telemetry_fini();
	app_runtime_release(&runtime);
	return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
