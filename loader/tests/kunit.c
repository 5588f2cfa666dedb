// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "vigil_loader": the channel loader and the matcher as the
 * kernel builds them.  scripts/kunit runs it on UML with KASAN and UBSAN
 * and embeds the malformed corpus, the shipped channels and their fixtures
 * (loader/tests/kunit_data.h).  Every file is handed to the loader in a
 * heap buffer of exactly its size, so a read past the end is a KASAN
 * report, not a silent pass.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../loader.h"
#include "kunit_data.h"

#ifndef VIGIL_KUNIT_DATA
/* Built without the generated tables: the tests that need them skip. */
const struct vigil_kunit_file vigil_kunit_corpus[] = { {} };
const unsigned int vigil_kunit_corpus_count;
const struct vigil_kunit_file vigil_kunit_channels[] = { {} };
const unsigned int vigil_kunit_channels_count;
const struct vigil_kunit_fixture vigil_kunit_fixtures[] = { {} };
const unsigned int vigil_kunit_fixtures_count;
#endif

/* A distinct, recomputable value per field name (FNV-1a). */
static u64 vt_hash(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (u8)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static struct vigil_addr vt_addr(const char *s)
{
	struct vigil_addr a = {};
	u64 h = vt_hash(s);

	memcpy(a.a, &h, sizeof(h));
	memcpy(a.a + 8, s, min_t(size_t, strlen(s), 8));
	return a;
}

/*
 * Call the generated vigil_fill_<event>() of @type with one argument per
 * field, each derived from the field's name, so the test can tell from
 * the schema tables alone which value belongs in which slot.
 */
#define VT_ARG_U64(n)	vt_hash(#n)
#define VT_ARG_STR(n)	((struct vigil_str){ .ptr = #n, .len = sizeof(#n) - 1 })
#define VT_ARG_PATH(n)	VT_ARG_STR(n)
#define VT_ARG_ADDR(n)	vt_addr(#n)
#define VT_ARG(n, t)	, VT_ARG_##t(n)
#define VT_FILL(NAME, name, nr, FIELDS)					\
	case VIGIL_EV_##NAME:						\
		vigil_fill_##name(ev FIELDS(VT_ARG));			\
		return true;

static bool vt_fill(struct vigil_event *ev, unsigned int type)
{
	switch (type) {
	VIGIL_EVENTS(VT_FILL)
	}
	return false;
}

#define VT_COUNT(NAME, name, nr, FIELDS)	[nr] = VIGIL_##NAME##__COUNT,
static const u16 vt_counts[VIGIL_EV_MAX + 1] = {
	VIGIL_EVENTS(VT_COUNT)
};

/* The event tables agree with the declarations they are generated from. */
static void vigil_schema_tables(struct kunit *test)
{
	unsigned int t, u, i, j;

	KUNIT_EXPECT_NULL(test, vigil_event_desc(VIGIL_EV_NONE));
	KUNIT_EXPECT_NULL(test, vigil_event_desc(VIGIL_EV_MAX + 1));
	KUNIT_EXPECT_NULL(test, vigil_event_desc(~0U));
	KUNIT_EXPECT_EQ(test, vigil_event_type_by_name("nosuch", 6),
			(unsigned int)VIGIL_EV_NONE);
	KUNIT_EXPECT_EQ(test, vigil_event_type_by_name("exe", 3),
			(unsigned int)VIGIL_EV_NONE);
	KUNIT_EXPECT_EQ(test, vigil_event_type_by_name("execx", 5),
			(unsigned int)VIGIL_EV_NONE);
	KUNIT_EXPECT_EQ(test, vigil_event_type_by_name("exec\0", 5),
			(unsigned int)VIGIL_EV_NONE);
	KUNIT_EXPECT_EQ(test, vigil_event_type_by_name("exec", 4),
			(unsigned int)VIGIL_EV_EXEC);
	KUNIT_EXPECT_EQ(test, vigil_field_by_name(VIGIL_EV_NONE, "pid", 3), -1);
	KUNIT_EXPECT_EQ(test, vigil_field_by_name(VIGIL_EV_MAX + 1, "pid", 3),
			-1);
	KUNIT_EXPECT_EQ(test, vigil_field_by_name(VIGIL_EV_EXEC, "pi", 2), -1);
	KUNIT_EXPECT_EQ(test, vigil_field_by_name(VIGIL_EV_EXEC, "filename", 8),
			(int)VIGIL_EXEC_filename);
	KUNIT_EXPECT_EQ(test, vigil_field_by_name(VIGIL_EV_FIFO, "argv", 4), -1);

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		const struct vigil_event_desc *d = vigil_event_desc(t);

		KUNIT_ASSERT_NOT_NULL_MSG(test, d, "event type %u", t);
		KUNIT_EXPECT_GT_MSG(test, strlen(d->name), (size_t)0, "type %u", t);
		KUNIT_EXPECT_EQ_MSG(test, d->nfields, vt_counts[t], "%s", d->name);
		KUNIT_EXPECT_LE(test, d->nfields, (u16)VIGIL_MAX_FIELDS);
		KUNIT_EXPECT_EQ(test, vigil_event_type_by_name(d->name,
							       strlen(d->name)),
				t);
		for (u = 1; u < t; u++)
			KUNIT_EXPECT_STRNEQ(test, vigil_event_desc(u)->name,
					    d->name);
		for (i = 0; i < d->nfields; i++) {
			const struct vigil_field_desc *f = &d->fields[i];

			KUNIT_EXPECT_GE_MSG(test, f->type, (u8)VIGIL_FT_U64,
					    "%s.%s", d->name, f->name);
			KUNIT_EXPECT_LE_MSG(test, f->type, (u8)VIGIL_FT_ADDR,
					    "%s.%s", d->name, f->name);
			KUNIT_EXPECT_EQ_MSG(test,
					    vigil_field_by_name(t, f->name,
								strlen(f->name)),
					    (int)i, "%s.%s", d->name, f->name);
			for (j = 0; j < i; j++)
				KUNIT_EXPECT_STRNEQ(test, d->fields[j].name,
						    f->name);
		}
		/* every event starts with the common fields, in order */
		KUNIT_EXPECT_STREQ(test, d->fields[0].name, "pid");
		KUNIT_EXPECT_STREQ(test, d->fields[5].name, "comm");
	}
}

/* vigil_fill_<event>() stores each field where the tables say it lives. */
static void vigil_schema_fill(struct kunit *test)
{
	struct vigil_event *ev;
	unsigned int t, i;

	ev = kunit_kmalloc(test, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_EXPECT_FALSE(test, vt_fill(ev, VIGIL_EV_NONE));

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		const struct vigil_event_desc *d = vigil_event_desc(t);

		KUNIT_ASSERT_NOT_NULL(test, d);
		memset(ev, 0xa5, sizeof(*ev));
		KUNIT_ASSERT_TRUE(test, vt_fill(ev, t));
		KUNIT_EXPECT_EQ(test, ev->type, (u16)t);
		KUNIT_EXPECT_EQ_MSG(test, ev->nfields, d->nfields, "%s",
				    d->name);
		for (i = 0; i < d->nfields; i++) {
			const struct vigil_field_desc *f = &d->fields[i];
			const union vigil_value *v = &ev->v[i];
			struct vigil_addr a;

			switch (f->type) {
			case VIGIL_FT_U64:
				KUNIT_EXPECT_EQ_MSG(test, v->num,
						    vt_hash(f->name), "%s.%s",
						    d->name, f->name);
				break;
			case VIGIL_FT_STR:
			case VIGIL_FT_PATH:
				KUNIT_EXPECT_EQ_MSG(test, (size_t)v->str.len,
						    strlen(f->name), "%s.%s",
						    d->name, f->name);
				KUNIT_EXPECT_EQ_MSG(test,
						    memcmp(v->str.ptr, f->name,
							   strlen(f->name)),
						    0, "%s.%s", d->name,
						    f->name);
				break;
			case VIGIL_FT_ADDR:
				a = vt_addr(f->name);
				KUNIT_EXPECT_EQ_MSG(test,
						    memcmp(v->addr.a, a.a,
							   sizeof(a.a)),
						    0, "%s.%s", d->name,
						    f->name);
				break;
			default:
				KUNIT_FAIL(test, "%s.%s: type %u", d->name,
					   f->name, f->type);
			}
		}
		/* and writes nothing past its last field */
		for (i = d->nfields * sizeof(ev->v[0]); i < sizeof(ev->v); i++)
			KUNIT_EXPECT_EQ_MSG(test, ((u8 *)ev->v)[i], (u8)0xa5,
					    "%s: byte %u of v[]", d->name, i);
	}
}

#define VT_ERRNAME(name, nr, text)	[nr] = #name,
static const char * const vt_errnames[] = { VIGIL_ERRORS(VT_ERRNAME) };
#define VT_ERRTEXT(name, nr, text)	[nr] = text,
static const char * const vt_errtexts[] = { VIGIL_ERRORS(VT_ERRTEXT) };

/* Error names and texts are the ones the header declares. */
static void vigil_error_names(struct kunit *test)
{
	int code;

	for (code = 0; code < (int)ARRAY_SIZE(vt_errnames); code++) {
		KUNIT_ASSERT_NOT_NULL_MSG(test, vt_errnames[code],
					  "error numbers have a hole at %d",
					  code);
		KUNIT_EXPECT_STREQ(test, vigil_err_name(code),
				   vt_errnames[code]);
		KUNIT_EXPECT_STREQ(test, vigil_err_text(code),
				   vt_errtexts[code]);
	}
	KUNIT_EXPECT_STREQ(test, vigil_err_name(-1), "UNKNOWN");
	KUNIT_EXPECT_STREQ(test, vigil_err_name(code), "UNKNOWN");
	KUNIT_EXPECT_STREQ(test, vigil_err_text(code), "unknown error");
}

/*
 * Load @len bytes of @data from a private heap copy of exactly that size
 * and check the loader's contract: an error leaves *@out NULL and fills
 * @err; the input is never written.
 */
static int vt_load_opts(struct kunit *test, const char *what,
			const u8 *data, size_t len,
			const struct vigil_load_opts *opts,
			struct vigil_channel **out, struct vigil_error *err)
{
	u8 *copy = kvmalloc(len, GFP_KERNEL);
	int rc;

	KUNIT_ASSERT_TRUE_MSG(test, !len || copy, "%s: no memory", what);
	memcpy(copy, data, len);
	*out = ERR_PTR(-EFAULT);
	memset(err, 0, sizeof(*err));
	rc = vigil_channel_load(copy, len, opts, out, err);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(copy, data, len), 0,
			    "%s: the loader wrote to its input", what);
	kvfree(copy);
	if (rc == VIGIL_E_OK) {
		KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, *out, "%s", what);
		if (IS_ERR(*out))
			*out = NULL;
	} else {
		KUNIT_EXPECT_NULL_MSG(test, *out, "%s: rejected (%s) but out set",
				      what, vigil_err_name(rc));
		KUNIT_EXPECT_EQ_MSG(test, err->code, rc, "%s", what);
		KUNIT_EXPECT_NE_MSG(test, err->msg[0], '\0',
				    "%s: rejected without a reason", what);
		if (*out && !IS_ERR(*out))
			vigil_channel_free(*out);
		*out = NULL;
	}
	return rc;
}

static int vt_load(struct kunit *test, const char *what, const u8 *data,
		   size_t len, struct vigil_channel **out,
		   struct vigil_error *err)
{
	return vt_load_opts(test, what, data, len, NULL, out, err);
}

/*
 * The bytes of @f (run-length encoded, see kunit_data.h) in a new buffer
 * of exactly f->len bytes; kvfree() it.
 */
static u8 *vt_bytes(struct kunit *test, const struct vigil_kunit_file *f)
{
	u8 *buf = kvmalloc(f->len, GFP_KERNEL);
	u32 i = 0, pos = 0, n;
	bool ok = true;

	KUNIT_ASSERT_TRUE_MSG(test, !f->len || buf, "%s: no memory", f->name);
	while (ok && i + 5 <= f->enc_len) {
		u8 type = f->enc[i];

		n = get_unaligned_le32(f->enc + i + 1);
		i += 5;
		if (n > f->len - pos) {
			ok = false;
		} else if (type == 0 && n <= f->enc_len - i) {
			memcpy(buf + pos, f->enc + i, n);
			i += n;
			pos += n;
		} else if (type == 1 && i < f->enc_len) {
			memset(buf + pos, f->enc[i++], n);
			pos += n;
		} else {
			ok = false;
		}
	}
	ok = ok && i == f->enc_len && pos == f->len;
	if (!ok)
		kvfree(buf);
	KUNIT_ASSERT_TRUE_MSG(test, ok, "%s: bad embedded data", f->name);
	return buf;
}

static void vt_need(struct kunit *test, unsigned int count, const char *what)
{
	if (!count)
		kunit_skip(test, "no %s embedded (run scripts/kunit)", what);
}

/* Every shipped channel loads, and says what it is. */
static void vigil_load_shipped(struct kunit *test)
{
	unsigned int i;

	vt_need(test, vigil_kunit_channels_count, "shipped channels");
	for (i = 0; i < vigil_kunit_channels_count; i++) {
		const struct vigil_kunit_file *f = &vigil_kunit_channels[i];
		const struct vigil_chan_header *h;
		struct vigil_channel *ch;
		struct vigil_error err;
		u8 *buf;
		int rc;

		buf = vt_bytes(test, f);
		h = (const void *)buf;
		rc = vt_load(test, f->name, buf, f->len, &ch, &err);
		KUNIT_EXPECT_EQ_MSG(test, rc, VIGIL_E_OK, "%s: %s: %s", f->name,
				    vigil_err_name(rc), err.msg);
		if (!ch) {
			kvfree(buf);
			continue;
		}
		KUNIT_EXPECT_EQ(test, ch->channel_id,
				get_unaligned_le32(&h->channel_id));
		KUNIT_EXPECT_EQ(test, ch->schema_version,
				(u32)VIGIL_SCHEMA_VERSION);
		KUNIT_EXPECT_EQ(test, ch->file_size, (size_t)f->len);
		KUNIT_EXPECT_GT(test, ch->nrules, 0U);
		KUNIT_EXPECT_NOT_NULL(test, ch->rules);
		KUNIT_EXPECT_EQ(test, ch->payload_size,
				(size_t)get_unaligned_le32(&h->uncompressed_size));
		KUNIT_EXPECT_EQ(test, memcmp(ch->digest, h->digest,
					     sizeof(ch->digest)), 0);
		KUNIT_EXPECT_GE(test, vigil_channel_mem(ch), ch->payload_size);
		vigil_channel_free(ch);
		kvfree(buf);
	}
}

/* Every file of the malformed corpus gets exactly its expected verdict. */
static void vigil_corpus_replay(struct kunit *test)
{
	unsigned int i, rejected = 0;

	vt_need(test, vigil_kunit_corpus_count, "corpus");
	for (i = 0; i < vigil_kunit_corpus_count; i++) {
		const struct vigil_kunit_file *f = &vigil_kunit_corpus[i];
		struct vigil_channel *ch;
		struct vigil_error err;
		u8 *buf = vt_bytes(test, f);
		int rc;

		rc = vt_load(test, f->name, buf, f->len, &ch, &err);
		kvfree(buf);
		KUNIT_EXPECT_EQ_MSG(test, rc, f->code,
				    "%s: got %s (%s), want %s", f->name,
				    vigil_err_name(rc), err.msg,
				    vigil_err_name(f->code));
		if (rc)
			rejected++;
		vigil_channel_free(ch);
	}
	kunit_info(test, "%u corpus files, %u rejected\n",
		   vigil_kunit_corpus_count, rejected);
	KUNIT_EXPECT_GT(test, rejected, 0U);
}

/* The files every sweep starts from: shipped channels, valid corpus files. */
static const struct vigil_kunit_file *vt_valid_file(unsigned int i)
{
	unsigned int j;

	if (i < vigil_kunit_channels_count)
		return &vigil_kunit_channels[i];
	i -= vigil_kunit_channels_count;
	for (j = 0; j < vigil_kunit_corpus_count; j++) {
		if (vigil_kunit_corpus[j].code != VIGIL_E_OK)
			continue;
		if (!i--)
			return &vigil_kunit_corpus[j];
	}
	return NULL;
}

/* Length of the header and frame: where a signature would start. */
static size_t vt_unsigned_len(const u8 *buf, size_t len)
{
	const struct vigil_chan_header *h = (const void *)buf;

	if (len < VIGIL_CHAN_HEADER_SIZE)
		return len;
	return min_t(size_t, len, VIGIL_CHAN_HEADER_SIZE +
		     (size_t)get_unaligned_le32(&h->compressed_size));
}

/* Every proper prefix of a valid file is rejected as short. */
static void vigil_truncation_sweep(struct kunit *test)
{
	const struct vigil_kunit_file *f;
	unsigned int i, files = 0;
	size_t len, n = 0;

	for (i = 0; (f = vt_valid_file(i)); i++) {
		u8 *buf = vt_bytes(test, f);
		size_t end = vt_unsigned_len(buf, f->len);

		files++;
		for (len = 0; len < end; len++, n++) {
			struct vigil_channel *ch;
			struct vigil_error err;
			char what[96];
			int rc;

			snprintf(what, sizeof(what), "%s[0:%zu]", f->name, len);
			rc = vt_load(test, what, buf, len, &ch, &err);
			KUNIT_EXPECT_TRUE_MSG(test, rc == VIGIL_E_TRUNCATED ||
					      rc == VIGIL_E_SIZE_MISMATCH,
					      "%s: got %s (%s)", what,
					      vigil_err_name(rc), err.msg);
			vigil_channel_free(ch);
		}
		kvfree(buf);
	}
	vt_need(test, files, "valid files");
	kunit_info(test, "%zu prefixes of %u files\n", n, files);
}

/*
 * Every byte of a valid file matters: the header is checked field by field
 * and the digest covers the rest, so flipping any one byte is rejected.
 */
static void vigil_flip_sweep(struct kunit *test)
{
	const struct vigil_kunit_file *f;
	unsigned int i, files = 0;
	size_t pos, n = 0;
	u8 *buf;

	for (i = 0; (f = vt_valid_file(i)); i++) {
		size_t end;

		files++;
		buf = vt_bytes(test, f);
		end = vt_unsigned_len(buf, f->len);
		for (pos = 0; pos < end; pos++, n++) {
			struct vigil_channel *ch;
			struct vigil_error err;
			char what[96];
			int rc;

			snprintf(what, sizeof(what), "%s byte %zu", f->name,
				 pos);
			buf[pos] ^= 0x41;
			rc = vt_load(test, what, buf, end, &ch, &err);
			buf[pos] ^= 0x41;
			KUNIT_EXPECT_NE_MSG(test, rc, VIGIL_E_OK,
					    "%s: flipped, still accepted",
					    what);
			vigil_channel_free(ch);
		}
		kvfree(buf);
	}
	vt_need(test, files, "valid files");
	kunit_info(test, "%zu flipped bytes in %u files\n", n, files);
}

struct vt_verify {
	int ret;
	unsigned int calls;
	size_t len, sig_len;
};

static int vt_verify_fn(void *ctx, const void *data, size_t len,
			const void *sig, size_t sig_len)
{
	struct vt_verify *v = ctx;

	v->calls++;
	v->len = len;
	v->sig_len = sig_len;
	return v->ret;
}

/*
 * The signature policy: a required signature must be there, a verifier
 * sees exactly the header and frame and the PKCS#7 blob, and its verdict
 * decides.
 */
static void vigil_signature_policy(struct kunit *test)
{
	const struct vigil_kunit_file *f;
	unsigned int i, nsigned = 0;

	for (i = 0; (f = vt_valid_file(i)); i++) {
		u8 *buf = vt_bytes(test, f);
		size_t end = vt_unsigned_len(buf, f->len);
		bool is_signed = end < f->len;
		struct vt_verify v = {};
		struct vigil_load_opts opts = { .require_signature = true };
		struct vigil_channel *ch;
		struct vigil_error err;
		int rc;

		nsigned += is_signed;
		rc = vt_load_opts(test, f->name, buf, f->len, &opts, &ch, &err);
		KUNIT_EXPECT_EQ_MSG(test, rc, is_signed ? VIGIL_E_OK :
				    VIGIL_E_SIG_MISSING, "%s: %s", f->name,
				    err.msg);
		if (ch) {
			KUNIT_EXPECT_TRUE(test, ch->signed_);
			KUNIT_EXPECT_FALSE(test, ch->sig_verified);
			vigil_channel_free(ch);
		}

		opts.verify = vt_verify_fn;
		opts.verify_ctx = &v;
		rc = vt_load_opts(test, f->name, buf, f->len, &opts, &ch, &err);
		KUNIT_EXPECT_EQ_MSG(test, rc, is_signed ? VIGIL_E_OK :
				    VIGIL_E_SIG_MISSING, "%s: %s", f->name,
				    err.msg);
		KUNIT_EXPECT_EQ(test, v.calls, is_signed ? 1U : 0U);
		if (ch) {
			KUNIT_EXPECT_TRUE(test, ch->sig_verified);
			KUNIT_EXPECT_EQ(test, v.len, end);
			KUNIT_EXPECT_EQ(test, v.sig_len, f->len - end -
					sizeof(struct vigil_sig_trailer) -
					VIGIL_SIG_MARKER_LEN);
			vigil_channel_free(ch);
		}

		/* a verifier that refuses: signed files are rejected */
		v.ret = -EKEYREJECTED;
		opts.require_signature = false;
		rc = vt_load_opts(test, f->name, buf, f->len, &opts, &ch, &err);
		KUNIT_EXPECT_EQ_MSG(test, rc, is_signed ? VIGIL_E_SIG_BAD :
				    VIGIL_E_OK, "%s: %s", f->name, err.msg);
		vigil_channel_free(ch);
		kvfree(buf);
	}
	vt_need(test, nsigned, "signed valid files");
}

static int vt_stop(void *ctx, const struct vigil_match *m)
{
	return 1;
}

struct vt_hits {
	u32 ids[32];
	unsigned int n;
	unsigned int calls;
	bool *rule;		/* by rule index, if set */
	u32 nrules;
};

static int vt_collect(void *ctx, const struct vigil_match *m)
{
	struct vt_hits *h = ctx;

	if (h->n < ARRAY_SIZE(h->ids))
		h->ids[h->n++] = m->rule_id;
	if (h->rule && m->rule_index < h->nrules)
		h->rule[m->rule_index] = true;
	h->calls++;
	return 0;
}

/*
 * Load the shipped channel @id (0: the first one); NULL (and a failed
 * test) if impossible.
 */
static struct vigil_channel *vt_channel(struct kunit *test, u32 id)
{
	unsigned int i;

	for (i = 0; i < vigil_kunit_channels_count; i++) {
		const struct vigil_kunit_file *f = &vigil_kunit_channels[i];
		const struct vigil_chan_header *h;
		struct vigil_channel *ch;
		struct vigil_error err;
		u8 *buf = vt_bytes(test, f);
		int rc;

		h = (const void *)buf;
		if (f->len < VIGIL_CHAN_HEADER_SIZE ||
		    (id && get_unaligned_le32(&h->channel_id) != id)) {
			kvfree(buf);
			continue;
		}
		rc = vt_load(test, f->name, buf, f->len, &ch, &err);
		kvfree(buf);
		if (rc)
			break;
		return ch;
	}
	KUNIT_FAIL(test, "shipped channel %u missing or rejected", id);
	return NULL;
}

/* The rules that matched are exactly @want (in any order). */
static void vt_expect_ids(struct kunit *test, const char *what,
			  const struct vt_hits *h, int rc, const u32 *want,
			  unsigned int nwant)
{
	unsigned int i, j;

	KUNIT_EXPECT_EQ_MSG(test, rc, (int)nwant, "%s: %d matches, want %u",
			    what, rc, nwant);
	KUNIT_EXPECT_EQ_MSG(test, h->calls, (unsigned int)max(rc, 0),
			    "%s: callbacks and return value disagree", what);
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < h->n && h->ids[j] != want[i]; j++)
			;
		KUNIT_EXPECT_LT_MSG(test, j, h->n, "%s: rule %u did not match",
				    what, want[i]);
	}
	for (j = 0; j < h->n; j++) {
		for (i = 0; i < nwant && want[i] != h->ids[j]; i++)
			;
		KUNIT_EXPECT_LT_MSG(test, i, nwant,
				    "%s: rule %u matched unexpectedly", what,
				    h->ids[j]);
	}
}

/* Match @ev against @ch: exactly the rules @want match. */
static void vt_match_ids(struct kunit *test, const struct vigil_channel *ch,
			 const struct vigil_event *ev, const char *what,
			 const u32 *want, unsigned int nwant)
{
	struct vt_hits h = {};
	int rc = vigil_match(ch->rules, ev, vt_collect, &h);

	vt_expect_ids(test, what, &h, rc, want, nwant);
}

#define VT_STR(s)	((struct vigil_str){ .ptr = (s), .len = sizeof(s) - 1 })

/*
 * Handcrafted events against channel 291 (fifo-c2): a reverse-shell pipe
 * in a temporary folder, the same in /dev/shm by an ordinary user, the
 * same name outside the temporary folders, and a pipe an interpreter
 * makes.  The expected ids are the ones channels/rules/fifo-c2.yaml
 * states; vigil-chan's fixtures hold the same cases.
 */
static void vigil_match_events(struct kunit *test)
{
	static const struct {
		const char *comm, *path;
		u64 uid, mode;
		u32 want[2];
		unsigned int nwant;
	} cases[] = {
		{ "mkfifo", "/tmp/f", 33, 010666, { 291001 }, 1 },
		{ "mkfifo", "/dev/shm/f", 1001, 010666, { 291001, 291005 }, 2 },
		{ "mkfifo", "/home/www/f", 33, 010666, {}, 0 },
		{ "python3", "/tmp/tmpk3j9_d0s/cmd", 33, 010600, { 291002 }, 1 },
	};
	struct vigil_channel *ch;
	struct vigil_event *ev;
	unsigned int i;

	vt_need(test, vigil_kunit_channels_count, "shipped channels");
	ch = vt_channel(test, 291);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vigil_str comm = {
			cases[i].comm, strlen(cases[i].comm)
		};
		struct vigil_str path = {
			cases[i].path, strlen(cases[i].path)
		};

		vigil_fill_fifo(ev, 4121 + i, 4121 + i, 4117, cases[i].uid,
				cases[i].uid, comm, path, cases[i].mode,
				VT_STR("/usr/bin/mkfifo"));
		vt_match_ids(test, ch, ev, cases[i].path, cases[i].want,
			     cases[i].nwant);
	}

	/* a callback that says stop ends matching after the first rule */
	vigil_fill_fifo(ev, 5120, 5120, 5100, 1001, 1001, VT_STR("mkfifo"),
			VT_STR("/dev/shm/f"), 010666, VT_STR("/usr/bin/mkfifo"));
	KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_stop, NULL), 1);

	/* the event type no rule of the channel reads: nothing matches */
	vigil_fill_exit(ev, 1, 1, 0, 0, 0, VT_STR("init"), 0, VT_STR(""));
	KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_stop, NULL), 0);
	vigil_channel_free(ch);
}

/* Set @v from the fixture value @fv, as the field's type reads it. */
static bool vt_set_value(union vigil_value *v, u8 type,
			 const struct vigil_kunit_fval *fv)
{
	switch (type) {
	case VIGIL_FT_U64:
		if (fv->kind != 'u' && !fv->is_num)
			return false;
		v->num = fv->num;
		return true;
	case VIGIL_FT_STR:
	case VIGIL_FT_PATH:
		if (fv->kind != 's')
			return false;
		v->str.ptr = fv->str;
		v->str.len = fv->len;
		return true;
	case VIGIL_FT_ADDR:
		if (fv->kind != 's' || !fv->addr)
			return false;
		memcpy(v->addr.a, fv->addr, sizeof(v->addr.a));
		return true;
	}
	return false;
}

/* Build the event of fixture @fx; false (and a failed test) if it can't. */
static bool vt_fixture_event(struct kunit *test,
			     const struct vigil_kunit_fixture *fx,
			     struct vigil_event *ev)
{
	unsigned int type = vigil_event_type_by_name(fx->event,
						     strlen(fx->event));
	const struct vigil_event_desc *d = vigil_event_desc(type);
	unsigned int i;

	KUNIT_EXPECT_NOT_NULL_MSG(test, d, "%s: event %s", fx->where,
				  fx->event);
	if (!d)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->nfields = d->nfields;
	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].type != VIGIL_FT_U64 &&
		    d->fields[i].type != VIGIL_FT_ADDR)
			ev->v[i].str.ptr = "";
	for (i = 0; i < fx->nvals; i++) {
		const struct vigil_kunit_fval *fv = &fx->vals[i];
		int f = vigil_field_by_name(type, fv->field, strlen(fv->field));

		if (f < 0 || !vt_set_value(&ev->v[f], d->fields[f].type, fv)) {
			KUNIT_FAIL(test, "%s: bad field %s", fx->where,
				   fv->field);
			return false;
		}
	}
	return true;
}

/*
 * Every fixture of every shipped channel, matched in the kernel: the same
 * rules match as vigil-chan test says, and vigil_rule_eval() agrees with
 * vigil_match() rule by rule.
 */
static void vigil_fixture_replay(struct kunit *test)
{
	struct vigil_channel *ch = NULL;
	struct vigil_event *ev;
	struct vt_hits *h;
	unsigned int i, r;

	vt_need(test, vigil_kunit_fixtures_count, "fixtures");
	ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, h);

	for (i = 0; i < vigil_kunit_fixtures_count; i++) {
		const struct vigil_kunit_fixture *fx = &vigil_kunit_fixtures[i];
		int rc;

		if (!ch || ch->channel_id != fx->channel_id) {
			vigil_channel_free(ch);
			ch = vt_channel(test, fx->channel_id);
			KUNIT_ASSERT_NOT_NULL(test, ch);
			h->rule = kunit_kcalloc(test, ch->nrules,
						sizeof(*h->rule), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, h->rule);
			h->nrules = ch->nrules;
		}
		if (!vt_fixture_event(test, fx, ev))
			continue;
		h->n = 0;
		h->calls = 0;
		memset(h->rule, 0, h->nrules * sizeof(*h->rule));
		rc = vigil_match(ch->rules, ev, vt_collect, h);
		vt_expect_ids(test, fx->where, h, rc, fx->expect, fx->nexpect);
		for (r = 0; r < ch->nrules; r++)
			KUNIT_EXPECT_EQ_MSG(test,
					    vigil_rule_eval(ch->rules, r, ev, -1),
					    (int)h->rule[r],
					    "%s: rule index %u", fx->where, r);
	}
	vigil_channel_free(ch);
	kunit_info(test, "%u fixtures\n", vigil_kunit_fixtures_count);
}

/* An event the schema does not describe is refused before any read. */
static void vigil_match_bad_event(struct kunit *test)
{
	const struct vigil_rule_rec *rule0;
	struct vigil_channel *ch;
	struct vigil_event *ev;
	struct vt_hits hits = {};
	unsigned int t;
	int rc;

	vt_need(test, vigil_kunit_channels_count, "shipped channels");
	ch = vt_channel(test, 0);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);

	for (t = 1; t <= VIGIL_EV_MAX; t++) {
		u16 good;

		KUNIT_ASSERT_TRUE(test, vt_fill(ev, t));
		good = ev->nfields;
		rc = vigil_match(ch->rules, ev, vt_collect, &hits);
		KUNIT_EXPECT_GE_MSG(test, rc, 0, "type %u", t);

		/* the July 19 case: one field more than the schema has */
		ev->nfields = good + 1;
		KUNIT_EXPECT_EQ_MSG(test, vigil_match(ch->rules, ev, vt_collect,
						      &hits), -EINVAL,
				    "type %u with %u fields", t, good + 1);
		ev->nfields = good - 1;
		KUNIT_EXPECT_EQ_MSG(test, vigil_match(ch->rules, ev, vt_collect,
						      &hits), -EINVAL,
				    "type %u with %u fields", t, good - 1);
		ev->nfields = VIGIL_MAX_FIELDS + 1;
		KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_collect,
						  &hits), -EINVAL);
		ev->nfields = 0xffff;
		KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_collect,
						  &hits), -EINVAL);
		ev->nfields = good;
	}
	hits.calls = 0;
	ev->type = VIGIL_EV_NONE;
	KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_collect, &hits),
			-EINVAL);
	ev->type = VIGIL_EV_MAX + 1;
	KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_collect, &hits),
			-EINVAL);
	ev->type = 0xffff;
	KUNIT_EXPECT_EQ(test, vigil_match(ch->rules, ev, vt_collect, &hits),
			-EINVAL);
	KUNIT_EXPECT_EQ_MSG(test, hits.calls, 0U,
			    "callback ran for an invalid event");

	/* rule 0's own event type, from its record in the payload */
	rule0 = (const void *)(ch->payload + sizeof(struct vigil_payload_header));
	KUNIT_ASSERT_TRUE(test, vt_fill(ev, le16_to_cpu(rule0->event_type)));
	KUNIT_EXPECT_GE(test, vigil_rule_eval(ch->rules, 0, ev, -1), 0);
	KUNIT_EXPECT_EQ(test, vigil_rule_eval(ch->rules, ch->nrules, ev, -1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vigil_rule_eval(ch->rules, ~0U, ev, -1),
			-EINVAL);
	ev->nfields++;
	KUNIT_EXPECT_EQ(test, vigil_rule_eval(ch->rules, 0, ev, -1), -EINVAL);
	vigil_channel_free(ch);
}

/*
 * A heavy event of @type: every string field VIGIL_MAX_FIELD_LEN bytes,
 * of @fill, or (@fill 0) of the channel's string table over and over,
 * so that its anchors occur everywhere.
 */
static void vt_heavy_event(struct vigil_event *ev, u32 type, char *text,
			   const struct vigil_channel *ch, u8 fill)
{
	const struct vigil_event_desc *d = vigil_event_desc(type);
	const struct vigil_payload_header *ph = (const void *)ch->payload;
	size_t tab = ch->payload_size - le32_to_cpu(ph->strtab_size), i;
	size_t tlen = le32_to_cpu(ph->strtab_size);
	u32 f;

	for (i = 0; i < VIGIL_MAX_FIELD_LEN; i++) {
		u8 c = fill;

		if (!fill && tlen)
			c = ch->payload[tab + i % tlen];
		text[i] = c ? c : 'a';
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->nfields = d->nfields;
	for (f = 0; f < d->nfields; f++) {
		if (d->fields[f].type != VIGIL_FT_STR &&
		    d->fields[f].type != VIGIL_FT_PATH) {
			ev->v[f].num = f;
			continue;
		}
		ev->v[f].str.ptr = text + f % 7;
		ev->v[f].str.len = VIGIL_MAX_FIELD_LEN - f % 7;
	}
}

/*
 * The bound holds in the kernel build: for every shipped channel and
 * every corpus file that loads (the heaviest content accepted among
 * them), heavy events of every type with rules never take more steps than
 * the loader proved, nor more than the budget; and a budget cut short
 * stops the event.
 */
static void vigil_work_bound(struct kunit *test)
{
	static const u8 fills[] = { 0, 0x7f, 'a' };
	const struct vigil_kunit_file *f;
	unsigned int i, k, events = 0, stops = 0;
	char *text = kunit_kzalloc(test, VIGIL_MAX_FIELD_LEN, GFP_KERNEL);
	struct vigil_event ev;
	u64 bound, used, most = 0;
	u32 t;

	KUNIT_ASSERT_NOT_NULL(test, text);
	for (i = 0; (f = vt_valid_file(i)); i++) {
		struct vigil_channel *ch;
		struct vigil_error err;
		u8 *buf = vt_bytes(test, f);
		int rc = vt_load(test, f->name, buf, f->len, &ch, &err);

		kvfree(buf);
		KUNIT_ASSERT_EQ_MSG(test, rc, 0, "%s: %s", f->name, err.msg);
		for (t = 1; t <= VIGIL_EV_MAX; t++) {
			bound = vigil_ruleset_work(ch->rules, t);
			KUNIT_EXPECT_LE(test, bound, (u64)VIGIL_MAX_EVENT_WORK);
			if (!bound)
				continue;
			for (k = 0; k < ARRAY_SIZE(fills); k++) {
				struct vigil_work w = {
					.left = VIGIL_MAX_EVENT_WORK,
				};

				vt_heavy_event(&ev, t, text, ch, fills[k]);
				vigil_match_work(ch->rules, &ev, NULL, NULL, &w);
				used = VIGIL_MAX_EVENT_WORK - w.left;
				KUNIT_EXPECT_FALSE_MSG(test, w.over, "%s type %u",
						       f->name, t);
				KUNIT_EXPECT_LE_MSG(test, used, bound,
						    "%s type %u", f->name, t);
				most = max(most, used);
				events++;
				if (used < 2)
					continue;
				w.left = used / 2;
				w.over = false;
				vigil_match_work(ch->rules, &ev, NULL, NULL, &w);
				KUNIT_EXPECT_TRUE(test, w.over);
				stops += w.over;
			}
			cond_resched();
		}
		vigil_channel_free(ch);
	}
	kunit_info(test, "%u heavy events, the heaviest %llu steps, %u stopped by a half budget\n",
		   events, (unsigned long long)most, stops);
	/* the heaviest comes near the budget: the check above can fail */
	KUNIT_EXPECT_GT(test, most, (u64)VIGIL_MAX_EVENT_WORK / 2);
}

/*
 * The shipped channels' prefilters merged (vigil_may_build(), as the
 * sensor merges its active channels) answer what each channel's, OR-ed,
 * answers: for paths each channel knows, others none does, another case
 * and lengths up to VIGIL_MAX_FIELD_LEN.
 */
static void vigil_may_merged(struct kunit *test)
{
	static const char *const paths[] = {
		"/etc/shadow", "/ETC/SHADOW", "/etc/shadow-", "/tmp/b/bench-file",
		"/etc/cron.d/job", "/root/.ssh/authorized_keys", "/etc/sh",
		"", "/", "/var/spool/cron/crontabs/root", "/home/a/.bashrc",
	};
	const struct vigil_ruleset *rs[VIGIL_MAX_CHANNELS];
	struct vigil_channel *ch[VIGIL_MAX_CHANNELS];
	unsigned int i, k, n = 0, yes = 0;
	struct vigil_may *m;
	char *text;

	vt_need(test, vigil_kunit_channels_count, "shipped channels");
	text = kunit_kmalloc(test, VIGIL_MAX_FIELD_LEN + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	for (i = 0; i < vigil_kunit_channels_count && n < ARRAY_SIZE(ch);
	     i++) {
		const struct vigil_kunit_file *f = &vigil_kunit_channels[i];
		struct vigil_error err;
		u8 *buf = vt_bytes(test, f);

		if (vt_load(test, f->name, buf, f->len, &ch[n], &err) ==
		    VIGIL_E_OK) {
			rs[n] = ch[n]->rules;
			n++;
		}
		kvfree(buf);
	}
	KUNIT_ASSERT_GT(test, n, 0U);
	m = vigil_may_build(rs, n);
	KUNIT_ASSERT_NOT_NULL(test, m);
	for (k = 0; k < ARRAY_SIZE(paths) + 2; k++) {
		u32 len;
		bool want = false, got;

		if (k < ARRAY_SIZE(paths)) {
			len = strlen(paths[k]);
			memcpy(text, paths[k], len);
		} else {
			/* a long path of one byte, and one ending in a name */
			len = VIGIL_MAX_FIELD_LEN;
			memset(text, k % 2 ? '/' : 'a', len);
			if (k % 2)
				memcpy(text + len - 11, "/etc/shadow", 11);
		}
		for (i = 0; i < n && !want; i++)
			want = vigil_match_may(rs[i], VIGIL_EV_OPEN,
					       VIGIL_OPEN_path,
					       (const u8 *)text, len);
		got = vigil_may_match(m, VIGIL_EV_OPEN, VIGIL_OPEN_path,
				      (const u8 *)text, len);
		KUNIT_EXPECT_EQ_MSG(test, got, want, "path %u (%u bytes)", k,
				    len);
		yes += got;
	}
	/* the channels know /etc/shadow; nothing knows the bench's file */
	KUNIT_EXPECT_GT(test, yes, 0U);
	KUNIT_EXPECT_FALSE(test, vigil_may_match(m, VIGIL_EV_OPEN,
						 VIGIL_OPEN_path,
						 (const u8 *)"/tmp/b/bench-file",
						 17));
	vigil_may_free(m);
	for (i = 0; i < n; i++)
		vigil_channel_free(ch[i]);
}

static struct kunit_case vigil_loader_cases[] = {
	KUNIT_CASE(vigil_schema_tables),
	KUNIT_CASE(vigil_schema_fill),
	KUNIT_CASE(vigil_error_names),
	KUNIT_CASE(vigil_load_shipped),
	KUNIT_CASE(vigil_corpus_replay),
	KUNIT_CASE(vigil_truncation_sweep),
	KUNIT_CASE(vigil_flip_sweep),
	KUNIT_CASE(vigil_signature_policy),
	KUNIT_CASE(vigil_match_events),
	KUNIT_CASE(vigil_fixture_replay),
	KUNIT_CASE(vigil_match_bad_event),
	KUNIT_CASE(vigil_work_bound),
	KUNIT_CASE(vigil_may_merged),
	{}
};

static struct kunit_suite vigil_loader_suite = {
	.name = "vigil_loader",
	.test_cases = vigil_loader_cases,
};
kunit_test_suite(vigil_loader_suite);
