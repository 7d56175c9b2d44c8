// Tiny bridge to libsmbclient (Samba's SMB client library, Debian libsmbclient-dev): the per-context operations are
// function pointers fetched from the context, so Swift gets one typed wrapper per operation it uses.
#ifndef PREFLIGHT_CSMB_SHIM_H
#define PREFLIGHT_CSMB_SHIM_H
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <libsmbclient.h>

static inline SMBCFILE *csmb_open(SMBCCTX *c, const char *url) {
    smbc_open_fn f = smbc_getFunctionOpen(c);
    return f ? f(c, url, O_RDONLY, 0) : NULL;
}
static inline ssize_t csmb_read(SMBCCTX *c, SMBCFILE *file, void *buffer, size_t count) {
    smbc_read_fn f = smbc_getFunctionRead(c);
    return f ? f(c, file, buffer, count) : -1;
}
static inline int csmb_close(SMBCCTX *c, SMBCFILE *file) {
    smbc_close_fn f = smbc_getFunctionClose(c);
    return f ? f(c, file) : -1;
}
static inline int csmb_stat(SMBCCTX *c, const char *url, struct stat *st) {
    smbc_stat_fn f = smbc_getFunctionStat(c);
    return f ? f(c, url, st) : -1;
}
static inline int csmb_is_directory(const struct stat *st) { return S_ISDIR(st->st_mode) ? 1 : 0; }
#endif
