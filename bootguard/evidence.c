// SPDX-License-Identifier: GPL-2.0
/*
 * vigil-bootguard: what a pstore record says about a failed boot.  Pure
 * text scanning; pstore.c finds and saves the records.
 *
 * A record (ramoops "dmesg-ramoops-N", EFI "dmesg-efi-N", systemd-pstore's
 * "dmesg.txt") is the tail of the crashed kernel's log, lines like
 * "<0>[   12.345678] Kernel panic - not syncing: ...".  The summary is the
 * first "BUG:" line if there is one (a NULL dereference, a soft lockup:
 * what the panic that follows only calls "Fatal exception"), else the
 * panic line, else the first "Oops" or "general protection fault" line.
 *
 * involves_vigil: the panic/BUG/Oops line names vigil ("vigil:" as its
 * pr_fmt prefix, or "[vigil]"), or a line of a register dump or call trace
 * does ("RIP: 0010:vigil_arm+0x1a/0x40", " vigil_x+0x1a/0x40 [vigil]",
 * or a built-in sensor's "vigil_x+0x1a/0x40").  Ordinary log lines from
 * the sensor before an unrelated crash, and "Modules linked in:" (which
 * lists vigil whenever it is loaded), do not count.
 */
#include <string.h>

#include "evidence.h"

/* Skip "<N>", "[  12.345678]" and "[    T1]" prefixes and leading spaces. */
static const char *strip_prefix(const char *s, const char *end)
{
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && (*s == '<' || *s == '[')) {
			char close = *s == '<' ? '>' : ']';
			const char *c = memchr(s, close, end - s);
			const char *q;

			if (!c || c - s > 24)
				return s;
			for (q = s + 1; q < c; q++)
				if (!((*q >= '0' && *q <= '9') || *q == '.' ||
				      *q == ' ' || *q == 'T' || *q == 'C'))
					return s;
			s = c + 1;
			continue;
		}
		return s;
	}
}

static const char *find(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; s + n <= end; s++)
		if (*s == *needle && !memcmp(s, needle, n))
			return s;
	return NULL;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* A symbol "vigil_...+0x" (a trace frame or RIP inside vigil). */
static bool names_vigil_symbol(const char *s, const char *end)
{
	const char *p = s;

	while ((p = find(p, end, "vigil_"))) {
		const char *q = p + 6;

		if (p == s || !ident_char(p[-1])) {
			while (q < end && ident_char(*q))
				q++;
			if (end - q >= 3 && !memcmp(q, "+0x", 3))
				return true;
		}
		p += 6;
	}
	return false;
}

static bool names_vigil(const char *s, const char *end)
{
	return find(s, end, "[vigil]") || find(s, end, "vigil:") ||
	       names_vigil_symbol(s, end);
}

static bool starts(const char *s, const char *end, const char *p)
{
	size_t n = strlen(p);

	return (size_t)(end - s) >= n && !memcmp(s, p, n);
}

/* 3 BUG, 2 panic, 1 Oops or GPF, 0 none; *hit: where the text starts */
static int crash_rank(const char *s, const char *end, const char **hit)
{
	static const char *const marks[] = {
		"BUG:", "Kernel panic - not syncing:", "Oops:",
		"general protection fault",
	};
	static const int ranks[] = { 3, 2, 1, 1 };
	unsigned int i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		*hit = find(s, end, marks[i]);
		if (*hit)
			return ranks[i];
	}
	return 0;
}

/**
 * bg_record_scan() - summarise a pstore record
 * @buf: its text
 * @len: its length
 * @out: the result
 */
void bg_record_scan(const char *buf, size_t len, struct bg_record_scan *out)
{
	const char *p = buf, *end = buf + len;
	bool in_trace = false;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *le = nl ? nl : end;
		const char *s = strip_prefix(p, le), *hit;
		int rank;

		p = nl ? nl + 1 : end;
		if (starts(s, le, "Modules linked in:"))
			continue;
		if (starts(s, le, "---[ end")) {
			in_trace = false;
			continue;
		}
		rank = crash_rank(s, le, &hit);
		if (rank) {
			out->crash = true;
			if (names_vigil(s, le))
				out->involves_vigil = true;
			if (rank > out->rank) {
				size_t n = le - hit;

				if (n >= sizeof(out->summary))
					n = sizeof(out->summary) - 1;
				memcpy(out->summary, hit, n);
				out->summary[n] = '\0';
				bg_text_copy(out->summary,
					     sizeof(out->summary),
					     out->summary);
				out->rank = rank;
			}
			continue;
		}
		if (starts(s, le, "Call Trace:")) {
			in_trace = true;
			continue;
		}
		if (starts(s, le, "</TASK>") || starts(s, le, "</IRQ>")) {
			in_trace = starts(s, le, "</IRQ>");
			continue;
		}
		if ((in_trace || starts(s, le, "RIP:")) && out->crash &&
		    names_vigil(s, le))
			out->involves_vigil = true;
	}
}
