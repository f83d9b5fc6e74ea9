/* A fast path for counting KMS events in one CloudTrail log file.
 *
 * Scanner.scan(raw, every_time) walks the decompressed JSON once, validating all of it, and
 * keeps, for each KMS record, the same 13 fields that records.raw_fields() takes from a parsed
 * record. Equal field tuples are counted in a table that outlives the file, so Python sees each
 * distinct tuple once (Scanner.take()), not each record.
 *
 * The contract: scan() either returns exactly what the reference path (orjson + raw_fields)
 * would have counted, or returns None and counts nothing, and the caller uses the reference
 * path for that file. It returns None for anything it does not handle the same way for
 * certain: invalid JSON of any kind, escapes in the strings it keeps, duplicate keys, fields of
 * unexpected types in a KMS record, deep nesting, numbers near the limits of a double, \u
 * escapes of surrogates. So the reference path stays the only judge of a bad file.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define OK 0
#define BAIL (-1)
#define MAX_DEPTH 64
#define MAX_NUMBER 24     /* longer number tokens are left to the reference path */
#define MAX_CONTEXT_KEYS 32

/* The string fields of a KMS record, in the order of records.raw_fields(). */
enum {
    F_EVENT_TYPE, F_EVENT_NAME, F_ARN, F_KEY_ID, F_ACCOUNT, F_REGION, F_KEY_PAIR_SPEC,
    F_ENCRYPTION_ALGORITHM, F_SIGNING_ALGORITHM, F_INVOKED_BY, F_SOURCE_IP, F_USER_AGENT,
    N_FIELDS
};

/* Key encoding in the table: a string is its UTF-8 bytes then 0xFF, None is 0xFE. Neither
 * byte occurs in valid UTF-8, so the encoding is unambiguous. */
#define END_OF_STRING 0xFF
#define NONE_FIELD 0xFE

typedef struct {
    const unsigned char *s; /* NULL: absent or null */
    Py_ssize_t n;
} Span;

typedef struct {
    Span field[N_FIELDS];
    uint32_t context;
} Found;

typedef struct {
    uint64_t hash;
    Py_ssize_t offset, length;
    long long count;
} Entry;

typedef struct {
    PyObject_HEAD
    /* encryption-context keys whose presence is reported as bits */
    char *context_keys[MAX_CONTEXT_KEYS];
    Py_ssize_t context_len[MAX_CONTEXT_KEYS];
    int n_context;
    /* the table of distinct field tuples */
    Entry *entries;
    Py_ssize_t n_entries, cap_entries;
    int32_t *index;
    Py_ssize_t index_mask; /* index size - 1, a power of two minus one */
    unsigned char *arena;
    Py_ssize_t arena_len, arena_cap;
    /* the KMS records of the file being scanned, counted only if the whole file is read */
    Found *found;
    Py_ssize_t n_found, cap_found;
    unsigned char *key;
    Py_ssize_t key_cap;
    long long fast_files, fallback_files;
} Scanner;

/* One file's parse state. */
typedef struct {
    const unsigned char *p, *end;
    Scanner *scanner;
    int every_time;
    Span first, last; /* earliest and latest eventTime kept */
} Parse;

/* Bytes that may stand in a string as they are: printable ASCII but for " and \. */
static unsigned char PLAIN[256];

static void init_tables(void) {
    for (int c = 0x20; c < 0x80; c++) PLAIN[c] = 1;
    PLAIN['"'] = 0;
    PLAIN['\\'] = 0;
}

static inline void skip_ws(Parse *ps) {
    const unsigned char *p = ps->p, *end = ps->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    ps->p = p;
}

static inline int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of the well-formed UTF-8 sequence at p (Unicode Table 3-7), or 0. */
static inline int utf8_length(const unsigned char *p, const unsigned char *end) {
    unsigned char c = p[0];
    Py_ssize_t left = end - p;
    unsigned char low = 0x80, high = 0xBF;
    int n;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else return 0;
    if (left < n) return 0;
    if (p[1] < low || p[1] > high) return 0;
    for (int i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* A string at ps->p (which is '"'): its raw bytes between the quotes, and whether it holds an
 * escape (then the raw bytes are not its value). */
static int read_string(Parse *ps, Span *out, int *escaped) {
    const unsigned char *p = ps->p + 1, *end = ps->end;
    const unsigned char *start = p;
    *escaped = 0;
    for (;;) {
#ifdef __SSE2__
        /* 16 bytes at a time to the first '"', '\\', control byte or non-ASCII byte: as signed
         * bytes, both of the last two are less than 0x20. */
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                     _mm_cmpeq_epi8(v, backslash)),
                                        _mm_cmplt_epi8(v, space));
            int mask = _mm_movemask_epi8(stop);
            if (mask) {
                p += __builtin_ctz((unsigned)mask);
                break;
            }
            p += 16;
        }
#endif
        while (p + 4 <= end && PLAIN[p[0]] && PLAIN[p[1]] && PLAIN[p[2]] && PLAIN[p[3]]) p += 4;
        while (p < end && PLAIN[*p]) p++;
        if (p >= end) return BAIL;
        unsigned char c = *p;
        if (c == '"') {
            out->s = start;
            out->n = p - start;
            ps->p = p + 1;
            return OK;
        }
        if (c == '\\') {
            *escaped = 1;
            if (++p >= end) return BAIL;
            c = *p;
            if (c == 'u') {
                if (end - p < 5) return BAIL;
                int code = 0;
                for (int i = 1; i <= 4; i++) {
                    int h = hex_value(p[i]);
                    if (h < 0) return BAIL;
                    code = code * 16 + h;
                }
                if (code >= 0xD800 && code <= 0xDFFF) return BAIL; /* surrogates: not here */
                p += 5;
            } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
                       c == 'r' || c == 't') {
                p++;
            } else return BAIL;
            continue;
        }
        if (c < 0x20) return BAIL; /* control characters must be escaped */
        int n = utf8_length(p, end);
        if (n == 0) return BAIL;
        p += n;
    }
}

static int skip_value(Parse *ps, int depth);

static int skip_number(Parse *ps) {
    const unsigned char *p = ps->p, *end = ps->end, *start = p;
    if (p < end && *p == '-') p++;
    if (p >= end) return BAIL;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9') p++;
    } else return BAIL;
    if (p < end && *p == '.') {
        p++;
        const unsigned char *digits = p;
        while (p < end && *p >= '0' && *p <= '9') p++;
        if (p == digits) return BAIL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        const unsigned char *digits = p;
        while (p < end && *p >= '0' && *p <= '9') p++;
        if (p == digits || p - digits > 2) return BAIL;
    }
    if (p - start > MAX_NUMBER) return BAIL; /* could overflow a double: the reference decides */
    ps->p = p;
    return OK;
}

static int skip_literal(Parse *ps, const char *word, Py_ssize_t n) {
    if (ps->end - ps->p < n || memcmp(ps->p, word, n) != 0) return BAIL;
    ps->p += n;
    return OK;
}

#define MORE 1

/* After a member or element: MORE past a ',', OK past `close`, else BAIL. */
static int after_item(Parse *ps, unsigned char close) {
    skip_ws(ps);
    if (ps->p >= ps->end) return BAIL;
    if (*ps->p == ',') {
        ps->p++;
        skip_ws(ps);
        return MORE;
    }
    if (*ps->p == close) {
        ps->p++;
        return OK;
    }
    return BAIL;
}

/* The members of an object at ps->p ('{'): for each, `member` is called with the key, the
 * parse positioned at the value, and must consume the value. */
typedef int (*MemberFn)(Parse *ps, void *ctx, Span key, int escaped, int depth);

static int read_object(Parse *ps, int depth, MemberFn member, void *ctx) {
    if (depth > MAX_DEPTH) return BAIL;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return OK;
    }
    for (;;) {
        if (ps->p >= ps->end || *ps->p != '"') return BAIL;
        Span key;
        int escaped;
        if (read_string(ps, &key, &escaped) != OK) return BAIL;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') return BAIL;
        ps->p++;
        skip_ws(ps);
        if (ps->p >= ps->end) return BAIL;
        if (member(ps, ctx, key, escaped, depth) != OK) return BAIL;
        int more = after_item(ps, '}');
        if (more != MORE) return more;
    }
}

typedef int (*ElementFn)(Parse *ps, void *ctx, int depth);

static int read_array(Parse *ps, int depth, ElementFn element, void *ctx) {
    if (depth > MAX_DEPTH) return BAIL;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return OK;
    }
    for (;;) {
        if (ps->p >= ps->end) return BAIL;
        if (element(ps, ctx, depth) != OK) return BAIL;
        int more = after_item(ps, ']');
        if (more != MORE) return more;
    }
}

static int skip_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    (void)ctx; (void)key; (void)escaped;
    return skip_value(ps, depth + 1);
}

static int skip_element(Parse *ps, void *ctx, int depth) {
    (void)ctx;
    return skip_value(ps, depth + 1);
}

static int skip_value(Parse *ps, int depth) {
    Span ignored;
    int escaped;
    switch (*ps->p) {
    case '"': return read_string(ps, &ignored, &escaped);
    case '{': return read_object(ps, depth, skip_member, NULL);
    case '[': return read_array(ps, depth, skip_element, NULL);
    case 't': return skip_literal(ps, "true", 4);
    case 'f': return skip_literal(ps, "false", 5);
    case 'n': return skip_literal(ps, "null", 4);
    default: return skip_number(ps);
    }
}

static inline int is(Span key, const char *name, Py_ssize_t n) {
    return key.n == n && memcmp(key.s, name, n) == 0;
}
#define IS(key, literal) is((key), (literal), (Py_ssize_t)(sizeof(literal) - 1))

/* The record being read. `odd` marks what the fast path does not reproduce (an escape in a
 * kept string, a duplicate key, a field of another type); it matters only for KMS records. */
typedef struct {
    Found found;
    Span source, time;
    int has_source, has_time, time_escaped;
    int odd;
    unsigned seen;     /* record-level fields seen, for duplicates */
    int arn_found;     /* the first AWS::KMS::Key resource was seen */
    Scanner *scanner;
} Record;

/* A string-or-null field into *out; anything else marks the record odd. */
static int keep_field(Parse *ps, Record *rec, Span *out, int depth) {
    if (*ps->p == '"') {
        int escaped;
        if (read_string(ps, out, &escaped) != OK) return BAIL;
        if (escaped) rec->odd = 1;
        return OK;
    }
    out->s = NULL;
    if (*ps->p == 'n') return skip_literal(ps, "null", 4);
    rec->odd = 1;
    return skip_value(ps, depth + 1);
}

/* Marks a duplicate of bit `bit` in *seen; true if it was seen before. */
static inline int seen_before(unsigned *seen, unsigned bit) {
    int before = (*seen & bit) != 0;
    *seen |= bit;
    return before;
}

typedef struct {
    Record *rec;
    unsigned seen;
} Nested;

static int identity_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Nested *nest = ctx;
    if (escaped) nest->rec->odd = 1; /* it might spell invokedBy */
    else if (IS(key, "invokedBy")) {
        if (seen_before(&nest->seen, 1)) nest->rec->odd = 1;
        return keep_field(ps, nest->rec, &nest->rec->found.field[F_INVOKED_BY], depth);
    }
    return skip_value(ps, depth + 1);
}

static int context_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Record *rec = ctx;
    Scanner *sc = rec->scanner;
    if (escaped) rec->odd = 1;
    else {
        for (int i = 0; i < sc->n_context; i++) {
            if (key.n == sc->context_len[i] && memcmp(key.s, sc->context_keys[i], key.n) == 0)
                rec->found.context |= (uint32_t)1 << i;
        }
    }
    return skip_value(ps, depth + 1);
}

static int parameters_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Nested *nest = ctx;
    Record *rec = nest->rec;
    int field = -1;
    unsigned bit = 0;
    if (escaped) {
        rec->odd = 1;
        return skip_value(ps, depth + 1);
    }
    if (IS(key, "keyId")) field = F_KEY_ID, bit = 1;
    else if (IS(key, "keyPairSpec")) field = F_KEY_PAIR_SPEC, bit = 2;
    else if (IS(key, "encryptionAlgorithm")) field = F_ENCRYPTION_ALGORITHM, bit = 4;
    else if (IS(key, "signingAlgorithm")) field = F_SIGNING_ALGORITHM, bit = 8;
    else if (IS(key, "encryptionContext")) {
        if (seen_before(&nest->seen, 16)) rec->odd = 1;
        rec->found.context = 0;
        if (*ps->p == '{') return read_object(ps, depth + 1, context_member, rec);
        return skip_value(ps, depth + 1); /* not a dict: no context keys, as in Python */
    }
    if (field < 0) return skip_value(ps, depth + 1);
    if (seen_before(&nest->seen, bit)) rec->odd = 1;
    return keep_field(ps, rec, &rec->found.field[field], depth);
}

typedef struct {
    Record *rec;
    unsigned seen;
    Span type, arn;
} Resource;

static int resource_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Resource *res = ctx;
    if (escaped) {
        res->rec->odd = 1;
        return skip_value(ps, depth + 1);
    }
    if (IS(key, "type")) {
        if (seen_before(&res->seen, 1)) res->rec->odd = 1;
        return keep_field(ps, res->rec, &res->type, depth);
    }
    if (IS(key, "ARN")) {
        if (seen_before(&res->seen, 2)) res->rec->odd = 1;
        return keep_field(ps, res->rec, &res->arn, depth);
    }
    return skip_value(ps, depth + 1);
}

/* Whether `span` holds `needle` (of length n) anywhere. */
static int span_contains(Span span, const char *needle, Py_ssize_t n) {
    if (span.s == NULL) return 0;
    for (Py_ssize_t i = 0; i + n <= span.n; i++)
        if (memcmp(span.s + i, needle, (size_t)n) == 0) return 1;
    return 0;
}

static int resource_element(Parse *ps, void *ctx, int depth) {
    Record *rec = ctx;
    if (*ps->p != '{') { /* Python would call .get on it */
        rec->odd = 1;
        return skip_value(ps, depth + 1);
    }
    Resource res = {rec, 0, {NULL, 0}, {NULL, 0}};
    if (read_object(ps, depth + 1, resource_member, &res) != OK) return BAIL;
    /* The first AWS::KMS::Key resource whose ARN is a key's: UpdateAlias lists the alias
       (arn:...:alias/NAME) first, with that same type. */
    if (!rec->arn_found && res.type.s != NULL && IS(res.type, "AWS::KMS::Key")
        && span_contains(res.arn, ":key/", 5)) {
        rec->arn_found = 1;
        rec->found.field[F_ARN] = res.arn;
    }
    return OK;
}

/* Record-level fields kept as they are: name -> field. */
static const struct { const char *name; Py_ssize_t n; int field; } TOP_FIELDS[] = {
    {"eventType", 9, F_EVENT_TYPE},
    {"eventName", 9, F_EVENT_NAME},
    {"recipientAccountId", 18, F_ACCOUNT},
    {"awsRegion", 9, F_REGION},
    {"sourceIPAddress", 15, F_SOURCE_IP},
    {"userAgent", 9, F_USER_AGENT},
};
#define N_TOP_FIELDS ((int)(sizeof(TOP_FIELDS) / sizeof(TOP_FIELDS[0])))

static int record_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Record *rec = ctx;
    if (escaped) return BAIL; /* it might spell eventSource: only the reference can tell */
    if (IS(key, "eventSource")) {
        if (rec->has_source) return BAIL;
        rec->has_source = 1;
        if (*ps->p == '"') {
            int esc;
            if (read_string(ps, &rec->source, &esc) != OK) return BAIL;
            if (esc) return BAIL;
            return OK;
        }
        rec->source.s = NULL; /* not a string: not a KMS event */
        return skip_value(ps, depth + 1);
    }
    if (IS(key, "eventTime")) {
        if (rec->has_time) return BAIL;
        rec->has_time = 1;
        if (*ps->p == '"') return read_string(ps, &rec->time, &rec->time_escaped);
        rec->time.s = NULL; /* not a string: no time, as in Python */
        return skip_value(ps, depth + 1);
    }
    for (int i = 0; i < N_TOP_FIELDS; i++) {
        if (is(key, TOP_FIELDS[i].name, TOP_FIELDS[i].n)) {
            if (seen_before(&rec->seen, 1u << i)) rec->odd = 1;
            return keep_field(ps, rec, &rec->found.field[TOP_FIELDS[i].field], depth);
        }
    }
    unsigned bit = 0;
    if (IS(key, "userIdentity")) bit = 1u << 8;
    else if (IS(key, "requestParameters")) bit = 1u << 9;
    else if (IS(key, "resources")) bit = 1u << 10;
    else return skip_value(ps, depth + 1);
    if (seen_before(&rec->seen, bit)) rec->odd = 1;
    if (*ps->p == 'n') return skip_literal(ps, "null", 4);
    Nested nest = {rec, 0};
    /* (a duplicate marked the record odd above, so what it leaves behind is never used) */
    if (bit == 1u << 8 && *ps->p == '{') return read_object(ps, depth + 1, identity_member, &nest);
    if (bit == 1u << 9 && *ps->p == '{')
        return read_object(ps, depth + 1, parameters_member, &nest);
    if (bit == 1u << 10 && *ps->p == '[') return read_array(ps, depth + 1, resource_element, rec);
    rec->odd = 1; /* a non-dict identity or parameters, or a non-list resources */
    return skip_value(ps, depth + 1);
}

static const char KMS_SOURCE[] = "kms.amazonaws.com";

static inline int span_less(Span a, Span b) {
    Py_ssize_t n = a.n < b.n ? a.n : b.n;
    int c = memcmp(a.s, b.s, n);
    return c < 0 || (c == 0 && a.n < b.n);
}

static int keep_found(Scanner *sc, const Found *found) {
    if (sc->n_found == sc->cap_found) {
        Py_ssize_t cap = sc->cap_found ? sc->cap_found * 2 : 256;
        Found *grown = PyMem_Realloc(sc->found, cap * sizeof(Found));
        if (grown == NULL) return BAIL;
        sc->found = grown;
        sc->cap_found = cap;
    }
    sc->found[sc->n_found++] = *found;
    return OK;
}

static int record_element(Parse *ps, void *ctx, int depth) {
    (void)ctx;
    if (*ps->p != '{') return BAIL; /* not a dict: the reference reports the file */
    Record rec;
    memset(&rec, 0, sizeof rec);
    rec.scanner = ps->scanner;
    if (read_object(ps, depth + 1, record_member, &rec) != OK) return BAIL;
    int kms = rec.source.s != NULL && IS(rec.source, KMS_SOURCE);
    if (kms && rec.odd) return BAIL;
    if ((kms || ps->every_time) && rec.time.s != NULL) {
        if (rec.time_escaped) return BAIL;
        if (ps->first.s == NULL || span_less(rec.time, ps->first)) ps->first = rec.time;
        if (ps->last.s == NULL || span_less(ps->last, rec.time)) ps->last = rec.time;
    }
    return kms ? keep_found(ps->scanner, &rec.found) : OK;
}

typedef struct {
    int has_records;
} Document;

static int document_member(Parse *ps, void *ctx, Span key, int escaped, int depth) {
    Document *doc = ctx;
    if (escaped) return BAIL; /* it might spell Records */
    if (IS(key, "Records")) {
        if (doc->has_records || *ps->p != '[') return BAIL;
        doc->has_records = 1;
        return read_array(ps, depth + 1, record_element, NULL);
    }
    return skip_value(ps, depth + 1);
}

/* ---- the table of distinct field tuples ---- */

static uint64_t hash_bytes(const unsigned char *s, Py_ssize_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
}

static int grow_index(Scanner *sc) {
    Py_ssize_t size = sc->index ? (sc->index_mask + 1) * 2 : 1024;
    int32_t *index = PyMem_Malloc(size * sizeof(int32_t));
    if (index == NULL) return BAIL;
    memset(index, 0xFF, size * sizeof(int32_t));
    for (Py_ssize_t i = 0; i < sc->n_entries; i++) {
        Py_ssize_t slot = (Py_ssize_t)(sc->entries[i].hash & (uint64_t)(size - 1));
        while (index[slot] >= 0) slot = (slot + 1) & (size - 1);
        index[slot] = (int32_t)i;
    }
    PyMem_Free(sc->index);
    sc->index = index;
    sc->index_mask = size - 1;
    return OK;
}

static int ensure_key(Scanner *sc, Py_ssize_t n) {
    if (n <= sc->key_cap) return OK;
    Py_ssize_t cap = n * 2;
    unsigned char *key = PyMem_Realloc(sc->key, cap);
    if (key == NULL) return BAIL;
    sc->key = key;
    sc->key_cap = cap;
    return OK;
}

/* Adds one to the count of `found`'s tuple. */
static int count_found(Scanner *sc, const Found *found) {
    Py_ssize_t n = 4;
    for (int f = 0; f < N_FIELDS; f++) n += found->field[f].s ? found->field[f].n + 1 : 1;
    if (ensure_key(sc, n) != OK) return BAIL;
    unsigned char *k = sc->key;
    for (int f = 0; f < N_FIELDS; f++) {
        Span s = found->field[f];
        if (s.s == NULL) *k++ = NONE_FIELD;
        else {
            memcpy(k, s.s, s.n);
            k += s.n;
            *k++ = END_OF_STRING;
        }
    }
    memcpy(k, &found->context, 4);
    uint64_t hash = hash_bytes(sc->key, n);
    if (sc->index == NULL || (sc->n_entries + 1) * 2 > sc->index_mask + 1) {
        if (grow_index(sc) != OK) return BAIL;
    }
    Py_ssize_t slot = (Py_ssize_t)(hash & (uint64_t)sc->index_mask);
    for (;;) {
        int32_t i = sc->index[slot];
        if (i < 0) break;
        Entry *e = &sc->entries[i];
        if (e->hash == hash && e->length == n && memcmp(sc->arena + e->offset, sc->key, n) == 0) {
            e->count++;
            return OK;
        }
        slot = (slot + 1) & sc->index_mask;
    }
    if (sc->n_entries == sc->cap_entries) {
        Py_ssize_t cap = sc->cap_entries ? sc->cap_entries * 2 : 1024;
        Entry *grown = PyMem_Realloc(sc->entries, cap * sizeof(Entry));
        if (grown == NULL) return BAIL;
        sc->entries = grown;
        sc->cap_entries = cap;
    }
    if (sc->arena_len + n > sc->arena_cap) {
        Py_ssize_t cap = (sc->arena_len + n) * 2;
        unsigned char *grown = PyMem_Realloc(sc->arena, cap);
        if (grown == NULL) return BAIL;
        sc->arena = grown;
        sc->arena_cap = cap;
    }
    memcpy(sc->arena + sc->arena_len, sc->key, n);
    Entry *e = &sc->entries[sc->n_entries];
    e->hash = hash;
    e->offset = sc->arena_len;
    e->length = n;
    e->count = 1;
    sc->index[slot] = (int32_t)sc->n_entries++;
    sc->arena_len += n;
    return OK;
}

/* ---- the Python type ---- */

static PyObject *span_text(Span s) {
    if (s.s == NULL) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8((const char *)s.s, s.n, "strict");
}

static PyObject *Scanner_scan(Scanner *self, PyObject *args) {
    Py_buffer raw;
    int every_time = 0;
    if (!PyArg_ParseTuple(args, "y*|p:scan", &raw, &every_time)) return NULL;
    Parse ps = {raw.buf, (const unsigned char *)raw.buf + raw.len, self, every_time,
                {NULL, 0}, {NULL, 0}};
    Document doc = {0};
    self->n_found = 0;
    int status = OK;
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{') status = BAIL;
    if (status == OK) status = read_object(&ps, 0, document_member, &doc);
    if (status == OK) {
        skip_ws(&ps);
        if (ps.p != ps.end || !doc.has_records) status = BAIL;
    }
    if (status != OK) { /* also when memory for the KMS records ran out: the reference path */
        self->fallback_files++;
        PyBuffer_Release(&raw);
        Py_RETURN_NONE;
    }
    for (Py_ssize_t i = 0; i < self->n_found; i++) {
        if (count_found(self, &self->found[i]) != OK) {
            PyBuffer_Release(&raw);
            return PyErr_NoMemory();
        }
    }
    self->n_found = 0;
    self->fast_files++;
    PyObject *first = span_text(ps.first), *last = span_text(ps.last), *result = NULL;
    if (first && last) result = PyTuple_Pack(2, first, last);
    Py_XDECREF(first);
    Py_XDECREF(last);
    PyBuffer_Release(&raw);
    return result;
}

static PyObject *entry_tuple(Scanner *self, const Entry *e) {
    PyObject *fields = PyTuple_New(N_FIELDS + 1);
    if (fields == NULL) return NULL;
    const unsigned char *k = self->arena + e->offset;
    for (int f = 0; f < N_FIELDS; f++) {
        PyObject *value;
        if (*k == NONE_FIELD) {
            value = Py_NewRef(Py_None);
            k++;
        } else {
            const unsigned char *stop = memchr(k, END_OF_STRING, self->arena + e->offset + e->length - k);
            value = PyUnicode_DecodeUTF8((const char *)k, stop - k, "strict");
            k = stop + 1;
        }
        if (value == NULL) {
            Py_DECREF(fields);
            return NULL;
        }
        PyTuple_SET_ITEM(fields, f, value);
    }
    uint32_t context;
    memcpy(&context, k, 4);
    PyObject *bits = PyLong_FromUnsignedLong(context);
    if (bits == NULL) {
        Py_DECREF(fields);
        return NULL;
    }
    PyTuple_SET_ITEM(fields, N_FIELDS, bits);
    PyObject *pair = Py_BuildValue("(NL)", fields, e->count);
    return pair;
}

static PyObject *Scanner_take(Scanner *self, PyObject *Py_UNUSED(ignored)) {
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < self->n_entries; i++) {
        PyObject *pair = entry_tuple(self, &self->entries[i]);
        if (pair == NULL || PyList_Append(out, pair) < 0) {
            Py_XDECREF(pair);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(pair);
    }
    self->n_entries = 0;
    self->arena_len = 0;
    if (self->index) memset(self->index, 0xFF, (self->index_mask + 1) * sizeof(int32_t));
    return out;
}

static Py_ssize_t Scanner_len(Scanner *self) {
    return self->n_entries;
}

static int Scanner_init(Scanner *self, PyObject *args, PyObject *kwds) {
    static char *names[] = {"context_keys", NULL};
    PyObject *keys;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O:Scanner", names, &keys)) return -1;
    PyObject *seq = PySequence_Fast(keys, "context_keys must be a sequence of str");
    if (seq == NULL) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > MAX_CONTEXT_KEYS || self->n_context != 0) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "at most 32 context keys, set once");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        const char *text = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(seq, i), &size);
        if (text == NULL || (self->context_keys[i] = PyMem_Malloc(size + 1)) == NULL) {
            Py_DECREF(seq);
            if (!PyErr_Occurred()) PyErr_NoMemory();
            return -1;
        }
        memcpy(self->context_keys[i], text, size + 1);
        self->context_len[i] = size;
        self->n_context = (int)i + 1;
    }
    Py_DECREF(seq);
    return 0;
}

static void Scanner_dealloc(Scanner *self) {
    for (int i = 0; i < self->n_context; i++) PyMem_Free(self->context_keys[i]);
    PyMem_Free(self->entries);
    PyMem_Free(self->index);
    PyMem_Free(self->arena);
    PyMem_Free(self->found);
    PyMem_Free(self->key);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Scanner_fast_files(Scanner *self, void *closure) {
    (void)closure;
    return PyLong_FromLongLong(self->fast_files);
}

static PyObject *Scanner_fallback_files(Scanner *self, void *closure) {
    (void)closure;
    return PyLong_FromLongLong(self->fallback_files);
}

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)Scanner_scan, METH_VARARGS,
     "scan(raw, every_time=False) -> (first, last) eventTime kept, or None: use the reference "
     "path for this file (nothing was counted)."},
    {"take", (PyCFunction)Scanner_take, METH_NOARGS,
     "take() -> [(fields, count)]: the distinct field tuples counted so far; empties the table."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Scanner_getset[] = {
    {"fast_files", (getter)Scanner_fast_files, NULL, "files read by the fast path", NULL},
    {"fallback_files", (getter)Scanner_fallback_files, NULL, "files left to the reference path",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods Scanner_as_sequence = {
    .sq_length = (lenfunc)Scanner_len,
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "planner.measure._ctscan.Scanner",
    .tp_doc = "Counts the KMS records of CloudTrail log files, or declines a file.",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
    .tp_getset = Scanner_getset,
    .tp_as_sequence = &Scanner_as_sequence,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ctscan", "The fast path for counting KMS events in CloudTrail logs.",
    -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__ctscan(void) {
    init_tables();
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
