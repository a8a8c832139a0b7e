/* The trigger of the giflib case (CVE-2026-26740): every 50 ms, a saved image whose graphics
 * control extension block holds 1 byte is given a graphics control block with
 * EGifGCBToSavedExtension, which writes the block's 4 bytes into it. Prints "gcb=written" while
 * vulnerable (4 bytes written into a 1-byte allocation: malloc's minimum chunk holds them, so the
 * overflow harms nothing here), "gcb=refused" once fixed (GIF_ERROR, the block left alone). */
#include <gif_lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        SavedImage image;
        memset(&image, 0, sizeof image);
        GifByteType one = 0;
        if (GifAddExtensionBlock(&image.ExtensionBlockCount, &image.ExtensionBlocks, GRAPHICS_EXT_FUNC_CODE, 1, &one) != GIF_OK) {
            printf("GifAddExtensionBlock failed\n");
            return 1;
        }
        GifFileType gif;
        memset(&gif, 0, sizeof gif);
        gif.SavedImages = &image;
        gif.ImageCount = 1;
        GraphicsControlBlock gcb = { .DisposalMode = DISPOSE_DO_NOT, .UserInputFlag = false, .DelayTime = 10, .TransparentColor = NO_TRANSPARENT_COLOR };
        int rc = EGifGCBToSavedExtension(&gcb, &gif, 0);
        printf("gcb=%s block=%d bytes\n", rc == GIF_OK ? "written" : "refused", image.ExtensionBlocks[0].ByteCount);
        GifFreeExtensions(&image.ExtensionBlockCount, &image.ExtensionBlocks);
        usleep(50000);
    }
}
