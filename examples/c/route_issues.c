/* route_issues.c — routes every line of an issues.jsonl with the gridroute C API and prints one decision
 * per line, as `gridroute route` does.
 *
 *   route_issues [--fast|--json] BUNDLE ISSUES.jsonl
 *
 * --json  hands each line to gridroute_engine_route_json: the library parses it and writes the decision.
 * --fast  (the default) reads each line here into a gridroute_issue and routes it with
 *         gridroute_engine_route, which takes plain structs (no JSON inside the library), then prints the
 *         decision from the returned gridroute_decision. Lines this small reader cannot represent (broken
 *         JSON, nested attribute values, a missing field) go through the JSON path instead, so they get
 *         the engine's own `rejected` record.
 *
 * Plain C99; build (from the repository root): cc -std=c99 examples/c/route_issues.c -I capi/include
 *   -I build/include -L build/capi -lgridroute (build/include holds the generated gridroute_version.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridroute.h"

#define MAX_ATTRS 64

/* ---- a minimal JSON reader for one issue line ---------------------------------------------------- */

typedef struct reader {
  const char *p, *end;
  char *scratch; /* unescaped strings go here; as large as the line */
} reader;

typedef struct parsed_issue {
  gridroute_issue issue;
  gridroute_attr attrs[MAX_ATTRS];
  const char *at;
  size_t at_len;
} parsed_issue;

static void skip_ws(reader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n')) r->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  int i;
  for (i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

/* Reads a JSON string into the scratch space. Returns 0 on anything unexpected. */
static int read_string(reader *r, const char **out, size_t *len) {
  char *o = r->scratch;
  if (r->p >= r->end || *r->p != '"') return 0;
  r->p++;
  while (r->p < r->end && *r->p != '"') {
    unsigned char c = (unsigned char)*r->p++;
    if (c < 0x20) return 0;
    if (c != '\\') {
      *o++ = (char)c;
      continue;
    }
    if (r->p >= r->end) return 0;
    c = (unsigned char)*r->p++;
    switch (c) {
      case '"': case '\\': case '/': *o++ = (char)c; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (r->end - r->p < 4 || !hex4(r->p, &cp)) return 0;
        r->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &lo) || lo < 0xDC00 ||
              lo > 0xDFFF)
            return 0;
          r->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return 0;
        }
        if (cp < 0x80) {
          *o++ = (char)cp;
        } else if (cp < 0x800) {
          *o++ = (char)(0xC0 | (cp >> 6));
          *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          *o++ = (char)(0xE0 | (cp >> 12));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
          *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
          *o++ = (char)(0xF0 | (cp >> 18));
          *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
          *o++ = (char)(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: return 0;
    }
  }
  if (r->p >= r->end) return 0;
  r->p++;
  *out = r->scratch;
  *len = (size_t)(o - r->scratch);
  r->scratch = o;
  return 1;
}

static int read_number(reader *r, double *out) {
  const char *s = r->p;
  char buf[64];
  char *endp;
  size_t n;
  while (r->p < r->end && strchr("+-0123456789.eE", *r->p)) r->p++;
  n = (size_t)(r->p - s);
  if (n == 0 || n >= sizeof buf) return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  *out = strtod(buf, &endp);
  return *endp == '\0';
}

static int literal(reader *r, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return 0;
  r->p += n;
  return 1;
}

/* Skips any value (for top-level fields the issue does not use). */
static int skip_value(reader *r, int depth) {
  const char *s;
  size_t n;
  double d;
  if (depth > 32) return 0;
  skip_ws(r);
  if (r->p >= r->end) return 0;
  if (*r->p == '"') return read_string(r, &s, &n);
  if (*r->p == '{' || *r->p == '[') {
    char close = *r->p == '{' ? '}' : ']';
    int object = *r->p == '{';
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
      r->p++;
      return 1;
    }
    for (;;) {
      if (object) {
        skip_ws(r);
        if (!read_string(r, &s, &n)) return 0;
        skip_ws(r);
        if (r->p >= r->end || *r->p++ != ':') return 0;
      }
      if (!skip_value(r, depth + 1)) return 0;
      skip_ws(r);
      if (r->p >= r->end) return 0;
      if (*r->p == ',') { r->p++; continue; }
      if (*r->p == close) { r->p++; return 1; }
      return 0;
    }
  }
  if (literal(r, "true") || literal(r, "false") || literal(r, "null")) return 1;
  return read_number(r, &d);
}

static int read_attrs(reader *r, parsed_issue *pi) {
  gridroute_issue *is = &pi->issue;
  skip_ws(r);
  if (literal(r, "null")) return 1;
  if (r->p >= r->end || *r->p++ != '{') return 0;
  skip_ws(r);
  if (r->p < r->end && *r->p == '}') { r->p++; return 1; }
  for (;;) {
    gridroute_attr *a;
    if (is->attr_count == MAX_ATTRS) return 0;
    a = &pi->attrs[is->attr_count++];
    memset(a, 0, sizeof *a);
    skip_ws(r);
    if (!read_string(r, &a->name, &a->name_len)) return 0;
    skip_ws(r);
    if (r->p >= r->end || *r->p++ != ':') return 0;
    skip_ws(r);
    if (r->p >= r->end) return 0;
    if (*r->p == '"') {
      a->type = GRIDROUTE_ATTR_STRING;
      if (!read_string(r, &a->string, &a->string_len)) return 0;
    } else if (literal(r, "true")) {
      a->type = GRIDROUTE_ATTR_BOOL;
      a->boolean = 1;
    } else if (literal(r, "false")) {
      a->type = GRIDROUTE_ATTR_BOOL;
    } else if (literal(r, "null")) {
      a->type = GRIDROUTE_ATTR_NULL;
    } else if (*r->p == '{' || *r->p == '[') {
      a->type = *r->p == '{' ? GRIDROUTE_ATTR_OBJECT : GRIDROUTE_ATTR_LIST; /* the value itself is not needed */
      if (!skip_value(r, 1)) return 0;
    } else {
      a->type = GRIDROUTE_ATTR_NUMBER;
      if (!read_number(r, &a->number)) return 0;
    }
    skip_ws(r);
    if (r->p >= r->end) return 0;
    if (*r->p == ',') { r->p++; continue; }
    if (*r->p == '}') { r->p++; return 1; }
    return 0;
  }
}

/* Reads one issue line; 0 when the fast path cannot represent it. */
static int read_issue(const char *line, size_t len, char *scratch, parsed_issue *pi) {
  reader r;
  int seen_id = 0, seen_category = 0, seen_cell = 0, seen_at = 0, seen_attrs = 0;
  gridroute_issue init = GRIDROUTE_ISSUE_INIT;
  r.p = line;
  r.end = line + len;
  r.scratch = scratch;
  pi->issue = init;
  pi->issue.attrs = pi->attrs;
  skip_ws(&r);
  if (r.p >= r.end || *r.p++ != '{') return 0;
  skip_ws(&r);
  if (r.p < r.end && *r.p == '}') return 0;
  for (;;) {
    const char *key;
    size_t key_len;
    skip_ws(&r);
    if (!read_string(&r, &key, &key_len)) return 0;
    skip_ws(&r);
    if (r.p >= r.end || *r.p++ != ':') return 0;
    skip_ws(&r);
#define KEY(k) (key_len == sizeof(k) - 1 && memcmp(key, k, key_len) == 0)
    if (KEY("id")) {
      if (seen_id++ || !read_string(&r, &pi->issue.id, &pi->issue.id_len)) return 0;
    } else if (KEY("category")) {
      if (seen_category++ || !read_string(&r, &pi->issue.category, &pi->issue.category_len)) return 0;
    } else if (KEY("cell")) {
      if (seen_cell++ || !read_string(&r, &pi->issue.cell, &pi->issue.cell_len)) return 0;
    } else if (KEY("at")) {
      if (seen_at++ || !read_string(&r, &pi->at, &pi->at_len)) return 0;
    } else if (KEY("attrs")) {
      if (seen_attrs++ || !read_attrs(&r, pi)) return 0;
    } else if (!skip_value(&r, 0)) {
      return 0;
    }
#undef KEY
    skip_ws(&r);
    if (r.p >= r.end) return 0;
    if (*r.p == ',') { r.p++; continue; }
    if (*r.p == '}') { r.p++; break; }
    return 0;
  }
  skip_ws(&r);
  if (r.p != r.end || !seen_id || !seen_category || !seen_cell || !seen_at) return 0;
  return gridroute_time_parse(&pi->issue.at, pi->at, pi->at_len, NULL) == GRIDROUTE_OK;
}

/* ---- writing a decision as JSON ---------------------------------------------------------------- */

static void put_json_string(const char *s, size_t n) {
  size_t i;
  putchar('"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { putchar('\\'); putchar(c); }
    else if (c == '\n') fputs("\\n", stdout);
    else if (c == '\r') fputs("\\r", stdout);
    else if (c == '\t') fputs("\\t", stdout);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void put_field(const char *key, gridroute_string v) {
  printf(", \"%s\": ", key);
  if (v.ptr) put_json_string(v.ptr, v.len);
  else fputs("null", stdout);
}

static void put_list(const char *key, const gridroute_string *items, size_t n) {
  size_t i;
  printf(", \"%s\": [", key);
  for (i = 0; i < n; i++) {
    if (i) fputs(", ", stdout);
    put_json_string(items[i].ptr, items[i].len);
  }
  putchar(']');
}

static void put_time(const char *key, int64_t t, gridroute_string tz, gridroute_buf *buf) {
  printf(", \"%s\": ", key);
  if (t != GRIDROUTE_TIME_NONE && gridroute_time_format(buf, t, tz.ptr, tz.len, NULL) == GRIDROUTE_OK)
    printf("\"%s\"", buf->ptr);
  else
    fputs("null", stdout);
}

static void put_decision(const gridroute_issue *is, const gridroute_decision *d, gridroute_buf *buf) {
  fputs("{\"id\": ", stdout);
  put_json_string(is->id, is->id_len);
  if (d->status == GRIDROUTE_DECISION_REJECTED) {
    fputs(", \"status\": \"rejected\"", stdout);
    put_field("error", d->message);
  } else if (d->status == GRIDROUTE_DECISION_UNROUTED) {
    fputs(", \"status\": \"unrouted\"", stdout);
    if (d->cell.ptr) put_field("cell", d->cell); /* SPEC §7: the cell found from a location */
    put_field("reason", d->message);
  } else {
    fputs(", \"status\": \"routed\"", stdout);
    if (d->cell.ptr) put_field("cell", d->cell);
    put_field("rule", d->rule);
    if (d->fallback) fputs(", \"fallback\": true", stdout); /* SPEC §6.4: the fallback owner */
    put_field("role", d->role);
    if (d->department.ptr) put_field("department", d->department);
    put_field("handler", d->handler);
    put_field("unit", d->unit);
    put_list("alternates", d->alternates, d->alternate_count);
    put_list("assist", d->assist, d->assist_count);
    printf(", \"level\": %d", (int)d->level);
    put_field("escalation", d->escalation);
    put_time("respond_by", d->respond_by, d->timezone, buf);
    put_time("resolve_by", d->resolve_by, d->timezone, buf);
  }
  if (d->bundle.ptr) put_field("bundle", d->bundle); /* SPEC §6.6: the digest of the bundle */
  fputs("}\n", stdout);
}

/* ---- main ------------------------------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0, n = 0, got;
  if (!f) return NULL;
  do {
    if (n == cap) {
      char *more = realloc(data, cap = cap ? cap * 2 : 65536);
      if (!more) { free(data); fclose(f); return NULL; }
      data = more;
    }
    got = fread(data + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return data;
}

int main(int argc, char **argv) {
  int fast = 1, argi = 1, rc;
  const char *bundle, *path;
  char *text, *scratch;
  size_t len, pos = 0, lineno = 0;
  gridroute_engine *engine = NULL;
  gridroute_error *err = NULL;
  gridroute_buf out = GRIDROUTE_BUF_INIT, tbuf = GRIDROUTE_BUF_INIT;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  static parsed_issue pi;

  if (argc > 1 && strcmp(argv[1], "--json") == 0) { fast = 0; argi++; }
  else if (argc > 1 && strcmp(argv[1], "--fast") == 0) { argi++; }
  if (argc - argi != 2) {
    fprintf(stderr, "usage: %s [--fast|--json] BUNDLE ISSUES.jsonl\n", argv[0]);
    return 2;
  }
  bundle = argv[argi];
  path = argv[argi + 1];
  if (gridroute_version_number() / 10000 != GRIDROUTE_VERSION_MAJOR) {
    fprintf(stderr, "libgridroute %s does not match gridroute.h %s\n", gridroute_version(), GRIDROUTE_VERSION_STRING);
    return 1;
  }
  if (gridroute_engine_load(&engine, bundle, GRIDROUTE_NTS, NULL, &err) != GRIDROUTE_OK) {
    size_t i;
    for (i = 0; i < err->diagnostic_count; i++) fprintf(stderr, "%s\n", err->diagnostics[i].text);
    fprintf(stderr, "%s\n", err->message);
    gridroute_error_free(err);
    return 1;
  }
  text = read_all(path, &len);
  scratch = text ? malloc(len + 1) : NULL;
  if (!text || !scratch) {
    fprintf(stderr, "cannot read %s\n", path);
    free(text);
    gridroute_engine_free(engine);
    return 3;
  }
  while (pos < len) {
    const char *line = text + pos;
    size_t n = 0, k;
    while (pos + n < len && line[n] != '\n') n++;
    pos += n + 1;
    if (n > 0 && line[n - 1] == '\r') n--;
    if (lineno++ == 0 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) { line += 3; n -= 3; }
    for (k = 0; k < n && (line[k] == ' ' || line[k] == '\t'); k++) {}
    if (k == n) continue; /* blank */
    if (fast && read_issue(line, n, scratch, &pi)) {
      rc = gridroute_engine_route(&d, engine, &pi.issue, NULL, NULL);
      if (rc == GRIDROUTE_OK || rc == GRIDROUTE_E_REJECTED) {
        put_decision(&pi.issue, &d, &tbuf);
        continue;
      }
    }
    /* The JSON path: rejected lines still give a record (status GRIDROUTE_E_REJECTED). */
    rc = gridroute_engine_route_json(&out, engine, line, n, NULL, NULL);
    if (rc != GRIDROUTE_OK && rc != GRIDROUTE_E_REJECTED) {
      fprintf(stderr, "routing failed: %s\n", gridroute_status_string(rc));
      break;
    }
    fwrite(out.ptr, 1, out.len, stdout);
    putchar('\n');
  }
  gridroute_decision_release(&d);
  gridroute_buf_dispose(&out);
  gridroute_buf_dispose(&tbuf);
  gridroute_engine_free(engine);
  free(scratch);
  free(text);
  return 0;
}
