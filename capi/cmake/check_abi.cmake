# Compares the built library with the committed ABI baseline (capi/abi/*.abi, written by abidw; see the
# gridroute_abi_baseline target). abidiff's exit status is a bit field: 0 no change, 4 an ABI change,
# 8 an incompatible change (4|8 = 12), 1 and 2 tool errors. Within a major version only additions are
# allowed (docs/abi-policy.md): status 4 passes only when the summary shows nothing removed or changed.
#   cmake -DABIDIFF=abidiff -DBASELINE=capi/abi/libgridroute.so.1.abi -DLIB=... -P check_abi.cmake
# Fields appended to structs that start with struct_size are additions (abi/appended-fields.suppr).
get_filename_component(abi_dir ${BASELINE} DIRECTORY)
execute_process(COMMAND ${ABIDIFF} --exported-interfaces-only --suppressions ${abi_dir}/appended-fields.suppr
                        ${BASELINE} ${LIB}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}${err}")
if(rc EQUAL 0)
  message(STATUS "abidiff: the ABI equals the baseline")
  return()
endif()
if(rc EQUAL 4 AND out MATCHES "Functions changes summary: 0 Removed, 0 Changed[^,]*, [0-9]+ Added"
   AND out MATCHES "Variables changes summary: 0 Removed, 0 Changed[^,]*, [0-9]+ Added")
  message(STATUS "abidiff: only additions against the baseline; refresh it when releasing (docs/abi-policy.md)")
  return()
endif()
message(FATAL_ERROR "abidiff (status ${rc}): the ABI of ${LIB} differs from the baseline ${BASELINE} "
                    "by more than additions; see docs/abi-policy.md")
