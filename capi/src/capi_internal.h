/* Internal to the C ABI: a fault-injection hook compiled only into the test build of the library
 * (GRIDROUTE_CAPI_TESTING), so tests can prove that every entry point catches every exception.
 * Never installed; not part of the ABI. */
#ifndef GRIDROUTE_CAPI_INTERNAL_H
#define GRIDROUTE_CAPI_INTERNAL_H

#ifdef __cplusplus
extern "C" {
#endif

#define GRIDROUTE_TESTING_FAULT_EXCEPTION 1 /* the next entry point throws std::runtime_error */
#define GRIDROUTE_TESTING_FAULT_BAD_ALLOC 2 /* ... std::bad_alloc */
#define GRIDROUTE_TESTING_FAULT_UNKNOWN 3   /* ... an int (not a std::exception) */

#ifdef GRIDROUTE_CAPI_TESTING
void gridroute_testing_inject_fault(int fault);
#endif

#ifdef __cplusplus
}
#endif

#endif
