/* Module 5 of the multi-file benchmark project: hashing, parsing, formatting, sorting. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "multi.h"

static const uint64_t m5_seed = 0x9e3779b97f4a7c15ull * 5;

uint64_t m5_hash(const char *s, size_t n)
{
    uint64_t h = m5_seed ^ n;
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)s[k];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

int m5_parse(const char *s, long *out)
{
    long sign = 1, v = 0;
    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (*s == '-' || *s == '+') {
        sign = *s++ == '-' ? -1 : 1;
    }
    if (!isdigit((unsigned char)*s)) {
        return -1;
    }
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s++ - '0');
    }
    *out = sign * v;
    return *s == '\0' ? 0 : -1;
}

size_t m5_format(char *buf, size_t cap, long v)
{
    int n = snprintf(buf, cap, "m5:%ld", v);
    return n < 0 ? 0 : (size_t)n;
}

static int m5_cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void m5_sort(long *v, size_t n)
{
    if (n < 16) {
        for (size_t k = 1; k < n; k++) {
            long t = v[k];
            size_t j = k;
            while (j > 0 && v[j - 1] > t) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = t;
        }
        return;
    }
    qsort(v, n, sizeof *v, m5_cmp);
}
