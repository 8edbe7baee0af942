# Cross build for aarch64 with Debian's gcc-aarch64-linux-gnu:
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# The C library is musl (Debian's musl-dev:arm64, through aarch64-linux-musl/gcc) unless
# -DPAIOS_LIBC=glibc: PID 1 runs once per boot, and under TCG glibc's static start-up alone
# costs 8 ms of user time before main(), musl's none (scripts/tcg-costs --libc musl).
# Both build the same sources and pass the same boots; the static libraries for each come
# from scripts/build-static-deps.sh --target aarch64-musl / aarch64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PAIOS_LIBC musl CACHE STRING "C library of the aarch64 /init: musl or glibc")
set_property(CACHE PAIOS_LIBC PROPERTY STRINGS musl glibc)
if(PAIOS_LIBC STREQUAL "musl")
  set(CMAKE_C_COMPILER ${CMAKE_CURRENT_LIST_DIR}/aarch64-linux-musl/gcc)
  set(PAIOS_DEPS_TARGET aarch64-musl)
elseif(PAIOS_LIBC STREQUAL "glibc")
  set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
  set(PAIOS_DEPS_TARGET aarch64)
else()
  message(FATAL_ERROR "PAIOS_LIBC must be musl or glibc, not '${PAIOS_LIBC}'")
endif()
set(CMAKE_AR aarch64-linux-gnu-ar CACHE FILEPATH "")
set(CMAKE_RANLIB aarch64-linux-gnu-ranlib CACHE FILEPATH "")
set(CMAKE_STRIP aarch64-linux-gnu-strip CACHE FILEPATH "")
# Debian's multiarch paths for arm64 -dev packages (libubootenv-dev:arm64, zlib1g-dev:arm64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
