/* route_first BUNDLE ISSUES.jsonl N — routes the first N non-blank lines of ISSUES.jsonl with the C ABI
 * (gridroute_engine_route_json) and prints one decision per line, as `gridroute route` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridroute.h"

int main(int argc, char **argv) {
  gridroute_engine *engine = NULL;
  gridroute_error *err = NULL;
  gridroute_buf out = GRIDROUTE_BUF_INIT;
  char line[65536];
  long left;
  FILE *f;
  int rc = 0;
  if (argc != 4) {
    fprintf(stderr, "usage: route_first BUNDLE ISSUES.jsonl N\n");
    return 2;
  }
  if (gridroute_version_number() / 10000 != GRIDROUTE_VERSION_MAJOR) {
    fprintf(stderr, "route_first: built for gridroute %s, loaded %s\n", GRIDROUTE_VERSION_STRING,
            gridroute_version());
    return 1;
  }
  if (gridroute_engine_load(&engine, argv[1], strlen(argv[1]), NULL, &err) != GRIDROUTE_OK) {
    fprintf(stderr, "route_first: %s\n", err->message);
    gridroute_error_free(err);
    return 1;
  }
  f = fopen(argv[2], "rb");
  if (!f) {
    perror(argv[2]);
    gridroute_engine_free(engine);
    return 1;
  }
  left = strtol(argv[3], NULL, 10);
  while (left > 0 && fgets(line, sizeof line, f)) {
    size_t len = strcspn(line, "\r\n");
    int status;
    if (len == strspn(line, " \t")) continue;
    status = gridroute_engine_route_json(&out, engine, line, len, NULL, &err);
    if (status != GRIDROUTE_OK && status != GRIDROUTE_E_REJECTED) {
      fprintf(stderr, "route_first: %s\n", err->message);
      rc = 1;
      break;
    }
    gridroute_error_free(err);
    err = NULL;
    printf("%s\n", (const char *)out.ptr);
    left--;
  }
  gridroute_error_free(err);
  gridroute_buf_dispose(&out);
  gridroute_engine_free(engine);
  fclose(f);
  return rc;
}
