// Umbrella header for zlib (inflate for zip archive members).
#ifndef ASSAY_CZLIB_H
#define ASSAY_CZLIB_H
#include <zlib.h>
// inflateInit2 is a macro over inflateInit2_ with version and struct size.
static inline int czlib_inflateInit2(z_streamp strm, int windowBits) { return inflateInit2(strm, windowBits); }
#endif
