#ifndef MULTI_H
#define MULTI_H
#include <stddef.h>
#include <stdint.h>
uint64_t m1_hash(const char *s, size_t n);
int m1_parse(const char *s, long *out);
size_t m1_format(char *buf, size_t cap, long v);
void m1_sort(long *v, size_t n);
uint64_t m2_hash(const char *s, size_t n);
int m2_parse(const char *s, long *out);
size_t m2_format(char *buf, size_t cap, long v);
void m2_sort(long *v, size_t n);
uint64_t m3_hash(const char *s, size_t n);
int m3_parse(const char *s, long *out);
size_t m3_format(char *buf, size_t cap, long v);
void m3_sort(long *v, size_t n);
uint64_t m4_hash(const char *s, size_t n);
int m4_parse(const char *s, long *out);
size_t m4_format(char *buf, size_t cap, long v);
void m4_sort(long *v, size_t n);
uint64_t m5_hash(const char *s, size_t n);
int m5_parse(const char *s, long *out);
size_t m5_format(char *buf, size_t cap, long v);
void m5_sort(long *v, size_t n);
uint64_t m6_hash(const char *s, size_t n);
int m6_parse(const char *s, long *out);
size_t m6_format(char *buf, size_t cap, long v);
void m6_sort(long *v, size_t n);
uint64_t m7_hash(const char *s, size_t n);
int m7_parse(const char *s, long *out);
size_t m7_format(char *buf, size_t cap, long v);
void m7_sort(long *v, size_t n);
uint64_t m8_hash(const char *s, size_t n);
int m8_parse(const char *s, long *out);
size_t m8_format(char *buf, size_t cap, long v);
void m8_sort(long *v, size_t n);
uint64_t m9_hash(const char *s, size_t n);
int m9_parse(const char *s, long *out);
size_t m9_format(char *buf, size_t cap, long v);
void m9_sort(long *v, size_t n);
#endif
