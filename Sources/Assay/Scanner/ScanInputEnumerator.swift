import AssayArchive
import AssayCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns scan inputs (folders, files, zip, tar and tar.gz archives, file lists) into ``ScanItem``s.
///
/// Folders are walked recursively without following symbolic links to folders, and every folder is
/// visited once by device and inode, so link loops and bind-mount cycles end. Archives are listed
/// member by member (never extracted here). What cannot be read becomes a ``Problem`` and the walk
/// goes on.
public struct ScanInputEnumerator: Sendable {
    /// Something that could not be enumerated (unreadable folder, broken archive, vanished file).
    public struct Problem: Sendable, Hashable {
        /// The path.
        public var path: String
        /// What went wrong.
        public var message: String
        /// Creates a problem record.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// The enumeration's result.
    public struct Result: Sendable {
        /// Items in a stable order (sorted by key).
        public var items: [ScanItem]
        /// Paths that could not be enumerated.
        public var problems: [Problem]
    }

    /// Lower-case extensions of video files to scan.
    public var extensions: Set<String>
    /// Whether zip, tar and tar.gz archives are opened (by content; a name ending .zip, .tar, .tgz or .gz, or
    /// any file named explicitly).
    public var openArchives: Bool
    /// Archive bounds.
    public var archiveLimits: ArchiveLimits

    /// The default video extensions.
    public static let defaultExtensions: Set<String> = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "3gp", "ts", "mts"]

    /// Creates an enumerator.
    public init(extensions: Set<String> = ScanInputEnumerator.defaultExtensions, openArchives: Bool = true,
                archiveLimits: ArchiveLimits = .default)
    {
        self.extensions = Set(extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
        self.openArchives = openArchives
        self.archiveLimits = archiveLimits
    }

    /// Enumerates paths (files, folders, archives).
    public func enumerate(_ inputs: [String]) -> Result {
        var items: [ScanItem] = []
        var problems: [Problem] = []
        var visited = Set<DirID>()
        for input in inputs {
            walk(input, explicit: true, items: &items, problems: &problems, visited: &visited, depth: 0)
        }
        var seen = Set<String>()
        items = items.filter { seen.insert($0.key).inserted }.sorted { $0.key < $1.key }
        return Result(items: items, problems: problems)
    }

    /// Splits a file list (from `--files-from`) on NUL if it has any, else on newlines; blank entries are dropped.
    public static func parseFileList(_ data: Data) -> [String] {
        let sep: UInt8 = data.contains(0) ? 0 : UInt8(ascii: "\n")
        return data.split(separator: sep).map { String(decoding: $0, as: UTF8.self) }
            .map { sep == 0 ? $0 : $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
            .filter { !$0.isEmpty }
    }

    private struct DirID: Hashable {
        var dev: UInt64
        var ino: UInt64
    }

    private func walk(_ path: String, explicit: Bool, items: inout [ScanItem], problems: inout [Problem],
                      visited: inout Set<DirID>, depth: Int)
    {
        var st = stat()
        // Explicit inputs may be links; links found inside folders are not followed to folders.
        let rc = explicit ? stat(path, &st) : lstat(path, &st)
        guard rc == 0 else {
            problems.append(Problem(path: path, message: String(cString: strerror(errno))))
            return
        }
        let mode = st.st_mode & S_IFMT
        if mode == S_IFLNK {
            var target = stat()
            if stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG {
                addFile(path, st: target, explicit: false, items: &items, problems: &problems)
            }
            return
        }
        if mode == S_IFDIR {
            guard depth < 256 else {
                problems.append(Problem(path: path, message: "folder nesting deeper than 256"))
                return
            }
            guard visited.insert(DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))).inserted else { return }
            guard let dir = opendir(path) else {
                problems.append(Problem(path: path, message: String(cString: strerror(errno))))
                return
            }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != ".", name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names.sorted() {
                walk(path.hasSuffix("/") ? path + name : path + "/" + name, explicit: false, items: &items,
                     problems: &problems, visited: &visited, depth: depth + 1)
            }
            return
        }
        guard mode == S_IFREG else { return }  // devices, sockets, fifos: never read
        addFile(path, st: st, explicit: explicit, items: &items, problems: &problems)
    }

    private func addFile(_ path: String, st: stat, explicit: Bool, items: inout [ScanItem], problems: inout [Problem]) {
        let ext = (path as NSString).pathExtension.lowercased()
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        if extensions.contains(ext) {
            items.append(ScanItem(path: path, size: Int64(st.st_size), modificationTime: mtime))
            return
        }
        guard openArchives, ["zip", "tar", "tgz", "gz"].contains(ext) || explicit, let kind = ArchiveKind.detect(path: path) else {
            if explicit { items.append(ScanItem(path: path, size: Int64(st.st_size), modificationTime: mtime)) }
            return
        }
        do {
            for m in try kind.members(path: path, limits: archiveLimits) where extensions.contains(m.pathExtension) {
                items.append(ScanItem(path: path, member: m.name, size: m.size, modificationTime: mtime))
            }
        } catch {
            problems.append(Problem(path: path, message: "\(error)"))
        }
    }
}
