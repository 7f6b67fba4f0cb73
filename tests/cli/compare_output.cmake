# Runs mailsim-cli with ARGS (a ;-list) and compares its standard output with GOLDEN exactly.
# Set MAILSIM_UPDATE_GOLDEN=1 in the environment to rewrite the golden file instead.
execute_process(COMMAND ${CLI} ${ARGS} OUTPUT_VARIABLE actual ERROR_VARIABLE errors
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mailsim-cli ${ARGS} exited with ${rc}: ${errors}")
endif()
if(DEFINED ENV{MAILSIM_UPDATE_GOLDEN})
  file(WRITE ${GOLDEN} "${actual}")
endif()
file(READ ${GOLDEN} expected)
if(NOT actual STREQUAL expected)
  get_filename_component(name ${GOLDEN} NAME)
  set(actual_file ${CMAKE_CURRENT_BINARY_DIR}/${name}.actual)
  file(WRITE ${actual_file} "${actual}")
  message(FATAL_ERROR "Output differs from ${GOLDEN}.\nActual output: ${actual_file}\n"
                      "Compare with: diff ${GOLDEN} ${actual_file}\n"
                      "If the change is deliberate, rerun with MAILSIM_UPDATE_GOLDEN=1 and review the diff.")
endif()
