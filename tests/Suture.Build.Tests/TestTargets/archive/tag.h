#define TAG "archive"
