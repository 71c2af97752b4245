# test_state_hash_compilers (cmake -P): builds the core + state_hash_main.cpp once per
# compiler and -O level (state_hash/CMakeLists.txt, each in its own folder under
# WORK_DIR), runs each (a 2030-load day of both sites, seed 7) and checks that every
# state hash equals EXPECT, the hash `gatesim --site all --load 2030 --days 1 --seed 7`
# has always printed. Prints each variant's hash and its configure / build / run seconds.
# The folders are kept, so a second run rebuilds only what changed. Must not touch
# anything outside WORK_DIR; a missing compiler skips the test (it says which), it does
# not fail it.
#   -DSUBPROJECT_DIR= -DSOURCES_FILE= -DWORK_DIR= -DSITES_DIR= -DEXPECT= -DGENERATOR=
#   [-DVARIANTS=g++:-O0,g++:-O2,clang++:-O0,clang++:-O2] [-DJOBS=2]
# VARIANTS: compiler:flags, separated by commas (or semicolons).
cmake_minimum_required(VERSION 3.25)
foreach(v SUBPROJECT_DIR SOURCES_FILE WORK_DIR SITES_DIR EXPECT GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "state_hash_compilers: -D${v}= is required")
  endif()
endforeach()
if(NOT DEFINED VARIANTS)
  set(VARIANTS "g++:-O0,g++:-O2,clang++:-O0,clang++:-O2")
endif()
string(REPLACE "," ";" VARIANTS "${VARIANTS}")
if(NOT DEFINED JOBS)
  set(JOBS 2)
endif()

function(now_us out)
  string(TIMESTAMP t "%s%f")
  set(${out} ${t} PARENT_SCOPE)
endfunction()
function(seconds_since t0 out)
  now_us(t1)
  math(EXPR ds "(${t1} - ${t0}) / 100000")  # tenths of a second
  math(EXPR whole "${ds} / 10")
  math(EXPR tenth "${ds} % 10")
  set(${out} "${whole}.${tenth}" PARENT_SCOPE)
endfunction()

# Every compiler first: a missing one skips the test before anything is built.
foreach(v IN LISTS VARIANTS)
  string(REPLACE ":" ";" parts "${v}")
  list(GET parts 0 cxx)
  string(MAKE_C_IDENTIFIER "${cxx}" id)
  find_program(CXX_${id} NAMES ${cxx})
  if(NOT CXX_${id})
    message("state_hash_compilers: skipped: ${cxx} is not installed (tools/setup/packages.txt lists it)")
    return()
  endif()
endforeach()

now_us(all0)
set(hashes "")
set(bad "")
foreach(v IN LISTS VARIANTS)
  string(REPLACE ":" ";" parts "${v}")
  list(GET parts 0 cxx)
  list(GET parts 1 opt)
  string(MAKE_C_IDENTIFIER "${cxx}" id)
  string(MAKE_C_IDENTIFIER "${cxx}${opt}" dir_name)
  set(dir "${WORK_DIR}/${dir_name}")

  now_us(t0)
  if(NOT EXISTS "${dir}/CMakeCache.txt")
    execute_process(
      COMMAND ${CMAKE_COMMAND} -S ${SUBPROJECT_DIR} -B ${dir} -G ${GENERATOR}
              -DCMAKE_CXX_COMPILER=${CXX_${id}} -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=${opt}
              -DSTATE_HASH_SOURCES_FILE=${SOURCES_FILE}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "state_hash_compilers: configuring ${cxx} ${opt} failed:\n${out}")
    endif()
  endif()
  seconds_since(${t0} configure_s)

  now_us(t0)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${dir} -j ${JOBS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "state_hash_compilers: building with ${cxx} ${opt} failed:\n${out}")
  endif()
  seconds_since(${t0} build_s)

  now_us(t0)
  execute_process(COMMAND ${dir}/state_hash ${SITES_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE hash ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "state_hash_compilers: ${dir}/state_hash (${cxx} ${opt}) exited with ${rc}:\n${err}")
  endif()
  seconds_since(${t0} run_s)

  set(mark "")
  if(NOT hash STREQUAL EXPECT)
    set(mark "   <- differs")
    list(APPEND bad "${cxx} ${opt}")
  endif()
  message("state_hash_compilers: ${cxx} ${opt}: ${hash} (configure ${configure_s} s, build ${build_s} s, run ${run_s} s)${mark}")
endforeach()
seconds_since(${all0} total_s)
message("state_hash_compilers: ${total_s} s in all; expected ${EXPECT} everywhere")
if(bad)
  list(JOIN bad ", " bad)
  message(FATAL_ERROR "state_hash_compilers: the state hash of ${bad} differs from ${EXPECT}: the same seed no longer "
                      "gives the same state with every compiler and -O level (docs/core.md, Determinism)")
endif()
