import AssayCore
import Foundation

/// Reads a small JSON model file with a size bound, mapping every failure to a ``ClassifierError``
/// that names the file (and, for JSON syntax errors, the byte offset when Foundation reports one).
enum ModelFiles {
    /// Model files are small; anything larger is refused before it is read into memory.
    static let maximumFileSize = 8 << 20

    static func decode<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
        let location = InputLocation(path: path)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ClassifierError.modelNotFound("cannot read \(path)", location: location)
        }
        if let size = attributes[.size] as? NSNumber, size.intValue > maximumFileSize {
            throw ClassifierError.malformedModel(
                "file is \(size.intValue) bytes, more than the \(maximumFileSize) allowed", location: location)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ClassifierError.modelNotFound("cannot open \(path)", location: location)
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw ClassifierError.modelNotFound("cannot read \(path): \(error)", location: location)
        }
        guard data.count <= maximumFileSize else {
            throw ClassifierError.malformedModel(
                "file grew past \(maximumFileSize) bytes while reading", location: location)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let offset = (context.underlyingError as NSError?)?.userInfo["NSJSONSerializationErrorIndex"] as? Int
            throw ClassifierError.malformedModel(
                "not valid JSON: \(context.debugDescription)", location: location.at(Int64(offset ?? 0)))
        } catch {
            throw ClassifierError.malformedModel("unexpected JSON shape: \(error)", location: location)
        }
    }

    static func requireFinite(_ values: [Double], _ what: String, path: String) throws {
        guard values.allSatisfy(\.isFinite) else {
            throw ClassifierError.malformedModel(
                "\(what) holds a non-finite value", location: InputLocation(path: path))
        }
    }
}
