/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conformance against the Linux kernel: every scenario of the conformance
 * directory (test/conformance/README.md) is built in the core's tables, each
 * frame is classified and expanded, and the receivers must be exactly those
 * the kernel gave, copy for copy.
 *
 * Usage: test_conformance <conformance dir>
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_classify.h"
#include "mv_control.h"
#include "mv_fib.h"
#include "mv_port.h"
#include "scenario.h"

#define ERR_LEN 512

/* The receivers of one frame: names and copies, in the order first seen. */
struct tally {
	uint32_t n;
	uint32_t cap;
	struct scn_count *v;
};

static int
tally_add(struct tally *t, const char *name, uint32_t count)
{
	for (uint32_t i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].name, name) == 0) {
			t->v[i].count += count;
			return 0;
		}
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap == 0 ? 16 : 2 * t->cap;
		struct scn_count *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	snprintf(t->v[t->n].name, sizeof(t->v[t->n].name), "%s", name);
	t->v[t->n].count = count;
	t->n++;
	return 0;
}

static void
tally_reset(struct tally *t)
{
	t->n = 0;
}

static void
tally_free(struct tally *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static uint32_t
tally_count(const struct tally *t, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return t->v[i].count;
	return 0;
}

/* Do the receivers @p got match the expectation @p exp exactly, copy for copy? */
static bool
result_matches(const struct scn_result *exp, const struct tally *got)
{
	for (uint32_t i = 0; i < exp->n; i++)
		if (tally_count(got, exp->rcpt[i].name) != exp->rcpt[i].count)
			return false;
	for (uint32_t i = 0; i < got->n; i++)
		if (got->v[i].count != scn_result_count(exp, got->v[i].name))
			return false;
	return true;
}

/*
 * A frame the kernel refused to send (send_errors) must be dropped with a
 * reason: no receiver and a named drop counter.
 */
static bool
send_error_matches(const struct scn_result *exp, const struct mv_verdict *v)
{
	return exp->send_error == NULL || v->drop != MV_DROP_NONE;
}

static int
cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct scn_count *)a)->name, ((const struct scn_count *)b)->name);
}

/* Format a receiver set as "{a, b x2, wire}", sorted by name. */
static const char *
format_set(const struct scn_count *v, uint32_t n, char *buf, size_t size)
{
	struct scn_count *sorted = calloc(n + 1, sizeof(*sorted));
	size_t off = 0;
	uint32_t k = 0;

	if (sorted == NULL) {
		snprintf(buf, size, "{?}");
		return buf;
	}
	for (uint32_t i = 0; i < n; i++)
		if (v[i].count > 0)
			sorted[k++] = v[i];
	qsort(sorted, k, sizeof(sorted[0]), cmp_count);
	off += (size_t)snprintf(buf + off, size - off, "{");
	for (uint32_t i = 0; i < k && off < size; i++) {
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i > 0 ? ", " : "",
					sorted[i].name);
		if (sorted[i].count > 1 && off < size)
			off += (size_t)snprintf(buf + off, size - off, " x%u", sorted[i].count);
	}
	if (off < size)
		snprintf(buf + off, size - off, "}");
	free(sorted);
	return buf;
}

static const char *
format_act(uint8_t act, char *buf, size_t size)
{
	static const char *const names[] = { "wire",  "lower", "vif", "sources",
					     "flood", "queue", "mtu", "reflect" };
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int b = 0; b < 8 && off < size; b++)
		if (act & (1u << b))
			off += (size_t)snprintf(buf + off, size - off, "%s%s", off > 0 ? "|" : "",
						names[b]);
	if (off == 0)
		snprintf(buf, size, "none");
	return buf;
}

static const char *
slot_name(const struct mv_port *port, uint16_t slot, char *buf, size_t size)
{
	if (slot == MV_SLOT_NONE)
		return "-";
	if (slot < MV_PORT_MAX_VIFS && port->slots[slot] != NULL)
		return port->slots[slot]->name;
	snprintf(buf, size, "slot%u?", slot);
	return buf;
}

static const char *
format_group(uint32_t group, char *buf, size_t size)
{
	if (group == MV_GROUP_BCAST)
		return "bcast";
	if (group == MV_GROUP_UNKNOWN)
		return "unknown";
	snprintf(buf, size, "%u", group);
	return buf;
}

/* What a frame did: its verdict and expansion, kept for the report. */
struct outcome {
	struct mv_verdict v;
	unsigned int n_rcpts;
	struct mv_rcpt *rcpts;
};

/*
 * Classify frame @p f of @p s on @p fib and count its receivers in @p got.
 * Returns 0, or a negative errno with a message in @p err.
 */
static int
run_frame(const struct scenario *s, const struct mv_ctl *ctl, const struct mv_port *port,
	  const struct mv_fib *fib, const struct scn_frame *f, uint8_t *buf, size_t buf_size,
	  struct outcome *o, unsigned int max_rcpts, struct tally *got, char *err)
{
	struct mv_frame_info fi;
	char name[32];
	int len, ret;

	tally_reset(got);
	len = scn_frame_build(f, buf, buf_size);
	if (len < 0) {
		snprintf(err, ERR_LEN, "frame %u: cannot build (%u bytes)", f->id, f->size);
		return -EINVAL;
	}
	ret = mv_frame_parse(buf, (uint32_t)len, &fi);
	if (ret < 0) {
		snprintf(err, ERR_LEN, "frame %u: mv_frame_parse: %s", f->id, strerror(-ret));
		return ret;
	}
	if (fi.dst != f->dst || fi.src != f->src || fi.ether_type != SCN_ETHER_TYPE ||
	    fi.vlan != f->vlan || (f->vlan && (fi.vlan_tci & 0xfff) != f->vid) ||
	    fi.len != (uint32_t)len) {
		snprintf(err, ERR_LEN, "frame %u: mv_frame_parse read the header wrongly", f->id);
		return -EINVAL;
	}

	switch (f->from) {
	case SCN_FROM_WIRE:
		o->v = mv_classify_rx(fib, &fi);
		break;
	case SCN_FROM_LOWER:
		o->v = mv_classify_lower_tx(fib, &fi);
		break;
	case SCN_FROM_VIF: {
		const struct mv_vif *vif = mv_vif_find(ctl, s->vifs[f->vif].name);

		if (vif == NULL) {
			snprintf(err, ERR_LEN, "frame %u: sender %s is not in the core", f->id,
				 s->vifs[f->vif].name);
			return -ENOENT;
		}
		o->v = mv_classify_tx(fib, vif->slot, &fi);
		break;
	}
	}

	o->n_rcpts = mv_verdict_expand(fib, &o->v, (uint32_t)len, o->rcpts, max_rcpts);
	if (o->n_rcpts > max_rcpts) {
		snprintf(err, ERR_LEN, "frame %u: mv_verdict_expand wrote %u of %u receivers",
			 f->id, o->n_rcpts, max_rcpts);
		return -EOVERFLOW;
	}
	for (unsigned int i = 0; i < o->n_rcpts; i++) {
		if (o->rcpts[i].kind == MV_RCPT_TOO_BIG)
			continue;
		ret = tally_add(got, slot_name(port, o->rcpts[i].slot, name, sizeof(name)), 1);
		if (ret < 0)
			break;
	}
	if (ret == 0 && (o->v.act & MV_ACT_WIRE))
		ret = tally_add(got, SCN_RCPT_WIRE, 1);
	if (ret == 0 && (o->v.act & MV_ACT_LOWER))
		ret = tally_add(got, SCN_RCPT_LOWER, 1);
	if (ret < 0)
		snprintf(err, ERR_LEN, "frame %u: out of memory", f->id);
	return ret;
}

static void
report_mismatch(const struct scenario *s, const struct mv_port *port, const struct scn_frame *f,
		const struct scn_result *exp, const struct tally *got, const struct outcome *o)
{
	char a[512], b[512], act[80], dst[MV_MAC_STRLEN], src[MV_MAC_STRLEN], n1[32], n2[32],
		grp[16], src_idx[16];

	snprintf(src_idx, sizeof(src_idx), "%u", o->v.source);
	printf("  MISMATCH %s frame %u: %s -> %s (src %s%s, %u B): %s\n", s->name, f->id,
	       scn_frame_sender(s, f), mv_mac_format(f->dst, dst, sizeof(dst)),
	       mv_mac_format(f->src, src, sizeof(src)), f->vlan ? ", tagged" : "", f->size,
	       f->note != NULL ? f->note : "");
	printf("    expected %s%s%s\n", format_set(exp->rcpt, exp->n, a, sizeof(a)),
	       exp->send_error != NULL ? "  send error " : "",
	       exp->send_error != NULL ? exp->send_error : "");
	printf("    got      %s%s\n", format_set(got->v, got->n, b, sizeof(b)),
	       send_error_matches(exp, &o->v) ? "" : "  without a drop reason");
	printf("    verdict  act=%s flood_modes=0x%02x drop=%s vif=%s exclude=%s group=%s "
	       "source=%s\n",
	       format_act(o->v.act, act, sizeof(act)), o->v.flood_modes,
	       mv_drop_name((enum mv_drop)o->v.drop),
	       (o->v.act & MV_ACT_VIF) ? slot_name(port, o->v.vif, n1, sizeof(n1)) : "-",
	       slot_name(port, o->v.exclude, n2, sizeof(n2)),
	       (o->v.act & MV_ACT_FLOOD) ? format_group(o->v.group, grp, sizeof(grp)) : "-",
	       (o->v.act & MV_ACT_SOURCES) ? src_idx : "-");
	for (unsigned int i = 0; i < o->n_rcpts; i++) {
		static const char *const kinds[] = { "unicast", "source", "flood", "reflect",
						     "too-big" };
		uint8_t k = o->rcpts[i].kind;

		printf("    rcpt     %s (%s)\n", slot_name(port, o->rcpts[i].slot, n1, sizeof(n1)),
		       k < 5 ? kinds[k] : "?");
	}
}

/*
 * The comparator must be able to fail: against receivers @p got that match
 * @p exp, three altered expectations (a copy more, a receiver more, a
 * receiver less) must each be reported as a mismatch.
 */
static bool
self_check(const struct scenario *s, const struct scn_result *exp, const struct tally *got)
{
	struct scn_count *alt_v;
	struct scn_result alt = { 0 };
	const char *extra;
	bool ok = true;

	if (!result_matches(exp, got)) {
		printf("self-check: %s: the comparator rejects a matching result\n", s->name);
		return false;
	}
	alt_v = calloc(exp->n + 1, sizeof(*alt_v));
	if (alt_v == NULL) {
		printf("self-check: out of memory\n");
		return false;
	}
	alt.rcpt = alt_v;
	/* one copy more for an existing receiver (or the wire when there is none) */
	memcpy(alt_v, exp->rcpt, exp->n * sizeof(alt_v[0]));
	alt.n = exp->n;
	if (alt.n == 0) {
		snprintf(alt_v[0].name, sizeof(alt_v[0].name), "%s", SCN_RCPT_WIRE);
		alt_v[0].count = 1;
		alt.n = 1;
	} else {
		alt_v[0].count++;
	}
	ok &= !result_matches(&alt, got);

	/* a receiver that did not get the frame */
	memcpy(alt_v, exp->rcpt, exp->n * sizeof(alt_v[0]));
	alt.n = exp->n;
	extra = scn_result_count(exp, SCN_RCPT_LOWER) == 0 ? SCN_RCPT_LOWER : SCN_RCPT_WIRE;
	if (scn_result_count(exp, extra) == 0) {
		snprintf(alt_v[alt.n].name, sizeof(alt_v[0].name), "%s", extra);
		alt_v[alt.n++].count = 1;
		ok &= !result_matches(&alt, got);
	}

	/* a receiver dropped */
	if (exp->n > 0) {
		memcpy(alt_v, exp->rcpt + 1, (exp->n - 1) * sizeof(alt_v[0]));
		alt.n = exp->n - 1;
		ok &= !result_matches(&alt, got);
	}
	free(alt_v);
	if (!ok)
		printf("self-check: %s: the comparator accepted an altered expectation\n", s->name);
	return ok;
}

/* Self-check state: done once, on the first matching frame that has receivers. */
static bool self_check_done;
static bool self_check_ok = true;

/* Run one scenario. Returns true when every frame matched. */
static bool
run_scenario(const char *dir, const char *file)
{
	char path[4096], exp_path[4096], stem[256], err[ERR_LEN];
	struct outcome o = { 0 };
	struct tally got = { 0 };
	struct scenario *s;
	struct mv_port *port;
	struct mv_fib *fib = NULL;
	struct mv_ctl ctl;
	uint8_t *buf = NULL;
	unsigned int max_rcpts, bad = 0;
	bool applied = false, ok = false;
	size_t len = strlen(file) - strlen(".json");

	snprintf(stem, sizeof(stem), "%.*s", (int)len, file);
	snprintf(path, sizeof(path), "%s/scenarios/%s", dir, file);
	snprintf(exp_path, sizeof(exp_path), "%s/expected/%s", dir, file);
	s = scn_load(path, exp_path, err, sizeof(err));
	if (s == NULL) {
		printf("FAIL %s: %s\n", stem, err);
		return false;
	}
	if (strcmp(s->name, stem) != 0) {
		printf("FAIL %s: the file holds scenario \"%s\"\n", stem, s->name);
		goto out;
	}
	if (scn_apply(s, &ctl, &port, err, sizeof(err)) < 0) {
		printf("FAIL %s: %s\n", s->name, err);
		goto out;
	}
	applied = true;
	fib = mv_fib_new(port);
	if (fib == NULL) {
		printf("FAIL %s: mv_fib_new failed\n", s->name);
		goto out;
	}
	max_rcpts = mv_verdict_max_rcpts(fib);
	o.rcpts = calloc(max_rcpts, sizeof(*o.rcpts));
	buf = malloc(SCN_MAX_FRAME_SIZE);
	if (o.rcpts == NULL || buf == NULL) {
		printf("FAIL %s: out of memory\n", s->name);
		goto out;
	}

	for (uint32_t i = 0; i < s->n_frames; i++) {
		const struct scn_frame *f = &s->frames[i];
		const struct scn_result *exp = &s->expected[i];

		if (run_frame(s, &ctl, port, fib, f, buf, SCN_MAX_FRAME_SIZE, &o, max_rcpts, &got,
			      err) < 0) {
			printf("FAIL %s: %s\n", s->name, err);
			goto out;
		}
		if (!result_matches(exp, &got) || !send_error_matches(exp, &o.v)) {
			report_mismatch(s, port, f, exp, &got, &o);
			bad++;
			continue;
		}
		if (!self_check_done && exp->n > 0) {
			self_check_done = true;
			self_check_ok = self_check(s, exp, &got);
		}
	}
	if (bad == 0)
		printf("ok   %s: %u frames\n", s->name, s->n_frames);
	else
		printf("FAIL %s: %u of %u frames mismatch\n", s->name, bad, s->n_frames);
	ok = bad == 0;

out:
	free(buf);
	free(o.rcpts);
	tally_free(&got);
	free(fib);
	if (applied)
		mv_ctl_fini(&ctl);
	scn_free(s);
	return ok;
}

static int
json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int
main(int argc, char **argv)
{
	struct dirent **files;
	char sdir[4096];
	unsigned int passed = 0, failed = 0;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <conformance dir>\n", argv[0]);
		return EXIT_FAILURE;
	}
	snprintf(sdir, sizeof(sdir), "%s/scenarios", argv[1]);
	n = scandir(sdir, &files, json_file, alphasort);
	if (n < 0) {
		fprintf(stderr, "conformance: %s: %s\n", sdir, strerror(errno));
		return EXIT_FAILURE;
	}
	for (int i = 0; i < n; i++) {
		if (run_scenario(argv[1], files[i]->d_name))
			passed++;
		else
			failed++;
		free(files[i]);
	}
	free(files);

	if (!self_check_done)
		printf("self-check: not run (no frame with receivers matched)\n");
	else if (self_check_ok)
		printf("self-check: ok (altered expectations are reported as mismatches)\n");
	if (passed + failed == 0)
		printf("conformance: no scenario found in %s\n", sdir);
	printf("conformance: %u passed, %u failed\n", passed, failed);
	return passed + failed > 0 && failed == 0 && self_check_done && self_check_ok
		       ? EXIT_SUCCESS
		       : EXIT_FAILURE;
}
