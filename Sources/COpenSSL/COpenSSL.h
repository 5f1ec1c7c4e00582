// Umbrella header for OpenSSL 3 libcrypto, 3.0 API only (legacy APIs compiled out).
// Macros that do not import into Swift get `static inline` shims prefixed `cossl_`.
#ifndef ASSAY_COPENSSL_H
#define ASSAY_COPENSSL_H

#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/cms.h>
#include <openssl/pkcs7.h>

static inline void cossl_free(void *p) { OPENSSL_free(p); }
static inline struct stack_st_X509 *cossl_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int cossl_sk_X509_push(struct stack_st_X509 *s, X509 *x) { return sk_X509_push(s, x); }
static inline int cossl_sk_X509_num(const struct stack_st_X509 *s) { return sk_X509_num(s); }
static inline X509 *cossl_sk_X509_value(const struct stack_st_X509 *s, int i) { return sk_X509_value(s, i); }
static inline void cossl_sk_X509_free(struct stack_st_X509 *s) { sk_X509_free(s); }
static inline void cossl_sk_X509_pop_free(struct stack_st_X509 *s) { sk_X509_pop_free(s, X509_free); }
static inline long cossl_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline int cossl_EVP_MD_CTX_size(const EVP_MD_CTX *c) { return EVP_MD_get_size(EVP_MD_CTX_get0_md(c)); }

static inline EXTENDED_KEY_USAGE *cossl_X509_get_eku(X509 *x) {
    return (EXTENDED_KEY_USAGE *)X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
}
static inline int cossl_sk_ASN1_OBJECT_num(const EXTENDED_KEY_USAGE *s) { return sk_ASN1_OBJECT_num(s); }
static inline ASN1_OBJECT *cossl_sk_ASN1_OBJECT_value(const EXTENDED_KEY_USAGE *s, int i) {
    return sk_ASN1_OBJECT_value(s, i);
}
static inline void cossl_EXTENDED_KEY_USAGE_free(EXTENDED_KEY_USAGE *e) { EXTENDED_KEY_USAGE_free(e); }
static inline int cossl_mbstring_asc(void) { return MBSTRING_ASC; }

static inline void *cossl_malloc(size_t n) { return OPENSSL_malloc(n); }

#endif
