// glibc's allocator settings (mallopt), which Swift's Glibc module leaves out: the command line fixes the threshold above
// which a buffer gets a mapping of its own (Sources/preflight/Main.swift says why).
#ifndef PREFLIGHT_CALLOCATOR_SHIM_H
#define PREFLIGHT_CALLOCATOR_SHIM_H
#include <malloc.h>
#endif
