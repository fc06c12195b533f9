include(GoogleTest)

# kdiag_unit_test(NAME SOURCES... LIBS...): a GoogleTest binary whose tests CTest runs one by
# one, labelled "unit". Unit tests need nothing outside the process.
function(kdiag_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main GTest::gmock kdiag_warnings)
  target_compile_definitions(${name} PRIVATE KDIAG_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} PROPERTIES LABELS unit TIMEOUT 60 DISCOVERY_TIMEOUT 30)
endfunction()
