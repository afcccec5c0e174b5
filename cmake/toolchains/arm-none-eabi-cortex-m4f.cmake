# Cross build for a Cortex-M4F (ARMv7E-M with the single-precision FPU) using Debian's
# gcc-arm-none-eabi and newlib-nano; test programs run in QEMU's mps2-an386. The board (linker
# script, vector table, reset handler, where stdio goes) comes from a port library under
# ports/, so one toolchain file serves every Cortex-M4F board.
#   cmake -S . -B build/cortex-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-none-eabi-cortex-m4f.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
find_program(EARSHOT_ARM_SIZE arm-none-eabi-size REQUIRED)
# CMake leaves CMAKE_SIZE empty for CMAKE_SYSTEM_NAME Generic.
set(CMAKE_SIZE ${EARSHOT_ARM_SIZE} CACHE FILEPATH "arm-none-eabi-size")

# A compiler check cannot link without a board's startup and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(EARSHOT_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
# Functions and data in their own sections so that --gc-sections drops what is not called.
# -Wno-psabi: GCC's note that std::pair passing changed in GCC 7.1 concerns only code mixed
# with objects from GCC 6 and older.
set(CMAKE_C_FLAGS_INIT "${EARSHOT_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT
  "${EARSHOT_CPU_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -Wno-psabi")
set(CMAKE_ASM_FLAGS_INIT "${EARSHOT_CPU_FLAGS}")
# newlib-nano. Its printf formats floating point only when _printf_float is linked in
# (Catch2's messages and the firmware's reports need it) and never formats long long (%llu).
# The system calls behind stdio come with the board's port: semihosting (--specs=rdimon.specs)
# in QEMU, a UART or nothing (--specs=nosys.specs) on hardware without a debugger attached.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs -u _printf_float -Wl,--gc-sections")
set(CMAKE_EXECUTABLE_SUFFIX_CXX .elf)
set(CMAKE_EXECUTABLE_SUFFIX_C .elf)

# Target programs (add_test, custom commands) run in QEMU. -icount shift=0 makes every
# instruction take 1 ns of virtual time so that SysTick measures instructions exactly.
# Everything after the ELF is read by QEMU as its own options.
set(CMAKE_CROSSCOMPILING_EMULATOR
  qemu-system-arm -M mps2-an386 -nographic -semihosting -icount shift=0 -kernel)

# Libraries and headers come from the arm-none-eabi sysroot only, never from /usr/include.
set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
