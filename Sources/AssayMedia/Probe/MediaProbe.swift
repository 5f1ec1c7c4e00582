internal import AssayCore
internal import CFFmpeg

extension MediaInfo {
    /// Probes a media file without decoding it.
    ///
    /// Reads at most a few megabytes (`probesize` 8 MiB, `analyzeduration` 10 s) and gives up after
    /// `timeoutSeconds`, so a hostile file fails quickly with a typed error.
    /// - Parameters:
    ///   - path: The file to probe. It is opened read-only and never modified.
    ///   - requiringVideo: When `true` (the default), a file without a video stream is an error.
    ///   - timeoutSeconds: Deadline for opening and analysing the file.
    /// - Throws: ``MediaError`` with ``MediaError/Code/openFailed`` (not media, zero length, unreadable),
    ///   ``MediaError/Code/noVideoStream`` or ``MediaError/Code/timedOut``.
    public static func probe(_ path: String, requiringVideo: Bool = true, timeoutSeconds: Double = 30)
        throws(MediaError)
        -> MediaInfo
    {
        var limits = InputContext.Limits()
        limits.timeoutSeconds = timeoutSeconds
        let input = try InputContext(path: path, limits: limits)
        let info = MediaInfo(input: input)
        if requiringVideo, info.bestVideoStreamIndex == nil {
            throw MediaError.noVideoStream(
                "no decodable video stream in \(info.streams.count) stream(s)",
                location: InputLocation(path: path)
            )
        }
        return info
    }

    /// Describes an opened input.
    init(input: InputContext) {
        let ctx = input.raw.pointee
        let best = av_find_best_stream(input.raw, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        var streams: [StreamInfo] = []
        streams.reserveCapacity(min(input.streamCount, 64))
        for i in 0..<input.streamCount {
            streams.append(StreamInfo(input: input, stream: input.stream(i)))
        }
        let name = ctx.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let longName = ctx.iformat.flatMap { $0.pointee.long_name.map { String(cString: $0) } }
        self.init(
            path: input.path,
            formatName: name,
            formatLongName: longName,
            duration: ctx.duration > 0 ? mediaTime(ctx.duration, FFmpegConstants.timeBaseQ) : nil,
            startTime: mediaTime(ctx.start_time, FFmpegConstants.timeBaseQ),
            bitRate: ctx.bit_rate > 0 ? ctx.bit_rate : nil,
            streams: streams,
            bestVideoStreamIndex: best >= 0 ? Int(best) : nil,
            metadata: dictionary(ctx.metadata)
        )
    }
}

extension StreamInfo {
    /// Describes one stream of an opened input.
    init(input: InputContext, stream st: UnsafeMutablePointer<AVStream>) {
        let par = st.pointee.codecpar!.pointee
        let tb = st.pointee.time_base
        let kind: Kind
        switch par.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        case AVMEDIA_TYPE_DATA: kind = .data
        case AVMEDIA_TYPE_ATTACHMENT: kind = .attachment
        default: kind = .unknown
        }
        let descriptor = avcodec_descriptor_get(par.codec_id)
        let codecName = descriptor.map { String(cString: $0.pointee.name) }
        let profile = avcodec_profile_name(par.codec_id, par.profile).map { String(cString: $0) }
        self.init(
            index: Int(st.pointee.index),
            kind: kind,
            codecName: codecName,
            profile: profile,
            timeBase: Rational(tb.num, tb.den),
            duration: st.pointee.duration > 0 ? mediaTime(st.pointee.duration, tb) : nil,
            startTime: mediaTime(st.pointee.start_time, tb),
            frameCount: st.pointee.nb_frames > 0 ? st.pointee.nb_frames : nil,
            bitRate: par.bit_rate > 0 ? par.bit_rate : nil,
            metadata: dictionary(st.pointee.metadata)
        )
        if kind == .video {
            width = par.width > 0 ? Int(par.width) : nil
            height = par.height > 0 ? Int(par.height) : nil
            if par.format >= 0, let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: par.format)) {
                pixelFormat = String(cString: name)
            }
            let guessed = av_guess_frame_rate(input.raw, st, nil)
            frameRate = guessed.num > 0 && guessed.den > 0 ? Rational(guessed.num, guessed.den) : nil
            let avg = st.pointee.avg_frame_rate
            averageFrameRate = avg.num > 0 && avg.den > 0 ? Rational(avg.num, avg.den) : nil
            rotation = displayRotation(st)
            let sar = av_guess_sample_aspect_ratio(input.raw, st, nil)
            sampleAspectRatio = sar.num > 0 && sar.den > 0 ? Rational(sar.num, sar.den) : nil
        } else if kind == .audio {
            sampleRate = par.sample_rate > 0 ? Int(par.sample_rate) : nil
            channels = par.ch_layout.nb_channels > 0 ? Int(par.ch_layout.nb_channels) : nil
            if par.format >= 0, let name = av_get_sample_fmt_name(AVSampleFormat(rawValue: par.format)) {
                sampleFormat = String(cString: name)
            }
        }
    }
}

/// The rotation of a stream's display matrix, as `av_display_rotation_get` (and ffprobe) report it.
private func displayRotation(_ st: UnsafeMutablePointer<AVStream>) -> Double? {
    var size: Int = 0
    guard let data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else {
        return nil
    }
    let matrix = UnsafeRawPointer(data).assumingMemoryBound(to: Int32.self)
    let degrees = av_display_rotation_get(matrix)
    guard degrees.isFinite else { return nil }
    let rounded = (degrees * 1000).rounded() / 1000
    return rounded == 0 ? 0 : rounded  // no negative zero in JSON
}

/// An `AVDictionary` as a Swift dictionary, at most 64 entries of at most 1 KiB each.
private func dictionary(_ dict: OpaquePointer?) -> [String: String] {
    var result: [String: String] = [:]
    var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
    while result.count < 64, let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
        entry = e
        let key = String(String(cString: e.pointee.key).prefix(256))
        let value = String(String(cString: e.pointee.value).prefix(1024))
        result[key] = value
    }
    return result
}
