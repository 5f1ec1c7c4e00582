/// C2PA validation status codes, verbatim as c2pa-rs names them.
public enum StatusCode {
    /// The claim signature verified.
    public static let claimSignatureValidated = "claimSignature.validated"
    /// The signing time is within the certificate's validity.
    public static let claimSignatureInsideValidity = "claimSignature.insideValidity"
    /// The signing time is outside the certificate's validity.
    public static let claimSignatureOutsideValidity = "claimSignature.outsideValidity"
    /// The claim signature did not verify.
    public static let claimSignatureMismatch = "claimSignature.mismatch"
    /// The claim signature box is missing.
    public static let claimSignatureMissing = "claimSignature.missing"
    /// The signer chains to a trust anchor.
    public static let signingCredentialTrusted = "signingCredential.trusted"
    /// The signer does not chain to a trust anchor (tolerated: state stays Valid).
    public static let signingCredentialUntrusted = "signingCredential.untrusted"
    /// The signing certificate does not meet the profile.
    public static let signingCredentialInvalid = "signingCredential.invalid"
    /// The signing certificate expired.
    public static let signingCredentialExpired = "signingCredential.expired"
    /// The signing certificate was revoked (here: by a certificate revocation list from its issuer).
    public static let signingCredentialRevoked = "signingCredential.revoked"
    /// Assay's own (informational): the signing certificate is on none of the issuer's revocation lists given.
    public static let assayNotRevoked = "assay.crl.notRevoked"
    /// OCSP was not checked.
    public static let signingCredentialOCSPSkipped = "signingCredential.ocsp.skipped"
    /// A hashed URI matched.
    public static let assertionHashedURIMatch = "assertion.hashedURI.match"
    /// A hashed URI did not match.
    public static let assertionHashedURIMismatch = "assertion.hashedURI.mismatch"
    /// A referenced assertion is missing.
    public static let assertionMissing = "assertion.missing"
    /// An assertion is in the store but not referenced by the claim.
    public static let assertionUndeclared = "assertion.undeclared"
    /// The BMFF hash matched.
    public static let assertionBMFFHashMatch = "assertion.bmffHash.match"
    /// The BMFF hash did not match.
    public static let assertionBMFFHashMismatch = "assertion.bmffHash.mismatch"
    /// The BMFF hash assertion is malformed.
    public static let assertionBMFFHashMalformed = "assertion.bmffHash.malformed"
    /// The BMFF hash excludes more than the mandatory boxes (informational).
    public static let assertionBMFFHashAdditionalExclusions = "assertion.bmffHash.additionalExclusionsPresent"
    /// An actions assertion is malformed.
    public static let assertionActionMalformed = "assertion.action.malformed"
    /// The claim is malformed.
    public static let claimMalformed = "claim.malformed"
    /// The claim has no hard binding.
    public static let claimHardBindingsMissing = "claim.hardBindings.missing"
    /// More than one hard binding.
    public static let assertionMultipleHardBindings = "assertion.multipleHardBindings"
    /// Algorithm not supported.
    public static let algorithmUnsupported = "algorithm.unsupported"
    /// An ingredient's manifest validated (hashed URI to its claim signature matched).
    public static let ingredientManifestValidated = "ingredient.manifest.validated"
    /// An ingredient's claim signature validated.
    public static let ingredientClaimSignatureValidated = "ingredient.claimSignature.validated"
    /// An ingredient's manifest is missing from the store.
    public static let ingredientManifestMissing = "ingredient.manifest.missing"
    /// An ingredient's claim signature hash does not match.
    public static let ingredientClaimSignatureMismatch = "ingredient.claimSignature.mismatch"
    /// The time-stamp token's signature and imprint verified.
    public static let timeStampValidated = "timeStamp.validated"
    /// The time-stamp authority chains to a trust anchor.
    public static let timeStampTrusted = "timeStamp.trusted"
    /// The time-stamp authority does not chain to a trust anchor.
    public static let timeStampUntrusted = "timeStamp.untrusted"
    /// The time-stamp does not match the signature.
    public static let timeStampMismatch = "timeStamp.mismatch"
    /// The time-stamp token cannot be read.
    public static let timeStampMalformed = "timeStamp.malformed"
    /// The manifest store could not be read at all (Assay-specific: c2pa-rs throws instead).
    public static let manifestMalformed = "manifest.malformed"
    /// Assay's own informational code (not c2pa-rs's): the manifest was validated detached from its
    /// asset (recovered by watermark), so the hard binding was not checked.
    public static let hardBindingNotChecked = "assay.hardBinding.notChecked"

    /// Failure codes that do not make the state Invalid.
    public static let tolerated: Set<String> = [signingCredentialUntrusted]
}
