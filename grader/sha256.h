/*
 * sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), written here so that the grader
 * needs no crypto library. The grader derives its hidden traces' seeds with them
 * (grade_hidden.c); nothing here is fast or constant-time beyond what that needs.
 *
 * Streaming: init, then update as often as wanted with any number of bytes, then final.
 *     struct hmac_sha256 mac;
 *     hmac_sha256_init(&mac, key, key_bytes);
 *     hmac_sha256_update(&mac, "abc", 3);
 *     hmac_sha256_final(&mac, digest);          // digest: SHA256_DIGEST_BYTES bytes
 * or in one call: hmac_sha256(key, key_bytes, "abc", 3, digest). Final wipes the state.
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { SHA256_DIGEST_BYTES = 32, SHA256_BLOCK_BYTES = 64 };

struct sha256 {
    uint32_t state[8];                     /* H0..H7 of FIPS 180-4, section 6.2 */
    uint64_t message_bytes;                /* bytes given to update so far */
    uint8_t block[SHA256_BLOCK_BYTES];     /* the block being filled */
    size_t block_used;                     /* bytes of it filled */
};

void sha256_init(struct sha256 *hash);
void sha256_update(struct sha256 *hash, const void *data, size_t bytes);
void sha256_final(struct sha256 *hash, uint8_t digest[SHA256_DIGEST_BYTES]);
void sha256_digest(const void *data, size_t bytes, uint8_t digest[SHA256_DIGEST_BYTES]);

/* HMAC: the inner hash has absorbed key ^ ipad; the outer one key ^ opad, waiting for the inner
 * digest. A key longer than a block is hashed first (RFC 2104, section 2). */
struct hmac_sha256 {
    struct sha256 inner, outer;
};

void hmac_sha256_init(struct hmac_sha256 *mac, const void *key, size_t key_bytes);
void hmac_sha256_update(struct hmac_sha256 *mac, const void *data, size_t bytes);
void hmac_sha256_final(struct hmac_sha256 *mac, uint8_t digest[SHA256_DIGEST_BYTES]);
void hmac_sha256(const void *key, size_t key_bytes, const void *data, size_t bytes,
                 uint8_t digest[SHA256_DIGEST_BYTES]);

#endif /* SHA256_H */
