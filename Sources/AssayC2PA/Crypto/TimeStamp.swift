internal import COpenSSL
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// RFC 3161 time-stamps for C2PA claim signatures (`sigTst2`): request, fetch, verify.
public enum TimeStamp {
    /// The message imprint C2PA time-stamps for claim v2: SHA-256 of
    /// `["CounterSignature", protected, h'', bstr(bstr(signature))]`.
    public static func imprint(protectedBytes: [UInt8], signature: [UInt8]) -> [UInt8] {
        let payload = CBOR.bytes(signature).encoded()
        return Digest.sha256(
            CBOR.array([
                .text("CounterSignature"), .bytes(protectedBytes), .bytes([]),
                .bytes(payload),
            ]).encoded())
    }

    /// The imprint of a legacy v1 `sigTst` time-stamp: SHA-256 of
    /// `["CounterSignature", protected, h'', claim bytes]` (checked against c2pa-rs output).
    public static func legacyImprint(protectedBytes: [UInt8], payload: [UInt8]) -> [UInt8] {
        Digest.sha256(
            CBOR.array([.text("CounterSignature"), .bytes(protectedBytes), .bytes([]), .bytes(payload)]).encoded())
    }

    /// Builds a DER TimeStampReq (SHA-256 imprint, random nonce, certReq = true).
    static func request(imprint: [UInt8]) throws -> [UInt8] {
        let req = try OpenSSL.check(TS_REQ_new(), "TS_REQ_new")
        defer { TS_REQ_free(req) }
        try OpenSSL.check(TS_REQ_set_version(req, 1), "TS_REQ_set_version")
        let mi = try OpenSSL.check(TS_MSG_IMPRINT_new(), "TS_MSG_IMPRINT_new")
        defer { TS_MSG_IMPRINT_free(mi) }
        let algo = try OpenSSL.check(X509_ALGOR_new(), "X509_ALGOR_new")
        defer { X509_ALGOR_free(algo) }
        X509_ALGOR_set_md(algo, EVP_sha256())
        try OpenSSL.check(TS_MSG_IMPRINT_set_algo(mi, algo), "TS_MSG_IMPRINT_set_algo")
        var imp = imprint
        try OpenSSL.check(TS_MSG_IMPRINT_set_msg(mi, &imp, Int32(imp.count)), "TS_MSG_IMPRINT_set_msg")
        try OpenSSL.check(TS_REQ_set_msg_imprint(req, mi), "TS_REQ_set_msg_imprint")
        var nonceBytes = [UInt8](repeating: 0, count: 8)
        try OpenSSL.check(RAND_bytes(&nonceBytes, 8), "RAND_bytes")
        nonceBytes[0] &= 0x7f
        let bn = nonceBytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, 8, nil) }
        defer { BN_free(bn) }
        let nonce = try OpenSSL.check(BN_to_ASN1_INTEGER(bn, nil), "BN_to_ASN1_INTEGER")
        defer { ASN1_INTEGER_free(nonce) }
        try OpenSSL.check(TS_REQ_set_nonce(req, nonce), "TS_REQ_set_nonce")
        try OpenSSL.check(TS_REQ_set_cert_req(req, 1), "TS_REQ_set_cert_req")
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_TS_REQ(req, &out)
        guard n > 0, let out else { throw C2PAError.cryptoFailure("i2d_TS_REQ failed: \(OpenSSL.errorText())") }
        defer { cossl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// Extracts the TimeStampToken (DER CMS SignedData) from a DER TimeStampResp.
    static func token(fromResponse der: [UInt8]) throws -> [UInt8] {
        let resp: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return d2i_TS_RESP(nil, &p, b.count)
        }
        guard let resp else {
            _ = OpenSSL.errorText()
            throw C2PAError.malformedCOSE("TSA response is not a TimeStampResp")
        }
        defer { TS_RESP_free(resp) }
        let status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)))
        guard status == 0 || status == 1, let tok = TS_RESP_get_token(resp) else {
            throw C2PAError.cryptoFailure("TSA refused the request (PKIStatus \(status))")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_PKCS7(tok, &out)
        guard n > 0, let out else { throw C2PAError.cryptoFailure("i2d_PKCS7 failed: \(OpenSSL.errorText())") }
        defer { cossl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// Fetches a token for `imprint` from an RFC 3161 TSA over HTTP(S) (the only network access).
    public static func fetchToken(url: String, imprint: [UInt8], timeout: TimeInterval = 20) throws -> [UInt8] {
        guard let u = URL(string: url), ["http", "https"].contains(u.scheme ?? "") else {
            throw C2PAError.invalidArgument("TSA URL must be http(s): \(url)")
        }
        var request = URLRequest(url: u, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(try Self.request(imprint: imprint))
        final class Box: @unchecked Sendable {
            var data: Data?
            var error: Error?
            var status = 0
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.data = data
            box.error = error
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            throw C2PAError.ioFailure("TSA \(url) did not answer within \(Int(timeout)) s")
        }
        if let e = box.error { throw C2PAError.ioFailure("TSA \(url): \(e.localizedDescription)") }
        guard box.status == 200, let data = box.data else {
            throw C2PAError.ioFailure("TSA \(url) answered HTTP \(box.status)")
        }
        return try token(fromResponse: Array(data))
    }

    /// The result of checking a time-stamp token.
    struct Verification {
        /// Signature and imprint are correct (the token's own certificates, not trust).
        var validated: Bool
        /// The TSA chains to a trust anchor.
        var trusted: Bool
        /// `genTime` as seconds since the epoch.
        var time: Int64?
        /// Why it failed, if it did.
        var problem: String?
    }

    /// Verifies a token against an imprint; trust is evaluated against `anchors`.
    static func verify(token der: [UInt8], imprint: [UInt8], anchors: [Certificate]) -> Verification {
        let p7: UnsafeMutablePointer<PKCS7>? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return d2i_PKCS7(nil, &p, b.count)
        }
        guard let p7 else {
            _ = OpenSSL.errorText()
            return Verification(validated: false, trusted: false, time: nil, problem: "token is not CMS SignedData")
        }
        defer { PKCS7_free(p7) }
        var time: Int64?
        if let info = PKCS7_to_TS_TST_INFO(p7) {
            defer { TS_TST_INFO_free(info) }
            if let t = TS_TST_INFO_get_time(info) {
                var tm = tm()
                if ASN1_TIME_to_tm(t, &tm) == 1 { time = Int64(timegm(&tm)) }
            }
        }
        // Signature + imprint with the token's own signer certificate as the (partial-chain) anchor.
        var own = [Certificate]()
        if let signers = PKCS7_get0_signers(p7, nil, 0) {
            for i in 0..<cossl_sk_X509_num(signers) {
                if let x = cossl_sk_X509_value(signers, i), X509_up_ref(x) == 1 { own.append(Certificate(owning: x)) }
            }
            cossl_sk_X509_free(signers)
        }
        _ = OpenSSL.errorText()
        let validated = run(p7, imprint: imprint, anchors: own)
        let trusted = validated == nil && !anchors.isEmpty && run(p7, imprint: imprint, anchors: anchors) == nil
        return Verification(validated: validated == nil, trusted: trusted, time: time, problem: validated)
    }

    private static func run(_ p7: UnsafeMutablePointer<PKCS7>, imprint: [UInt8], anchors: [Certificate]) -> String? {
        guard !anchors.isEmpty, let ctx = TS_VERIFY_CTX_new(), let store = X509_STORE_new() else {
            return "no certificate to verify the time-stamp with"
        }
        defer { TS_VERIFY_CTX_free(ctx) }  // frees the store and the imprint copy too
        for a in anchors { _ = X509_STORE_add_cert(store, a.raw) }
        _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        _ = TS_VERIFY_CTX_set_store(ctx, store)
        guard let buf = cossl_malloc(imprint.count)?.assumingMemoryBound(to: UInt8.self) else { return "out of memory" }
        imprint.withUnsafeBufferPointer { buf.update(from: $0.baseAddress!, count: imprint.count) }
        _ = TS_VERIFY_CTX_set_imprint(ctx, buf, imprint.count)
        _ = TS_VERIFY_CTX_set_flags(ctx, Int32(TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT))
        let ok = TS_RESP_verify_token(ctx, p7)
        if ok == 1 { _ = OpenSSL.errorText(); return nil }
        return OpenSSL.errorText()
    }
}
