/* SPDX-License-Identifier: BSD-3-Clause */
/* The cause of an EAL initialisation failure, in words that say the fix (eal_errors.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eal_errors.h"

static bool
has_arg(int argc, char **argv, const char *arg)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], arg) == 0)
			return true;
	return false;
}

static long
meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	size_t klen = strlen(key);
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static bool
hugetlbfs_mounted(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], dir[256], type[64];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3)
		found = strcmp(type, "hugetlbfs") == 0;
	fclose(f);
	return found;
}

/* The pid holding a write lock on @p path (EAL's primary process), or 0. */
static pid_t
lock_holder(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid;
	close(fd);
	return pid;
}

void
app_eal_facts(int argc, char **argv, const char *prefix, struct app_eal_facts *f)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	memset(f, 0, sizeof(*f));
	f->no_huge = has_arg(argc, argv, "--no-huge");
	f->no_shconf = has_arg(argc, argv, "--no-shconf") || has_arg(argc, argv, "--in-memory");
	f->hugetlbfs_mounted = hugetlbfs_mounted();
	f->hugepages_total = meminfo("HugePages_Total");
	f->hugepages_free = meminfo("HugePages_Free");
	snprintf(f->prefix, sizeof(f->prefix), "%s", prefix);
	/* EAL's runtime directory: /var/run/dpdk for root, else XDG_RUNTIME_DIR or /tmp */
	if (geteuid() == 0)
		snprintf(f->config_path, sizeof(f->config_path), "/var/run/dpdk/%s/config", prefix);
	else
		snprintf(f->config_path, sizeof(f->config_path), "%s/dpdk/%s/config",
			 xdg != NULL ? xdg : "/tmp", prefix);
	if (!f->no_shconf)
		f->config_holder = lock_holder(f->config_path);
}

void
app_eal_explain(int err, const struct app_eal_facts *f, char *buf, size_t len)
{
	if (f->config_holder > 0) {
		snprintf(buf, len,
			 "another DPDK process (pid %d) runs with --file-prefix %s (it holds %s): "
			 "stop it, or give this one another --file-prefix",
			 (int)f->config_holder, f->prefix, f->config_path);
		return;
	}
	if (!f->no_huge && (!f->hugetlbfs_mounted || f->hugepages_total <= 0 ||
			    (f->hugepages_free == 0 && (err == ENOMEM || err == EACCES)))) {
		snprintf(buf, len,
			 "no usable hugepages (%s, %ld reserved, %ld free): reserve some "
			 "(echo 1024 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages; "
			 "mount -t hugetlbfs nodev /dev/hugepages), or run without them: "
			 "--no-huge -m 1024",
			 f->hugetlbfs_mounted ? "hugetlbfs mounted" : "no hugetlbfs mounted",
			 f->hugepages_total < 0 ? 0 : f->hugepages_total,
			 f->hugepages_free < 0 ? 0 : f->hugepages_free);
		return;
	}
	switch (err) {
	case ENODEV:
		snprintf(buf, len,
			 "a device given to EAL cannot be created (see EAL's message above): check "
			 "the -a/--vdev arguments (driver names such as net_null0, net_pcap0, "
			 "net_af_packet0, with their devargs)");
		break;
	case EINVAL:
		snprintf(buf, len,
			 "invalid EAL arguments (see EAL's message above; `dpdk-macvlan -- --help` "
			 "shows the program's own options, after \"--\")");
		break;
	case ENOMEM:
		snprintf(buf, len, "not enough memory for EAL (-m or --socket-mem asks for less)");
		break;
	case EALREADY:
		snprintf(buf, len, "EAL was already initialised");
		break;
	case 0:
		snprintf(buf, len, "EAL gave no reason (see its messages above)");
		break;
	default:
		snprintf(buf, len, "%s (see EAL's messages above)", strerror(err));
		break;
	}
}
