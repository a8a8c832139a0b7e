/* Multi-file benchmark project: a small service loop that uses every module. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "multi.h"

int main(void)
{
    char buf[64];
    long v[32];
    for (unsigned round = 0;; round++) {
        uint64_t h = 0;
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 1) % 97);
        }
        m1_sort(v, 32);
        size_t n1 = m1_format(buf, sizeof buf, v[0]);
        h ^= m1_hash(buf, n1);
        long p1;
        if (m1_parse("  -1", &p1) == 0) {
            h += (uint64_t)p1;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 2) % 97);
        }
        m2_sort(v, 32);
        size_t n2 = m2_format(buf, sizeof buf, v[0]);
        h ^= m2_hash(buf, n2);
        long p2;
        if (m2_parse("  -2", &p2) == 0) {
            h += (uint64_t)p2;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 3) % 97);
        }
        m3_sort(v, 32);
        size_t n3 = m3_format(buf, sizeof buf, v[0]);
        h ^= m3_hash(buf, n3);
        long p3;
        if (m3_parse("  -3", &p3) == 0) {
            h += (uint64_t)p3;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 4) % 97);
        }
        m4_sort(v, 32);
        size_t n4 = m4_format(buf, sizeof buf, v[0]);
        h ^= m4_hash(buf, n4);
        long p4;
        if (m4_parse("  -4", &p4) == 0) {
            h += (uint64_t)p4;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 5) % 97);
        }
        m5_sort(v, 32);
        size_t n5 = m5_format(buf, sizeof buf, v[0]);
        h ^= m5_hash(buf, n5);
        long p5;
        if (m5_parse("  -5", &p5) == 0) {
            h += (uint64_t)p5;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 6) % 97);
        }
        m6_sort(v, 32);
        size_t n6 = m6_format(buf, sizeof buf, v[0]);
        h ^= m6_hash(buf, n6);
        long p6;
        if (m6_parse("  -6", &p6) == 0) {
            h += (uint64_t)p6;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 7) % 97);
        }
        m7_sort(v, 32);
        size_t n7 = m7_format(buf, sizeof buf, v[0]);
        h ^= m7_hash(buf, n7);
        long p7;
        if (m7_parse("  -7", &p7) == 0) {
            h += (uint64_t)p7;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 8) % 97);
        }
        m8_sort(v, 32);
        size_t n8 = m8_format(buf, sizeof buf, v[0]);
        h ^= m8_hash(buf, n8);
        long p8;
        if (m8_parse("  -8", &p8) == 0) {
            h += (uint64_t)p8;
        }
        for (size_t k = 0; k < 32; k++) {
            v[k] = (long)((round * 31 + k * 9) % 97);
        }
        m9_sort(v, 32);
        size_t n9 = m9_format(buf, sizeof buf, v[0]);
        h ^= m9_hash(buf, n9);
        long p9;
        if (m9_parse("  -9", &p9) == 0) {
            h += (uint64_t)p9;
        }
        if (round % 10 == 0) {
            printf("round %u: %016llx\n", round, (unsigned long long)h);
            fflush(stdout);
        }
        sleep(1);
    }
}
