/*
 * sha256.c: SHA-256 as FIPS 180-4 defines it, and HMAC over it as RFC 2104 does.
 *
 * SHA-256, section by section of FIPS 180-4:
 *   4.1.2  six functions of 32-bit words: Ch, Maj, two big sigmas, two small sigmas
 *   4.2.2  64 constants K: the first 32 bits of the fractional parts of the cube roots of the
 *          first 64 primes
 *   5.1.1  padding: a 1 bit, zeros, then the message length in bits as 64 bits big-endian, so
 *          that the padded message is a whole number of 512-bit blocks
 *   5.3.3  the initial hash value H0..H7: the first 32 bits of the fractional parts of the
 *          square roots of the first 8 primes
 *   6.2.2  per block: expand 16 words into a schedule of 64, run 64 rounds on a..h, add the
 *          result into H
 * The digest is H0..H7, each big-endian. Bytes are assembled with shifts, never by casting
 * memory, so the result does not depend on the machine's byte order.
 */
#include "sha256.h"

#include <string.h>

static const uint32_t ROUND_CONSTANTS[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t INITIAL_HASH[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* ---- the functions of section 4.1.2 --------------------------------------------------- */

static uint32_t rotate_right(uint32_t x, unsigned bits)
{
    return (x >> bits) | (x << (32 - bits));
}

static uint32_t choose(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (~x & z);
}

static uint32_t majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (x & z) ^ (y & z);
}

static uint32_t big_sigma0(uint32_t x)
{
    return rotate_right(x, 2) ^ rotate_right(x, 13) ^ rotate_right(x, 22);
}

static uint32_t big_sigma1(uint32_t x)
{
    return rotate_right(x, 6) ^ rotate_right(x, 11) ^ rotate_right(x, 25);
}

static uint32_t small_sigma0(uint32_t x)
{
    return rotate_right(x, 7) ^ rotate_right(x, 18) ^ (x >> 3);
}

static uint32_t small_sigma1(uint32_t x)
{
    return rotate_right(x, 17) ^ rotate_right(x, 19) ^ (x >> 10);
}

/* ---- one block: section 6.2.2 --------------------------------------------------------- */

static void compress(uint32_t state[8], const uint8_t block[SHA256_BLOCK_BYTES])
{
    uint32_t schedule[64];
    for (int t = 0; t < 16; t++)
        schedule[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
                      (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    for (int t = 16; t < 64; t++)
        schedule[t] = small_sigma1(schedule[t - 2]) + schedule[t - 7] + small_sigma0(schedule[t - 15]) +
                      schedule[t - 16];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + big_sigma1(e) + choose(e, f, g) + ROUND_CONSTANTS[t] + schedule[t];
        uint32_t t2 = big_sigma0(a) + majority(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

/* ---- streaming -------------------------------------------------------------------------- */

void sha256_init(struct sha256 *hash)
{
    memcpy(hash->state, INITIAL_HASH, sizeof hash->state);
    hash->message_bytes = 0;
    hash->block_used = 0;
}

void sha256_update(struct sha256 *hash, const void *data, size_t bytes)
{
    const uint8_t *next = data;
    hash->message_bytes += bytes;
    while (bytes > 0) {
        size_t room = SHA256_BLOCK_BYTES - hash->block_used;
        size_t taken = bytes < room ? bytes : room;
        memcpy(hash->block + hash->block_used, next, taken);
        hash->block_used += taken;
        next += taken;
        bytes -= taken;
        if (hash->block_used == SHA256_BLOCK_BYTES) {
            compress(hash->state, hash->block);
            hash->block_used = 0;
        }
    }
}

/* Section 5.1.1: 0x80, zeros up to 8 bytes before a block's end, the length in bits. */
void sha256_final(struct sha256 *hash, uint8_t digest[SHA256_DIGEST_BYTES])
{
    uint64_t message_bits = hash->message_bytes * 8;
    hash->block[hash->block_used++] = 0x80;
    if (hash->block_used > SHA256_BLOCK_BYTES - 8) { /* no room for the length: one more block */
        memset(hash->block + hash->block_used, 0, SHA256_BLOCK_BYTES - hash->block_used);
        compress(hash->state, hash->block);
        hash->block_used = 0;
    }
    memset(hash->block + hash->block_used, 0, SHA256_BLOCK_BYTES - 8 - hash->block_used);
    for (int i = 0; i < 8; i++)
        hash->block[SHA256_BLOCK_BYTES - 1 - i] = (uint8_t)(message_bits >> (8 * i));
    compress(hash->state, hash->block);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(hash->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(hash->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(hash->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)hash->state[i];
    }
    /* The state holds what was hashed (a secret, for HMAC's key): gone once it is used. */
    volatile uint8_t *wipe = (volatile uint8_t *)hash;
    for (size_t i = 0; i < sizeof *hash; i++)
        wipe[i] = 0;
}

void sha256_digest(const void *data, size_t bytes, uint8_t digest[SHA256_DIGEST_BYTES])
{
    struct sha256 hash;
    sha256_init(&hash);
    sha256_update(&hash, data, bytes);
    sha256_final(&hash, digest);
}

/* ---- HMAC: RFC 2104, section 2 ------------------------------------------------------------ */

enum { INNER_PAD = 0x36, OUTER_PAD = 0x5c };

void hmac_sha256_init(struct hmac_sha256 *mac, const void *key, size_t key_bytes)
{
    uint8_t block_key[SHA256_BLOCK_BYTES] = { 0 }; /* the key, zero-padded to a block */
    if (key_bytes > SHA256_BLOCK_BYTES)
        sha256_digest(key, key_bytes, block_key);
    else if (key_bytes > 0)
        memcpy(block_key, key, key_bytes);
    uint8_t padded[SHA256_BLOCK_BYTES];
    for (int i = 0; i < SHA256_BLOCK_BYTES; i++)
        padded[i] = block_key[i] ^ INNER_PAD;
    sha256_init(&mac->inner);
    sha256_update(&mac->inner, padded, sizeof padded);
    for (int i = 0; i < SHA256_BLOCK_BYTES; i++)
        padded[i] = block_key[i] ^ OUTER_PAD;
    sha256_init(&mac->outer);
    sha256_update(&mac->outer, padded, sizeof padded);
    volatile uint8_t *wipe_key = block_key, *wipe_padded = padded;
    for (int i = 0; i < SHA256_BLOCK_BYTES; i++)
        wipe_key[i] = wipe_padded[i] = 0;
}

void hmac_sha256_update(struct hmac_sha256 *mac, const void *data, size_t bytes)
{
    sha256_update(&mac->inner, data, bytes);
}

void hmac_sha256_final(struct hmac_sha256 *mac, uint8_t digest[SHA256_DIGEST_BYTES])
{
    uint8_t inner_digest[SHA256_DIGEST_BYTES];
    sha256_final(&mac->inner, inner_digest);
    sha256_update(&mac->outer, inner_digest, sizeof inner_digest);
    sha256_final(&mac->outer, digest);
    volatile uint8_t *wipe = inner_digest;
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++)
        wipe[i] = 0;
}

void hmac_sha256(const void *key, size_t key_bytes, const void *data, size_t bytes,
                 uint8_t digest[SHA256_DIGEST_BYTES])
{
    struct hmac_sha256 mac;
    hmac_sha256_init(&mac, key, key_bytes);
    hmac_sha256_update(&mac, data, bytes);
    hmac_sha256_final(&mac, digest);
}
