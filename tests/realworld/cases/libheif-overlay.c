// The trigger of tests/realworld/cases/libheif.sh. "libheif-overlay make BASE" encodes a 64x64
// image (HEVC through x265) to the HEIF file BASE, which libheif-overlay.py turns into an overlay
// image ("iovl") of a 0x0 canvas. "libheif-overlay FILE" decodes FILE's primary image every 50 ms
// and prints what heif_decode_image says: "decode=ok 0x0" while the library accepts the empty
// canvas (before CVE-2024-41311's fix), "decode=error 2/121" (heif_error_Invalid_input / heif_suberror_Invalid_overlay_data)
// after it.
#include <libheif/heif.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int make(const char *path)
{
    struct heif_image *image;
    struct heif_error err = heif_image_create(64, 64, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image);
    if (err.code) { fprintf(stderr, "heif_image_create: %s\n", err.message); return 1; }
    heif_image_add_plane(image, heif_channel_interleaved, 64, 64, 8);
    int stride;
    uint8_t *plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
    for (int y = 0; y < 64; y++)
        memset(plane + y * stride, 4 * y, 64 * 3);
    struct heif_context *context = heif_context_alloc();
    struct heif_encoder *encoder;
    err = heif_context_get_encoder_for_format(context, heif_compression_HEVC, &encoder);
    if (err.code) { fprintf(stderr, "no HEVC encoder: %s\n", err.message); return 1; }
    err = heif_context_encode_image(context, image, encoder, NULL, NULL);
    if (err.code) { fprintf(stderr, "heif_context_encode_image: %s\n", err.message); return 1; }
    err = heif_context_write_to_file(context, path);
    if (err.code) { fprintf(stderr, "heif_context_write_to_file: %s\n", err.message); return 1; }
    heif_encoder_release(encoder);
    heif_context_free(context);
    heif_image_release(image);
    return 0;
}

static void decode(const char *path)
{
    struct heif_context *context = heif_context_alloc();
    struct heif_error err = heif_context_read_from_file(context, path, NULL);
    struct heif_image_handle *handle = NULL;
    struct heif_image *image = NULL;
    if (!err.code)
        err = heif_context_get_primary_image_handle(context, &handle);
    if (!err.code)
        err = heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_444, NULL);
    if (err.code)
        printf("decode=error %d/%d %s\n", err.code, err.subcode, err.message);
    else
        printf("decode=ok %dx%d\n", heif_image_get_width(image, heif_channel_R), heif_image_get_height(image, heif_channel_R));
    fflush(stdout);
    if (image)
        heif_image_release(image);
    if (handle)
        heif_image_handle_release(handle);
    heif_context_free(context);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "make") == 0)
        return make(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: %s make BASE | %s FILE\n", argv[0], argv[0]);
        return 2;
    }
    for (;;) {
        decode(argv[1]);
        usleep(50000);
    }
}
