// Umbrella header for FFmpeg 5.1 (libavformat, libavcodec, libavutil, libswscale).
// Macros that do not import into Swift get `static inline` shims prefixed `cff_`.
#ifndef ASSAY_CFFMPEG_H
#define ASSAY_CFFMPEG_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/mathematics.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
#include <errno.h>

static inline int        cff_averror(int e)        { return AVERROR(e); }
static inline int        cff_averror_eof(void)     { return AVERROR_EOF; }
static inline int        cff_averror_eagain(void)  { return AVERROR(EAGAIN); }
static inline int        cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int        cff_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int        cff_averror_encoder_not_found(void) { return AVERROR_ENCODER_NOT_FOUND; }
static inline int64_t    cff_nopts_value(void)     { return AV_NOPTS_VALUE; }
static inline AVRational cff_time_base_q(void)     { return AV_TIME_BASE_Q; }
static inline int        cff_averror_exit(void)    { return AVERROR_EXIT; }
static inline int        cff_averror_option_not_found(void) { return AVERROR_OPTION_NOT_FOUND; }
static inline int        cff_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int        cff_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int        cff_averror_muxer_not_found(void) { return AVERROR_MUXER_NOT_FOUND; }

#endif
