/* route_typed.c — routes every line of an issues.jsonl through the C struct path and prints one decision
 * per line with the contract fields (SPEC §4), so that the struct path can be compared with
 * `gridroute route` on any bundle; with --now, evaluates every line of a cases.jsonl at that time through
 * gridroute_engine_escalate (with the lifecycle of SPEC §6), to be compared with `gridroute escalate`.
 *
 *   route_typed BUNDLE ISSUES.jsonl              decisions as JSON Lines on stdout
 *   route_typed BUNDLE CASES.jsonl --now T       actions as JSON Lines on stdout
 *   route_typed --repeat N BUNDLE ISSUES.jsonl   time N routings (the lines that become issues, in turn)
 *   route_typed --repeat N --batch BUNDLE ISSUES.jsonl   the same, 256 at a time by cell number
 *   route_typed --batch BUNDLE ISSUES.jsonl      the same decisions, routed 256 at a time with
 *                                                gridroute_engine_route_batch, each cell by its number
 *                                                (gridroute_engine_find_units, looked up once)
 *
 * Each line is read with jansson into a gridroute_issue (strings and attributes point into the parsed
 * line), routed with gridroute_engine_route into one reused gridroute_decision, and the decision's fields
 * are written back as JSON. A line that cannot become an issue (not UTF-8, not JSON, not an object, a
 * repeated key, a missing or mistyped field) is answered as the CLI answers it: {"id", "status":
 * "rejected", "error"}, with "id": null unless the line is a JSON object with a string or integer id. An
 * integer id (contract 1.1) travels as its digits and is written back as the integer it was.
 *
 * Build (from the repository root): cc -std=c99 examples/c/route_typed.c -I capi/include -I build/include
 *   -L build/capi -lgridroute -ljansson (build/include holds the generated gridroute_version.h) */
#define _POSIX_C_SOURCE 199309L
#include <errno.h>
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
  char *id_json;      /* the id as JSON text (allocated): a quoted string, or an integer's digits, which the
                         issue's id then points to; NULL when the id could not be read */
  gridroute_case kase;
  gridroute_return *returns;
  gridroute_suspension *suspensions;
  char error[200];    /* why the line is not an issue; "" when it is one */
} issue_line;

/* The id of a line as JSON text (null when the line's id could not be read). */
static const char *id_json(const issue_line *l) { return l->id_json ? l->id_json : "null"; }

static void set_error(issue_line *l, const char *fmt, const char *a) {
  snprintf(l->error, sizeof l->error, fmt, a);
}

/* Scans the JSON object text `s` (valid JSON) for its top-level "id" keys: returns how many there are, and
 * the text of the last one's value in *value, *value_len (jansson reads integers as doubles here, so an
 * integer id is read from its digits). */
static int id_keys(const char *s, size_t n, const char **value, size_t *value_len) {
  size_t i = 0;
  int depth = 0, ids = 0, expect_key = 0, want_value = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (want_value && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ':') {
      size_t start = i;
      while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' &&
             s[i] != '"' && s[i] != '{' && s[i] != '[')
        i++;
      *value = s + start;
      *value_len = i - start;
      want_value = 0;
      i--;
      continue;
    }
    if (c == '"') {
      size_t start = i++;
      while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      if (depth == 1 && expect_key) {
        json_t *key = json_loadb(s + start, i + 1 - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (key && json_string_length(key) == 2 && memcmp(json_string_value(key), "id", 2) == 0) {
          ids++;
          want_value = 1;
        }
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
  return ids;
}

static int id_repeated(const char *s, size_t n) {
  const char *v = NULL;
  size_t len = 0;
  return id_keys(s, n, &v, &len) > 1;
}

/* Reads the line's id (a JSON string, or an integer of any length, as the engine takes them) into
 * l->id_json and the issue; returns 0 when the id is neither (l->id_json stays NULL: "null"). */
static int read_id(issue_line *l, const char *line, size_t n) {
  json_t *v = json_object_get(l->root, "id");
  const char *text = NULL;
  size_t len = 0, k = 0;
  if (json_is_string(v)) {
    l->id_json = json_dumps(v, JSON_ENCODE_ANY);
    l->issue.id = json_string_value(v);
    l->issue.id_len = json_string_length(v);
    return l->id_json != NULL;
  }
  if (!json_is_number(v) || id_keys(line, n, &text, &len) != 1 || len == 0) return 0;
  if (text[0] == '-') k = 1;
  if (k == len || (text[k] == '0' && len > k + 1)) return 0;
  for (; k < len; k++)
    if (text[k] < '0' || text[k] > '9') return 0;
  /* An integer of any length (SPEC §4 gives ids no range), written back with the line's own digits. */
  if (!(l->id_json = malloc(len + 1))) return 0;
  memcpy(l->id_json, text, len);
  l->id_json[len] = '\0';
  l->issue.id = l->id_json;
  l->issue.id_len = len;
  return 1;
}

static const char *string_in(issue_line *l, json_t *o, const char *name, size_t *len) {
  json_t *v = json_object_get(o, name);
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

static const char *string_field(issue_line *l, const char *name, size_t *len) {
  return string_in(l, l->root, name, len);
}

/* A time field of `o` into *t (an RFC 3339 time with an offset). */
static int time_in(issue_line *l, json_t *o, const char *name, int64_t *t) {
  size_t len;
  const char *text = string_in(l, o, name, &len);
  if (!text) return 0;
  if (gridroute_time_parse(t, text, len, NULL) != GRIDROUTE_OK) {
    set_error(l, "field '%s' must be an RFC 3339 time with an offset", name);
    return 0;
  }
  return 1;
}

/* An integer field as the engine reads it (jansson gives every number as a double here): an integral
 * value of at most 1e15, within [lo, hi]. */
static int integer_field(issue_line *l, const char *name, double lo, double hi, int64_t *out) {
  json_t *v = json_object_get(l->root, name);
  double d;
  if (!v) {
    set_error(l, "missing field '%s'", name);
    return 0;
  }
  d = json_is_number(v) ? json_number_value(v) : 0.5;
  if (!json_is_number(v) || d < -1e15 || d > 1e15 || d != (double)(int64_t)d || d < lo || d > hi) {
    set_error(l, "field '%s' must be an integer", name);
    return 0;
  }
  *out = (int64_t)d;
  return 1;
}

/* Whether every key of the object `o` is one of `keys` (NULL-terminated). */
static int only_keys(issue_line *l, json_t *o, const char *const *keys, const char *what) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    const char *const *k = keys;
    while (*k && strcmp(*k, key) != 0) k++;
    if (!*k) {
      set_error(l, "unknown key in field '%s'", what);
      return 0;
    }
  }
  return 1;
}

/* Reads one line; on failure l->error says why (and l->id_json may still be set). */
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
    if (l->root && json_is_object(l->root) && !id_repeated(line, n)) read_id(l, line, n);
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
  if (!read_id(l, line, n)) {
    set_error(l, "field '%s' must be a string or an integer", "id");
    return 0;
  }
  if (!(l->issue.category = string_field(l, "category", &l->issue.category_len))) return 0;
  v = json_object_get(l->root, "location");
  if (json_is_null(json_object_get(l->root, "cell")) || !json_object_get(l->root, "cell")) {
    if (v && !json_is_null(v)) { /* SPEC §7: a place instead of a cell */
      if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
          !json_is_number(json_array_get(v, 1))) {
        set_error(l, "field '%s' must be [longitude, latitude]", "location");
        return 0;
      }
      l->issue.has_location = 1;
      l->issue.lon = json_number_value(json_array_get(v, 0));
      l->issue.lat = json_number_value(json_array_get(v, 1));
    }
  }
  if (!l->issue.has_location && !(l->issue.cell = string_field(l, "cell", &l->issue.cell_len))) return 0;
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

/* Reads the case fields of a line already read as an issue (SPEC §3.5, §6); on failure l->error says why. */
static int read_case(issue_line *l) {
  static const char *const return_keys[] = {"handler", "at", "reason", NULL};
  static const char *const suspension_keys[] = {"from", "to", NULL};
  gridroute_case init = GRIDROUTE_CASE_INIT;
  json_t *v, *e;
  int64_t level, reports, rating;
  size_t i, len;
  const char *status;
  l->kase = init;
  l->kase.issue = &l->issue;
  if (!integer_field(l, "level", -2147483648.0, 2147483647.0, &level)) return 0;
  l->kase.level = (int32_t)level;
  if (!time_in(l, l->root, "level_started_at", &l->kase.level_started_at)) return 0;
  v = json_object_get(l->root, "responded");
  if (!json_is_boolean(v)) {
    set_error(l, v ? "field '%s' must be true or false" : "missing field '%s'", "responded");
    return 0;
  }
  l->kase.responded = json_is_true(v);
  if (!integer_field(l, "reports", -1e15, 1e15, &reports)) return 0;
  l->kase.reports = reports;
  if (!(status = string_field(l, "status", &len))) return 0;
  if (strcmp(status, "open") != 0 && strcmp(status, "resolved") != 0) {
    set_error(l, "field '%s' must be 'open' or 'resolved'", "status");
    return 0;
  }
  l->kase.resolved = strcmp(status, "resolved") == 0;
  if ((v = json_object_get(l->root, "rating")) && !json_is_null(v)) {
    if (!integer_field(l, "rating", -2147483648.0, 2147483647.0, &rating)) return 0;
    if (rating == 0) { /* the struct's 0 is "no rating": refused here, as any rating outside 1..5 */
      set_error(l, "field '%s' must be an integer 1..5", "rating");
      return 0;
    }
    l->kase.rating = (int32_t)rating;
  }
  /* The lifecycle; null counts as absent in each field. */
  if ((v = json_object_get(l->root, "rule")) && !json_is_null(v) &&
      !(l->kase.rule = string_field(l, "rule", &l->kase.rule_len)))
    return 0;
  if ((v = json_object_get(l->root, "handler")) && !json_is_null(v) &&
      !(l->kase.handler = string_field(l, "handler", &l->kase.handler_len)))
    return 0;
  if ((v = json_object_get(l->root, "returned")) && !json_is_null(v)) {
    if (!json_is_array(v)) {
      set_error(l, "field '%s' must be a list", "returned");
      return 0;
    }
    l->returns = calloc(json_array_size(v) + 1, sizeof *l->returns);
    if (!l->returns) {
      set_error(l, "out of memory%s", "");
      return 0;
    }
    json_array_foreach(v, i, e) {
      gridroute_return *r = &l->returns[i];
      json_t *reason = json_object_get(e, "reason");
      if (!json_is_object(e)) {
        set_error(l, "field '%s' must be a list of objects", "returned");
        return 0;
      }
      if (!only_keys(l, e, return_keys, "returned")) return 0;
      if (!(r->handler = string_in(l, e, "handler", &r->handler_len))) return 0;
      if (!time_in(l, e, "at", &r->at)) return 0;
      if (reason && !json_is_null(reason) && !(r->reason = string_in(l, e, "reason", &r->reason_len))) return 0;
    }
    l->kase.returned = l->returns;
    l->kase.returned_count = json_array_size(v);
  }
  if ((v = json_object_get(l->root, "suspended")) && !json_is_null(v)) {
    if (!json_is_array(v)) {
      set_error(l, "field '%s' must be a list", "suspended");
      return 0;
    }
    l->suspensions = calloc(json_array_size(v) + 1, sizeof *l->suspensions);
    if (!l->suspensions) {
      set_error(l, "out of memory%s", "");
      return 0;
    }
    json_array_foreach(v, i, e) {
      gridroute_suspension *x = &l->suspensions[i];
      json_t *to = json_object_get(e, "to");
      if (!json_is_object(e)) {
        set_error(l, "field '%s' must be a list of objects", "suspended");
        return 0;
      }
      if (!only_keys(l, e, suspension_keys, "suspended")) return 0;
      if (!time_in(l, e, "from", &x->from)) return 0;
      x->to = GRIDROUTE_TIME_NONE;
      if (to && !json_is_null(to) && !time_in(l, e, "to", &x->to)) return 0;
    }
    l->kase.suspended = l->suspensions;
    l->kase.suspended_count = json_array_size(v);
  }
  if ((v = json_object_get(l->root, "extended_to")) && !json_is_null(v) &&
      !time_in(l, l->root, "extended_to", &l->kase.extended_to))
    return 0;
  return 1;
}

static void free_line(issue_line *l) {
  json_decref(l->root);
  free(l->attrs);
  free(l->id_json);
  free(l->returns);
  free(l->suspensions);
  l->root = NULL;
  l->attrs = NULL;
  l->id_json = NULL;
  l->returns = NULL;
  l->suspensions = NULL;
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

/* Prints {"id": ID, ...the members of o...}: the id as JSON text (an integer id may not fit jansson's
 * integers), the rest as jansson writes it. */
static void print(const char *id, json_t *o) {
  char *text = json_dumps(o, JSON_PRESERVE_ORDER);
  if (text) printf("{\"id\": %s%s%s\n", id, text[1] == '}' ? "" : ", ", text + 1);
  free(text);
  json_decref(o);
}

static void bundle(json_t *o, gridroute_string digest) {
  if (digest.ptr) json_object_set_new(o, "bundle", str(digest));
}

static void print_rejected(const char *id, const char *key, const char *error, gridroute_string digest) {
  json_t *o = json_object();
  json_object_set_new(o, key, json_string("rejected"));
  json_object_set_new(o, "error", json_string(error));
  bundle(o, digest);
  print(id, o);
}

static void print_decision(const char *id, const gridroute_decision *d, gridroute_buf *buf) {
  json_t *o = json_object();
  if (d->status == GRIDROUTE_DECISION_REJECTED) {
    json_object_set_new(o, "status", json_string("rejected"));
    json_object_set_new(o, "error", str(d->message));
  } else if (d->status == GRIDROUTE_DECISION_UNROUTED) {
    json_object_set_new(o, "status", json_string("unrouted"));
    if (d->cell.ptr) json_object_set_new(o, "cell", str(d->cell));
    json_object_set_new(o, "reason", str(d->message));
  } else {
    json_object_set_new(o, "status", json_string("routed"));
    if (d->cell.ptr) json_object_set_new(o, "cell", str(d->cell));
    json_object_set_new(o, "rule", str(d->rule));
    if (d->fallback) json_object_set_new(o, "fallback", json_true()); /* SPEC §6.4: the fallback owner */
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
  }
  bundle(o, d->bundle);
  print(id, o);
}

static const char *action_name(int32_t kind) {
  switch (kind) {
    case GRIDROUTE_ACTION_NONE: return "none";
    case GRIDROUTE_ACTION_HOLD: return "hold";
    case GRIDROUTE_ACTION_ESCALATE: return "escalate";
    case GRIDROUTE_ACTION_REOPEN: return "reopen";
    case GRIDROUTE_ACTION_OVERDUE: return "overdue";
    case GRIDROUTE_ACTION_REDISPATCH: return "redispatch";
    case GRIDROUTE_ACTION_DISPUTE: return "dispute";
    case GRIDROUTE_ACTION_SUSPENDED: return "suspended";
    default: return "rejected";
  }
}

/* An action with the members `gridroute escalate` writes, in its order. */
static void print_action(const char *id, const gridroute_action *a, gridroute_buf *buf) {
  static const struct { uint32_t bit; const char *name; } reasons[] = {
      {GRIDROUTE_REASON_MISSED_RESPOND, "missed_respond"}, {GRIDROUTE_REASON_MISSED_RESOLVE, "missed_resolve"},
      {GRIDROUTE_REASON_REPEAT_REPORTS, "repeat_reports"}, {GRIDROUTE_REASON_LOW_RATING, "low_rating"},
      {GRIDROUTE_REASON_RETURNED, "returned"}};
  json_t *o = json_object(), *r;
  const int moves = a->kind == GRIDROUTE_ACTION_ESCALATE || a->kind == GRIDROUTE_ACTION_REOPEN ||
                    a->kind == GRIDROUTE_ACTION_REDISPATCH;
  size_t i;
  json_object_set_new(o, "action", json_string(action_name(a->kind)));
  if (a->kind == GRIDROUTE_ACTION_REJECTED) {
    json_object_set_new(o, "error", str(a->message));
    bundle(o, a->bundle);
    print(id, o);
    return;
  }
  if (a->cell.ptr) json_object_set_new(o, "cell", str(a->cell)); /* SPEC §7: the cell found from a location */
  json_object_set_new(o, "level", json_integer(a->level));
  json_object_set_new(o, "handler", str(a->handler));
  json_object_set_new(o, "role", str(a->role));
  if (a->department.ptr) json_object_set_new(o, "department", str(a->department));
  json_object_set_new(o, "unit", str(a->unit)); /* null for a dispute, as handler and role */
  /* The rule when the case moves, and when the answer re-pins it (SPEC §6.1), whatever its action. */
  if (moves || a->repinned) json_object_set_new(o, "rule", str(a->rule));
  if (moves) json_object_set_new(o, "assist", list(a->assist, a->assist_count));
  r = json_array();
  for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (a->reasons & reasons[i].bit) json_array_append_new(r, json_string(reasons[i].name));
  json_object_set_new(o, "reasons", r);
  if (a->kind == GRIDROUTE_ACTION_HOLD || a->kind == GRIDROUTE_ACTION_SUSPENDED) {
    json_object_set_new(o, "next_check", time_text(a->next_check, a->timezone, buf));
  } else if (moves) {
    json_object_set_new(o, "respond_by", time_text(a->respond_by, a->timezone, buf));
    json_object_set_new(o, "resolve_by", time_text(a->resolve_by, a->timezone, buf));
  }
  if (a->repinned) json_object_set_new(o, "repinned", json_true());
  bundle(o, a->bundle);
  print(id, o);
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
  gridroute_action action;
  gridroute_buf buf;
  gridroute_buf digest; /* the bundle's, for the lines this driver rejects itself */
  int64_t now;          /* --now: the lines are cases */
  issue_line *kept; /* --repeat: the lines that became issues; --batch: every line, in order */
  size_t kept_count, kept_cap;
  int keep;
  int batch;
} run;

static gridroute_string digest_of(const run *r) {
  gridroute_string s;
  s.ptr = r->digest.ptr;
  s.len = r->digest.len;
  return s;
}

static void escalate_line(const char *line, size_t n, void *ctx) {
  run *r = ctx;
  issue_line l;
  int rc;
  if (!read_issue(line, n, &l) || !read_case(&l)) {
    print_rejected(id_json(&l), "action", l.error, digest_of(r));
    free_line(&l);
    return;
  }
  rc = gridroute_engine_escalate(&r->action, r->engine, &l.kase, r->now, NULL, NULL);
  if (rc == GRIDROUTE_OK || rc == GRIDROUTE_E_REJECTED) print_action(id_json(&l), &r->action, &r->buf);
  else print_rejected(id_json(&l), "action", gridroute_status_string(rc), digest_of(r));
  free_line(&l);
}

static void route_line(const char *line, size_t n, void *ctx) {
  run *r = ctx;
  issue_line l;
  int rc;
  const int ok = read_issue(line, n, &l);
  if (!ok && !r->batch) {
    if (!r->keep) print_rejected(id_json(&l), "status", l.error, digest_of(r));
    free_line(&l);
    return;
  }
  if (r->keep) {
    issue_line *kept;
    if (r->kept_count == r->kept_cap) {
      issue_line *more = realloc(r->kept, (r->kept_cap = r->kept_cap ? r->kept_cap * 2 : 1024) * sizeof *more);
      if (!more) { free_line(&l); return; }
      r->kept = more;
    }
    kept = &r->kept[r->kept_count++];
    *kept = l;
    if (ok) kept->error[0] = '\0';
    return;
  }
  rc = gridroute_engine_route(&r->decision, r->engine, &l.issue, NULL, NULL);
  if (rc == GRIDROUTE_OK || rc == GRIDROUTE_E_REJECTED) print_decision(id_json(&l), &r->decision, &r->buf);
  else print_rejected(id_json(&l), "status", gridroute_status_string(rc), digest_of(r));
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

/* Every string and time of a routed decision, read. */
static size_t touch_decision(const gridroute_decision *d) {
  return touch(d->rule) + touch(d->role) + touch(d->department) + touch(d->handler) + touch(d->unit) +
         touch(d->escalation) + touch(d->timezone) + touch_list(d->alternates, d->alternate_count) +
         touch_list(d->assist, d->assist_count) + (size_t)(d->respond_by ^ d->resolve_by);
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
      touched += touch_decision(d);
    }
  }
  w1 = seconds(CLOCK_MONOTONIC);
  c1 = seconds(CLOCK_THREAD_CPUTIME_ID);
  printf("{\"calls\": %ld, \"wall_ns_per_call\": %.1f, \"cpu_ns_per_call\": %.1f, \"routed\": %ld, \"checksum\": %lu}\n",
         repeat, (w1 - w0) * 1e9 / (double)repeat, (c1 - c0) * 1e9 / (double)repeat, routed, (unsigned long)touched);
}

/* Gives every kept issue its cell by number, looked up once with gridroute_engine_find_units; a cell the
 * bundle does not have keeps its id alone, so that its rejection names it. 0 on success. */
static int number_cells(run *r) {
  gridroute_string *ids = malloc((r->kept_count ? r->kept_count : 1) * sizeof *ids);
  int32_t *numbers = malloc((r->kept_count ? r->kept_count : 1) * sizeof *numbers);
  uint64_t generation = 0;
  gridroute_error *err = NULL;
  size_t i;
  int rc = 1;
  if (ids && numbers) {
    for (i = 0; i < r->kept_count; i++) {
      ids[i].ptr = r->kept[i].issue.cell;
      ids[i].len = r->kept[i].issue.cell ? r->kept[i].issue.cell_len : 0;
    }
    if (gridroute_engine_find_units(numbers, &generation, r->engine, ids, r->kept_count, &err) == GRIDROUTE_OK) {
      for (i = 0; i < r->kept_count; i++) {
        if (r->kept[i].error[0] || !r->kept[i].issue.cell || numbers[i] == GRIDROUTE_UNIT_NONE) continue;
        r->kept[i].issue.cell_number = numbers[i];
        r->kept[i].issue.cell_generation = generation;
      }
      rc = 0;
    } else {
      fprintf(stderr, "gridroute_engine_find_units: %s\n", err ? err->message : "?");
      gridroute_error_free(err);
    }
  }
  free(ids);
  free(numbers);
  return rc;
}

/* Routes the kept lines 256 issues at a time with gridroute_engine_route_batch, every cell given by its
 * number (number_cells), and prints the decisions in the order of the lines. */
static int batch(run *r) {
  enum { kBatch = 256 };
  gridroute_decision decisions[kBatch];
  gridroute_issue issues[kBatch];
  size_t at[kBatch], i, start = 0, m;
  gridroute_error *err = NULL;
  int rc = 0;
  if (number_cells(r) != 0) return 1;
  for (i = 0; i < kBatch; i++) {
    gridroute_decision init = GRIDROUTE_DECISION_INIT;
    decisions[i] = init;
  }
  while (start < r->kept_count && rc == 0) {
    size_t end = start, k;
    for (m = 0; end < r->kept_count && m < kBatch; end++)
      if (!r->kept[end].error[0]) {
        at[m] = end;
        issues[m++] = r->kept[end].issue;
      }
    if (m && gridroute_engine_route_batch(decisions, r->engine, issues, m, NULL, &err) != GRIDROUTE_OK) {
      fprintf(stderr, "gridroute_engine_route_batch: %s\n", err ? err->message : "?");
      gridroute_error_free(err);
      rc = 1;
      break;
    }
    for (i = start, k = 0; i < end; i++) {
      if (k < m && at[k] == i) print_decision(id_json(&r->kept[i]), &decisions[k++], &r->buf);
      else print_rejected(id_json(&r->kept[i]), "status", r->kept[i].error, digest_of(r));
    }
    start = end;
  }
  gridroute_decision_release_batch(decisions, kBatch);
  return rc;
}

/* As bench, with the issues routed 256 at a time by gridroute_engine_route_batch, every cell by its
 * number (looked up once, before the clock starts). */
static int bench_batch(run *r, long repeat) {
  enum { kBatch = 256 };
  gridroute_decision decisions[kBatch];
  gridroute_issue *issues;
  long done = 0, routed = 0;
  size_t touched = 0, i, at = 0;
  double w0, c0, w1, c1;
  if (!r->kept_count) {
    fprintf(stderr, "no line of the input is an issue\n");
    return 1;
  }
  if (number_cells(r) != 0 || !(issues = malloc(r->kept_count * sizeof *issues))) return 1;
  for (i = 0; i < r->kept_count; i++) issues[i] = r->kept[i].issue;  /* one array, as a platform holds them */
  for (i = 0; i < kBatch; i++) {
    gridroute_decision init = GRIDROUTE_DECISION_INIT;
    decisions[i] = init;
  }
  w0 = seconds(CLOCK_MONOTONIC);
  c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
  while (done < repeat) {
    size_t m = kBatch, k;
    if ((long)m > repeat - done) m = (size_t)(repeat - done);
    if (m > r->kept_count - at) m = r->kept_count - at;
    if (gridroute_engine_route_batch(decisions, r->engine, issues + at, m, NULL, NULL) != GRIDROUTE_OK) {
      free(issues);
      return 1;
    }
    for (k = 0; k < m; k++) {
      if (decisions[k].status != GRIDROUTE_DECISION_ROUTED) continue;
      routed++;
      touched += touch_decision(&decisions[k]);
    }
    done += (long)m;
    at = at + m == r->kept_count ? 0 : at + m;
  }
  w1 = seconds(CLOCK_MONOTONIC);
  c1 = seconds(CLOCK_THREAD_CPUTIME_ID);
  printf("{\"calls\": %ld, \"wall_ns_per_call\": %.1f, \"cpu_ns_per_call\": %.1f, \"routed\": %ld, \"checksum\": %lu}\n",
         repeat, (w1 - w0) * 1e9 / (double)repeat, (c1 - c0) * 1e9 / (double)repeat, routed, (unsigned long)touched);
  gridroute_decision_release_batch(decisions, kBatch);
  free(issues);
  return 0;
}

int main(int argc, char **argv) {
  int argi = 1;
  long repeat = 0;
  const char *bundle, *path;
  char *text;
  size_t len, i;
  gridroute_error *err = NULL;
  gridroute_decision init = GRIDROUTE_DECISION_INIT;
  gridroute_action ainit = GRIDROUTE_ACTION_INIT;
  gridroute_buf binit = GRIDROUTE_BUF_INIT;
  int cases = 0, repeat_batch = 0;
  run r;
  memset(&r, 0, sizeof r);
  r.decision = init;
  r.action = ainit;
  r.buf = binit;
  r.digest = binit;
  if (argc > 1 && strcmp(argv[1], "--batch") == 0) {
    r.batch = 1;
    argi = 2;
  } else if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
    repeat = strtol(argv[2], NULL, 10);
    argi = 3;
    if (argc > 3 && strcmp(argv[3], "--batch") == 0) {
      repeat_batch = 1;
      argi = 4;
    }
  } else if (argc == 5 && strcmp(argv[3], "--now") == 0) {
    if (gridroute_time_parse(&r.now, argv[4], GRIDROUTE_NTS, NULL) != GRIDROUTE_OK) {
      fprintf(stderr, "--now: not an RFC 3339 time with an offset: %s\n", argv[4]);
      return 2;
    }
    cases = 1;
    argc = 3;
  }
  if (argc - argi != 2 || (argi >= 3 && repeat <= 0)) {
    fprintf(stderr, "usage: %s [--repeat N [--batch] | --batch] BUNDLE ISSUES.jsonl | BUNDLE CASES.jsonl --now T\n", argv[0]);
    return 2;
  }
  bundle = argv[argi];
  path = argv[argi + 1];
  if (gridroute_version_number() / 10000 != GRIDROUTE_VERSION_MAJOR ||
      gridroute_version_number() / 100 % 100 < GRIDROUTE_VERSION_MINOR) {
    fprintf(stderr, "libgridroute %s does not match gridroute.h %s\n", gridroute_version(), GRIDROUTE_VERSION_STRING);
    return 1;
  }
  if (gridroute_engine_load(&r.engine, bundle, GRIDROUTE_NTS, NULL, &err) != GRIDROUTE_OK) {
    for (i = 0; i < err->diagnostic_count; i++) fprintf(stderr, "%s\n", err->diagnostics[i].text);
    fprintf(stderr, "%s\n", err->message);
    gridroute_error_free(err);
    return 1;
  }
  if (gridroute_engine_digest(&r.digest, r.engine, NULL) != GRIDROUTE_OK) {
    fprintf(stderr, "no digest for %s\n", bundle);
    gridroute_engine_free(r.engine);
    return 1;
  }
  text = read_all(path, &len);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", path);
    gridroute_engine_free(r.engine);
    return 3;
  }
  r.keep = repeat > 0 || r.batch;
  for_each_line(text, len, cases ? escalate_line : route_line, &r);
  if (repeat > 0 && !repeat_batch) bench(&r, repeat);
  if (repeat > 0 && repeat_batch && bench_batch(&r, repeat) != 0) return 1;
  if (r.batch && batch(&r) != 0) {
    fflush(stdout);
    return 1;
  }
  for (i = 0; i < r.kept_count; i++) free_line(&r.kept[i]);
  free(r.kept);
  gridroute_decision_release(&r.decision);
  gridroute_action_release(&r.action);
  gridroute_buf_dispose(&r.buf);
  gridroute_buf_dispose(&r.digest);
  gridroute_engine_free(r.engine);
  free(text);
  return fflush(stdout) == 0 ? 0 : 3;
}
