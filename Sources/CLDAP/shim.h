// Tiny bridge to OpenLDAP's libldap: only what Swift cannot import by itself.
#ifndef PREFLIGHT_CLDAP_SHIM_H
#define PREFLIGHT_CLDAP_SHIM_H
#define LDAP_DEPRECATED 0
#include <lber.h>
#include <ldap.h>

// LDAP_OPT_ON / LDAP_OPT_OFF are pointer macros Swift cannot import.
static inline void *cldap_opt_on(void) { return LDAP_OPT_ON; }
static inline void *cldap_opt_off(void) { return LDAP_OPT_OFF; }

#endif
