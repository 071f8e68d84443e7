# Warning and code-generation flags for tpesim's own targets (never third-party headers).
add_library(tpesim_warnings INTERFACE)
target_compile_options(tpesim_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                 -Wno-sign-conversion)
if(TPESIM_WERROR)
  target_compile_options(tpesim_warnings INTERFACE -Werror)
endif()
# Exactness: never fuse a multiply and an add unless the PE's definition says so (std::fma).
target_compile_options(tpesim_warnings INTERFACE -ffp-contract=off)
if(TPESIM_NATIVE)
  target_compile_options(tpesim_warnings INTERFACE -march=native)
endif()
