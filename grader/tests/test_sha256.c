/*
 * test_sha256.c: grader/sha256.h against the published test vectors.
 *
 * SHA-256: NIST's examples for FIPS 180-4 (FIPS 180-2, appendix B): "abc" (one block),
 * the 448-bit message (its padding needs a second block) and a million 'a' (many blocks, the
 * length a whole number of blocks). HMAC-SHA256: RFC 4231 test cases 1 (a 20-byte key), 2 (a
 * key shorter than the data) and 6 (a 131-byte key, hashed first). Then the streaming interface
 * must give the same digests whatever pieces the data comes in.
 *
 * Needs no libseccomp: built by grader/grader.mk into $(BUILD)/tests/unit, which make test runs.
 */
#include "sha256.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

/* The digest as lower-case hex, into text (2 * SHA256_DIGEST_BYTES + 1 bytes). */
static void to_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char *text)
{
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++)
        snprintf(text + 2 * i, 3, "%02x", digest[i]);
}

/* expect_digest(digest, hex): the digest is the one given, else both are printed. */
#define expect_digest(digest, hex) expect_digest_at(__FILE__, __LINE__, (digest), (hex))
static void expect_digest_at(const char *file, int line, const uint8_t digest[SHA256_DIGEST_BYTES],
                             const char *expected)
{
    char seen[2 * SHA256_DIGEST_BYTES + 1];
    to_hex(digest, seen);
    if (strcmp(seen, expected) != 0) {
        printf("#   expected: %s\n#   seen:     %s\n", expected, seen);
        unit_fail(file, line, "the digest differs from the test vector");
    }
}

static const char FIPS_448_BITS[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

static void test_sha256_of_abc(void)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_digest("abc", 3, digest);
    expect_digest(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_of_the_448_bit_message(void)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_digest(FIPS_448_BITS, strlen(FIPS_448_BITS), digest);
    expect_digest(digest, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_of_a_million_a(void)
{
    enum { MILLION = 1000000 };
    char *message = malloc(MILLION);
    expect(message != NULL);
    if (message == NULL)
        return;
    memset(message, 'a', MILLION);
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_digest(message, MILLION, digest);
    expect_digest(digest, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(message);
}

static void test_sha256_of_nothing(void)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_digest("", 0, digest);
    expect_digest(digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Byte by byte, and in pieces of 1, 2, 3... bytes: the same digest as in one call. */
static void test_sha256_in_pieces_is_the_same(void)
{
    struct sha256 hash;
    uint8_t digest[SHA256_DIGEST_BYTES];
    size_t length = strlen(FIPS_448_BITS);
    sha256_init(&hash);
    for (size_t i = 0; i < length; i++)
        sha256_update(&hash, FIPS_448_BITS + i, 1);
    sha256_final(&hash, digest);
    expect_digest(digest, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    enum { MILLION = 1000000 };
    static char block[MILLION];
    memset(block, 'a', sizeof block);
    sha256_init(&hash);
    for (size_t done = 0, piece = 1; done < MILLION; done += piece, piece = piece % 200 + 1)
        sha256_update(&hash, block, done + piece <= MILLION ? piece : MILLION - done);
    sha256_final(&hash, digest);
    expect_digest(digest, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_hmac_rfc4231_case_1(void)
{
    uint8_t key[20], digest[SHA256_DIGEST_BYTES];
    memset(key, 0x0b, sizeof key);
    hmac_sha256(key, sizeof key, "Hi There", 8, digest);
    expect_digest(digest, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

static void test_hmac_rfc4231_case_2(void)
{
    uint8_t digest[SHA256_DIGEST_BYTES];
    const char *data = "what do ya want for nothing?";
    hmac_sha256("Jefe", 4, data, strlen(data), digest);
    expect_digest(digest, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* A key longer than a block (131 bytes) is hashed first. */
static void test_hmac_rfc4231_case_6(void)
{
    uint8_t key[131], digest[SHA256_DIGEST_BYTES];
    memset(key, 0xaa, sizeof key);
    const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_sha256(key, sizeof key, data, strlen(data), digest);
    expect_digest(digest, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_hmac_in_pieces_is_the_same(void)
{
    uint8_t key[131], digest[SHA256_DIGEST_BYTES];
    memset(key, 0xaa, sizeof key);
    const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";
    struct hmac_sha256 mac;
    hmac_sha256_init(&mac, key, sizeof key);
    for (size_t i = 0; data[i] != '\0'; i++)
        hmac_sha256_update(&mac, data + i, 1);
    hmac_sha256_final(&mac, digest);
    expect_digest(digest, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

int main(void)
{
    RUN(test_sha256_of_abc);
    RUN(test_sha256_of_the_448_bit_message);
    RUN(test_sha256_of_a_million_a);
    RUN(test_sha256_of_nothing);
    RUN(test_sha256_in_pieces_is_the_same);
    RUN(test_hmac_rfc4231_case_1);
    RUN(test_hmac_rfc4231_case_2);
    RUN(test_hmac_rfc4231_case_6);
    RUN(test_hmac_in_pieces_is_the_same);
    return unit_exit_status();
}
