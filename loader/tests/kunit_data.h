/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test files embedded into the KUnit suite.  scripts/kunit generates the
 * tables (scripts/bin2c) into the kernel tree's copy of vigil as
 * loader/tests/kunit_data.c; the repository holds only this declaration.
 */
#ifndef VIGIL_KUNIT_DATA_H
#define VIGIL_KUNIT_DATA_H

#include "../compat.h"

/**
 * struct vigil_kunit_file - one embedded file
 * @name: file name, for messages
 * @enc: its bytes, run-length encoded: records of a type byte and a
 *	little-endian u32 count; type 0 is followed by count literal bytes,
 *	type 1 by one byte repeated count times
 * @enc_len: bytes of @enc
 * @len: bytes of the file
 * @code: the enum vigil_err the loader must return for it
 */
struct vigil_kunit_file {
	const char *name;
	const u8 *enc;
	u32 enc_len;
	u32 len;
	int code;
};

/**
 * struct vigil_kunit_fval - one field value of a fixture event
 * @field: field name
 * @kind: 'u' for a JSON number, 's' for a JSON string
 * @num: the number; for a string, its value if it reads as one
 * @str: a string's bytes
 * @len: their number
 * @is_num: the string reads as a number ("0x41")
 * @addr: the string as an IPv6 address (16 bytes; IPv4 mapped), or NULL
 *
 * The suite takes the reading that fits the field's type in the schema.
 */
struct vigil_kunit_fval {
	const char *field;
	char kind;
	u64 num;
	const char *str;
	u32 len;
	bool is_num;
	const char *addr;
};

/**
 * struct vigil_kunit_fixture - one fixture event of a shipped channel
 * @where: "FILE:LINE" of the fixture
 * @channel_id: the channel it belongs to
 * @event: event type name
 * @vals: @nvals field values; fields not named are zero or empty
 * @nvals: number of @vals
 * @expect: rule ids that must match, and no others
 * @nexpect: number of @expect
 */
struct vigil_kunit_fixture {
	const char *where;
	u32 channel_id;
	const char *event;
	const struct vigil_kunit_fval *vals;
	u32 nvals;
	const u32 *expect;
	u32 nexpect;
};

/* Every file of the malformed corpus, with its MANIFEST code. */
extern const struct vigil_kunit_file vigil_kunit_corpus[];
extern const unsigned int vigil_kunit_corpus_count;

/* The shipped channels as vigil-chan builds them (code is VIGIL_E_OK). */
extern const struct vigil_kunit_file vigil_kunit_channels[];
extern const unsigned int vigil_kunit_channels_count;

/* The shipped channels' fixtures that state what they expect. */
extern const struct vigil_kunit_fixture vigil_kunit_fixtures[];
extern const unsigned int vigil_kunit_fixtures_count;

#endif /* VIGIL_KUNIT_DATA_H */
