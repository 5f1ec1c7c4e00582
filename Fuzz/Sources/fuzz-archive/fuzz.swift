// libFuzzer entry point for scan's archive readers: zip (central directory, zip64, deflate), tar (ustar,
// pax, GNU) and gzip (tar.gz). The input is written to a temp file (the readers work on files); every
// listed member is extracted with small limits, so zip and gzip bombs and bad CRCs are exercised too.
// Files go to /dev/shm when there is one: on a disk, the extractor's fsync would dominate the run.
import AssayArchive
import Foundation

let tmp = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
let dir = tmp + "assay-fuzz-archive-\(getpid())"
let path = dir + "/input"
let out = dir + "/member"
let tar = dir + "/decompressed.tar"
let limits = ArchiveLimits(maxMembers: 256, maxNameLength: 1024, maxMemberSize: 4 << 20, maxExpansionRatio: 50,
                           maxDirectorySize: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // A plain write: FileManager.createFile writes atomically with fsync, which is not what is under test.
    guard let file = fopen(path, "wb") else { return 0 }
    let written = fwrite(data, 1, size, file)
    fclose(file)
    guard written == size else { return 0 }
    for kind in [ArchiveKind.zip, .tar] {
        guard let members = try? kind.members(path: path, limits: limits) else { continue }
        for m in members.prefix(8) {
            _ = try? MemberExtractor(archivePath: path, limits: limits).extract(m, to: out)
        }
    }
    // gzip: the head used for detection, and the whole stream decompressed and read as a tar.
    _ = try? GzipReader.head(path: path, count: 512)
    if (try? GzipReader.decompress(path: path, to: tar, limits: limits)) != nil,
        let members = try? ArchiveKind.tar.members(path: tar, limits: limits)
    {
        for m in members.prefix(8) { _ = try? MemberExtractor(archivePath: tar, limits: limits).extract(m, to: out) }
    }
    _ = ArchiveKind.detect(path: path)
    return 0
}
