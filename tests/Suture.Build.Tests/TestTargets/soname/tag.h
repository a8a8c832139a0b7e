#define TAG "soname"
