// libFuzzer's driver, from libclang_rt.fuzzer (linked by swiftc -sanitize=fuzzer). The harnesses call it from their
// main.swift: SwiftPM links an executable's top-level code as `main` (--defsym main=<Module>_main), so libFuzzer's
// own `main` is never linked in. See https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

/// Defined by each harness (@_cdecl), which passes it to the driver; libFuzzer refers to it by name as well.
int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size);
