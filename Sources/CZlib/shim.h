#ifndef CONTAINERBENCH_CZLIB_SHIM_H
#define CONTAINERBENCH_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 is a macro (it passes the library version and the stream size): Swift cannot call it.
// windowBits 15 + 16 asks for a gzip wrapper, as `gzip` and registries produce.
static inline int cb_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
