# Runs the C example on a bundle's issues.jsonl and compares its output with expected-route.jsonl
# using compare_jsonl.py (the contract fields of SPEC §4).
#   cmake -DEXE=... -DMODE=fast|json -DBUNDLE=dir -DPYTHON=python3 -DCOMPARE=compare_jsonl.py -DOUT=out.jsonl -P run_example_c.cmake
if(NOT EXISTS ${BUNDLE}/issues.jsonl OR NOT EXISTS ${BUNDLE}/expected-route.jsonl)
  message("SKIP: no example bundle at ${BUNDLE}")
  return()
endif()
if(NOT EXISTS "${COMPARE}" OR NOT PYTHON)
  message("SKIP: compare_jsonl.py or python3 not available (${COMPARE})")
  return()
endif()
execute_process(COMMAND ${EXE} --${MODE} ${BUNDLE} ${BUNDLE}/issues.jsonl
                OUTPUT_FILE ${OUT} ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${PYTHON} ${COMPARE} ${OUT} ${BUNDLE}/expected-route.jsonl RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the C example's output ${OUT} differs from ${BUNDLE}/expected-route.jsonl")
endif()
# As its header says, it prints what `gridroute route` prints, byte for byte (the bundle digest included).
if(CLI)
  execute_process(COMMAND ${CLI} route ${BUNDLE} ${BUNDLE}/issues.jsonl --quiet OUTPUT_FILE ${OUT}.cli RESULT_VARIABLE rc)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${OUT}.cli RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "the C example's output ${OUT} is not byte for byte `gridroute route`'s (${OUT}.cli)")
  endif()
endif()
