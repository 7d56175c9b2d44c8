// Tiny bridge to libcurl: curl_easy_setopt/getinfo are variadic macros, so Swift needs typed wrappers.
#ifndef PREFLIGHT_CCURL_SHIM_H
#define PREFLIGHT_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_write_cb(CURL *h, curl_write_callback cb) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb);
}
static inline CURLcode ccurl_setopt_header_cb(CURL *h, curl_write_callback cb) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb);
}
typedef int (*ccurl_debug_cb)(CURL *, curl_infotype, char *, size_t, void *);
static inline CURLcode ccurl_setopt_debug_cb(CURL *h, ccurl_debug_cb cb) { return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, cb); }
static inline CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_getinfo_certinfo(CURL *h, struct curl_certinfo **v) {
    return curl_easy_getinfo(h, CURLINFO_CERTINFO, v);
}
static inline CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ccurl_getinfo_str(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

#endif
