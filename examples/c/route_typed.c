/* route_typed.c — routes every line of an issues.jsonl through the C struct path and prints one decision
 * per line with the contract fields (SPEC §4), so that the struct path can be compared with
 * `gridroute route` on any bundle.
 *
 *   route_typed BUNDLE ISSUES.jsonl              decisions as JSON Lines on stdout
 *   route_typed --repeat N BUNDLE ISSUES.jsonl   time N routings (the lines that become issues, in turn)
 *
 * Each line is read with jansson into a gridroute_issue (strings and attributes point into the parsed
 * line), routed with gridroute_engine_route into one reused gridroute_decision, and the decision's fields
 * are written back as JSON. A line that cannot become an issue (not UTF-8, not JSON, not an object, a
 * repeated key, a missing or mistyped field) is answered as the CLI answers it: {"id", "status":
 * "rejected", "error"}, with "id": null unless the line is a JSON object with a string id.
 *
 * Build: cc -std=c99 route_typed.c -I capi/include -L build/capi -lgridroute -ljansson */
#define _POSIX_C_SOURCE 199309L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridroute.h"

/* One line read for the struct path. `root` owns every string the issue points to. */
typedef struct issue_line {
  json_t *root;
  gridroute_issue issue;
  gridroute_attr *attrs;
  json_t *id;         /* the id to write back: a string, or NULL for null */
  char error[200];    /* why the line is not an issue; "" when it is one */
} issue_line;

static void set_error(issue_line *l, const char *fmt, const char *a) {
  snprintf(l->error, sizeof l->error, fmt, a);
}

/* Whether the JSON object text `s` (valid JSON) has "id" more than once among its top-level keys. */
static int id_repeated(const char *s, size_t n) {
  size_t i = 0;
  int depth = 0, ids = 0, expect_key = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (c == '"') {
      size_t start = i++;
      while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      if (depth == 1 && expect_key) {
        json_t *key = json_loadb(s + start, i + 1 - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (key && json_string_length(key) == 2 && memcmp(json_string_value(key), "id", 2) == 0) ids++;
        json_decref(key);
        expect_key = 0;
      }
    } else if (c == '{' || c == '[') {
      depth++;
      expect_key = c == '{' && depth == 1;
    } else if (c == '}' || c == ']') {
      depth--;
    } else if (c == ',' && depth == 1) {
      expect_key = 1;
    }
  }
  return ids > 1;
}

static const char *string_field(issue_line *l, const char *name, size_t *len) {
  json_t *v = json_object_get(l->root, name);
  if (!v) {
    set_error(l, "missing field '%s'", name);
    return NULL;
  }
  if (!json_is_string(v)) {
    set_error(l, "field '%s' must be a string", name);
    return NULL;
  }
  *len = json_string_length(v);
  return json_string_value(v);
}

/* Reads one line; on failure l->error says why (and l->id may still be set). */
static int read_issue(const char *line, size_t n, issue_line *l) {
  json_error_t jerr;
  gridroute_issue init = GRIDROUTE_ISSUE_INIT;
  json_t *attrs, *v;
  const char *at;
  size_t at_len, i;
  const char *key;
  memset(l, 0, sizeof *l);
  l->issue = init;
  l->root = json_loadb(line, n, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES,
                       &jerr);
  if (!l->root && json_error_code(&jerr) == json_error_duplicate_key) {
    /* Valid JSON with a repeated key: rejected, but its id is still read unless the id is what repeats. */
    l->root = json_loadb(line, n, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, NULL);
    if (l->root && json_is_object(l->root) && json_is_string(json_object_get(l->root, "id")) && !id_repeated(line, n))
      l->id = json_object_get(l->root, "id");
    set_error(l, "duplicate key (%s)", jerr.text);
    return 0;
  }
  if (!l->root) {
    if (json_error_code(&jerr) == json_error_invalid_utf8) set_error(l, "invalid UTF-8 in the line%s", "");
    else set_error(l, "invalid JSON: %s", jerr.text);
    return 0;
  }
  if (!json_is_object(l->root)) {
    set_error(l, "a line must be a JSON object%s", "");
    return 0;
  }
  v = json_object_get(l->root, "id");
  if (!v) {
    set_error(l, "missing field '%s'", "id");
    return 0;
  }
  if (!json_is_string(v)) {
    set_error(l, "field '%s' must be a string", "id");
    return 0;
  }
  l->id = v;
  l->issue.id = json_string_value(v);
  l->issue.id_len = json_string_length(v);
  if (!(l->issue.category = string_field(l, "category", &l->issue.category_len))) return 0;
  if (!(l->issue.cell = string_field(l, "cell", &l->issue.cell_len))) return 0;
  if (!(at = string_field(l, "at", &at_len))) return 0;
  if (gridroute_time_parse(&l->issue.at, at, at_len, NULL) != GRIDROUTE_OK) {
    set_error(l, "field 'at' must be an RFC 3339 time with an offset, got \"%s\"", at);
    return 0;
  }
  attrs = json_object_get(l->root, "attrs");
  if (!attrs || json_is_null(attrs)) return 1;
  if (!json_is_object(attrs)) {
    set_error(l, "field '%s' must be an object", "attrs");
    return 0;
  }
  l->attrs = calloc(json_object_size(attrs) + 1, sizeof *l->attrs);
  if (!l->attrs) {
    set_error(l, "out of memory%s", "");
    return 0;
  }
  i = 0;
  json_object_foreach(attrs, key, v) {
    gridroute_attr *a = &l->attrs[i++];
    a->name = key;
    a->name_len = GRIDROUTE_NTS; /* jansson keys are NUL-terminated */
    switch (json_typeof(v)) {
      case JSON_STRING:
        a->type = GRIDROUTE_ATTR_STRING;
        a->string = json_string_value(v);
        a->string_len = json_string_length(v);
        break;
      case JSON_TRUE: a->type = GRIDROUTE_ATTR_BOOL; a->boolean = 1; break;
      case JSON_FALSE: a->type = GRIDROUTE_ATTR_BOOL; break;
      case JSON_NULL: a->type = GRIDROUTE_ATTR_NULL; break;
      case JSON_OBJECT: a->type = GRIDROUTE_ATTR_OBJECT; break;
      case JSON_ARRAY: a->type = GRIDROUTE_ATTR_LIST; break;
      default: a->type = GRIDROUTE_ATTR_NUMBER; a->number = json_number_value(v); break;
    }
  }
  l->issue.attrs = l->attrs;
  l->issue.attr_count = i;
  return 1;
}

static void free_line(issue_line *l) {
  json_decref(l->root);
  free(l->attrs);
  l->root = NULL;
  l->attrs = NULL;
}

/* ---- writing decisions ------------------------------------------------------------------------- */

static json_t *str(gridroute_string s) { return s.ptr ? json_stringn(s.ptr, s.len) : json_null(); }

static json_t *list(const gridroute_string *items, size_t n) {
  json_t *a = json_array();
  size_t i;
  for (i = 0; i < n; i++) json_array_append_new(a, json_stringn(items[i].ptr, items[i].len));
  return a;
}

static json_t *time_text(int64_t t, gridroute_string tz, gridroute_buf *buf) {
  if (t == GRIDROUTE_TIME_NONE || gridroute_time_format(buf, t, tz.ptr, tz.len, NULL) != GRIDROUTE_OK) return json_null();
  return json_stringn(buf->ptr, buf->len);
}

static void print(json_t *o) {
  char *text = json_dumps(o, JSON_PRESERVE_ORDER);
  if (text) puts(text);
  free(text);
  json_decref(o);
}

static void print_rejected(json_t *id, const char *error) {
  json_t *o = json_object();
  json_object_set(o, "id", id ? id : json_null());
  json_object_set_new(o, "status", json_string("rejected"));
  json_object_set_new(o, "error", json_string(error));
  print(o);
}

static void print_decision(json_t *id, const gridroute_decision *d, gridroute_buf *buf) {
  json_t *o = json_object();
  json_object_set(o, "id", id);
  if (d->status == GRIDROUTE_DECISION_REJECTED) {
    json_object_set_new(o, "status", json_string("rejected"));
    json_object_set_new(o, "error", str(d->message));
  } else if (d->status == GRIDROUTE_DECISION_UNROUTED) {
    json_object_set_new(o, "status", json_string("unrouted"));
    json_object_set_new(o, "reason", str(d->message));
  } else {
    json_object_set_new(o, "status", json_string("routed"));
    json_object_set_new(o, "rule", str(d->rule));
    json_object_set_new(o, "role", str(d->role));
    if (d->department.ptr) json_object_set_new(o, "department", str(d->department));
    json_object_set_new(o, "handler", str(d->handler));
    json_object_set_new(o, "unit", str(d->unit));
    json_object_set_new(o, "alternates", list(d->alternates, d->alternate_count));
    json_object_set_new(o, "assist", list(d->assist, d->assist_count));
    json_object_set_new(o, "level", json_integer(d->level));
    json_object_set_new(o, "escalation", str(d->escalation));
    json_object_set_new(o, "respond_by", time_text(d->respond_by, d->timezone, buf));
    json_object_set_new(o, "resolve_by", time_text(d->resolve_by, d->timezone, buf));
    if (!d->rule.ptr) json_object_set_new(o, "fallback", json_true()); /* SPEC §6.4: routed without a rule */
  }
  print(o);
}

/* ---- main ---------------------------------------------------------------------------------------- */

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

/* Calls fn on each non-blank line, split as the CLI splits them. */
static void for_each_line(const char *text, size_t len, void (*fn)(const char *, size_t, void *), void *ctx) {
  size_t pos = 0, lineno = 0;
  while (pos < len) {
    const char *line = text + pos;
    size_t n = 0, k;
    while (pos + n < len && line[n] != '\n') n++;
    pos += n + 1;
    if (n > 0 && line[n - 1] == '\r') n--;
    if (lineno++ == 0 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) { line += 3; n -= 3; }
    for (k = 0; k < n && (line[k] == ' ' || line[k] == '\t'); k++) {}
    if (k < n) fn(line, n, ctx);
  }
}

typedef struct run {
  gridroute_engine *engine;
  gridroute_decision decision;
  gridroute_buf buf;
  issue_line *kept; /* --repeat: the lines that became issues */
  size_t kept_count, kept_cap;
  int keep;
} run;

static void route_line(const char *line, size_t n, void *ctx) {
  run *r = ctx;
  issue_line l;
  int rc;
  if (!read_issue(line, n, &l)) {
    if (!r->keep) print_rejected(l.id, l.error);
    free_line(&l);
    return;
  }
  if (r->keep) {
    if (r->kept_count == r->kept_cap) {
      issue_line *more = realloc(r->kept, (r->kept_cap = r->kept_cap ? r->kept_cap * 2 : 1024) * sizeof *more);
      if (!more) { free_line(&l); return; }
      r->kept = more;
    }
    r->kept[r->kept_count++] = l;
    return;
  }
  rc = gridroute_engine_route(&r->decision, r->engine, &l.issue, NULL, NULL);
  if (rc == GRIDROUTE_OK || rc == GRIDROUTE_E_REJECTED) print_decision(l.id, &r->decision, &r->buf);
  else print_rejected(l.id, gridroute_status_string(rc));
  free_line(&l);
}

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads every byte of a string, as a caller that copies or compares the answer does. */
static size_t touch(gridroute_string s) {
  size_t i, sum = 0;
  for (i = 0; i < s.len; i++) sum += (unsigned char)s.ptr[i];
  return sum;
}

static size_t touch_list(const gridroute_string *items, size_t n) {
  size_t i, sum = 0;
  for (i = 0; i < n; i++) sum += touch(items[i]);
  return sum;
}

/* Routes the kept issues `repeat` times in turn, reading each decision's strings as a caller would, and
 * prints {"calls", "wall_ns_per_call", "cpu_ns_per_call", "routed"}. */
static void bench(run *r, long repeat) {
  long i, routed = 0;
  size_t touched = 0;
  double w0, c0, w1, c1;
  if (!r->kept_count) {
    fprintf(stderr, "no line of the input is an issue\n");
    return;
  }
  w0 = seconds(CLOCK_MONOTONIC);
  c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
  for (i = 0; i < repeat; i++) {
    const issue_line *l = &r->kept[(size_t)i % r->kept_count];
    const gridroute_decision *d = &r->decision;
    if (gridroute_engine_route(&r->decision, r->engine, &l->issue, NULL, NULL) == GRIDROUTE_OK &&
        d->status == GRIDROUTE_DECISION_ROUTED) {
      routed++;
      touched += touch(d->rule) + touch(d->role) + touch(d->department) + touch(d->handler) + touch(d->unit) +
                 touch(d->escalation) + touch(d->timezone) + touch_list(d->alternates, d->alternate_count) +
                 touch_list(d->assist, d->assist_count) + (size_t)(d->respond_by ^ d->resolve_by);
    }
  }
  w1 = seconds(CLOCK_MONOTONIC);
  c1 = seconds(CLOCK_THREAD_CPUTIME_ID);
  printf("{\"calls\": %ld, \"wall_ns_per_call\": %.1f, \"cpu_ns_per_call\": %.1f, \"routed\": %ld, \"checksum\": %lu}\n",
         repeat, (w1 - w0) * 1e9 / (double)repeat, (c1 - c0) * 1e9 / (double)repeat, routed, (unsigned long)touched);
}

int main(int argc, char **argv) {
  int argi = 1;
  long repeat = 0;
  const char *bundle, *path;
  char *text;
  size_t len, i;
  gridroute_error *err = NULL;
  gridroute_decision init = GRIDROUTE_DECISION_INIT;
  gridroute_buf binit = GRIDROUTE_BUF_INIT;
  run r;
  memset(&r, 0, sizeof r);
  r.decision = init;
  r.buf = binit;
  if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
    repeat = strtol(argv[2], NULL, 10);
    argi = 3;
  }
  if (argc - argi != 2 || (argi == 3 && repeat <= 0)) {
    fprintf(stderr, "usage: %s [--repeat N] BUNDLE ISSUES.jsonl\n", argv[0]);
    return 2;
  }
  bundle = argv[argi];
  path = argv[argi + 1];
  if (gridroute_version_number() / 10000 != GRIDROUTE_VERSION_MAJOR) {
    fprintf(stderr, "libgridroute %s does not match gridroute.h %s\n", gridroute_version(), GRIDROUTE_VERSION_STRING);
    return 1;
  }
  if (gridroute_engine_load(&r.engine, bundle, GRIDROUTE_NTS, NULL, &err) != GRIDROUTE_OK) {
    for (i = 0; i < err->diagnostic_count; i++) fprintf(stderr, "%s\n", err->diagnostics[i].text);
    fprintf(stderr, "%s\n", err->message);
    gridroute_error_free(err);
    return 1;
  }
  text = read_all(path, &len);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", path);
    gridroute_engine_free(r.engine);
    return 3;
  }
  r.keep = repeat > 0;
  for_each_line(text, len, route_line, &r);
  if (repeat > 0) bench(&r, repeat);
  for (i = 0; i < r.kept_count; i++) free_line(&r.kept[i]);
  free(r.kept);
  gridroute_decision_release(&r.decision);
  gridroute_buf_dispose(&r.buf);
  gridroute_engine_free(r.engine);
  free(text);
  return fflush(stdout) == 0 ? 0 : 3;
}
