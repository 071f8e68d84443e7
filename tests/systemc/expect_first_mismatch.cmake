# Runs COMMAND with ARGS (a list) and succeeds only when it fails (non-zero exit) and reports its
# first mismatch at cycle CYCLE: a lock-step test with an injected one-bit fault must catch it, at
# the edge it was injected, and must not pass.
# cmake -DCOMMAND=<exe> -DARGS=<a;b;...> -DCYCLE=<n> -P expect_first_mismatch.cmake
execute_process(COMMAND ${COMMAND} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
message("${out}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the injected fault was not caught: the run passed")
endif()
if(NOT out MATCHES "first mismatch at cycle ${CYCLE} on out\\[0\\]")
  message(FATAL_ERROR "the run failed (${rc}), but not with a first mismatch at cycle ${CYCLE}")
endif()
message("caught at cycle ${CYCLE}, exit code ${rc}: as expected")
