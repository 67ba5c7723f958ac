/* The public header must compile as strict C99 (-std=c99 -Wall -Wextra -pedantic -Werror), alone and
 * with every _INIT macro used. */
#include "gridroute.h"

int gridroute_header_c99_check(void);

int gridroute_header_c99_check(void) {
  gridroute_buf buf = GRIDROUTE_BUF_INIT;
  gridroute_load_options lo = GRIDROUTE_LOAD_OPTIONS_INIT;
  gridroute_bundle_sources src = GRIDROUTE_BUNDLE_SOURCES_INIT;
  gridroute_check_options co = GRIDROUTE_CHECK_OPTIONS_INIT;
  gridroute_route_options ro = GRIDROUTE_ROUTE_OPTIONS_INIT;
  gridroute_escalate_options eo = GRIDROUTE_ESCALATE_OPTIONS_INIT;
  gridroute_issue issue = GRIDROUTE_ISSUE_INIT;
  gridroute_case c = GRIDROUTE_CASE_INIT;
  gridroute_decision d = GRIDROUTE_DECISION_INIT;
  gridroute_action a = GRIDROUTE_ACTION_INIT;
  int64_t none = GRIDROUTE_TIME_NONE;
  (void)buf; (void)lo; (void)src; (void)co; (void)ro; (void)eo; (void)issue; (void)c; (void)d; (void)a;
  return (int)(none == 0) + GRIDROUTE_VERSION_NUMBER + (int)sizeof(gridroute_error);
}
