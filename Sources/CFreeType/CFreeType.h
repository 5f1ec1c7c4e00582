// Umbrella header for FreeType 2 (renders the visible "AI生成 / AI-generated" caption of the cn profile).
#ifndef ASSAY_CFREETYPE_H
#define ASSAY_CFREETYPE_H
#include <ft2build.h>
#include FT_FREETYPE_H
static inline long cft_load_render(void) { return FT_LOAD_RENDER; }
#endif
